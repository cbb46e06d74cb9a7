"""Products as functions: linear (a fully-connected layer) and matmul: validate, then call the op."""
from __future__ import annotations

import numpy as np

from ... import ops
from ._checks import check_same_dtype, check_tensor


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias.

    Shape: input (*, I), weight (O, I), bias (O,) -> (*, O)."""
    check_tensor("linear", "input", input)
    check_tensor("linear", "weight", weight, ndim=2)
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input has {input.shape[-1] if input.ndim else 0} features (shape "
                         f"{input.shape}) but weight expects {weight.shape[1]} (weight shape {weight.shape})")
    if bias is not None:
        check_tensor("linear", "bias", bias)
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"linear: bias must have shape ({weight.shape[0]},) to match weight "
                             f"{weight.shape}, got {bias.shape}")
    check_same_dtype("linear", input=input, weight=weight, bias=bias)
    tensors = (input, weight) if bias is None else (input, weight, bias)
    return ops.Linear.apply(*tensors)


def matmul(input, other):
    """Matrix product with numpy/torch batching rules."""
    check_tensor("matmul", "input", input, floating=False)
    check_tensor("matmul", "other", other, floating=False)
    if input.ndim == 0 or other.ndim == 0:
        raise ValueError(f"matmul: both arguments need at least 1 dimension, got shapes "
                         f"{input.shape} and {other.shape}")
    inner_a = input.shape[-1]
    inner_b = other.shape[0] if other.ndim == 1 else other.shape[-2]
    if inner_a != inner_b:
        raise ValueError(f"matmul: inner dimensions differ: input {input.shape} has {inner_a} "
                         f"columns but other {other.shape} has {inner_b} rows")
    check_same_dtype("matmul", input=input, other=other)  # PyTorch does not promote here
    try:
        np.broadcast_shapes(input.shape[:-2], other.shape[:-2])
    except ValueError:
        raise ValueError(f"matmul: batch dimensions of {input.shape} and {other.shape} do not broadcast") from None
    return ops.MatMul.apply(input, other)
