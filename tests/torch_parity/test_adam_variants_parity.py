"""Adamax, NAdam and RAdam equal torch's over several steps (float32 parameters, a parameter
skipped on one step), for their options and with parameter groups; state_dict keys too."""
import pytest

from tinygrad_cnn import optim

from tests.optim._optim_helpers import compare_with_torch, step_both

CASES = [
    ("Adamax", dict()), ("Adamax", dict(lr=0.05, weight_decay=0.1, maximize=True)),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.9), eps=1e-4)),
    ("NAdam", dict()), ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict()), ("RAdam", dict(lr=0.01, betas=(0.9, 0.6), weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, betas=(0.5, 0.5), weight_decay=0.2, decoupled_weight_decay=True)),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_equals_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    assert compare_with_torch(torch, getattr(optim, name), getattr(torch.optim, name), steps=8,
                              **kwargs) < 1e-6


@pytest.mark.parametrize("name", ["Adamax", "NAdam", "RAdam"])
def test_groups_and_state_layout_equal_torch(name):
    torch = pytest.importorskip("torch")
    groups = [{"lr": 0.05}, {"betas": (0.5, 0.6), "weight_decay": 0.1}]
    ours, theirs = getattr(optim, name), getattr(torch.optim, name)
    assert compare_with_torch(torch, ours, theirs, groups=groups) < 1e-6
    opt, topt, _, _ = step_both(torch, ours, theirs, steps=3)
    mine, other = opt.state_dict(), topt.state_dict()
    assert sorted(mine["param_groups"][0]) == sorted(other["param_groups"][0])
    assert sorted(mine["state"][0]) == sorted(other["state"][0])
