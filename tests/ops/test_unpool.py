"""max_unpool2d: the gradient check (indices from a real max_pool2d, so distinct in each plane),
the round trip with max_pool2d, the default output size, and the gather in backward."""
import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf, random_arrays


@st.composite
def tiling_pools(draw):
    """(x, kernel, stride, padding) of a max-pool whose windows do not overlap (stride >=
    kernel), so no input wins two windows and the indices of a plane are distinct."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = tuple(draw(st.integers(k, 3)) for k in kernel)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    H, W = (draw(st.integers(max(1, k - 2 * p), 7)) for k, p in zip(kernel, padding))
    x = draw(random_arrays((draw(st.integers(1, 2)), draw(st.integers(1, 2)), H, W)))
    return x, kernel, stride, padding


def _fits(size, pooled, kernel, stride, padding):
    default = (pooled - 1) * stride - 2 * padding + kernel
    return default - stride < size < default + stride


@gradchecks(ops.MaxUnpool2d, F.max_unpool2d)
@given(tiling_pools(), st.integers(0, 2**32 - 1))
def test_max_unpool2d_gradient_matches_finite_differences(pool, seed):
    x, kernel, stride, padding = pool
    pooled, indices = F.max_pool2d(tg.Tensor(x), kernel, stride, padding, return_indices=True)
    assume(all(_fits(s, p, k, st_, pd) for s, p, k, st_, pd in
               zip(x.shape[2:], pooled.shape[2:], kernel, stride, padding)))
    values = np.random.default_rng(seed).uniform(-3, 3, pooled.shape)
    check_gradients(lambda t: F.max_unpool2d(t, indices, kernel, stride, padding, x.shape),
                    (leaf(values),), ops.MaxUnpool2d)


@given(tiling_pools())
def test_unpooling_the_pooled_maxima_puts_each_back_in_place(pool):
    x, kernel, stride, padding = pool
    pooled, indices = F.max_pool2d(tg.Tensor(x), kernel, stride, padding, return_indices=True)
    assume(all(_fits(s, p, k, st_, pd) for s, p, k, st_, pd in
               zip(x.shape[2:], pooled.shape[2:], kernel, stride, padding)))
    y = F.max_unpool2d(pooled, indices, kernel, stride, padding, output_size=x.shape).detach().numpy()
    kept = y != 0
    np.testing.assert_array_equal(y[kept], x[kept])       # the maxima, where they were
    assert kept.sum() == pooled.array.size                 # and nothing else


def test_max_unpool2d_default_size_and_gather_backward():
    x = tg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=tg.float64, requires_grad=True)
    indices = tg.tensor([[[[0, 3], [9, 15]]]])
    y = F.max_unpool2d(x, indices, 2)  # default (2 - 1)*2 - 0 + 2 = 4
    expected = np.zeros(16)
    expected[[0, 3, 9, 15]] = [1, 2, 3, 4]
    np.testing.assert_array_equal(y.detach().numpy().ravel(), expected)
    y.backward(tg.tensor(np.arange(16.0).reshape(1, 1, 4, 4), dtype=tg.float64))
    np.testing.assert_array_equal(x.grad.detach().numpy().ravel(), [0, 3, 9, 15])
    assert F.max_unpool2d(x[0], indices[0], 2, output_size=(5, 5)).shape == (1, 5, 5)
