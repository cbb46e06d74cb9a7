"""cosine_similarity, pairwise_distance, kl_div, pixel_shuffle and pixel_unshuffle: gradient
checks, values from their definitions, their layers, and PyTorch's errors."""
import warnings

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


@gradchecks(F.cosine_similarity)
@given(SEEDS, st.integers(-2, 1))
def test_cosine_similarity_gradient(seed, dim):
    a, b = leaf(uniform((3, 4), seed)), leaf(uniform((4,), seed + 1))
    check_gradients(lambda x, y: F.cosine_similarity(x, y, dim=dim % 2), (a, b), ops.Sqrt)


@gradchecks(F.pairwise_distance)
@given(SEEDS, st.sampled_from([1.0, 2.0, 3.0, 0.5, float("inf")]), st.booleans())
def test_pairwise_distance_gradient(seed, p, keepdim):
    a, b = leaf(uniform((3, 4), seed)), leaf(uniform((3, 4), seed + 1))
    op = ops.Max if p == float("inf") else ops.Sum
    check_gradients(lambda x, y: F.pairwise_distance(x, y, p=p, keepdim=keepdim), (a, b), op)


@gradchecks(F.kl_div)
@given(SEEDS, st.sampled_from(["none", "sum", "batchmean"]), st.booleans())
def test_kl_div_gradient(seed, reduction, log_target):
    x = leaf(np.log(uniform((3, 4), seed, 0.1, 1)))
    t = leaf(uniform((3, 4), seed + 1, -2, 0) if log_target else uniform((3, 4), seed + 1, 0.1, 1))
    check_gradients(lambda a, b: F.kl_div(a, b, reduction=reduction, log_target=log_target),
                    (x, t), ops.Mul)


@gradchecks(F.pixel_shuffle)
@given(SEEDS, st.integers(1, 3))
def test_pixel_shuffle_gradient(seed, r):
    x = leaf(uniform((2, 2 * r * r, 2, 3), seed))
    check_gradients(lambda t: F.pixel_shuffle(t, r), (x,), ops.Permute)


@gradchecks(F.pixel_unshuffle)
@given(SEEDS, st.integers(1, 3))
def test_pixel_unshuffle_gradient(seed, r):
    x = leaf(uniform((1, 2, 2 * r, 3 * r), seed))
    check_gradients(lambda t: F.pixel_unshuffle(t, r), (x,), ops.Permute)


def test_cosine_similarity_values_and_layer():
    a, b = np.array([[1.0, 2.0, 2.0], [0.0, 0.0, 0.0]]), np.array([[2.0, 4.0, 4.0], [1.0, 0.0, 0.0]])
    out = nn.CosineSimilarity()(tg.Tensor(a), tg.Tensor(b)).numpy()
    np.testing.assert_allclose(out, [1.0, 0.0])            # the zero vector: 0, not nan
    assert repr(nn.CosineSimilarity()) == "CosineSimilarity()"
    with pytest.raises(RuntimeError, match=r"\(2, 3\).*\(2, 4\)"):
        F.cosine_similarity(tg.zeros(2, 3), tg.zeros(2, 4))


def test_pairwise_distance_values_and_layer():
    a, b = tg.tensor([[0.0, 0.0], [1.0, 1.0]]), tg.tensor([[3.0, 4.0], [1.0, 1.0]])
    np.testing.assert_allclose(nn.PairwiseDistance(eps=0)(a, b).numpy(), [5.0, 0.0])
    np.testing.assert_allclose(F.pairwise_distance(a, b, p=1, eps=0).numpy(), [7.0, 0.0])
    np.testing.assert_allclose(F.pairwise_distance(a, b, p=0, eps=0).numpy(), [2.0, 0.0])
    assert F.pairwise_distance(tg.zeros(3), tg.ones(3)).shape == ()
    assert F.pairwise_distance(a, b, keepdim=True).shape == (2, 1)
    x = tg.tensor([[1.0, 2.0]], requires_grad=True)
    F.pairwise_distance(x, x.detach(), eps=0).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0]]                 # zero distance: gradient 0, as torch


def test_kl_div_values_reductions_and_warning():
    p, q = np.array([[0.5, 0.5, 0.0]]), np.array([[0.25, 0.25, 0.5]])
    log_q = tg.Tensor(np.log(q))
    expected = 0.5 * np.log(2) * 2                         # sum p log(p/q), the t=0 term is 0
    assert np.isclose(F.kl_div(log_q, tg.Tensor(p), reduction="sum").item(), expected)
    assert np.isclose(F.kl_div(log_q, tg.Tensor(p), reduction="batchmean").item(), expected)
    assert np.isclose(nn.KLDivLoss(reduction="sum", log_target=True)(
        log_q, tg.Tensor(np.log(p + 1e-300))).item(), expected)
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(log_q, tg.Tensor(p))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nn.KLDivLoss(reduction="batchmean")(log_q, tg.Tensor(p)).shape == ()
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        F.kl_div(log_q, tg.Tensor(p), reduction="bad")
    assert F.kl_div(log_q, tg.Tensor(p), reduction="none").shape == (1, 3)


def test_pixel_shuffle_layout_layers_and_errors():
    x = tg.arange(8.0).reshape(1, 4, 1, 2)
    out = nn.PixelShuffle(2)(x)
    assert out.shape == (1, 1, 2, 4)
    assert out.numpy()[0, 0].tolist() == [[0, 2, 1, 3], [4, 6, 5, 7]]   # out[2h+i, 2w+j] = in[2i+j, h, w]
    assert nn.PixelUnshuffle(2)(out).tolist() == x.tolist()
    assert repr(nn.PixelShuffle(2)) == "PixelShuffle(upscale_factor=2)"
    assert F.pixel_shuffle(tg.zeros(4, 1, 1), 2).shape == (1, 2, 2)     # no batch axis
    with pytest.raises(RuntimeError, match="input.size\\(-3\\)=5 is not divisible by 4"):
        F.pixel_shuffle(tg.zeros(1, 5, 2, 2), 2)
    with pytest.raises(RuntimeError, match="height .*input.size\\(-2\\)=3"):
        F.pixel_unshuffle(tg.zeros(1, 5, 3, 2), 2)
    with pytest.raises(RuntimeError, match="at least 3 dimensions"):
        F.pixel_shuffle(tg.zeros(5, 2), 2)
