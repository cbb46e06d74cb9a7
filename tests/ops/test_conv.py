"""conv2d and conv_transpose2d: gradient checks over strides, padding, dilation, groups, batch 1,
1x1 kernels and kernels as large as the padded input; the output-size formula; linearity; values
against a direct loop and the worked numbers of the lecture seeds."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import check_gradients, conv_geometry, gradchecks, leaf, random_arrays

# The X of the X-and-O lecture (seed 000): +1 on the two diagonals, -1 elsewhere.
X_IMAGE = np.array([
    [-1, -1, -1, -1, -1, -1, -1, -1, -1],
    [-1, 1, -1, -1, -1, -1, -1, 1, -1],
    [-1, -1, 1, -1, -1, -1, 1, -1, -1],
    [-1, -1, -1, 1, -1, 1, -1, -1, -1],
    [-1, -1, -1, -1, 1, -1, -1, -1, -1],
    [-1, -1, -1, 1, -1, 1, -1, -1, -1],
    [-1, -1, 1, -1, -1, -1, 1, -1, -1],
    [-1, 1, -1, -1, -1, -1, -1, 1, -1],
    [-1, -1, -1, -1, -1, -1, -1, -1, -1]], dtype=np.float64)
DIAGONAL = np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=np.float64)
# Seed 000's filtered 7x7 map, printed with two decimals cut off (0.777... shows as 0.77).
X_MAP = np.array([
    [0.77, -0.11, 0.11, 0.33, 0.55, -0.11, 0.33],
    [-0.11, 1.00, -0.11, 0.33, -0.11, 0.11, -0.11],
    [0.11, -0.11, 1.00, -0.33, 0.11, -0.11, 0.55],
    [0.33, 0.33, -0.33, 0.55, -0.33, 0.33, 0.33],
    [0.55, -0.11, 0.11, -0.33, 1.00, -0.11, 0.11],
    [-0.11, 0.11, -0.11, 0.33, -0.11, 1.00, -0.11],
    [0.33, -0.11, 0.55, 0.33, 0.11, -0.11, 0.77]])


def out_size(size, kernel, stride, padding, dilation=1):
    """The lecture's W2 = floor((W1 - F + 2P) / S) + 1, with the dilated kernel F = d(k - 1) + 1."""
    return (size - (dilation * (kernel - 1) + 1) + 2 * padding) // stride + 1


def naive_conv2d(x, w, b, stride, padding, dilation, groups):
    """Direct definition: one dot product per (n, f, i, j)."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    N, C, H, W = x.shape
    F_, Cg, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = out_size(H, KH, sh, ph, dh), out_size(W, KW, sw, pw, dw)
    y = np.zeros((N, F_, Ho, Wo))
    for f in range(F_):
        g = f // (F_ // groups)
        for i in range(Ho):
            for j in range(Wo):
                patch = xp[:, g * Cg:(g + 1) * Cg, i * sh:i * sh + dh * KH:dh, j * sw:j * sw + dw * KW:dw]
                y[:, f, i, j] = np.sum(patch * w[f], axis=(1, 2, 3)) + (b[f] if b is not None else 0)
    return y


@st.composite
def conv_case(draw):
    N, C, H, W, F_, KH, KW, stride, padding, dilation, groups = draw(conv_geometry())
    x = draw(random_arrays((N, C, H, W)))
    w = draw(random_arrays((F_, C // groups, KH, KW)))
    b = draw(st.none() | random_arrays((F_,)))
    return x, w, b, dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


@gradchecks(ops.Conv2d, F.conv2d)
@given(case=conv_case())
def test_conv2d_gradcheck(case):
    x, w, b, params = case
    inputs = (leaf(x), leaf(w)) + (() if b is None else (leaf(b),))
    check_gradients(lambda *t: F.conv2d(*t, **params), inputs, ops.Conv2d, max_entries=64)


@given(case=conv_case())
def test_conv2d_matches_the_definition_and_the_output_size_formula(case):
    x, w, b, params = case
    y = F.conv2d(tg.Tensor(x), tg.Tensor(w), None if b is None else tg.Tensor(b), **params).array
    for axis in (0, 1):
        assert y.shape[2 + axis] == out_size(x.shape[2 + axis], w.shape[2 + axis], params["stride"][axis],
                                             params["padding"][axis], params["dilation"][axis])
    np.testing.assert_allclose(y, naive_conv2d(x, w, b, **params), atol=1e-12)


@given(case=conv_case(), a=st.floats(-2, 2), c=st.floats(-2, 2), data=st.data())
def test_conv2d_is_linear_in_input_and_in_weight(case, a, c, data):
    x1, w1, _, params = case
    x2, w2 = data.draw(random_arrays(x1.shape)), data.draw(random_arrays(w1.shape))

    def conv(x, w):
        return F.conv2d(tg.Tensor(x), tg.Tensor(w), **params).array

    np.testing.assert_allclose(conv(a * x1 + c * x2, w1), a * conv(x1, w1) + c * conv(x2, w1), atol=1e-10)
    np.testing.assert_allclose(conv(x1, a * w1 + c * w2), a * conv(x1, w1) + c * conv(x1, w2), atol=1e-10)


@st.composite
def conv_transpose_case(draw):
    """x (N, C, H, W), w (C, F/groups, KH, KW), b and the hyper-parameters, with Ho, Wo >= 1."""
    groups = draw(st.sampled_from([1, 1, 2]))
    N, C, Fg = draw(st.integers(1, 2)), groups * draw(st.integers(1, 2)), draw(st.integers(1, 2))
    H, W, KH, KW = (draw(st.integers(1, 3)) for _ in range(4))
    stride, dilation = (tuple(draw(st.integers(1, 3 - extra)) for _ in range(2)) for extra in (0, 1))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    padding = tuple(draw(st.integers(0, min(2, ((n - 1) * s + d * (k - 1) + o) // 2)))
                    for n, s, d, k, o in zip((H, W), stride, dilation, (KH, KW), output_padding))
    x, w = draw(random_arrays((N, C, H, W))), draw(random_arrays((C, Fg, KH, KW)))
    b = draw(st.none() | random_arrays((Fg * groups,)))
    return x, w, b, dict(stride=stride, padding=padding, output_padding=output_padding,
                         dilation=dilation, groups=groups)


@gradchecks(ops.ConvTranspose2d, F.conv_transpose2d)
@given(case=conv_transpose_case())
def test_conv_transpose2d_gradcheck(case):
    x, w, b, params = case
    inputs = (leaf(x), leaf(w)) + (() if b is None else (leaf(b),))
    y = F.conv_transpose2d(*inputs, **params)
    for axis in (0, 1):  # Ho = (H - 1)s - 2p + d(k - 1) + output_padding + 1
        s, p, d, o = (params[k][axis] for k in ("stride", "padding", "dilation", "output_padding"))
        assert y.shape[2 + axis] == (x.shape[2 + axis] - 1) * s - 2 * p + d * (w.shape[2 + axis] - 1) + o + 1
    check_gradients(lambda *t: F.conv_transpose2d(*t, **params), inputs, ops.ConvTranspose2d, max_entries=64)


@given(case=conv_case())
def test_conv_transpose2d_is_the_adjoint_of_conv2d(case):
    """<conv2d(x, w), y> == <x, conv_transpose2d(y, w)>: the transpose really is the transpose,
    with output_padding restoring the rows that conv2d's floor dropped."""
    x, w, _, params = case
    y = np.random.default_rng(0).standard_normal(F.conv2d(tg.Tensor(x), tg.Tensor(w), **params).shape)
    pads, strides, dils = params["padding"], params["stride"], params["dilation"]
    dropped = tuple(size - ((n - 1) * s - 2 * p + d * (k - 1) + 1)
                    for size, n, s, p, d, k in zip(x.shape[2:], y.shape[2:], strides, pads, dils, w.shape[2:]))
    xt = F.conv_transpose2d(tg.Tensor(y), tg.Tensor(w), stride=strides, padding=pads,
                            output_padding=dropped, groups=params["groups"], dilation=dils).array
    assert xt.shape == x.shape
    conv = F.conv2d(tg.Tensor(x), tg.Tensor(w), **params).array
    np.testing.assert_allclose(np.sum(conv * y), np.sum(x * xt), rtol=1e-10, atol=1e-10)


@given(case=conv_case(), mode=st.sampled_from(["same", "valid"]))
def test_string_padding(case, mode):
    x, w, b, params = case
    params = dict(params, stride=1, padding=mode)
    short = [max(0, d * (k - 1) + 1 - n) for n, d, k in zip(x.shape[2:], params["dilation"], w.shape[2:])]
    x = np.pad(x, ((0, 0), (0, 0), (0, short[0]), (0, short[1])))  # so that 'valid' fits once
    y = F.conv2d(leaf(x), leaf(w), **params)
    if mode == "same":
        assert y.shape[2:] == x.shape[2:]
    else:
        assert y.shape == F.conv2d(tg.Tensor(x), tg.Tensor(w), **dict(params, padding=0)).shape
    check_gradients(lambda *t: F.conv2d(*t, **params), (leaf(x), leaf(w)), ops.Conv2d, max_entries=32)


def test_seed_x_image_filtered_by_the_diagonal_feature():
    """Seed 000: every 3x3 patch of the X matched against the diagonal feature, divided by 9."""
    y = F.conv2d(tg.tensor(X_IMAGE[None, None]), tg.tensor(DIAGONAL[None, None] / 9)).numpy()[0, 0]
    assert y.shape == (7, 7)
    np.testing.assert_allclose(np.trunc(np.round(y * 100, 6)) / 100, X_MAP)  # cut to 2 decimals
    assert np.isclose(y[0, 0], 7 / 9) and np.isclose(y[0, 1], -1 / 9) and y[1, 1] == 1.0


def test_seed_zero_padded_image_with_all_ones_filter():
    """Seed 000 (VGG slide): the 4x4 image, padded with one ring of zeros, summed over 3x3 windows."""
    image = np.array([[1, 5, 3, 9], [4, 4, 7, 5], [6, 7, 5, 6], [6, 5, 3, 1]], dtype=np.float64)
    y = F.conv2d(tg.tensor(image[None, None]), tg.ones(1, 1, 3, 3), padding=1).numpy()[0, 0]
    assert y.shape == (4, 4)                       # pad (F - 1)/2 = 1 keeps the size
    np.testing.assert_array_equal(y[0], [14, 24, 33, 24])
    np.testing.assert_array_equal(y, naive_conv2d(image[None, None], np.ones((1, 1, 3, 3)), None,
                                                  (1, 1), (1, 1), (1, 1), 1)[0, 0])


def test_seed_output_sizes():
    """Seed 004: N = 7, F = 3 gives 5 at stride 1 and 3 at stride 2; padding 1 keeps 7."""
    x, w = tg.zeros(1, 1, 7, 7), tg.zeros(1, 1, 3, 3)
    assert F.conv2d(x, w).shape[2:] == (5, 5)
    assert F.conv2d(x, w, stride=2).shape[2:] == (3, 3)
    assert F.conv2d(x, w, stride=3).shape[2:] == (2, 2)   # (7 - 3)/3 + 1 = 2.33, floored
    assert F.conv2d(x, w, padding=1).shape[2:] == (7, 7)
    assert F.conv2d(tg.zeros(1, 3, 32, 32), tg.zeros(6, 3, 5, 5)).shape == (1, 6, 28, 28)


def test_unbatched_input_and_float32():
    x, w = tg.randn(3, 8, 8, requires_grad=True), tg.randn(4, 3, 3, 3, requires_grad=True)
    y = F.conv2d(x, w, padding=1)
    assert y.shape == (4, 8, 8) and y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.shape == w.shape


def test_bias_gradient_sums_over_batch_and_positions():
    x, w, b = leaf(np.ones((2, 1, 3, 3))), leaf(np.ones((2, 1, 2, 2))), leaf(np.zeros(2))
    F.conv2d(x, w, b).sum().backward()
    np.testing.assert_array_equal(b.grad.array, [8.0, 8.0])  # N * Ho * Wo = 2 * 2 * 2
