"""Dropout as functions: dropout zeroes single elements, dropout2d whole channels."""
from __future__ import annotations

import warnings

import numpy as np

from ... import ops
from ...random import get_rng
from ...tensor import Tensor
from ._checks import check_tensor
from .activation import _in_place


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1/(1 - p) (training only)."""
    check_tensor("dropout", "input", input)
    if not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p!r}")
    if not training or p == 0:
        return input
    if p == 1:
        return _in_place(input, lambda x: x * 0.0, inplace)
    return _in_place(input, lambda x: ops.Dropout.apply(x, p=float(p)), inplace)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels: each (n, c) feature map is dropped with probability p, and the kept
    ones are scaled by 1/(1 - p), so the expected value is unchanged (training only).

    y = input * mask / (1 - p),  mask ~ Bernoulli(1 - p) of shape (N, C, 1, 1), drawn from the
    global generator (tg.manual_seed). Built from a multiplication, so the gradient is
    dL/dinput = dL/dy * mask / (1 - p): dropped channels get none.

    Shape: (N, C, H, W) -> the same. A 3-D input is read as (N, C, L), as PyTorch does today
    (with its warning), so whole rows are dropped."""
    fn = "dropout2d"
    check_tensor(fn, "input", input, ndim=(3, 4))
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"{fn}: p must be a probability in [0, 1], got {p!r}")
    if input.ndim == 3:
        warnings.warn("dropout2d: received a 3-D input; as in PyTorch it is read as (N, C, L), "
                      "so whole rows (not whole channels of one image) are dropped", stacklevel=2)
    if not training or p == 0:
        return input
    mask_shape = input.shape[:2] + (1,) * (input.ndim - 2)              # (N, C, 1, 1)
    if p == 1:
        scale = np.zeros(mask_shape, dtype=input.dtype)
    else:
        scale = ((get_rng().random(mask_shape) >= p) / (1 - p)).astype(input.dtype)
    return _in_place(input, lambda x: x * Tensor(scale), inplace)
