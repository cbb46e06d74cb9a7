"""gelu (both forms), softplus, mish, hardtanh, relu6, hardsigmoid, hardswish and erf against
torch in float64: values and input gradients on the same arrays, and the layers' printing."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops

torch = pytest.importorskip("torch")
TF = torch.nn.functional

CASES = [
    ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("softplus", {}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}), ("softplus", {"beta": 0.5}), ("mish", {}),
    ("hardtanh", {}), ("hardtanh", {"min_val": -2.0, "max_val": 0.5}), ("relu6", {}),
    ("hardsigmoid", {}), ("hardswish", {}), ("silu", {}), ("elu", {"alpha": 0.7}),
]


def _inputs():
    rng = np.random.default_rng(12)
    # wide random values, values near the kinks (but not on them) and large magnitudes
    special = np.array([-700.0, -40.0, -20.5, -8.0, -3.1, -2.9, -1e-8, 1e-8, 2.9, 3.1, 5.9,
                        6.1, 19.5, 21.0, 40.0])
    return np.concatenate([rng.normal(0, 4, 200), special])


@pytest.mark.parametrize("name, kwargs", CASES)
def test_values_and_gradients_equal_torch_in_float64(name, kwargs):
    x = _inputs()
    ours = tg.Tensor(x.copy(), requires_grad=True)
    theirs = torch.tensor(x.copy(), requires_grad=True)
    y, ty = getattr(F, name)(ours, **kwargs), getattr(TF, name)(theirs, **kwargs)
    # atol: elu's exp(x) - 1 against torch's expm1 near 0, and the tails of gelu's
    # gradient, where both sides cancel (Phi(x) + x phi(x)) and round differently
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-14, atol=1e-15)
    cotangent = np.random.default_rng(1).standard_normal(x.shape)
    y.backward(tg.Tensor(cotangent))
    ty.backward(torch.tensor(cotangent))
    # torch's hardsigmoid backward multiplies by 1/6 rounded to float32 (`1.0f / 6.0f`), also
    # in float64; ours is the float64 1/6
    rtol = 1e-7 if name == "hardsigmoid" else 1e-12
    np.testing.assert_allclose(ours.grad.detach().numpy(), theirs.grad.numpy(), rtol=rtol, atol=5e-15)


def test_erf_equals_torch_erf_in_float64():
    x = np.concatenate([np.linspace(-7, 7, 2001), [0.0, -np.inf, np.inf]])
    ours = tg.Tensor(x.copy(), requires_grad=True)
    theirs = torch.tensor(x.copy(), requires_grad=True)
    y, ty = ops.Erf.apply(ours), torch.erf(theirs)
    # torch's vectorized erf (SLEEF's, 1 ulp) and the C library's differ in the last bit at most
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=4.5e-16, atol=0)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(ours.grad.detach().numpy(), theirs.grad.numpy(), rtol=1e-15, atol=0)


def test_float32_values_are_close_to_torch():
    x = _inputs().astype(np.float32)
    for name, kwargs in CASES:
        y = getattr(F, name)(tg.Tensor(x), **kwargs).numpy()
        ty = getattr(TF, name)(torch.tensor(x), **kwargs).numpy()
        assert y.dtype == np.float32
        np.testing.assert_allclose(y, ty, rtol=2e-6, atol=1e-6, err_msg=name)


def test_layers_print_as_torchs():
    pairs = [(nn.GELU(), torch.nn.GELU()), (nn.GELU("tanh"), torch.nn.GELU("tanh")),
             (nn.Softplus(), torch.nn.Softplus()), (nn.Softplus(2, 10), torch.nn.Softplus(2, 10)),
             (nn.Mish(), torch.nn.Mish()), (nn.Hardtanh(), torch.nn.Hardtanh()),
             (nn.Hardtanh(-2, 2, True), torch.nn.Hardtanh(-2, 2, True)),
             (nn.ReLU6(), torch.nn.ReLU6()), (nn.ReLU6(True), torch.nn.ReLU6(True)),
             (nn.Hardsigmoid(), torch.nn.Hardsigmoid()), (nn.Hardswish(), torch.nn.Hardswish()),
             (nn.Mish(inplace=True), torch.nn.Mish(inplace=True))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
