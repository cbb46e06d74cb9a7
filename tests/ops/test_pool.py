"""max_pool2d and avg_pool2d: gradient checks, argmax routing (one input per window, first max on
ties, overlaps add), even spreading, the output-size formula, and the lecture's worked numbers."""
import numpy as np
import pytest
from hypothesis import assume, given

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tinygrad_cnn.ops._windows import output_size, sliding_windows
from hypothesis import strategies as st

from tests.strategies import check_gradients, gradchecks, leaf, pool_geometry

SEEDS = st.integers(0, 2**32 - 1)


def uniform(shape, seed=0):
    return np.random.default_rng(seed).uniform(-3, 3, shape)


def _window_gap(x, kernel, stride, padding, dilation, ceil_mode):
    """Smallest gap between the two largest values of any window (inf-padded like the op)."""
    N, C, H, W = x.shape
    Ho = output_size(H, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    Wo = output_size(W, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0] + kernel[0] * dilation[0] + stride[0]),
                    (padding[1], padding[1] + kernel[1] * dilation[1] + stride[1])),
                constant_values=-np.inf)
    windows = sliding_windows(xp, kernel, stride, dilation)[:, :, :Ho, :Wo].reshape(N, C, Ho, Wo, -1)
    if windows.shape[-1] == 1:
        return np.inf
    top2 = np.sort(windows, axis=-1)[..., -2:]
    with np.errstate(invalid="ignore"):  # a window all in padding: -inf - -inf = nan, rejected
        return np.min(top2[..., 1] - top2[..., 0])


@gradchecks(ops.MaxPool2d, F.max_pool2d)
@given(pool_geometry(), SEEDS)
def test_max_pool2d_gradient_matches_finite_differences(geometry, seed):
    N, C, H, W, kernel, stride, padding, dilation, ceil_mode = geometry
    x = uniform((N, C, H, W), seed)
    assume(_window_gap(x, kernel, stride, padding, dilation, ceil_mode) > 1e-3)  # no kinks
    check_gradients(lambda t: F.max_pool2d(t, kernel, stride, padding, dilation, ceil_mode),
                    (leaf(x),), ops.MaxPool2d)


@gradchecks(ops.AvgPool2d, F.avg_pool2d)
@given(pool_geometry(dilation=False), SEEDS)
def test_avg_pool2d_gradient_matches_finite_differences(geometry, seed):
    N, C, H, W, kernel, stride, padding, _, ceil_mode = geometry
    x = uniform((N, C, H, W), seed)
    for include in (True, False):
        check_gradients(lambda t: F.avg_pool2d(t, kernel, stride, padding, ceil_mode, include),
                        (leaf(x),), ops.AvgPool2d)


@given(pool_geometry())
def test_max_pool2d_output_size_follows_the_floor_formula(geometry):
    N, C, H, W, kernel, stride, padding, dilation, ceil_mode = geometry
    y = F.max_pool2d(tg.Tensor(uniform((N, C, H, W))), kernel, stride, padding, dilation, False)
    expected = tuple((size + 2 * p - d * (k - 1) - 1) // s + 1
                     for size, k, s, p, d in zip((H, W), kernel, stride, padding, dilation))
    assert y.shape == (N, C) + expected


@given(pool_geometry(), SEEDS)
def test_max_pool2d_sends_each_upstream_gradient_to_exactly_one_input(geometry, seed):
    N, C, H, W, kernel, stride, padding, dilation, ceil_mode = geometry
    x = leaf(uniform((N, C, H, W), seed))
    y = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
    dy = np.random.default_rng(0).uniform(1, 2, y.shape)  # positive: contributions cannot cancel
    y.backward(tg.Tensor(dy))
    # A dilated window can fall entirely on padding: its max is -inf and, as in PyTorch, its
    # gradient reaches no input. Every other window's dy lands, whole, on one input.
    inside = np.isfinite(y.array)
    assert np.isclose(x.grad.array.sum(), dy[inside].sum())
    # each window's dy lands on an input holding that window's max value
    winners = x.grad.array != 0
    assert np.isin(y.array[inside], x.array[winners]).all()


def test_max_pool2d_window_entirely_in_padding_gives_minus_inf_and_no_gradient():
    x = leaf(np.array([[[[0.82]]]]))  # the one window reads columns -1 and +1: both padding
    y = F.max_pool2d(x, (1, 2), stride=1, padding=(0, 1), dilation=(1, 2))
    y.sum().backward()
    assert y.array.item() == -np.inf and x.grad.array.item() == 0  # PyTorch gives the same


def test_max_pool2d_ties_go_to_the_first_maximum_only():
    x = leaf(np.ones((1, 1, 2, 2)))
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.array[0, 0], [[1, 0], [0, 0]])


def test_max_pool2d_overlapping_windows_add_their_gradients():
    x = leaf(np.array([[[[0, 0, 0], [0, 9, 0], [0, 0, 0]]]], dtype=np.float64))
    F.max_pool2d(x, 2, stride=1).sum().backward()  # the centre wins all four windows
    assert x.grad.array[0, 0, 1, 1] == 4 and x.grad.array.sum() == 4


def test_avg_pool2d_spreads_each_gradient_evenly_over_its_window():
    x = leaf(uniform((1, 1, 4, 4)))
    F.avg_pool2d(x, 2).backward(tg.Tensor(np.arange(4.0).reshape(1, 1, 2, 2)))
    np.testing.assert_allclose(x.grad.array[0, 0], np.kron(np.arange(4.0).reshape(2, 2), np.ones((2, 2))) / 4)


def test_seed_max_pooling_example():
    x = tg.tensor([[[[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]]], dtype=np.float32)
    np.testing.assert_array_equal(F.max_pool2d(x, 2, 2).numpy()[0, 0], [[6, 8], [3, 4]])


def test_seed_pooled_x_map():
    """Seed 000: the 7x7 filtered map of the X, max-pooled 2x2 with stride 2 (the last window
    hangs over the edge, hence ceil_mode), gives its 4x4 pooled map."""
    filtered = np.array([
        [0.77, -0.11, 0.11, 0.33, 0.55, -0.11, 0.33],
        [-0.11, 1.00, -0.11, 0.33, -0.11, 0.11, -0.11],
        [0.11, -0.11, 1.00, -0.33, 0.11, -0.11, 0.55],
        [0.33, 0.33, -0.33, 0.55, -0.33, 0.33, 0.33],
        [0.55, -0.11, 0.11, -0.33, 1.00, -0.11, 0.11],
        [-0.11, 0.11, -0.11, 0.33, -0.11, 1.00, -0.11],
        [0.33, -0.11, 0.55, 0.33, 0.11, -0.11, 0.77]])
    pooled = F.max_pool2d(tg.tensor(filtered[None, None]), 2, 2, ceil_mode=True).detach().numpy()[0, 0]
    np.testing.assert_allclose(pooled, [[1.00, 0.33, 0.55, 0.33], [0.33, 1.00, 0.33, 0.55],
                                        [0.55, 0.33, 1.00, 0.11], [0.33, 0.55, 0.11, 0.77]], atol=1e-6)


@pytest.mark.parametrize("padding, include, expected", [
    (1, True, [[4 / 9, 4 / 9], [4 / 9, 4 / 9]]), (1, False, [[1, 1], [1, 1]])])
def test_avg_pool2d_count_include_pad(padding, include, expected):
    x = tg.ones(1, 1, 3, 3)
    y = F.avg_pool2d(x, 3, stride=2, padding=padding, count_include_pad=include)
    np.testing.assert_allclose(y.detach().numpy()[0, 0], expected, rtol=1e-6)


# -- return_indices and adaptive_max_pool2d ---------------------------------------------------------
@given(pool_geometry(), SEEDS)
def test_max_pool2d_indices_point_at_each_windows_winner(geometry, seed):
    N, C, H, W, kernel, stride, padding, dilation, ceil_mode = geometry
    x = uniform((N, C, H, W), seed)
    y, indices = F.max_pool2d(tg.Tensor(x), kernel, stride, padding, dilation, ceil_mode,
                              return_indices=True)
    assert indices.dtype == np.int64 and indices.shape == y.shape and not indices.requires_grad
    # A (dilated) window all in padding has no winner; like PyTorch, its index may then lie
    # outside the plane. Every other index names an input holding the window's maximum.
    finite = np.isfinite(y.array)
    inner = indices.array[finite]
    assert ((0 <= inner) & (inner < H * W)).all()
    np.testing.assert_array_equal(x.reshape(N, C, -1)[np.nonzero(finite)[:2] + (inner,)],
                                  y.array[finite])


def test_max_pool2d_return_indices_keeps_the_gradient_and_the_first_maximum():
    x = leaf(np.array([[[[1, 3, 3, 0], [3, 2, 0, 0], [5, 5, 1, 7], [5, 0, 7, 2]]]], dtype=np.float64))
    y, indices = F.max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(indices.detach().numpy()[0, 0], [[1, 2], [8, 11]])  # first max on ties
    y.sum().backward()
    expected = np.zeros(16)
    expected[[1, 2, 8, 11]] = 1
    np.testing.assert_array_equal(x.grad.detach().numpy().ravel(), expected)
    assert F.max_pool2d(tg.tensor(x.detach().numpy()[0]), 2, return_indices=True)[1].shape == (1, 2, 2)


def test_max_pool2d_indices_of_a_window_without_a_finite_value_name_its_first_inner_cell():
    x = tg.tensor(np.full((1, 1, 3, 3), -np.inf), requires_grad=True)  # every maximum is -inf
    y, indices = F.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    np.testing.assert_array_equal(indices.detach().numpy()[0, 0], [[0, 1], [3, 4]])
    y.sum().backward()  # the gradient goes where the index points, not to a padding tap
    np.testing.assert_array_equal(x.grad.detach().numpy()[0, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def _distinct(shape, seed):
    """Values 0.01 apart in random order: no window has a tie or a near-tie (no kink)."""
    return np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape) * 0.01


@gradchecks(F.adaptive_max_pool2d)
@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 4), st.integers(1, 4), SEEDS)
def test_adaptive_max_pool2d_gradient_matches_finite_differences(H, W, Ho, Wo, seed):
    x = _distinct((2, 2, H, W), seed)
    op = ops.MaxPool2d if H % Ho == 0 and W % Wo == 0 else ops.GetItem
    check_gradients(lambda t: F.adaptive_max_pool2d(t, (Ho, Wo)), (leaf(x),), op)


@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 5), st.integers(1, 5), SEEDS)
def test_adaptive_max_pool2d_takes_the_max_of_pytorchs_windows(H, W, Ho, Wo, seed):
    x = uniform((1, 2, H, W), seed)
    y, indices = F.adaptive_max_pool2d(tg.Tensor(x), (Ho, Wo), return_indices=True)
    for i in range(Ho):
        for j in range(Wo):
            rows = slice(i * H // Ho, -(-(i + 1) * H // Ho))
            cols = slice(j * W // Wo, -(-(j + 1) * W // Wo))
            np.testing.assert_array_equal(y.array[..., i, j], x[..., rows, cols].max(axis=(-2, -1)))
    np.testing.assert_array_equal(np.take_along_axis(x.reshape(1, 2, -1), indices.array.reshape(1, 2, -1),
                                                     axis=2).reshape(y.shape), y.array)


def test_adaptive_max_pool2d_sends_ties_to_the_first_maximum_and_keeps_none():
    x = leaf(np.ones((1, 1, 5, 3)))
    y, indices = F.adaptive_max_pool2d(x, (2, None), return_indices=True)  # rows 0-2 and 2-4
    assert y.shape == (1, 1, 2, 3)
    np.testing.assert_array_equal(indices.detach().numpy()[0, 0], [[0, 1, 2], [6, 7, 8]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy()[0, 0, :, 0], [1, 0, 1, 0, 0])


def test_adaptive_max_pool2d_over_a_window_of_more_than_32767_cells():
    """224 x 224 = 50,176 cells in one window: the winner's offset needs more than int16."""
    x = np.zeros((1, 2, 224, 224))
    x[0, 0, 200, 100] = 1.0                                    # offset 44,900 in its window
    x[0, 1, 0, 5] = 1.0
    x = leaf(x)
    y, indices = F.adaptive_max_pool2d(x, 1, return_indices=True)
    np.testing.assert_array_equal(indices.detach().numpy().ravel(), [200 * 224 + 100, 5])
    tg.nn.AdaptiveMaxPool2d(1)(x).sum().backward()
    assert x.grad.detach().numpy()[0, 0, 200, 100] == 1 and x.grad.detach().numpy().sum() == 2
