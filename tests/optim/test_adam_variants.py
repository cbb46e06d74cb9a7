"""Adamax, NAdam and RAdam: steps computed from the published formulas on one float64
parameter, defaults, and hyperparameter validation (equality with torch:
tests/torch_parity/test_adam_variants_parity.py)."""
import math

import numpy as np
import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter
from tests.optim._optim_helpers import run_scalar

GRADS = [0.5, -1.0, 2.0, 0.25, -0.75, 1.5, 0.1, -0.3]


def test_adamax_formula():
    lr, b1, b2, eps, p, m, u = 0.1, 0.9, 0.99, 1e-8, 1.0, 0.0, 0.0
    expected = []
    for t, g in enumerate(GRADS, 1):
        m = b1 * m + (1 - b1) * g
        u = max(b2 * u, abs(g) + eps)
        p -= lr / (1 - b1 ** t) * m / u
        expected.append(p)
    np.testing.assert_allclose(run_scalar(optim.Adamax, GRADS, lr=lr, betas=(b1, b2)), expected,
                               rtol=1e-14)


def test_nadam_formula():
    lr, b1, b2, eps, psi, p, m, v, prod = 0.1, 0.9, 0.999, 1e-8, 4e-3, 1.0, 0.0, 0.0, 1.0
    expected = []
    for t, g in enumerate(GRADS, 1):
        mu, mu_next = (b1 * (1 - 0.5 * 0.96 ** (s * psi)) for s in (t, t + 1))
        prod = float(np.float32(prod) * np.float32(mu))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        d = math.sqrt(v / (1 - b2 ** t)) + eps
        p -= lr * (1 - mu) / (1 - prod) * g / d + lr * mu_next / (1 - prod * mu_next) * m / d
        expected.append(p)
    np.testing.assert_allclose(run_scalar(optim.NAdam, GRADS, lr=lr), expected, rtol=1e-12)


def test_radam_formula_switches_to_the_rectified_step():
    lr, b1, b2, eps, p, m, v = 0.1, 0.9, 0.9, 1e-8, 1.0, 0.0, 0.0
    rho_inf, expected, rectified = 2 / (1 - b2) - 1, [], []
    for t, g in enumerate(GRADS, 1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        rho = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
        rectified.append(rho > 5)
        if rho > 5:
            r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            p -= lr * m_hat * r * math.sqrt(1 - b2 ** t) / (math.sqrt(v) + eps)
        else:
            p -= lr * m_hat
        expected.append(p)
    assert not rectified[0] and rectified[-1]          # both branches are exercised
    np.testing.assert_allclose(run_scalar(optim.RAdam, GRADS, lr=lr, betas=(b1, b2)), expected,
                               rtol=1e-12)


def test_defaults_and_validation():
    p = [Parameter(np.zeros(2))]
    assert optim.Adamax(p).defaults["lr"] == 2e-3 and optim.NAdam(p).defaults["lr"] == 2e-3
    assert optim.RAdam(p).defaults["lr"] == 1e-3
    assert optim.NAdam(p).defaults["momentum_decay"] == 4e-3
    for cls in (optim.Adamax, optim.NAdam, optim.RAdam):
        with pytest.raises(ValueError, match="beta parameter at index 1"):
            cls(p, betas=(0.9, 1.0))
        with pytest.raises(ValueError, match="epsilon"):
            cls(p, eps=-1.0)
    with pytest.raises(ValueError, match="momentum_decay"):
        optim.NAdam(p, momentum_decay=-0.1)
