"""RMSprop and Adagrad: first steps by hand, bad hyper-parameters, state layout, and equality with
torch over several steps for every option."""
import itertools
import math

import numpy as np
import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter

from _optim_helpers import compare_with_torch, run_scalar


def test_rmsprop_first_steps_by_hand():
    # v = 0.1, then 0.19; steps 0.1 / sqrt(v)
    values = run_scalar(optim.RMSprop, [1.0, 1.0], lr=0.1, alpha=0.9, eps=0.0)
    assert values == pytest.approx([1 - 0.1 / math.sqrt(0.1),
                                    1 - 0.1 / math.sqrt(0.1) - 0.1 / math.sqrt(0.19)], rel=1e-12)
    # centered: m = 0.1, v - m*m = 0.1 - 0.01
    centered = run_scalar(optim.RMSprop, [1.0], lr=0.1, alpha=0.9, eps=0.0, centered=True)
    assert centered == pytest.approx([1 - 0.1 / math.sqrt(0.09)], rel=1e-12)


def test_adagrad_first_steps_by_hand():
    assert run_scalar(optim.Adagrad, [1.0, 1.0], lr=0.1, eps=0.0) == \
        pytest.approx([0.9, 0.9 - 0.1 / math.sqrt(2)], rel=1e-12)
    # lr_decay: the second step uses lr / (1 + 1 * lr_decay)
    assert run_scalar(optim.Adagrad, [1.0, 1.0], lr=0.1, lr_decay=1.0, eps=0.0)[1] == \
        pytest.approx(0.9 - 0.05 / math.sqrt(2), rel=1e-12)


@pytest.mark.parametrize("cls, kwargs, match", [
    (optim.RMSprop, dict(lr=-1), "Invalid learning rate"),
    (optim.RMSprop, dict(alpha=-0.1), "Invalid alpha value"),
    (optim.RMSprop, dict(eps=-1), "Invalid epsilon value"),
    (optim.RMSprop, dict(momentum=-1), "Invalid momentum value"),
    (optim.Adagrad, dict(lr_decay=-1), "Invalid lr_decay value"),
    (optim.Adagrad, dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value"),
])
def test_bad_hyperparameters(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls([Parameter([1.0])], **kwargs)


def test_state_layouts_are_torchs():
    p = Parameter([1.0, 2.0])
    opt = optim.RMSprop([p], momentum=0.9, centered=True)
    p.grad = Parameter([0.5, 0.5], requires_grad=False)
    opt.step()
    assert list(opt.state_dict()["state"][0]) == ["step", "square_avg", "momentum_buffer", "grad_avg"]
    adagrad = optim.Adagrad([p], initial_accumulator_value=0.5)  # state from construction on
    assert adagrad.state[p]["step"] == 0.0 and adagrad.state[p]["sum"].tolist() == [0.5, 0.5]


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
