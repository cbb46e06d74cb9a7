"""Element-wise arithmetic: gradient checks over broadcastable shapes, broadcast gradients summed
back to each input's shape, and values against numpy."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_cnn as tg
from tinygrad_cnn import ops
from strategies import FLOATS, POSITIVE, arrays, check_gradients, gradchecks, leaf, small_shapes

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
        assume(np.all(np.abs(b.data) > 0.5))  # 1/b is steep near 0: keep finite differences exact
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
    np.testing.assert_allclose(t.grad.data, exponent * x ** (exponent - 1))


@given(pair=broadcast_pair(), op=st.sampled_from(list(BINARY)))
def test_broadcast_gradients_sum_to_the_input_shape(pair, op):
    a, b = pair
    assume(op is not ops.Div or np.all(np.abs(b.data) > 0.5))
    y = BINARY[op](a, b)
    dy = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(tg.Tensor(dy))
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    # For + the gradient of each input is dy summed over the axes that broadcasting stretched.
    if op is ops.Add:
        lead = dy.ndim - a.ndim
        expected = dy.sum(axis=tuple(range(lead)))
        expected = expected.sum(axis=tuple(i for i, s in enumerate(a.shape) if s == 1), keepdims=True)
        np.testing.assert_allclose(a.grad.data, expected.reshape(a.shape))


def test_broadcast_example():
    a = leaf(np.ones((3, 1)))
    b = leaf(np.arange(4.0))
    (a * b).sum().backward()
    np.testing.assert_allclose(a.grad.data, np.full((3, 1), 6.0))   # 0 + 1 + 2 + 3
    np.testing.assert_allclose(b.grad.data, np.full(4, 3.0))        # three rows of ones


@pytest.mark.parametrize("fn, reference", [
    (lambda a, b: a + b, np.add), (lambda a, b: a - b, np.subtract),
    (lambda a, b: a * b, np.multiply), (lambda a, b: a / b, np.divide),
    (lambda a, b: 2.0 - a, lambda a, b: 2.0 - a), (lambda a, b: 3.0 / b, lambda a, b: 3.0 / b),
])
def test_values_match_numpy(fn, reference):
    a, b = np.array([[1.5, -2.0, 3.0]]), np.array([[2.0], [-4.0]])
    np.testing.assert_allclose(fn(tg.Tensor(a), tg.Tensor(b)).data, reference(a, b))


def test_gradient_of_a_constant_operand_is_not_computed():
    x = leaf([1.0, 2.0])
    c = tg.Tensor(np.array([3.0, 4.0]))
    (x * c).sum().backward()
    assert c.grad is None
    np.testing.assert_allclose(x.grad.data, [3.0, 4.0])
