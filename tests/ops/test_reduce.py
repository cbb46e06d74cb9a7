"""Sum and max: gradient checks over axes and keepdim, max routed to the maximum (kinks where the
top two values are close excluded), ties as documented."""
import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_cnn as tg
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf, random_arrays, small_shapes


@st.composite
def array_and_axes(draw, single_axis=False):
    x = draw(small_shapes(1, 4).flatmap(random_arrays))
    axes = st.integers(-x.ndim, x.ndim - 1)
    if single_axis:
        dim = draw(st.none() | axes)
    else:
        dim = draw(st.none() | axes | st.lists(st.integers(0, x.ndim - 1), min_size=1, unique=True).map(tuple))
    return x, dim, draw(st.booleans())


def top_two_gap(x, dim):
    """Smallest difference between the largest and the second-largest value of each reduced slice."""
    flat = x.reshape(-1, 1) if dim is None else np.moveaxis(x, dim, -1).reshape(-1, x.shape[dim])
    if flat.shape[-1] < 2 and dim is not None or x.size < 2:
        return np.inf
    ordered = np.sort(x.reshape(-1) if dim is None else flat, axis=-1)
    return float(np.min(ordered[..., -1] - ordered[..., -2]))


@gradchecks(ops.Sum)
@given(case=array_and_axes())
def test_sum_gradcheck(case):
    x, dim, keepdim = case
    check_gradients(lambda t: t.sum(dim, keepdim), (leaf(x),), ops.Sum)


@gradchecks(ops.Max)
@given(case=array_and_axes(single_axis=True))
def test_max_gradcheck(case):
    x, dim, keepdim = case
    assume(top_two_gap(x, dim) > 1e-3)  # the max is a kink where two values tie
    fn = (lambda t: ops.Max.apply(t, axis=None if dim is None else dim % x.ndim, keepdims=keepdim))
    check_gradients(fn, (leaf(x),), ops.Max)


@given(case=array_and_axes())
def test_sum_and_mean_values_and_gradients(case):
    x, dim, keepdim = case
    t = leaf(x)
    axes = dim if dim is None or isinstance(dim, tuple) else (dim,)
    np.testing.assert_allclose(t.sum(dim, keepdim).array, x.sum(axis=axes, keepdims=keepdim))
    m = t.mean(dim, keepdim)
    np.testing.assert_allclose(m.array, x.mean(axis=axes, keepdims=keepdim))
    m.sum().backward()
    np.testing.assert_allclose(t.grad.array, np.full(x.shape, m.array.size / x.size))


@given(case=array_and_axes(single_axis=True))
def test_max_gradient_goes_to_one_entry_per_slice(case):
    x, dim, keepdim = case
    t = leaf(x)
    y = t.max() if dim is None else t.max(dim, keepdim).values
    y.sum().backward()
    assert np.count_nonzero(t.grad.array) == y.array.size
    np.testing.assert_allclose(t.grad.array.sum(), y.array.size)
    # the one entry of each slice that receives the gradient holds the slice's maximum
    np.testing.assert_array_equal((t.grad.array * x).sum(axis=dim), x.max(axis=dim))


def test_max_with_dim_returns_values_and_indices_like_torch():
    x = leaf([[1.0, 5.0, 5.0], [7.0, 0.0, 7.0]])
    values, indices = x.max(1)
    np.testing.assert_array_equal(values.array, [5.0, 7.0])
    np.testing.assert_array_equal(indices.array, [1, 0])        # the first maximum
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.array, [[0, 1, 0], [1, 0, 0]])


def test_full_max_splits_ties_equally_like_torch_amax():
    x = leaf([1.0, 3.0, 3.0])
    x.max().backward()
    np.testing.assert_array_equal(x.grad.array, [0.0, 0.5, 0.5])


def test_min_is_max_of_the_negation():
    x = leaf([[2.0, -1.0], [0.5, 4.0]])
    values, indices = x.min(0)
    np.testing.assert_array_equal(values.array, [0.5, -1.0])
    np.testing.assert_array_equal(indices.array, [1, 0])
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.array, [[0, 1], [1, 0]])


def test_sum_gradient_is_a_fresh_writable_array():
    x = leaf(np.ones((2, 3)))
    x.sum().backward()
    x.sum().backward()  # accumulating into a broadcast (read-only) view would fail here
    np.testing.assert_array_equal(x.grad.array, np.full((2, 3), 2.0))
    assert isinstance(x.grad, tg.Tensor)


def test_max_of_everything_sends_the_gradient_to_the_nans_when_the_max_is_nan():
    x = leaf([[1.0, np.nan], [np.nan, 5.0]])
    y = x.max()
    assert np.isnan(y.item())
    y.backward()
    np.testing.assert_array_equal(x.grad.array, [[0.0, 0.5], [0.5, 0.0]])
