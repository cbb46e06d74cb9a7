"""cosine_similarity, pairwise_distance, kl_div, pixel_shuffle / pixel_unshuffle and their
layers against torch in float64: values and gradients of every input, layer reprs."""
import warnings

import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F

torch = pytest.importorskip("torch")

from tests.torch_parity._compare import compare  # noqa: E402
TF = torch.nn.functional


def _compare(ours_fn, torch_fn, *arrays, rtol=1e-12, atol=1e-13):
    compare(ours_fn, torch_fn, *arrays, rtol=rtol, atol=atol, seed=5)


RNG = np.random.default_rng(0)
A, B, ROW = RNG.normal(size=(4, 5, 3)), RNG.normal(size=(4, 5, 3)), RNG.normal(size=(5, 3))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cosine_similarity_equals_torch(dim):
    _compare(lambda a, b: F.cosine_similarity(a, b, dim), lambda a, b: TF.cosine_similarity(a, b, dim), A, B)
    _compare(lambda a, b: nn.CosineSimilarity(dim)(a, b), lambda a, b: torch.nn.CosineSimilarity(dim)(a, b), A, ROW)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, 0.7, float("inf")])
@pytest.mark.parametrize("keepdim", [False, True])
def test_pairwise_distance_equals_torch(p, keepdim):
    kw = dict(p=p, keepdim=keepdim, eps=1e-6)
    _compare(lambda a, b: F.pairwise_distance(a, b, **kw), lambda a, b: TF.pairwise_distance(a, b, **kw), A, B)
    _compare(lambda a, b: nn.PairwiseDistance(**kw)(a, b), lambda a, b: torch.nn.PairwiseDistance(**kw)(a, b),
             A[0], ROW[0])


@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_equals_torch(reduction, log_target):
    x = np.log(RNG.dirichlet(np.ones(6), size=4))
    t = RNG.dirichlet(np.ones(6), size=4)
    t = np.log(t) if log_target else t
    kw = dict(reduction=reduction, log_target=log_target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare(lambda a, b: F.kl_div(a, b, **kw), lambda a, b: TF.kl_div(a, b, **kw), x, t)
        _compare(lambda a, b: nn.KLDivLoss(**kw)(a, b), lambda a, b: torch.nn.KLDivLoss(**kw)(a, b), x, t)


def test_kl_div_zero_targets_equal_torch_in_value_and_input_gradient():
    x, t = np.log(np.full((2, 3), 1 / 3)), np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])
    ours, theirs = tg.Tensor(x.copy(), requires_grad=True), torch.tensor(x.copy(), requires_grad=True)
    y, ty = F.kl_div(ours, tg.Tensor(t), reduction="sum"), TF.kl_div(theirs, torch.tensor(t), reduction="sum")
    y.backward()
    ty.backward()
    assert np.isclose(y.item(), ty.item(), rtol=1e-14)
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("r", [1, 2, 3])
def test_pixel_shuffle_and_unshuffle_equal_torch(r):
    x = RNG.normal(size=(2, 2 * r * r, 3, 2))
    _compare(lambda a: F.pixel_shuffle(a, r), lambda a: TF.pixel_shuffle(a, r), x, rtol=0, atol=0)
    y = RNG.normal(size=(3, 2 * r, 3 * r))
    _compare(lambda a: nn.PixelUnshuffle(r)(a), lambda a: torch.nn.PixelUnshuffle(r)(a), y, rtol=0, atol=0)


def test_layer_reprs_equal_torch():
    for ours, theirs in ((nn.CosineSimilarity(), torch.nn.CosineSimilarity()),
                         (nn.PairwiseDistance(), torch.nn.PairwiseDistance()),
                         (nn.KLDivLoss(reduction="batchmean"), torch.nn.KLDivLoss(reduction="batchmean")),
                         (nn.PixelShuffle(3), torch.nn.PixelShuffle(3)),
                         (nn.PixelUnshuffle(2), torch.nn.PixelUnshuffle(2))):
        assert repr(ours) == repr(theirs)
    assert nn.PairwiseDistance(p=3).norm == torch.nn.PairwiseDistance(p=3).norm
    assert nn.KLDivLoss(log_target=True).log_target is True
