"""Tensor-argument checks shared by the functional API (the plain arguments' rules are in
nn/arguments.py). Each error names the function, the argument and
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
