"""Activations and softmax as functions. The smooth modern ones (gelu, softplus, mish, the
hard-* family) are compositions of Tensor methods; only gelu needs a primitive of its own,
ops.Erf."""
from __future__ import annotations

import math
import warnings

from ... import ops
from ...functions import where
from ._checks import check_tensor


def _in_place(input, compute, inplace):
    """PyTorch's inplace=True: `compute(input)` written into `input`, which is returned (with
    the in-place rules of tensor_inplace.py); otherwise the result as a new tensor."""
    return input._in_place(compute) if inplace else compute(input)


def relu(input, inplace=False):
    """max(input, 0); gradient 0 at 0."""
    return _in_place(check_tensor("relu", "input", input), ops.ReLU.apply, inplace)


def sigmoid(input):
    return ops.Sigmoid.apply(check_tensor("sigmoid", "input", input))


def tanh(input):
    return ops.Tanh.apply(check_tensor("tanh", "input", input))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, else negative_slope * x (so the slope at 0 is negative_slope, as PyTorch)."""
    check_tensor("leaky_relu", "input", input)
    if not isinstance(negative_slope, (int, float)):
        raise TypeError(f"leaky_relu: negative_slope must be a number, got {negative_slope!r}")
    slope = float(negative_slope)
    return _in_place(input, lambda x: where(x > 0, x, x * slope), inplace)


def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha * (e^x - 1)."""
    check_tensor("elu", "input", input)
    if not isinstance(alpha, (int, float)):
        raise TypeError(f"elu: alpha must be a number, got {alpha!r}")
    # e^x only of the non-positive part: the unused branch must not overflow to inf, whose
    # zero gradient would turn into 0 * inf = nan
    alpha = float(alpha)
    return _in_place(input, lambda x: where(x > 0, x, (x.clamp(max=0).exp() - 1) * alpha), inplace)


def silu(input, inplace=False):
    """x * sigmoid(x) (also called swish)."""
    check_tensor("silu", "input", input)
    return _in_place(input, lambda x: x * ops.Sigmoid.apply(x), inplace)


def _number(fn, name, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{fn}: {name} must be a number, got {value!r}")
    return float(value)


def gelu(input, approximate="none"):
    """x * Phi(x), Phi the standard normal CDF: 0.5 x (1 + erf(x / sqrt(2))). With
    approximate='tanh': 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as PyTorch."""
    check_tensor("gelu", "input", input)
    if approximate == "none":
        return input * 0.5 * (ops.Erf.apply(input * math.sqrt(0.5)) + 1.0)
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2.0 / math.pi)
        return input * 0.5 * (inner.tanh() + 1.0)
    raise RuntimeError(f"approximate argument must be either none or tanh. (got {approximate!r})")


def _log1p(e):
    """log(1 + e) for a tensor e >= 0, to a few ulps also where 1 + e rounds (Kahan's trick):
    with u = 1 + e rounded, log(u) * e / (u - 1) cancels the rounding of u; where u == 1,
    log(1 + e) = e to double precision. The divisor is made 1 there so that no 0/0 reaches
    the gradient of the branch `where` drops."""
    u = e + 1.0
    rounded = u - 1.0
    exact = rounded == 0
    return where(exact, e, u.log() * e / where(exact, 1.0, rounded))


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + e^(beta x)) / beta; x itself where beta x > threshold (as PyTorch). Computed as
    max(z, 0) + log(1 + e^-|z|) with z = beta x, which never overflows."""
    check_tensor("softplus", "input", input)
    beta = _number("softplus", "beta", beta)
    threshold = _number("softplus", "threshold", threshold)
    z = input * beta
    # -|z| written with `where` (not abs) so that z == 0 gets the slope 1/2, as PyTorch's
    positive = z > 0
    smooth = (where(positive, z, 0.0) + _log1p(where(positive, -z, z).exp())) * (1.0 / beta)
    return where(z > threshold, input, smooth)


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    check_tensor("mish", "input", input)
    return _in_place(input, lambda x: x * softplus(x).tanh(), inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x limited to [min_val, max_val]."""
    check_tensor("hardtanh", "input", input)
    low, high = _number("hardtanh", "min_val", min_val), _number("hardtanh", "max_val", max_val)
    if low > high:
        raise ValueError("min_val cannot be greater than max_val")
    return _in_place(input, lambda x: x.clamp(low, high), inplace)


def relu6(input, inplace=False):
    """min(max(x, 0), 6) (MobileNet's activation)."""
    check_tensor("relu6", "input", input)
    return _in_place(input, lambda x: x.clamp(0.0, 6.0), inplace)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between."""
    check_tensor("hardsigmoid", "input", input)
    return _in_place(input, lambda x: (x + 3.0).clamp(0.0, 6.0) * (1.0 / 6.0), inplace)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6 (MobileNetV3's cheap swish)."""
    check_tensor("hardswish", "input", input)
    return _in_place(input, lambda x: x * (x + 3.0).clamp(0.0, 6.0) * (1.0 / 6.0), inplace)


def _dim(fn, input, dim):
    if dim is None:
        # PyTorch's deprecated implicit choice, kept so old scripts give the same numbers.
        dim = 0 if input.ndim in (0, 1, 3) else 1
        warnings.warn(f"{fn}: implicit dim is deprecated; using dim={dim} for input shape "
                      f"{input.shape} as PyTorch does. Pass dim explicitly.", UserWarning,
                      stacklevel=3)
    return input._axis(dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(input)) along `dim`, computed stably (in `dtype`, if given, as PyTorch)."""
    check_tensor("log_softmax", "input", input)
    axis = _dim("log_softmax", input, dim)
    return ops.LogSoftmax.apply(input if dtype is None else input.to(dtype), axis=axis)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """e^x / sum(e^x) along `dim` (the exponential of log_softmax), in `dtype` if given."""
    check_tensor("softmax", "input", input)
    axis = _dim("softmax", input, dim)
    return ops.LogSoftmax.apply(input if dtype is None else input.to(dtype), axis=axis).exp()
