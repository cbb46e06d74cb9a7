"""Functions that make new tensors: from data, filled with constants or random numbers, or by
joining tensors (cat, stack). Each takes PyTorch's keyword arguments: `dtype=` (a dtype object
such as tinygrad_cnn.float32, a numpy dtype, or a name), `device=` (only the CPU holds tensors;
see device.py) and `requires_grad=`."""
from __future__ import annotations

import numpy as np

from . import ops
from .device import use_device
from .dtypes import as_dtype, get_default_dtype, to_numpy
from .random import get_rng
from .tensor import Tensor


def _numpy_dtype(dtype, default=None):
    """The numpy dtype for a `dtype=` argument (None: `default`, itself possibly None)."""
    if dtype is None:
        return None if default is None else to_numpy(default)
    return to_numpy(dtype)


def _new(array: np.ndarray, device, requires_grad: bool) -> Tensor:
    if device is not None:
        use_device(device)                # the CPU, or the error a CPU-only PyTorch raises
    return Tensor(array, requires_grad=requires_grad)


def tensor(data, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of `data` (numbers, nested lists, arrays, tensors).

    Floating-point input becomes float32 unless `dtype` says otherwise (pass dtype=tg.float64 to
    keep double precision); integers become int64, booleans stay bool.
    """
    if isinstance(data, Tensor):
        data = data.array
    elif isinstance(data, (list, tuple)):
        data = _unwrap_tensors(data)
    array = np.array(data, dtype=_numpy_dtype(dtype))
    if dtype is None:
        if np.issubdtype(array.dtype, np.floating):
            array = array.astype(to_numpy(get_default_dtype()))
        elif np.issubdtype(array.dtype, np.integer):
            array = array.astype(np.int64)
    return _new(array, device, requires_grad)


def _unwrap_tensors(data):
    """Nested lists with tensors inside (e.g. [t.sum(), t.mean()]) as lists of arrays."""
    return [d.array if isinstance(d, Tensor) else
            _unwrap_tensors(d) if isinstance(d, (list, tuple)) else d for d in data]


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """`data` as a tensor, sharing memory with a numpy array or tensor when the dtype allows."""
    if isinstance(data, Tensor) and (dtype is None or to_numpy(dtype) == data.dtype):
        return data
    if isinstance(data, np.ndarray) and (dtype is None or to_numpy(dtype) == data.dtype):
        return _new(data, device, False)
    return tensor(data, dtype=dtype, device=device)


def _shape(size) -> tuple[int, ...]:
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    if any(not isinstance(s, (int, np.integer)) or s < 0 for s in shape):
        raise ValueError(f"size must be non-negative integers, got {shape}")
    return shape


def zeros(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    array = np.zeros(_shape(size), dtype=_numpy_dtype(dtype, get_default_dtype()))
    return _new(array, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    array = np.ones(_shape(size), dtype=_numpy_dtype(dtype, get_default_dtype()))
    return _new(array, device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """`size` filled with `fill_value`; its type picks the dtype as in PyTorch (bool -> bool,
    int -> int64, float -> float32)."""
    if dtype is None:
        dtype = (np.bool_ if isinstance(fill_value, (bool, np.bool_)) else
                 np.int64 if isinstance(fill_value, (int, np.integer)) else
                 get_default_dtype())
    array = np.full(_shape((size,)), fill_value, dtype=_numpy_dtype(dtype))
    return _new(array, device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Like torch.arange: integers give int64, any float argument gives float32."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        floats = any(isinstance(v, float) for v in (start, end, step))
        dtype = get_default_dtype() if floats else np.int64
    array = np.arange(start, end, step, dtype=_numpy_dtype(dtype))
    return _new(array, device, requires_grad)


def randn(*size, dtype=None, device=None, requires_grad: bool = False,
          generator=None) -> Tensor:
    """Standard normal samples from the global generator (see manual_seed)."""
    samples = (generator or get_rng()).standard_normal(_shape(size))
    return _new(samples.astype(_numpy_dtype(dtype, get_default_dtype())), device, requires_grad)


def rand(*size, dtype=None, device=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Uniform samples in [0, 1) from the global generator."""
    samples = (generator or get_rng()).random(_shape(size))
    return _new(samples.astype(_numpy_dtype(dtype, get_default_dtype())), device, requires_grad)


def randint(low, high=None, size=None, dtype=None, device=None, requires_grad: bool = False,
            generator=None) -> Tensor:
    """Integers drawn uniformly from [low, high), as torch.randint(low, high, size); with two
    arguments the first is high and low is 0."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: size is required, e.g. randint(0, 10, (3,))")
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    samples = (generator or get_rng()).integers(low, high, size=_shape((size,)))
    return _new(samples.astype(_numpy_dtype(dtype, np.int64)), device, requires_grad)


def randperm(n: int, dtype=None, device=None, requires_grad: bool = False,
             generator=None) -> Tensor:
    """A random ordering of 0 .. n-1 (int64), from the global generator."""
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"randperm: n must be a non-negative int, got {n!r}")
    order = (generator or get_rng()).permutation(int(n))
    return _new(order.astype(_numpy_dtype(dtype, np.int64)), device, requires_grad)


def normal(mean: float, std: float, size, dtype=None, device=None, requires_grad: bool = False,
           generator=None) -> Tensor:
    """Samples of N(mean, std^2) of shape `size` (the float-argument form of torch.normal)."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        raise NotImplementedError("not supported in tinygrad_cnn: torch.normal with tensor mean "
                                  "or std; use mean + std * torch.randn(size)")
    samples = (generator or get_rng()).normal(mean, std, _shape((size,)))
    return _new(samples.astype(_numpy_dtype(dtype, get_default_dtype())), device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape to be overwritten; zero-filled so results never depend on
    leftover memory."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def eye(n: int, m: int | None = None, dtype=None, device=None,
        requires_grad: bool = False) -> Tensor:
    array = np.eye(n, m, dtype=_numpy_dtype(dtype, get_default_dtype()))
    return _new(array, device, requires_grad)


def linspace(start, end, steps: int, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    array = np.linspace(start, end, steps, dtype=_numpy_dtype(dtype, get_default_dtype()))
    return _new(array, device, requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array` and keeping its dtype (float64 stays float64, as in
    torch.from_numpy; tg.tensor copies and makes floats float32)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor(array)


def _like(make, t: Tensor, dtype, device, requires_grad, *args) -> Tensor:
    return make(t.shape, *args, dtype=t.dtype if dtype is None else dtype, device=device,
                requires_grad=requires_grad)


def zeros_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(zeros, t, dtype, device, requires_grad)


def ones_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(ones, t, dtype, device, requires_grad)


def empty_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(empty, t, dtype, device, requires_grad)


def full_like(t: Tensor, fill_value, dtype=None, device=None,
              requires_grad: bool = False) -> Tensor:
    return _like(full, t, dtype, device, requires_grad, fill_value)


def randn_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(randn, t, dtype, device, requires_grad)


def rand_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(rand, t, dtype, device, requires_grad)

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


class LegacyTensorType:
    """torch.FloatTensor, torch.LongTensor, ...: the pre-dtype constructors old scripts use.
    `FloatTensor([1.0, 2.0])` holds the data, `FloatTensor(2, 3)` makes a (zeroed) tensor of
    that shape, and `x.type(torch.FloatTensor)` casts."""

    is_legacy_tensor_type = True

    def __init__(self, name: str, dtype):
        self.__name__, self.dtype = name, as_dtype(dtype)

    def __call__(self, *args) -> Tensor:
        if all(isinstance(a, (int, np.integer)) for a in args):
            return zeros(*args, dtype=self.dtype)
        if len(args) == 1:
            return tensor(args[0], dtype=self.dtype)
        raise TypeError(f"{self.__name__}(): expected sizes or one sequence of data, got {args}")

    def __repr__(self) -> str:
        return f"<class 'torch.{self.__name__}'>"


FloatTensor = LegacyTensorType("FloatTensor", np.float32)
DoubleTensor = LegacyTensorType("DoubleTensor", np.float64)
LongTensor = LegacyTensorType("LongTensor", np.int64)
IntTensor = LegacyTensorType("IntTensor", np.int32)
ByteTensor = LegacyTensorType("ByteTensor", np.uint8)
BoolTensor = LegacyTensorType("BoolTensor", np.bool_)
