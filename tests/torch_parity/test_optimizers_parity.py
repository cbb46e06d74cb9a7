"""SGD, Adam, AdamW, RMSprop and Adagrad equal torch's over several steps, for every option and
with parameter groups."""
import itertools

import numpy as np
import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter

from tests.optim._optim_helpers import compare_with_torch


@pytest.mark.parametrize("kwargs", [
    dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
    dict(lr=0.05, momentum=0.9, maximize=True, weight_decay=0.1),
])
def test_sgd_equals_torch(kwargs):
    torch = pytest.importorskip("torch")
    assert compare_with_torch(torch, optim.SGD, torch.optim.SGD, **kwargs) < 1e-6


def test_sgd_param_groups_equal_torch():
    torch = pytest.importorskip("torch")
    groups = [{"lr": 0.5}, {"momentum": 0.5, "nesterov": True}]
    assert compare_with_torch(torch, optim.SGD, torch.optim.SGD, groups=groups, lr=0.1,
                              momentum=0.9) < 1e-6


@pytest.mark.parametrize("cls_name, kwargs", [
    ("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, maximize=True)),
    ("AdamW", dict(lr=0.01)), ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
])
def test_adam_equals_torch(cls_name, kwargs):
    torch = pytest.importorskip("torch")
    assert compare_with_torch(torch, getattr(optim, cls_name), getattr(torch.optim, cls_name),
                              steps=6, **kwargs) < 1e-6


def test_adam_param_groups_equal_torch():
    torch = pytest.importorskip("torch")
    groups = [{"lr": 0.05}, {"betas": (0.5, 0.6), "weight_decay": 0.1}]
    assert compare_with_torch(torch, optim.AdamW, torch.optim.AdamW, groups=groups) < 1e-6


@pytest.mark.parametrize("momentum, centered, weight_decay, maximize",
                         list(itertools.product([0, 0.9], [False, True], [0, 0.1], [False, True])))
def test_rmsprop_equals_torch(momentum, centered, weight_decay, maximize):
    torch = pytest.importorskip("torch")
    assert compare_with_torch(torch, optim.RMSprop, torch.optim.RMSprop, steps=6, lr=0.01,
                              alpha=0.9, momentum=momentum, centered=centered,
                              weight_decay=weight_decay, maximize=maximize) < 1e-5


@pytest.mark.parametrize("kwargs", [dict(), dict(lr_decay=0.1, weight_decay=0.1),
                                    dict(initial_accumulator_value=0.5, maximize=True)])
def test_adagrad_equals_torch(kwargs):
    torch = pytest.importorskip("torch")
    assert compare_with_torch(torch, optim.Adagrad, torch.optim.Adagrad, steps=6, lr=0.1,
                              **kwargs) < 1e-5


def test_repr_and_groups_equal_torch():
    torch = pytest.importorskip("torch")
    for name in ("RMSprop", "Adagrad"):
        ours = getattr(optim, name)([Parameter(np.ones(2))], momentum=0.5) if name == "RMSprop" \
            else getattr(optim, name)([Parameter(np.ones(2))])
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))], momentum=0.5) \
            if name == "RMSprop" else getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))])
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()["param_groups"][0]) == list(theirs.state_dict()["param_groups"][0])
