"""What issue 12's porting scripts needed beyond the core, against torch on the same arrays."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("groups, shape", [(1, (2, 4, 3)), (2, (2, 4, 3, 3)), (4, (3, 4))])
def test_group_norm_equals_torch_values_and_gradients(groups, shape):
    rng = np.random.default_rng(groups)
    x = rng.standard_normal(shape).astype(np.float32)
    weight, bias = rng.standard_normal((2, shape[1])).astype(np.float32)
    ours_x, theirs_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = nn.GroupNorm(groups, shape[1]), torch.nn.GroupNorm(groups, shape[1])
    ours.load_state_dict({"weight": tg.tensor(weight), "bias": tg.tensor(bias)})
    theirs.load_state_dict({"weight": torch.tensor(weight), "bias": torch.tensor(bias)})
    out, tout = ours(ours_x), theirs(theirs_x)
    (out * tg.tensor(x)).sum().backward()
    (tout * torch.tensor(x)).sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-4, atol=1e-4)
    for name in ("weight", "bias"):
        np.testing.assert_allclose(getattr(ours, name).grad.numpy(),
                                   getattr(theirs, name).grad.numpy(), rtol=1e-4, atol=1e-4)
    assert repr(ours) == repr(theirs)


def _both(array, requires_grad=True):
    return (tg.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


DIFFERENTIABLE = [
    ("cumsum", lambda t: t.cumsum(1)),
    ("cumsum dim 0", lambda t: t.cumsum(dim=0)),
    ("flip", lambda t: t.flip(0, 2)),
    ("amax", lambda t: t.amax(1)),
    ("amin all", lambda t: t.amin()),
    ("logsumexp", lambda t: t.logsumexp(dim=2)),
    ("logsumexp keepdim", lambda t: t.logsumexp(1, keepdim=True)),
    ("unbind", lambda t: t.unbind(1)[2]),
    ("select", lambda t: t.select(-1, 1)),
    ("movedim", lambda t: t.movedim(0, 2)),
    ("movedim pairs", lambda t: t.movedim((0, 1), (2, 0))),
    ("swapaxes", lambda t: t.swapaxes(0, 1)),
    ("unflatten", lambda t: t.unflatten(1, (1, 3))),
    ("broadcast_to", lambda t: t[:, :1].broadcast_to((2, 3, 4))),
    ("rsqrt", lambda t: (t.abs() + 1).rsqrt()),
    ("reciprocal", lambda t: (t.abs() + 1).reciprocal()),
    ("erf", lambda t: t.erf()),
    ("frac", lambda t: (t * 3).frac()),
    ("masked_select", lambda t: t.masked_select(t > 0)),
    ("scatter src", lambda t: t.scatter(1, t.argsort(1)[:, :2], t[:, 1:] * 2)),
    ("scatter value", lambda t: t.scatter(2, t.argmax(2, keepdim=True), 0.5)),
    ("tril", lambda t: t.tril(-1)),
    ("triu", lambda t: t.triu(1)),
    ("outer", lambda t: t[0, 0].outer(t[1, 1])),
    ("dot", lambda t: t[0, 0].dot(t[1, 1])),
    ("mv", lambda t: t[0].mv(t[1, 1])),
]


@pytest.mark.parametrize("name, fn", DIFFERENTIABLE, ids=[n for n, _ in DIFFERENTIABLE])
def test_tensor_method_values_and_gradients_equal_torch(name, fn):
    x = np.random.default_rng(len(name)).standard_normal((2, 3, 4))
    ours, theirs = _both(x)
    out, tout = fn(ours), fn(theirs)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-5, atol=1e-6)
    upstream = np.random.default_rng(1).standard_normal(tuple(tout.shape))
    out.backward(tg.tensor(upstream))
    tout.backward(torch.tensor(upstream))
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_selection_and_memory_methods_equal_torch():
    x = np.array([[0.0, 1.5, -np.inf], [np.nan, 0.0, 2.0]])
    ours, theirs = _both(x, requires_grad=False)
    for name in ("isinf", "isnan", "isfinite", "nonzero", "count_nonzero", "trunc"):
        np.testing.assert_array_equal(getattr(ours, name)().numpy(), getattr(theirs, name)().numpy())
    for a, b in zip(ours.nonzero(as_tuple=True), theirs.nonzero(as_tuple=True)):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert ours.nonzero().dtype == tg.int64
    ints = np.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(tg.tensor(ints).cumsum(0).numpy(), torch.tensor(ints).cumsum(0).numpy())
    assert tg.tensor(ints).cumsum(0).dtype == tg.int64
    base, tbase = tg.zeros(3, 4), torch.zeros(3, 4)
    assert base.stride() == tbase.stride() and base.t().stride() == tbase.t().stride()
    assert base[1].data_ptr() == base[1:].data_ptr() != base.data_ptr()
    labels = np.array([2, 0, 1, 2])
    onehot = tg.zeros(4, 3).scatter_(1, tg.tensor(labels).unsqueeze(1), 1.0)
    tonehot = torch.zeros(4, 3).scatter_(1, torch.tensor(labels).unsqueeze(1), 1.0)
    np.testing.assert_array_equal(onehot.numpy(), tonehot.numpy())
    assert ours.isclose(ours).numpy().sum() == theirs.isclose(theirs).numpy().sum()


FUNCTIONS = [
    ("add", lambda m, t: m.add(t, t[0], alpha=2)),
    ("sub", lambda m, t: m.sub(t, 1.5)),
    ("mul", lambda m, t: m.mul(t, t)),
    ("div", lambda m, t: m.div(t, 3.0)),
    ("neg", lambda m, t: m.neg(t)),
    ("clone", lambda m, t: m.clone(t)),
    ("cumsum", lambda m, t: m.cumsum(t, dim=-1)),
    ("logsumexp", lambda m, t: m.logsumexp(t, 1)),
    ("amax", lambda m, t: m.amax(t, dim=(0, 2))),
    ("flip", lambda m, t: m.flip(t, [1])),
    ("unbind", lambda m, t: m.unbind(t, 2)[3]),
    ("movedim", lambda m, t: m.movedim(t, -1, 0)),
    ("swapaxes", lambda m, t: m.swapaxes(t, 0, 2)),
    ("concat", lambda m, t: m.concat([t, t * 2], dim=1)),
    ("hstack", lambda m, t: m.hstack([t[0], t[1]])),
    ("vstack", lambda m, t: m.vstack([t[0, 0], t[1, 1]])),
    ("meshgrid ij", lambda m, t: sum(g * (i + 1) for i, g in
                                     enumerate(m.meshgrid(t[0, 0], t[1, :, 0], indexing="ij")))),
    ("meshgrid xy", lambda m, t: sum(g * (i + 1) for i, g in
                                     enumerate(m.meshgrid(t[0, 0], t[1, :, 0], indexing="xy")))),
    ("var_mean", lambda m, t: m.var_mean(t, 1)[0] * m.var_mean(t, 1)[1]),
    ("std_mean", lambda m, t: m.std_mean(t, dim=2, keepdim=True)[0]),
    ("masked_select", lambda m, t: m.masked_select(t, t < 0)),
]


@pytest.mark.parametrize("name, fn", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_module_functions_equal_torch(name, fn):
    x = np.random.default_rng(len(name)).standard_normal((2, 3, 4))
    ours, theirs = _both(x)
    out, tout = fn(tg, ours), fn(torch, theirs)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-5, atol=1e-6)
    out.sum().backward()
    tout.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_sampling_dtype_limits_and_print_options_match_torch():
    probs = tg.tensor([[0.0, 1.0, 3.0], [2.0, 0.0, 0.0]])
    draws = tg.multinomial(probs, 2, replacement=True)
    assert draws.shape == (2, 2) and draws.dtype == tg.int64 and (draws[1] == 0).all()
    assert sorted(tg.multinomial(probs[0], 2).tolist()) == [1, 2]
    with pytest.raises(RuntimeError, match="without replacement"):
        tg.multinomial(probs, 3)
    coin = tg.bernoulli(tg.tensor([0.0, 1.0, 1.0]))
    assert coin.tolist() == [0.0, 1.0, 1.0] and coin.dtype == tg.float32
    for dt, tdt in ((tg.float32, torch.float32), (tg.float64, torch.float64)):
        assert tg.finfo(dt).eps == torch.finfo(tdt).eps and tg.finfo(dt).max == torch.finfo(tdt).max
    assert tg.iinfo(tg.int64).max == torch.iinfo(torch.int64).max
    saved = np.get_printoptions()
    try:
        tg.set_printoptions(precision=2)
        torch.set_printoptions(precision=2)
        assert repr(tg.tensor([1.23456])) == repr(torch.tensor([1.23456])) == "tensor([1.23])"
    finally:
        np.set_printoptions(**saved)
        torch.set_printoptions(profile="default")
