"""Adadelta, smooth_l1/huber, layer_norm/normalize/embedding and the lazy layers against torch
on the same arrays."""
import itertools

import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import optim
from tests.optim._optim_helpers import step_both

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("weight_decay, maximize, rho",
                         list(itertools.product([0, 0.1], [False, True], [0.9, 0.5])))
def test_adadelta_equals_torch_over_several_steps(weight_decay, maximize, rho):
    kwargs = dict(lr=0.5, rho=rho, weight_decay=weight_decay, maximize=maximize)
    opt, topt, ours, theirs = step_both(torch, optim.Adadelta, torch.optim.Adadelta, steps=6,
                                        **kwargs)
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-5, atol=1e-6)
    for mine, torchs in zip(opt.state_dict()["state"].values(), topt.state_dict()["state"].values()):
        assert list(mine) == list(torchs)
        np.testing.assert_allclose(mine["acc_delta"], torchs["acc_delta"].numpy(), rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("loss, kwargs", [("smooth_l1_loss", dict(beta=1.0)),
                                          ("smooth_l1_loss", dict(beta=0.3)),
                                          ("smooth_l1_loss", dict(beta=0.0)),
                                          ("huber_loss", dict(delta=0.5))])
def test_robust_losses_and_their_gradients_equal_torch(loss, kwargs, reduction):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    y = rng.standard_normal((4, 5)).astype(np.float32)
    y[0, :2] = x[0, :2]                                       # zero differences
    y[1, 0] = x[1, 0] + kwargs.get("beta", kwargs.get("delta"))  # exactly at the threshold
    ours_x, theirs_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours = getattr(F, loss)(ours_x, tg.tensor(y), reduction=reduction, **kwargs)
    theirs = getattr(torch.nn.functional, loss)(theirs_x, torch.tensor(y), reduction=reduction,
                                                **kwargs)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-7)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(ours_x.grad.detach().numpy(), theirs_x.grad.detach().numpy(), rtol=1e-5, atol=1e-7)


def test_loss_layers_match_torch():
    x, y = np.linspace(-3, 3, 12, dtype=np.float32), np.zeros(12, dtype=np.float32)
    for ours, theirs in ((nn.SmoothL1Loss(beta=0.5), torch.nn.SmoothL1Loss(beta=0.5)),
                         (nn.HuberLoss(delta=2.0), torch.nn.HuberLoss(delta=2.0))):
        assert ours(tg.tensor(x), tg.tensor(y)).item() == pytest.approx(
            theirs(torch.tensor(x), torch.tensor(y)).item(), rel=1e-6)


def test_lazy_layers_take_torchs_shapes_and_reprs():
    pairs = [(nn.LazyLinear(7), torch.nn.LazyLinear(7), (3, 5)),
             (nn.LazyConv2d(4, 3, padding=1), torch.nn.LazyConv2d(4, 3, padding=1), (2, 6, 8, 8))]
    for ours, theirs, shape in pairs:
        x = np.zeros(shape, dtype=np.float32)
        assert ours(tg.tensor(x)).shape == tuple(theirs(torch.tensor(x)).shape)
        assert repr(ours) == repr(theirs) and type(ours).__name__ == type(theirs).__name__
        assert [(n, p.shape) for n, p in ours.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]


def test_layer_norm_embedding_normalize_equal_torch():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    ours_x, theirs_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours = nn.LayerNorm((3, 4))(ours_x)
    theirs = torch.nn.LayerNorm((3, 4))(theirs_x)
    (ours * tg.tensor(x)).sum().backward()
    (theirs * torch.tensor(x)).sum().backward()
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours_x.grad.detach().numpy(), theirs_x.grad.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(F.normalize(tg.tensor(x), dim=2).numpy(),
                               torch.nn.functional.normalize(torch.tensor(x), dim=2).numpy(),
                               rtol=1e-6)
    weight = rng.standard_normal((6, 3)).astype(np.float32)
    index = rng.integers(0, 6, (4, 5))
    ours_w, theirs_w = tg.tensor(weight, requires_grad=True), torch.tensor(weight, requires_grad=True)
    F.embedding(tg.tensor(index), ours_w, padding_idx=2).pow(2).sum().backward()
    torch.nn.functional.embedding(torch.tensor(index), theirs_w, padding_idx=2).pow(2).sum().backward()
    np.testing.assert_allclose(ours_w.grad.detach().numpy(), theirs_w.grad.detach().numpy(), rtol=1e-6)
