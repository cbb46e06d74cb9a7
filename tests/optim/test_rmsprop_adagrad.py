"""RMSprop and Adagrad: first steps by hand, bad hyper-parameters and state layout (equality with
torch over several steps for every option: tests/torch_parity/test_optimizers_parity.py)."""
import math

import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter

from tests.optim._optim_helpers import run_scalar


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
