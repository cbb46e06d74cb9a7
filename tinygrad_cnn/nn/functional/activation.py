"""Activations and softmax as functions."""
from __future__ import annotations

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
