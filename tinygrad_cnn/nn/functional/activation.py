"""Activations, softmax and dropout as functions."""
from __future__ import annotations

import warnings

from ... import ops
from ._checks import check_tensor


def relu(input):
    """max(input, 0); gradient 0 at 0."""
    return ops.ReLU.apply(check_tensor("relu", "input", input))


def sigmoid(input):
    return ops.Sigmoid.apply(check_tensor("sigmoid", "input", input))


def tanh(input):
    return ops.Tanh.apply(check_tensor("tanh", "input", input))


def _dim(fn, input, dim):
    if dim is None:
        # PyTorch's deprecated implicit choice, kept so old scripts give the same numbers.
        dim = 0 if input.ndim in (0, 1, 3) else 1
        warnings.warn(f"{fn}: implicit dim is deprecated; using dim={dim} for input shape "
                      f"{input.shape} as PyTorch does. Pass dim explicitly.", UserWarning,
                      stacklevel=3)
    return input._axis(dim)


def log_softmax(input, dim=None):
    """log(softmax(input)) along `dim`, computed stably."""
    check_tensor("log_softmax", "input", input)
    return ops.LogSoftmax.apply(input, axis=_dim("log_softmax", input, dim))


def softmax(input, dim=None):
    """e^x / sum(e^x) along `dim` (the exponential of log_softmax)."""
    check_tensor("softmax", "input", input)
    return ops.LogSoftmax.apply(input, axis=_dim("softmax", input, dim)).exp()


def dropout(input, p=0.5, training=True):
    """Zero each element with probability p and scale the rest by 1/(1 - p) (training only)."""
    check_tensor("dropout", "input", input)
    if not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p!r}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0.0
    return ops.Dropout.apply(input, p=float(p))
