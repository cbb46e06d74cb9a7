"""conv1d and the 1-D poolings (computed by the 2-D ops on a height of 1): gradient checks, the
direct definition of conv1d, the layers' shapes, parameters and argument errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf

SEEDS = st.integers(0, 2**32 - 1)


def uniform(shape, seed, low=-3.0, high=3.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


@gradchecks(F.conv1d)
@given(SEEDS, st.integers(1, 3), st.integers(1, 2), st.integers(0, 1), st.integers(1, 2),
       st.sampled_from([1, 2]), st.booleans())
def test_conv1d_gradient(seed, k, stride, padding, dilation, groups, with_bias):
    x = leaf(uniform((2, 2, 7), seed))
    w = leaf(uniform((4, 2 // groups, k), seed + 1))
    b = leaf(uniform(4, seed + 2)) if with_bias else None
    inputs = (x, w, b) if with_bias else (x, w)
    check_gradients(lambda *t: F.conv1d(*t, stride=stride, padding=padding, dilation=dilation,
                                        groups=groups), inputs, ops.Conv2d)


@gradchecks(F.max_pool1d)
@given(SEEDS, st.integers(1, 3), st.integers(1, 2), st.booleans())
def test_max_pool1d_gradient(seed, k, stride, ceil_mode):
    x = leaf(uniform((2, 2, 7), seed))
    check_gradients(lambda t: F.max_pool1d(t, k, stride, k // 2, ceil_mode=ceil_mode), (x,),
                    ops.MaxPool2d)


@gradchecks(F.avg_pool1d)
@given(SEEDS, st.integers(1, 3), st.integers(1, 2), st.booleans())
def test_avg_pool1d_gradient(seed, k, stride, count_include_pad):
    x = leaf(uniform((2, 7), seed))
    check_gradients(lambda t: F.avg_pool1d(t, k, stride, k // 2,
                                           count_include_pad=count_include_pad), (x,), ops.AvgPool2d)


@gradchecks(F.adaptive_avg_pool1d, F.adaptive_max_pool1d)
@given(SEEDS, st.integers(1, 7))
def test_adaptive_pool1d_gradients(seed, out):
    x = leaf(uniform((2, 3, 7), seed))
    check_gradients(lambda t: F.adaptive_avg_pool1d(t, out), (x,), ops.Reshape)
    check_gradients(lambda t: F.adaptive_max_pool1d(t, out), (x,), ops.Reshape)


def test_conv1d_is_the_direct_sum():
    x, w, b = uniform((2, 3, 9), 0), uniform((4, 3, 3), 1), uniform(4, 2)
    y = F.conv1d(tg.Tensor(x), tg.Tensor(w), tg.Tensor(b), stride=2, padding=1, dilation=2).numpy()
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1)))
    expected = np.stack([np.einsum("nck,fck->nf", xp[:, :, l * 2: l * 2 + 5: 2], w)
                         for l in range(y.shape[-1])], -1) + b[:, None]
    np.testing.assert_allclose(y, expected, rtol=1e-12)


def test_layers_shapes_parameters_and_indices():
    conv = nn.Conv1d(4, 6, 3, padding="same", groups=2)
    assert conv.weight.shape == (6, 2, 3) and conv.bias.shape == (6,)
    assert conv(tg.randn(2, 4, 10)).shape == (2, 6, 10)
    assert nn.Conv1d(2, 2, 3, padding=2, padding_mode="circular")(tg.randn(2, 5)).shape == (2, 7)
    x = tg.tensor([[[1.0, 5.0, 2.0, 8.0, 3.0]]])
    values, idx = nn.MaxPool1d(2, return_indices=True)(x)
    assert values.tolist() == [[[5.0, 8.0]]] and idx.tolist() == [[[1, 3]]]
    assert nn.AvgPool1d(2)(x).tolist() == [[[3.0, 5.0]]]
    assert np.isclose(nn.AdaptiveAvgPool1d(1)(x).item(), 3.8)
    assert nn.AdaptiveMaxPool1d(2)(x).tolist() == [[[5.0, 8.0]]]
    bn = nn.BatchNorm1d(3)
    out = bn(tg.randn(4, 3, 6) * 3 + 1)
    np.testing.assert_allclose(out.detach().numpy().mean((0, 2)), 0, atol=1e-6)


def test_argument_errors():
    with pytest.raises(ValueError, match="groups=3 must divide"):
        nn.Conv1d(4, 6, 3, groups=3)
    with pytest.raises(ValueError, match="'same' is not supported for strided"):
        nn.Conv1d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="3 dimensions"):
        F.conv1d(tg.zeros(1, 2, 5), tg.zeros(1, 2, 3, 3))
    with pytest.raises(ValueError, match="2 or 3 dimensions"):
        F.max_pool1d(tg.zeros(1, 1, 2, 5), 2)
    with pytest.raises(TypeError, match="kernel_size"):
        nn.MaxPool1d((2, 2))
