"""SGD: hand-computed steps from the update formula and validation (equality with torch:
tests/torch_parity/test_optimizers_parity.py)."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter

from tests.optim._optim_helpers import run_scalar

GRADS = [1.0, 2.0, 3.0, -1.0]


@pytest.mark.parametrize("kwargs, expected", [
    # p -= lr * g
    (dict(lr=0.1), [0.9, 0.7, 0.4, 0.5]),
    # buf = g on step 1, then 0.9 * buf + g;  p -= 0.1 * buf
    (dict(lr=0.1, momentum=0.9), [0.9, 0.61, 0.049, -0.3559]),
    # dampening 0.5 applies from step 2 on: buf = 1, 0.9 + 1.0, 1.71 + 1.5, 2.889 - 0.5
    (dict(lr=0.1, momentum=0.9, dampening=0.5), [0.9, 0.71, 0.389, 0.1501]),
    # nesterov: g + 0.9 * buf with buf = 1, 2.9, 5.61, 4.049  ->  1.9, 4.61, 8.049, 2.6441
    (dict(lr=0.1, momentum=0.9, nesterov=True), [0.81, 0.349, -0.4559, -0.72031]),
    # weight decay: g + 0.1 * p  ->  1.1, 2.089, 3.06811, -0.9625711
    (dict(lr=0.1, weight_decay=0.1), [0.89, 0.6811, 0.374289, 0.47054611]),
    # maximize: p += lr * g
    (dict(lr=0.1, maximize=True), [1.1, 1.3, 1.6, 1.5]),
])
def test_sgd_hand_computed(kwargs, expected):
    assert run_scalar(optim.SGD, GRADS, **kwargs) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    (dict(lr=-1.0), "Invalid learning rate: -1.0"),
    (dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (dict(lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "zero dampening"),
])
def test_sgd_rejects_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        optim.SGD([Parameter([1.0])], **kwargs)


def test_sgd_group_hyperparameters_are_checked_too():
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.SGD([{"params": [Parameter([1.0])], "lr": -0.1}], lr=0.1)


def test_sgd_default_lr_is_torchs():
    assert optim.SGD([Parameter([1.0])]).defaults["lr"] == 1e-3


def test_sgd_without_momentum_keeps_no_state():
    p = Parameter([1.0])
    opt = optim.SGD([p], lr=0.1)
    p.grad = tg.Tensor(np.array([1.0]))
    opt.step()
    assert opt.state_dict()["state"] == {}
