"""Adadelta: the first steps by hand, bad hyper-parameters and PyTorch's state layout (the
comparison with torch over many steps is in tests/torch_parity/test_porting_additions_parity.py)."""
import math

import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter

from tests.optim._optim_helpers import run_scalar


def test_first_steps_by_hand():
    # g = 1: v = 0.1, delta = sqrt(eps)/sqrt(0.1 + eps), u = 0.1 delta^2; then v = 0.19
    eps = 1e-6
    v1 = 0.1
    d1 = math.sqrt(eps) / math.sqrt(v1 + eps)
    u1 = 0.1 * d1 * d1
    v2 = 0.9 * v1 + 0.1
    d2 = math.sqrt(u1 + eps) / math.sqrt(v2 + eps)
    values = run_scalar(optim.Adadelta, [1.0, 1.0], lr=1.0, rho=0.9, eps=eps)
    assert values == pytest.approx([1 - d1, 1 - d1 - d2], rel=1e-12)
    assert run_scalar(optim.Adadelta, [1.0], maximize=True)[0] == pytest.approx(1 + d1, rel=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    (dict(lr=-1), "Invalid learning rate"), (dict(rho=1.5), "Invalid rho value"),
    (dict(eps=-1), "Invalid epsilon value"), (dict(weight_decay=-1), "Invalid weight_decay value"),
])
def test_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        optim.Adadelta([Parameter([1.0])], **kwargs)


def test_state_layout_and_defaults_are_torchs():
    p = Parameter([1.0, 2.0])
    opt = optim.Adadelta([p])
    assert (opt.defaults["lr"], opt.defaults["rho"], opt.defaults["eps"]) == (1.0, 0.9, 1e-6)
    assert not opt.state[p]                                    # state appears at the first step
    p.grad = Parameter([0.5, 0.5], requires_grad=False)
    opt.step()
    assert list(opt.state_dict()["state"][0]) == ["step", "square_avg", "acc_delta"]
    restored = optim.Adadelta([Parameter([1.0, 2.0])])
    restored.load_state_dict(opt.state_dict())
    assert restored.state_dict()["state"][0]["step"] == 1.0
