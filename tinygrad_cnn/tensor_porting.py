"""Tensor methods that PyTorch scripts use and that are compositions of the core ones in
tensor.py: device plumbing, new_* constructors, var/std, repeat/split/chunk and
clone. Kept apart so that tensor.py reads as the core a student needs; Tensor inherits these."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from . import ops
from .device import device as Device
from .dtypes import SCALAR_TYPE_NAMES, scalar_type_name
from .tensor_extras import ExtraMethods
from .tensor_shape import _along
from .unsupported import not_supported

SortResult = namedtuple("SortResult", ["values", "indices"])  # torch.return_types.sort/topk

class PortingMethods(ExtraMethods):
    """Mixed into Tensor; every method here only calls Tensor methods or ops (more of them in
    tensor_extras.py)."""

    @property
    def device(self) -> Device:
        return Device("cpu")

    def cpu(self) -> Tensor:
        return self

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def new_tensor(self, data) -> Tensor:
        return self._constant(np.array(data, dtype=self.dtype))

    def new_zeros(self, *size) -> Tensor:
        return self._constant(np.zeros(_size(size), dtype=self.dtype))

    def new_empty(self, *size) -> Tensor:
        return self._constant(np.zeros(_size(size), dtype=self.dtype))  # zeros: never garbage

    def new_ones(self, *size) -> Tensor:
        return self._constant(np.ones(_size(size), dtype=self.dtype))

    def new_full(self, size, fill_value) -> Tensor:
        return self._constant(np.full(_size((size,)), fill_value, dtype=self.dtype))

    def var(self, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None):
        """Variance: sum((x - mean)^2) / (n - correction), correction = 1 (Bessel) by default
        as in PyTorch; unbiased=False means correction = 0."""
        if correction is None:
            correction = 1 if unbiased else 0
        axes = self._axes(dim)
        count = self.array.size if axes is None else int(np.prod([self.shape[a] for a in axes]))
        # The mean is held constant: d/dmean of sum((x - mean)^2) is -2 sum(x - mean) = 0, so
        # the gradient is 2 (x - mean) / (n - correction) exactly as PyTorch computes it, and
        # stays +-inf (not nan) when n - correction = 0.
        centred = self - self.mean(dim, keepdim=True).detach()
        # n - correction <= 0 gives inf or nan, as in PyTorch (which also warns)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (centred * centred).sum(dim, keepdim) / float(max(count - correction, 0))

    def std(self, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None):
        """sqrt(var). Where the variance is 0 (all values equal) the gradient is 0, as in
        PyTorch, rather than 0 * d sqrt/dv = 0 * inf = nan."""
        variance = self.var(dim, unbiased, keepdim, correction=correction)
        nonzero = self._constant(variance.array != 0)
        safe = variance.where(nonzero, 1.0)                  # sqrt's gradient is finite here
        return safe.sqrt().where(nonzero, 0.0)

    def argmin(self, dim=None, keepdim: bool = False):
        """Index of the smallest value (the first one on ties), int64, as torch.argmin."""
        if dim is None:
            return self._constant(np.asarray(self.array.argmin(), dtype=np.int64))
        return self._constant(self.array.argmin(axis=self._axis(dim), keepdims=keepdim).astype(np.int64))

    def repeat(self, *sizes):
        """Tile the tensor `sizes[i]` times along each axis (torch.Tensor.repeat, numpy.tile)."""
        sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
        if len(sizes) < self.ndim or any(not isinstance(r, (int, np.integer)) or r < 0 for r in sizes):
            raise ValueError(f"repeat: sizes {sizes} must be non-negative ints, at least one per "
                             f"axis of the tensor of shape {self.shape}")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        # give every axis a new size-1 axis in front, stretch those to the counts, then merge
        spread = self.reshape(tuple(n for size in shape for n in (1, size)))
        tiled = spread.expand(tuple(n for r, size in zip(sizes, shape) for n in (r, size)))
        return tiled.reshape(tuple(r * size for r, size in zip(sizes, shape)))

    def split(self, split_size_or_sections, dim: int = 0):
        """Pieces along `dim`: of `split_size` each (the last may be shorter), or of the listed sizes."""
        axis = self._axis(dim)
        length = self.shape[axis]
        if isinstance(split_size_or_sections, (int, np.integer)):
            if split_size_or_sections <= 0:
                raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
            sizes = [min(split_size_or_sections, length - start)
                     for start in range(0, length, split_size_or_sections)] or [0]
        else:
            sizes = list(split_size_or_sections)
            if sum(sizes) != length:
                raise ValueError(f"split: sections {sizes} sum to {sum(sizes)}, but dim {dim} of "
                                 f"shape {self.shape} has length {length}")
        starts = np.cumsum([0] + sizes)
        lead = (slice(None),) * axis
        return tuple(self[lead + (slice(int(a), int(b)),)] for a, b in zip(starts[:-1], starts[1:]))

    def chunk(self, chunks: int, dim: int = 0):
        """At most `chunks` pieces of ceil(length / chunks) along `dim`, as torch.chunk."""
        if not isinstance(chunks, (int, np.integer)) or chunks <= 0:
            raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
        length = self.shape[self._axis(dim)]
        return self.split(max(-(-length // chunks), 1), dim)

    def contiguous(self):
        return self  # numpy handles any memory layout; nothing to do

    def clone(self):
        """A copy with its own memory; gradients flow back to this tensor."""
        if not self.requires_grad:
            return self._constant(self.array.copy())
        return ops.Add.apply(self, self._constant(np.zeros((), dtype=self.dtype)))  # add 0: a copy on the graph

    # ------------------------------------------------------------ what tutorials call (issue 12)
    def __index__(self) -> int:
        """`classes[label]`, `range(t)`: a one-element integer tensor as an index."""
        if self.numel() != 1 or self.array.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.array.item())

    def __format__(self, spec: str) -> str:
        """`f"{loss:.4f}"` formats a 0-d tensor's number; other tensors take only `{t}`."""
        if self.ndim == 0:
            return self.array.item().__format__(spec)
        return object.__format__(self, spec)

    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def lt(self, other):
        return self < other

    def le(self, other):
        return self <= other

    def gt(self, other):
        return self > other

    def ge(self, other):
        return self >= other

    def pow(self, exponent):
        return self ** exponent

    def view_as(self, other: Tensor) -> Tensor:
        return self.view(other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return self.reshape(other.shape)

    def expand_as(self, other: Tensor) -> Tensor:
        return self.expand(other.shape)

    def t(self) -> Tensor:
        """The transpose of a matrix; 0-d and 1-d tensors come back as they are, as in PyTorch."""
        if self.ndim > 2:
            raise ValueError(f"t() expects a tensor with <= 2 dimensions, but self is "
                             f"{self.ndim}D (shape {self.shape})")
        return self if self.ndim < 2 else self.transpose(0, 1)

    def mm(self, mat2: Tensor) -> Tensor:
        """Matrix product of (n, m) and (m, p) matrices: (n, p). No broadcasting (see matmul)."""
        if self.ndim != 2 or getattr(mat2, "ndim", None) != 2:
            raise ValueError(f"mm: both arguments must be 2-D matrices, got shapes {self.shape} "
                             f"and {getattr(mat2, 'shape', type(mat2).__name__)}")
        return self @ mat2

    def bmm(self, mat2: Tensor) -> Tensor:
        """Batched matrix product of (b, n, m) and (b, m, p): (b, n, p). No broadcasting."""
        if self.ndim != 3 or getattr(mat2, "ndim", None) != 3 or self.shape[0] != mat2.shape[0]:
            raise ValueError(f"bmm: expected two 3-D tensors with the same batch size, got shapes "
                             f"{self.shape} and {getattr(mat2, 'shape', type(mat2).__name__)}")
        return self @ mat2

    def type(self, dtype=None):
        """With no argument the legacy type name ('torch.FloatTensor'); otherwise this tensor
        cast to `dtype` (a dtype, or a legacy name such as 'torch.LongTensor')."""
        if dtype is None:
            return f"torch.{scalar_type_name(self.array)}Tensor"
        if getattr(dtype, "is_legacy_tensor_type", False):     # torch.FloatTensor and kin
            dtype = dtype.dtype
        if isinstance(dtype, str) and dtype.startswith("torch.") and dtype.endswith("Tensor"):
            names = {f"torch.{short}Tensor": numpy_name for numpy_name, short in SCALAR_TYPE_NAMES.items()}
            if dtype not in names:
                raise ValueError(f"type(): invalid type {dtype!r}")
            dtype = names[dtype]
        return self.to(dtype)

    def int(self) -> Tensor:
        return self.to(np.int32)

    def bool(self) -> Tensor:
        return self.to(np.bool_)

    def half(self) -> Tensor:
        return self.to(np.float16)

    def is_floating_point(self) -> bool:
        return self.array.dtype.kind == "f"

    @property
    def nbytes(self) -> int:
        return self.array.nbytes

    @property
    def itemsize(self) -> int:
        return self.array.itemsize

    def element_size(self) -> int:
        return self.array.itemsize

    def nelement(self) -> int:
        return self.numel()

    def ndimension(self) -> int:
        return self.ndim

    @property
    def is_cuda(self) -> bool:
        return False

    def cuda(self, device=None, non_blocking: bool = False):
        """Raises as a CPU-only PyTorch does: there is no GPU."""
        return self.to("cuda" if device is None else Device("cuda", device))

    def get_device(self) -> int:
        return -1  # PyTorch's answer for a CPU tensor

    def masked_fill(self, mask, value) -> Tensor:
        """`value` where the boolean `mask` holds, this tensor elsewhere (broadcast)."""
        mask = mask if isinstance(mask, PortingMethods) else self._constant(np.asarray(mask))
        return self._operand(value).where(mask, self)

    def all(self, dim=None, keepdim: bool = False) -> Tensor:
        return self._constant(np.all(self.array, axis=self._axes(dim), keepdims=keepdim))

    def any(self, dim=None, keepdim: bool = False) -> Tensor:
        return self._constant(np.any(self.array, axis=self._axes(dim), keepdims=keepdim))

    def norm(self, p=2, dim=None, keepdim: bool = False) -> Tensor:
        """The p-norm (p=2 default: Euclidean/Frobenius) over `dim` or all elements."""
        if p == 2 or p == "fro":              # a zero vector's norm has gradient 0, as PyTorch's
            squares = (self * self).sum(dim, keepdim)
            nonzero = self._constant(squares.array > 0)
            return squares.where(nonzero, 1.0).sqrt().where(nonzero, 0.0)
        return (self.abs() ** p).sum(dim, keepdim) ** (1.0 / p)

    def gather(self, dim: int, index) -> Tensor:
        """out[i][j] = self[index[i][j]][j] along `dim` (torch.gather); gradients go back to the
        gathered places."""
        index = index.array if hasattr(index, "array") else np.asarray(index)
        axis = self._axis(dim)
        if index.ndim != self.ndim or index.dtype.kind not in "iu":
            raise ValueError(f"gather: index must be an integer tensor with as many dimensions "
                             f"as input {self.shape}, got shape {index.shape}, dtype {index.dtype}")
        return self[_along(index, axis)]

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        """The k largest (or smallest) values along `dim` and their indices, largest first."""
        axis = self._axis(dim)
        if not 0 <= k <= (self.shape[axis] if self.ndim else 1):
            raise ValueError(f"topk: k ({k}) is out of range for dim {dim} of shape {self.shape}")
        keys = -self.array if largest else self.array
        order = np.argsort(keys, axis=axis, kind="stable")
        indices = np.take(order, np.arange(k), axis=axis).astype(np.int64)
        return SortResult(self[_along(indices, axis)], self._constant(indices))

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """Values sorted along `dim` and the indices they came from (ties keep their order)."""
        axis = self._axis(dim)
        keys = -self.array if descending else self.array
        indices = np.argsort(keys, axis=axis, kind="stable").astype(np.int64)
        return SortResult(self[_along(indices, axis)], self._constant(indices))

    def argsort(self, dim: int = -1, descending: bool = False) -> Tensor:
        return self.sort(dim, descending).indices

    def add(self, other, *, alpha=1):
        """self + alpha * other (torch.add)."""
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other, *, alpha=1):
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other):
        return self * other

    def div(self, other, *, rounding_mode=None):
        """self / other; rounding_mode 'floor' or 'trunc' rounds the quotient (no gradient)."""
        if rounding_mode is None:
            return self / other
        quotient = (self / other).array
        if rounding_mode not in ("floor", "trunc"):
            raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                             f"but found {rounding_mode!r}")
        rounded = np.floor(quotient) if rounding_mode == "floor" else np.trunc(quotient)
        dtype = np.result_type(self.array, getattr(other, "array", other))
        return self._constant(rounded.astype(dtype if dtype.kind in "iu" else quotient.dtype))

    def neg(self):
        return -self

    def square(self):
        return self * self

    def round(self):
        """Nearest integer (halves to even, as PyTorch); a step function, so no gradient flows."""
        return self._constant(np.round(self.array))

    def floor(self):
        return self._constant(np.floor(self.array))

    def ceil(self):
        return self._constant(np.ceil(self.array))

    def sign(self):
        return self._constant(np.sign(self.array))

    def index_select(self, dim: int, index) -> Tensor:
        """The slices at `index` (1-D integer) along `dim`; gradients go back to them."""
        index = index.array if hasattr(index, "array") else np.asarray(index)
        if index.ndim != 1 or index.dtype.kind not in "iu":
            raise ValueError(f"index_select: index must be a 1-D integer tensor, got shape "
                             f"{index.shape}, dtype {index.dtype}")
        return self[(slice(None),) * self._axis(dim) + (index,)]

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        axis = self._axis(dim)
        if not 0 <= start <= start + length <= self.shape[axis]:
            raise IndexError(f"narrow: start ({start}) + length ({length}) exceeds dimension "
                             f"size ({self.shape[axis]}) of dim {dim}")
        return self[(slice(None),) * axis + (slice(start, start + length),)]

    def is_contiguous(self) -> bool:
        return True  # layout is numpy's business; every op accepts any strides

    def __getattr__(self, name: str):
        """A Tensor method that does not exist here is named as an unsupported PyTorch API."""
        if name.startswith("_"):
            raise AttributeError(f"'Tensor' object has no attribute {name!r}")
        raise not_supported(f"torch.Tensor.{name}")


def _size(size) -> tuple[int, ...]:
    """A shape given as ints or as one tuple/list."""
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
