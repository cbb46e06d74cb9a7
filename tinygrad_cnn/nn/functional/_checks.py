"""Argument checks shared by the functional API. Each error names the function, the argument and
the shapes involved, and is raised before anything is computed."""
from __future__ import annotations

import numpy as np

from ...tensor import Tensor


def check_tensor(fn: str, name: str, value, ndim=None, floating: bool = True) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}: {name} must be a Tensor, got {type(value).__name__}")
    if ndim is not None and value.ndim not in ((ndim,) if isinstance(ndim, int) else ndim):
        expected = ndim if isinstance(ndim, int) else " or ".join(map(str, ndim))
        raise ValueError(f"{fn}: {name} must have {expected} dimensions, got shape {value.shape}")
    if floating and not np.issubdtype(value.dtype, np.floating):
        raise TypeError(f"{fn}: {name} must be a floating-point tensor, got dtype {value.dtype}")
    return value


def check_same_dtype(fn: str, **tensors) -> None:
    dtypes = {name: t.dtype for name, t in tensors.items() if t is not None}
    if len(set(dtypes.values())) > 1:
        listed = ", ".join(f"{name} is {dtype}" for name, dtype in dtypes.items())
        raise TypeError(f"{fn}: tensors must share one dtype, but {listed}")


def pair(fn: str, name: str, value, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints (all >= minimum) as a pair."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                   for v in values):
        raise TypeError(f"{fn}: {name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"{fn}: {name} must be >= {minimum}, got {value!r}")
    return int(values[0]), int(values[1])


def legacy_reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's deprecated size_average / reduce flags, when either is given, decide the
    reduction: reduce=False -> 'none', else size_average=False -> 'sum', else 'mean'."""
    if size_average is None and reduce is None:
        return reduction
    if reduce is not None and not reduce:
        return "none"
    return "sum" if size_average is not None and not size_average else "mean"


def check_reduction(fn: str, reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{fn}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses
