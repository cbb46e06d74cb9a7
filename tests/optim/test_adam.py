"""Adam and AdamW: steps computed from the published formulas and validation (equality with torch:
tests/torch_parity/test_optimizers_parity.py)."""
import math

import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter

from tests.optim._optim_helpers import run_scalar

GRADS = [1.0, 2.0, 3.0, -1.0]


def adam_reference(grads, lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                   decoupled=False, amsgrad=False, p=1.0):
    """Kingma & Ba (2015), Algorithm 1, written out for one scalar, with PyTorch's choices:
    eps added after the bias correction of sqrt(v); L2 decay through g (Adam) or decoupled
    p *= 1 - lr * weight_decay (AdamW, Loshchilov & Hutter 2019); AMSGrad's running max of v."""
    beta1, beta2 = betas
    m = v = v_max = 0.0
    values = []
    for t, g in enumerate(grads, start=1):
        if weight_decay and decoupled:
            p *= 1 - lr * weight_decay
        elif weight_decay:
            g += weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)
        v_hat = (v_max if amsgrad else v) / (1 - beta2 ** t)
        m_hat = m / (1 - beta1 ** t)
        p -= lr * m_hat / (math.sqrt(v_hat) + eps)
        values.append(p)
    return values


def test_adam_first_steps_by_hand():
    # Step 1: m = 0.1, v = 0.001, m_hat = v_hat = 1  ->  p = 1 - 0.1 / (1 + 1e-8).
    # Step 2: m = 0.29, v = 0.004999, m_hat = 0.29/0.19, v_hat = 0.004999/0.001999.
    p1 = 1 - 0.1 / (1 + 1e-8)
    p2 = p1 - 0.1 * (0.29 / 0.19) / (math.sqrt(0.004999 / 0.001999) + 1e-8)
    values = run_scalar(optim.Adam, GRADS, lr=0.1)
    assert values[:2] == pytest.approx([p1, p2], rel=1e-12)
    assert values == pytest.approx([0.900000001, 0.8034817990281663, 0.707681677061681,
                                    0.646887240437667], rel=1e-12)


@pytest.mark.parametrize("cls, kwargs, reference", [
    (optim.Adam, dict(lr=0.1), dict()),
    (optim.Adam, dict(lr=0.1, weight_decay=0.1), dict(weight_decay=0.1)),
    (optim.AdamW, dict(lr=0.1, weight_decay=0.1), dict(weight_decay=0.1, decoupled=True)),
    (optim.AdamW, dict(lr=0.1), dict(weight_decay=0.01, decoupled=True)),  # default decay 1e-2
    (optim.Adam, dict(lr=0.1, amsgrad=True), dict(amsgrad=True)),
    (optim.Adam, dict(lr=0.05, betas=(0.5, 0.9), eps=1e-3), dict(lr=0.05, betas=(0.5, 0.9),
                                                                 eps=1e-3)),
])
@pytest.mark.parametrize("grads", [GRADS, [3.0, 1.0, 0.5, 0.1, -0.2]])
def test_adam_matches_the_formula_for_several_steps(cls, kwargs, reference, grads):
    assert run_scalar(cls, grads, **kwargs) == pytest.approx(adam_reference(grads, **reference),
                                                             rel=1e-12)


def test_adam_maximize_ascends():
    assert run_scalar(optim.Adam, GRADS, lr=0.1, maximize=True) == pytest.approx(
        adam_reference([-g for g in GRADS]), rel=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    (dict(lr=-1e-3), "Invalid learning rate: -0.001"),
    (dict(eps=-1.0), "Invalid epsilon value: -1.0"),
    (dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
])
def test_adam_rejects_bad_hyperparameters(kwargs, match):
    for cls in (optim.Adam, optim.AdamW):
        with pytest.raises(ValueError, match=match):
            cls([Parameter([1.0])], **kwargs)


def test_adam_state_layout_is_torchs():
    p = Parameter([1.0, 2.0])
    opt = optim.Adam([p], amsgrad=True)
    p.grad = Parameter([0.5, 0.5], requires_grad=False)
    opt.step()
    opt.step()
    state = opt.state_dict()["state"][0]
    assert list(state) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    assert state["step"] == 2.0
