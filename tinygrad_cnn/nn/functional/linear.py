"""Products as functions: linear (a fully-connected layer) and matmul: validate, then call the op."""
from __future__ import annotations

from ... import ops
from ...errors import ShapeMismatchError
from ._checks import check_same_dtype, check_tensor


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias.

    Shape: input (*, I), weight (O, I), bias (O,) -> (*, O)."""
    check_tensor("linear", "input", input)
    check_tensor("linear", "weight", weight, ndim=2)
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ShapeMismatchError(f"linear: input has {input.shape[-1] if input.ndim else 0} features (shape "
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
    """Matrix product with numpy/torch batching rules (Tensor.matmul holds the checks)."""
    check_tensor("matmul", "input", input, floating=False)
    check_tensor("matmul", "other", other, floating=False)
    return input.matmul(other)
