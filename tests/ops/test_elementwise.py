"""Element-wise arithmetic: gradient checks over broadcastable shapes, broadcast gradients summed
back to each input's shape, and values against numpy."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_cnn as tg
from tinygrad_cnn import ops
from tests.strategies import FLOATS, POSITIVE, arrays, check_gradients, gradchecks, leaf, small_shapes

BINARY = {ops.Add: lambda a, b: a + b, ops.Sub: lambda a, b: a - b,
          ops.Mul: lambda a, b: a * b, ops.Div: lambda a, b: a / b}
UNARY = {ops.Neg: (lambda x: -x, FLOATS), ops.Exp: (lambda x: x.exp(), FLOATS),
         ops.Log: (lambda x: x.log(), POSITIVE), ops.Sqrt: (lambda x: x.sqrt(), POSITIVE)}


@st.composite
def broadcast_pair(draw):
    """Two float64 leaves whose shapes broadcast against each other (size-1 and missing axes)."""
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
    a, b = (draw(arrays(shape)) for shape in shapes.input_shapes)
    return leaf(a), leaf(b)


@gradchecks(ops.Add, ops.Sub, ops.Mul, ops.Div)
@given(op=st.sampled_from(list(BINARY)), pair=broadcast_pair())
def test_binary_ops_gradcheck(op, pair):
    a, b = pair
    if op is ops.Div:
        assume(np.all(np.abs(b.array) > 0.5))  # 1/b is steep near 0: keep finite differences exact
    check_gradients(BINARY[op], (a, b), op)


@gradchecks(ops.Neg, ops.Exp, ops.Log, ops.Sqrt)
@given(op=st.sampled_from(list(UNARY)), data=st.data())
def test_unary_ops_gradcheck(op, data):
    fn, domain = UNARY[op]
    x = data.draw(arrays(data.draw(small_shapes(0, 3)), domain))
    check_gradients(fn, (leaf(x),), op)


@gradchecks(ops.Pow)
@given(exponent=st.sampled_from([2, 3, -1, 0.5, 1.5, -2.5, 0]), x=arrays((2, 3), POSITIVE))
def test_pow_gradcheck(exponent, x):
    check_gradients(lambda t: t ** exponent, (leaf(x),), ops.Pow)


@given(x=arrays((3, 2)), exponent=st.sampled_from([2, 3]))
def test_integer_powers_of_negative_bases(x, exponent):
    t = leaf(x)
    (t ** exponent).sum().backward()
    np.testing.assert_allclose(t.grad.array, exponent * x ** (exponent - 1))


@given(pair=broadcast_pair(), op=st.sampled_from(list(BINARY)))
def test_broadcast_gradients_sum_to_the_input_shape(pair, op):
    a, b = pair
    assume(op is not ops.Div or np.all(np.abs(b.array) > 0.5))
    y = BINARY[op](a, b)
    dy = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(tg.Tensor(dy))
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    # For + the gradient of each input is dy summed over the axes that broadcasting stretched.
    if op is ops.Add:
        lead = dy.ndim - a.ndim
        expected = dy.sum(axis=tuple(range(lead)))
        expected = expected.sum(axis=tuple(i for i, s in enumerate(a.shape) if s == 1), keepdims=True)
        np.testing.assert_allclose(a.grad.array, expected.reshape(a.shape))


def test_broadcast_example():
    a = leaf(np.ones((3, 1)))
    b = leaf(np.arange(4.0))
    (a * b).sum().backward()
    np.testing.assert_allclose(a.grad.array, np.full((3, 1), 6.0))   # 0 + 1 + 2 + 3
    np.testing.assert_allclose(b.grad.array, np.full(4, 3.0))        # three rows of ones


@pytest.mark.parametrize("fn, reference", [
    (lambda a, b: a + b, np.add), (lambda a, b: a - b, np.subtract),
    (lambda a, b: a * b, np.multiply), (lambda a, b: a / b, np.divide),
    (lambda a, b: 2.0 - a, lambda a, b: 2.0 - a), (lambda a, b: 3.0 / b, lambda a, b: 3.0 / b),
])
def test_values_match_numpy(fn, reference):
    a, b = np.array([[1.5, -2.0, 3.0]]), np.array([[2.0], [-4.0]])
    np.testing.assert_allclose(fn(tg.Tensor(a), tg.Tensor(b)).array, reference(a, b))


def test_gradient_of_a_constant_operand_is_not_computed():
    x = leaf([1.0, 2.0])
    c = tg.Tensor(np.array([3.0, 4.0]))
    (x * c).sum().backward()
    assert c.grad is None
    np.testing.assert_allclose(x.grad.array, [3.0, 4.0])


@gradchecks(ops.Abs)
@given(x=small_shapes(0, 3).flatmap(arrays))
def test_abs_gradcheck(x):
    assume(np.all(np.abs(x) > 1e-3))  # the kink at 0
    check_gradients(lambda t: t.abs(), (leaf(x),), ops.Abs)


def test_abs_derivative_at_zero_is_zero():
    x = leaf([-2.0, 0.0, 3.0])
    abs(x).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [-1.0, 0.0, 1.0])


@gradchecks(ops.Clamp)
@given(x=small_shapes(0, 3).flatmap(arrays),
       bounds=st.sampled_from([(-1.0, 1.0), (None, 0.5), (-0.5, None), (0.0, 0.0)]))
def test_clamp_gradcheck(x, bounds):
    low, high = bounds
    assume(all(b is None or np.all(np.abs(x - b) > 1e-3) for b in bounds))  # kinks at the bounds
    check_gradients(lambda t: t.clamp(low, high), (leaf(x),), ops.Clamp)


def test_clamp_values_and_gradient_on_the_bounds():
    x = leaf([-2.0, -1.0, 0.5, 1.0, 2.0, np.nan])
    y = x.clamp(-1.0, 1.0)
    np.testing.assert_array_equal(y.array, [-1.0, -1.0, 0.5, 1.0, 1.0, np.nan])
    y.sum().backward()
    # a value sitting on a bound passes its gradient (PyTorch's inclusive rule); NaN passes none
    np.testing.assert_array_equal(x.grad.array, [0.0, 1.0, 1.0, 1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="at least one of min and max"):
        x.clamp()


@gradchecks(ops.Where)
@given(pair=broadcast_pair(), seed=st.integers(0, 2**16))
def test_where_gradcheck(pair, seed):
    a, b = pair
    shape = np.broadcast_shapes(a.shape, b.shape)
    condition = tg.Tensor(np.random.default_rng(seed).random(shape) < 0.5)
    check_gradients(lambda x, y: tg.where(condition, x, y), (a, b), ops.Where)


def test_where_routes_each_gradient_to_the_chosen_side():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([10.0])
    y = tg.where(tg.tensor([True, False, True]), a, b)
    np.testing.assert_array_equal(y.array, [1.0, 10.0, 3.0])
    y.backward(tg.Tensor(np.array([1.0, 2.0, 3.0])))
    np.testing.assert_array_equal(a.grad.array, [1.0, 0.0, 3.0])
    np.testing.assert_array_equal(b.grad.array, [2.0])  # broadcast side: the sum of its picks


def test_where_gives_the_unchosen_side_an_exact_zero_even_for_inf_or_nan_gradients():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    tg.where(tg.tensor([True, False]), a, b).backward(tg.Tensor(np.array([np.inf, np.nan])))
    np.testing.assert_array_equal(a.grad.array, [np.inf, 0.0])   # not inf * 0 = nan
    np.testing.assert_array_equal(b.grad.array, [0.0, np.nan])


def test_maximum_and_minimum_split_the_gradient_on_ties():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([3.0, 2.0, 1.0])
    (tg.maximum(a, b) + 10 * tg.minimum(a, b)).sum().backward()
    np.testing.assert_array_equal(a.grad.array, [10.0, 5.5, 1.0])
    np.testing.assert_array_equal(b.grad.array, [1.0, 5.5, 10.0])


@gradchecks(ops.Power)
@given(pair=broadcast_pair())
def test_tensor_power_gradcheck(pair):
    base, exponent = pair
    base = leaf(np.abs(base.array) + 0.5)  # a positive base: real powers for any exponent
    check_gradients(lambda a, b: a ** b, (base, exponent), ops.Power)


def test_powers_at_zero_follow_pytorch():
    x = leaf([0.0, 1.0])
    (x ** 0).sum().backward()                             # d(x^0)/dx = 0, even at x = 0
    np.testing.assert_array_equal(x.grad.array, [0.0, 0.0])
    base, exponent = leaf([0.0, 0.0, 2.0, -2.0]), leaf([2.0, 0.0, 1.0, 2.0])
    y = base ** exponent                                  # a real power, not e^(b ln a)
    np.testing.assert_array_equal(y.array, [0.0, 1.0, 2.0, 4.0])
    y.sum().backward()
    np.testing.assert_array_equal(base.grad.array, [0.0, 0.0, 1.0, -4.0])
    np.testing.assert_allclose(exponent.grad.array[:3], [0.0, 0.0, 2 * np.log(2)])
    assert np.isnan(exponent.grad.array[3])               # ln(-2)
    t = leaf([0.0, 1.0])
    y = 0 ** t                                           # 0^0 = 1, 0^1 = 0
    np.testing.assert_array_equal(y.array, [1.0, 0.0])
    y.sum().backward()
    np.testing.assert_array_equal(t.grad.array, [0.0, 0.0])


@gradchecks(ops.Cast)
def test_cast_passes_the_gradient_back_in_the_input_dtype():
    for source, target in ((np.float64, np.float32), (np.float32, np.float64)):
        x = tg.Tensor(np.array([1.5, -2.0], dtype=source), requires_grad=True)
        y = x.to(target)
        assert y.dtype == target
        (y * 3).sum().backward()
        assert x.grad.dtype == source
        np.testing.assert_array_equal(x.grad.detach().numpy(), [3.0, 3.0])


def test_result_dtypes_follow_pytorchs_promotion():
    ints, floats = tg.tensor([1, 2]), tg.tensor([1.0, 2.0])             # int64, float32
    doubles = tg.tensor([1.0, 2.0], dtype=tg.float64)
    scalar_double = tg.tensor(1.0, dtype=tg.float64)                    # a 0-d tensor
    cases = [(ints / 2, np.float32), (ints / ints, np.float32), (ints * 1.5, np.float32),
             (1 / ints, np.float32), (ints + floats, np.float32), (ints + doubles, np.float64),
             (floats + doubles, np.float64), (floats + scalar_double, np.float32),
             (ints + scalar_double, np.float64), (ints + 1, np.int64), (ints ** 2, np.int64),
             (ints ** 0.5, np.float32), (2.0 ** ints, np.float32), (doubles * 1.5, np.float64),
             (tg.tensor([True, False]) + 1.5, np.float32)]
    for result, dtype in cases:
        assert result.dtype == dtype
