"""Optimizer base: parameter groups, zero_grad, closures, state dicts in PyTorch's layout."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn, optim
from tinygrad_cnn.nn import Parameter


def _params(n=3):
    return [Parameter(np.full(i + 1, float(i + 1), dtype=np.float32)) for i in range(n)]


def _set_grads(params, value=1.0):
    for p in params:
        p.grad = tg.Tensor(np.full(p.shape, value, dtype=p.dtype))


def test_groups_get_defaults_and_keep_overrides():
    a, b, c = _params()
    opt = optim.SGD([{"params": [a, b]}, {"params": c, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert all(g["momentum"] == 0.9 for g in opt.param_groups)
    assert opt.param_groups[1]["params"] == [c]
    opt.add_param_group({"params": _params(1), "momentum": 0.0})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.0


@pytest.mark.parametrize("params, error, match", [
    ([], ValueError, "empty parameter list"),
    (Parameter([1.0]), TypeError, "iterable of Tensors or dicts"),
    ([np.zeros(2)], TypeError, "can only optimize Tensors"),
    ([{"params": {Parameter([1.0])}}], TypeError, "ordered collections"),
])
def test_bad_params(params, error, match):
    with pytest.raises(error, match=match):
        optim.SGD(params, lr=0.1)


def test_parameters_in_two_groups_or_non_leaf_are_refused():
    a, b, _ = _params()
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [a]}, {"params": [a, b]}], lr=0.1)
    with pytest.raises(ValueError, match="duplicate parameters"):
        optim.SGD([a, a], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([a * 2], lr=0.1)


def test_step_skips_parameters_without_gradient():
    a, b, _ = _params()
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    _set_grads([a])
    opt.step()
    assert a.array.tolist() == pytest.approx([0.9]) and b.array.tolist() == [2.0, 2.0]
    assert b not in opt.state


def test_zero_grad_modes():
    params = _params()
    opt = optim.Adam(params)
    _set_grads(params)
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.array.any() for p in params)
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_closure_is_called_with_grad_enabled_and_its_loss_returned():
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = tg.randn(4, 2)

    def closure():
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        return loss

    with tg.no_grad():
        loss = opt.step(closure)
    assert isinstance(loss, tg.Tensor) and model.weight.grad is not None


def test_state_dict_layout():
    a, b, c = _params()
    opt = optim.SGD([{"params": [a]}, {"params": [b, c], "lr": 0.5}], lr=0.1, momentum=0.9)
    _set_grads([a, c])
    opt.step()
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1, 2]]
    assert sd["param_groups"][1]["lr"] == 0.5
    assert list(sd["state"]) == [0, 2] and list(sd["state"][0]) == ["momentum_buffer"]
    sd["state"][0]["momentum_buffer"][...] = 99  # a copy: the optimizer is unaffected
    assert opt.state[a]["momentum_buffer"][0] == 1.0


def test_load_state_dict_resumes_exactly():
    def train(opt, params, steps):
        for step in range(steps):
            _set_grads(params, value=float(step + 1))
            opt.step()

    a = _params()
    opt_a = optim.Adam(a, lr=0.1, amsgrad=True)
    train(opt_a, a, 6)

    b = _params()
    opt_b = optim.Adam(b, lr=0.1, amsgrad=True)
    train(opt_b, b, 3)
    saved = [p.array.copy() for p in b], opt_b.state_dict()
    c = [Parameter(x) for x in saved[0]]
    opt_c = optim.Adam(c, lr=0.5)  # hyper-parameters come back from the state dict
    opt_c.load_state_dict(saved[1])
    assert opt_c.param_groups[0]["lr"] == 0.1 and opt_c.param_groups[0]["params"] == c
    for step in range(3, 6):
        _set_grads(c, value=float(step + 1))
        opt_c.step()
    for pa, pc in zip(a, c):
        np.testing.assert_array_equal(pa.array, pc.array)


def test_load_state_dict_checks_groups_before_changing_anything():
    params = _params()
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    _set_grads(params)
    opt.step()
    sd = opt.state_dict()
    other = optim.SGD([{"params": params[:1]}, {"params": params[1:]}], lr=0.2)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        other.load_state_dict(sd)
    smaller = optim.SGD(params[:2], lr=0.2)
    with pytest.raises(ValueError, match="doesn't match the size"):
        smaller.load_state_dict(sd)
    assert smaller.param_groups[0]["lr"] == 0.2 and len(smaller.state) == 0


def test_load_state_dict_casts_state_to_parameter_dtype():
    p = Parameter(np.ones(2, dtype=np.float32))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    opt.load_state_dict({"state": {"0": {"momentum_buffer": np.ones(2)}},
                         "param_groups": [{"lr": 0.1, "momentum": 0.9, "dampening": 0,
                                           "weight_decay": 0, "nesterov": False,
                                           "maximize": False, "params": [0]}]})
    assert opt.state[p]["momentum_buffer"].dtype == np.float32


def test_repr_lists_groups():
    text = repr(optim.SGD([{"params": _params(1)}, {"params": _params(1), "lr": 0.5}], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False"
                           "\n    foreach: None\n    fused: None\n    lr: 0.1")
    assert "    weight_decay: 0\n\nParameter Group 1\n" in text  # a blank line between groups
    assert text.endswith("    weight_decay: 0\n)")


def test_named_parameters_keep_their_names_in_the_groups():
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.param_groups[0]["params"] == [model.weight, model.bias]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
    with pytest.raises(ValueError, match="with/without names"):
        optim.SGD([("weight", model.weight), model.bias], lr=0.1)
    with pytest.raises(ValueError, match="with/without names"):
        opt.add_param_group({"params": [Parameter(np.ones(1))]})


def test_kernel_choices_are_accepted_and_differentiable_refused():
    opt = optim.Adam(_params(1), foreach=True, fused=False, capturable=True)
    assert opt.param_groups[0]["foreach"] is True and opt.param_groups[0]["fused"] is False
    with pytest.raises(ValueError, match="differentiable=True is not supported"):
        optim.SGD(_params(1), lr=0.1, differentiable=True)


def test_adam_with_decoupled_weight_decay_is_adamw():
    a, b = _params(1), _params(1)
    adam = optim.Adam(a, lr=0.1, weight_decay=0.5, decoupled_weight_decay=True)
    adamw = optim.AdamW(b, lr=0.1, weight_decay=0.5)
    assert adamw.param_groups[0]["decoupled_weight_decay"] is True
    for _ in range(3):
        _set_grads(a + b)
        adam.step()
        adamw.step()
    np.testing.assert_array_equal(a[0].array, b[0].array)
    # one step by hand: p = 1 * (1 - 0.1 * 0.5) = 0.95, then the Adam step of size lr = 0.1
    c = _params(1)
    opt = optim.Adam(c, lr=0.1, weight_decay=0.5, decoupled_weight_decay=True)
    _set_grads(c)
    opt.step()
    np.testing.assert_allclose(c[0].array, 0.95 - 0.1, rtol=1e-6)


def test_loading_an_older_state_dict_fills_new_group_keys_with_defaults():
    p = Parameter(np.ones(2))
    opt = optim.Adam([p], lr=0.1)
    opt.load_state_dict({"state": {}, "param_groups": [
        {"lr": 0.2, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False,
         "params": [0]}]})
    group = opt.param_groups[0]
    assert group["lr"] == 0.2 and group["maximize"] is False
    assert group["decoupled_weight_decay"] is False
    p.grad = tg.Tensor(np.ones(2))
    opt.step()
