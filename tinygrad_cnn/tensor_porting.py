"""Tensor methods that PyTorch scripts use and that are compositions of the core ones in
tensor.py: device plumbing, in-place fills, new_* constructors, var/std, repeat/split/chunk and
clone. Kept apart so that tensor.py reads as the core a student needs; Tensor inherits these."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import autograd, ops
from .device import device as Device

if TYPE_CHECKING:
    from .tensor import Tensor


class PortingMethods:
    """Mixed into Tensor; every method here only calls Tensor methods or ops."""

    @property
    def device(self) -> Device:
        return Device("cpu")

    def cpu(self) -> Tensor:
        return self

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def fill_(self, value) -> Tensor:
        """Overwrite every element (allowed on leaves, or anywhere under no_grad)."""
        self._check_in_place("fill_")
        self.data[...] = value
        return self

    def zero_(self) -> Tensor:
        return self.fill_(0)

    def _check_in_place(self, name: str) -> None:
        if self.requires_grad and autograd.is_grad_enabled():
            raise RuntimeError(f"{name}: cannot change a tensor that requires grad in place while "
                               f"gradients are recorded (shape {self.shape}); wrap it in no_grad()")

    def new_tensor(self, data) -> Tensor:
        return _plain(np.array(data, dtype=self.dtype))

    def new_zeros(self, *size) -> Tensor:
        return _plain(np.zeros(_size(size), dtype=self.dtype))

    def new_ones(self, *size) -> Tensor:
        return _plain(np.ones(_size(size), dtype=self.dtype))

    def new_full(self, size, fill_value) -> Tensor:
        return _plain(np.full(_size((size,)), fill_value, dtype=self.dtype))

    def var(self, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None):
        """Variance: sum((x - mean)^2) / (n - correction), correction = 1 (Bessel) by default
        as in PyTorch; unbiased=False means correction = 0."""
        if correction is None:
            correction = 1 if unbiased else 0
        axes = self._axes(dim)
        count = self.data.size if axes is None else int(np.prod([self.shape[a] for a in axes]))
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
        from .functions import where
        variance = self.var(dim, unbiased, keepdim, correction=correction)
        nonzero = _plain(variance.data != 0)
        safe = where(nonzero, variance, 1.0)                 # sqrt's gradient is finite here
        return where(nonzero, safe.sqrt(), 0.0)

    def argmin(self, dim=None, keepdim: bool = False):
        """Index of the smallest value (the first one on ties), int64, as torch.argmin."""
        if dim is None:
            return _plain(np.asarray(self.data.argmin(), dtype=np.int64))
        return _plain(self.data.argmin(axis=self._axis(dim), keepdims=keepdim).astype(np.int64))

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
            return _plain(self.data.copy())
        return ops.Add.apply(self, _plain(np.zeros((), dtype=self.dtype)))  # add 0: a copy on the graph


def _size(size) -> tuple[int, ...]:
    """A shape given as ints or as one tuple/list."""
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)


def _plain(array: np.ndarray) -> Tensor:
    """A Tensor (never a Parameter, even when called on one) that requires no grad."""
    from .tensor import Tensor  # tensor.py imports this module, so the import waits until here
    return Tensor(array)
