"""The conveniences that PyTorch scripts lean on (abs, clamp, where, maximum, var/std, repeat,
split, leaky_relu, elu, silu, l1 and binary cross-entropy losses, one_hot), against PyTorch in
float64, forward and backward. Runs only where torch is installed."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
TF = torch.nn.functional

import tinygrad_cnn as tg  # noqa: E402
import tinygrad_cnn.nn as nn  # noqa: E402
import tinygrad_cnn.nn.functional as F  # noqa: E402


def run_both(fn_ours, fn_theirs, arrays, seed=0):
    ours = [tg.tensor(a.copy(), dtype=tg.float64, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    outs, outs_torch = fn_ours(*ours), fn_theirs(*theirs)
    if not isinstance(outs, tuple):
        outs, outs_torch = (outs,), (outs_torch,)
    rng = np.random.default_rng(seed)
    dys = [rng.standard_normal(tuple(o.shape)) for o in outs_torch]
    total = sum((o * tg.tensor(d, dtype=tg.float64)).sum() for o, d in zip(outs, dys))
    total_torch = sum((o * torch.tensor(d)).sum() for o, d in zip(outs_torch, dys))
    total.backward()
    total_torch.backward()
    for y, y_torch in zip(outs, outs_torch):
        assert y.shape == tuple(y_torch.shape)
        np.testing.assert_allclose(y.detach().numpy(), y_torch.detach().numpy(), rtol=1e-9, atol=1e-12)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a.grad.detach().numpy(), b.grad.detach().numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=f"gradient of input {i}")


# inputs include exact zeros, exact bound values and ties, where the conventions matter
X = np.array([[-2.0, -1.0, 0.0, 0.5], [1.0, 2.0, 0.0, -0.25], [3.0, -3.0, 1.0, -1.0]])
Y = np.array([[-2.0, 1.0, 0.0, 0.0], [1.0, -2.0, 0.5, -0.25], [0.0, -3.0, 2.0, 1.0]])

CASES = {
    "abs": (lambda x: x.abs(), lambda x: x.abs()),
    "clamp": (lambda x: x.clamp(-1.0, 1.0), lambda x: x.clamp(-1.0, 1.0)),
    "clamp_min": (lambda x: x.clamp(min=0.0), lambda x: x.clamp(min=0.0)),
    "clamp_max": (lambda x: x.clamp(max=0.5), lambda x: x.clamp(max=0.5)),
    "var": (lambda x: x.var(), lambda x: x.var()),
    "var_dim": (lambda x: x.var(1, keepdim=True), lambda x: x.var(1, keepdim=True)),
    "var_biased": (lambda x: x.var(0, unbiased=False), lambda x: x.var(0, unbiased=False)),
    "std_dim": (lambda x: x.std(dim=1), lambda x: x.std(dim=1)),
    "repeat": (lambda x: x.repeat(2, 1, 3), lambda x: x.repeat(2, 1, 3)),
    "split": (lambda x: x.split(3, dim=1), lambda x: x.split(3, dim=1)),
    "split_sizes": (lambda x: x.split([1, 2], dim=0), lambda x: x.split([1, 2], dim=0)),
    "chunk": (lambda x: x.chunk(3, dim=1), lambda x: x.chunk(3, dim=1)),
    "clone": (lambda x: x.clone() * 2, lambda x: x.clone() * 2),
    "leaky_relu": (lambda x: F.leaky_relu(x), lambda x: TF.leaky_relu(x)),
    "leaky_relu_0.2": (lambda x: F.leaky_relu(x, 0.2), lambda x: TF.leaky_relu(x, 0.2)),
    "elu": (lambda x: F.elu(x), lambda x: TF.elu(x)),
    "elu_alpha": (lambda x: F.elu(x, alpha=0.5), lambda x: TF.elu(x, alpha=0.5)),
    "silu": (lambda x: F.silu(x), lambda x: TF.silu(x)),
    "max_all": (lambda x: tg.max(x), lambda x: torch.max(x)),
    "max_dim": (lambda x: tg.max(x, 1)[0], lambda x: torch.max(x, 1)[0]),
    "std_equal_values": (lambda x: (x * 0).std(0) + x.sum(), lambda x: (x * 0).std(0) + x.sum()),
    "var_correction_2": (lambda x: x.var(1, correction=2), lambda x: x.var(1, correction=2)),
    "pow_0": (lambda x: x ** 0, lambda x: x ** 0),
    "rpow_0_base": (lambda x: 0 ** x.abs(), lambda x: 0 ** x.abs()),
    "rpow": (lambda x: 3 ** x, lambda x: 3 ** x),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unary_matches_torch(name):
    ours, theirs = CASES[name]
    run_both(ours, theirs, [X])


@pytest.mark.parametrize("name, ours, theirs", [
    ("maximum", tg.maximum, torch.maximum),
    ("minimum", tg.minimum, torch.minimum),
    ("where", lambda a, b: tg.where(a > b, a, b), lambda a, b: torch.where(a > b, a, b)),
    ("tensor_pow", lambda a, b: a.abs() ** b, lambda a, b: a.abs() ** b),   # zero bases included
    ("tensor_pow_negative_base", lambda a, b: a ** (b * 0 + 2), lambda a, b: a ** (b * 0 + 2)),
    ("l1_loss", F.l1_loss, TF.l1_loss),
    ("l1_loss_sum", lambda a, b: F.l1_loss(a, b, reduction="sum"),
     lambda a, b: TF.l1_loss(a, b, reduction="sum")),
    ("l1_loss_none", lambda a, b: F.l1_loss(a, b, reduction="none"),
     lambda a, b: TF.l1_loss(a, b, reduction="none")),
])
def test_binary_matches_torch(name, ours, theirs):
    run_both(ours, theirs, [X, Y])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_matches_torch(reduction):
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(0.01, 0.99, 10), [0.0, 1.0, 1e-30, 0.5]])
    t = np.concatenate([rng.uniform(0, 1, 10), [1.0, 0.0, 1.0, 0.5]])
    w = rng.uniform(0.5, 2, 10)
    run_both(lambda a, b: F.binary_cross_entropy(a, b, weight=tg.tensor(w, dtype=tg.float64),
                                                 reduction=reduction),
             lambda a, b: TF.binary_cross_entropy(a, b, weight=torch.tensor(w), reduction=reduction),
             [p[:10], t[:10]])
    # saturated probabilities: finite input gradients (targets' gradient is +-inf there in both)
    ours = tg.tensor(p, dtype=tg.float64, requires_grad=True)
    theirs = torch.tensor(p, requires_grad=True)
    F.binary_cross_entropy(ours, tg.tensor(t, dtype=tg.float64), reduction=reduction).sum().backward()
    TF.binary_cross_entropy(theirs, torch.tensor(t), reduction=reduction).sum().backward()
    np.testing.assert_allclose(ours.grad.detach().numpy(), theirs.grad.detach().numpy(), rtol=1e-9)


def test_one_hot_matches_torch():
    idx = np.array([[0, 3, 1], [2, 2, 0]])
    np.testing.assert_array_equal(F.one_hot(tg.tensor(idx)).numpy(),
                                  TF.one_hot(torch.tensor(idx)).numpy())
    np.testing.assert_array_equal(F.one_hot(tg.tensor(idx), 6).numpy(),
                                  TF.one_hot(torch.tensor(idx), 6).numpy())


@pytest.mark.parametrize("ours, theirs, args", [
    (nn.LeakyReLU, torch.nn.LeakyReLU, (0.3,)),
    (nn.ELU, torch.nn.ELU, (0.7,)),
    (nn.SiLU, torch.nn.SiLU, ()),
])
def test_activation_layers_match_torch(ours, theirs, args):
    out = ours(*args)(tg.tensor(X, dtype=tg.float64)).detach().numpy()
    np.testing.assert_allclose(out, theirs(*args)(torch.tensor(X)).numpy(), rtol=1e-12)
    assert repr(ours(*args)) == repr(theirs(*args))


def test_loss_layers_match_torch():
    p = np.random.default_rng(0).uniform(0.05, 0.95, (3, 4))
    t = np.random.default_rng(1).uniform(0, 1, (3, 4))
    for ours, theirs in ((nn.L1Loss(), torch.nn.L1Loss()), (nn.BCELoss(), torch.nn.BCELoss()),
                         (nn.BCELoss(reduction="sum"), torch.nn.BCELoss(reduction="sum"))):
        got = ours(tg.tensor(p, dtype=tg.float64), tg.tensor(t, dtype=tg.float64)).item()
        assert np.isclose(got, theirs(torch.tensor(p), torch.tensor(t)).item(), rtol=1e-12)
