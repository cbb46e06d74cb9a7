"""Functions that make new tensors: from data, filled with constants or random numbers, or by
joining tensors (cat, stack)."""
from __future__ import annotations

import numpy as np

from . import ops
from .random import get_rng
from .tensor import Tensor

float32, float64, int64, int32, uint8, bool_ = (np.float32, np.float64, np.int64, np.int32,
                                              np.uint8, np.bool_)
_DEFAULT_FLOAT = np.float32


def tensor(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`.

    Floating-point input becomes float32 unless `dtype` says otherwise (pass dtype=np.float64 to
    keep double precision); integers become int64, booleans stay bool.
    """
    array = np.array(data.data if isinstance(data, Tensor) else data, dtype=dtype)
    if dtype is None:
        if np.issubdtype(array.dtype, np.floating):
            array = array.astype(_DEFAULT_FLOAT)
        elif np.issubdtype(array.dtype, np.integer):
            array = array.astype(np.int64)
    return Tensor(array, requires_grad=requires_grad)


def _shape(size) -> tuple[int, ...]:
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    if any(not isinstance(s, (int, np.integer)) or s < 0 for s in shape):
        raise ValueError(f"size must be non-negative integers, got {shape}")
    return shape


def zeros(*size, dtype=float32, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(_shape(size), dtype=dtype), requires_grad=requires_grad)


def ones(*size, dtype=float32, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(_shape(size), dtype=dtype), requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = float32 if isinstance(fill_value, float) else np.asarray(fill_value).dtype
    return Tensor(np.full(_shape((size,)), fill_value, dtype=dtype), requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """Like torch.arange: integers give int64, any float argument gives float32."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        floats = any(isinstance(v, float) for v in (start, end, step))
        dtype = float32 if floats else int64
    return Tensor(np.arange(start, end, step, dtype=dtype), requires_grad=requires_grad)


def randn(*size, dtype=float32, requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the global generator (see manual_seed)."""
    return Tensor(get_rng().standard_normal(_shape(size)).astype(dtype), requires_grad=requires_grad)


def rand(*size, dtype=float32, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the global generator."""
    return Tensor(get_rng().random(_shape(size)).astype(dtype), requires_grad=requires_grad)


def randint(low, high=None, size=None, dtype=int64, requires_grad: bool = False) -> Tensor:
    """Integers drawn uniformly from [low, high), as torch.randint(low, high, size); with two
    arguments the first is high and low is 0."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: size is required, e.g. randint(0, 10, (3,))")
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    return Tensor(get_rng().integers(low, high, size=_shape((size,))).astype(dtype),
                  requires_grad=requires_grad)


def empty(*size, dtype=float32, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape to be overwritten; zero-filled so results never depend on
    leftover memory."""
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def eye(n: int, m: int | None = None, dtype=float32, requires_grad: bool = False) -> Tensor:
    return Tensor(np.eye(n, m, dtype=dtype), requires_grad=requires_grad)


def linspace(start, end, steps: int, dtype=float32, requires_grad: bool = False) -> Tensor:
    return Tensor(np.linspace(start, end, steps, dtype=dtype), requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array` and keeping its dtype (float64 stays float64, as in
    torch.from_numpy; tg.tensor copies and makes floats float32)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor(array)


def zeros_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return ones(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def full_like(t: Tensor, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    return full(t.shape, fill_value, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randn_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return randn(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def rand_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return rand(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing axis; all other axes must match."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat: expected a non-empty sequence of tensors")
    first = tensors[0]
    axis = first._axis(dim)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"cat: element {i} is a {type(t).__name__}, not a Tensor")
        if t.ndim != first.ndim or any(a != b for k, (a, b) in enumerate(zip(t.shape, first.shape))
                                       if k != axis):
            raise ValueError(f"cat: tensor {i} has shape {t.shape}, which does not match shape "
                             f"{first.shape} outside dim {dim}")
    return ops.Cat.apply(*tensors, axis=axis)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: expected a non-empty sequence of tensors")
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    return cat([t.unsqueeze(dim) for t in tensors], dim=dim)
