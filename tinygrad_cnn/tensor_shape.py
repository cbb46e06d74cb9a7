"""The Tensor's shape methods: reshape and view, flatten, (un)squeeze, permute and transpose,
expand and indexing. Results that share memory with the input are views (same version counter;
see versions.py). Tensor (tensor.py) inherits these; every method calls an op or another method."""
from __future__ import annotations

import numpy as np

from . import ops


class ShapeMethods:
    """Mixed into Tensor."""

    def reshape(self, *shape):
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        try:
            target = np.empty(self.shape, dtype=np.bool_).reshape(shape).shape  # checks, no data
        except (ValueError, TypeError):
            raise ValueError(f"reshape: cannot view a tensor of shape {self.shape} "
                             f"({self.array.size} elements) as shape {shape}") from None
        return ops.Reshape.apply(self, shape=target)

    def view(self, *shape):
        """The same memory seen with a new shape; raises, as PyTorch, where that needs a copy."""
        result = self.reshape(*shape)
        if result.array.size and not np.shares_memory(result.array, self.array):
            raise RuntimeError(
                f"view size is not compatible with input tensor's size and stride (at least one "
                f"dimension spans across two contiguous subspaces); tensor of shape {self.shape} "
                f"cannot be viewed as {tuple(result.shape)}. Use .reshape(...) instead.")
        return result

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        if self.ndim == 0:
            self._axis(start_dim), self._axis(end_dim)  # only 0 and -1 are valid, as in PyTorch
            return self.reshape(1)
        start, end = self._axis(start_dim), self._axis(end_dim)
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                             f"for a tensor of shape {self.shape}")
        return self.reshape(self.shape[:start] + (-1,) + self.shape[end + 1:])

    def unsqueeze(self, dim: int):
        if not isinstance(dim, (int, np.integer)) or not -self.ndim - 1 <= dim <= self.ndim:
            raise ValueError(f"unsqueeze: dim {dim!r} is out of range for a tensor of shape "
                             f"{self.shape} (expected an int in [{-self.ndim - 1}, {self.ndim}])")
        axis = dim if dim >= 0 else dim + self.ndim + 1
        return self.reshape(self.shape[:axis] + (1,) + self.shape[axis:])

    def squeeze(self, dim=None):
        """Drop size-1 axes: all of them, or those among `dim` (an int or a tuple, as PyTorch 2);
        a named axis of another size stays."""
        if dim is None:
            return self.reshape(tuple(s for s in self.shape if s != 1))
        if isinstance(dim, (tuple, list)):
            axes = {self._axis(d) for d in dim}
        else:
            axes = {self._axis(dim)}
        if self.ndim == 0:
            return self
        if not any(self.shape[a] == 1 for a in axes):
            return self
        return self.reshape(tuple(s for a, s in enumerate(self.shape) if not (a in axes and s == 1)))

    def permute(self, *dims):
        dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        axes = tuple(self._axis(d) for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError(f"permute: dims {dims} are not a permutation of the {self.ndim} "
                             f"axes of a tensor of shape {self.shape}")
        return ops.Permute.apply(self, dims=axes)

    def transpose(self, dim0: int, dim1: int):
        order = list(range(self.ndim))
        a, b = self._axis(dim0), self._axis(dim1)
        order[a], order[b] = order[b], order[a]
        return ops.Permute.apply(self, dims=tuple(order))

    @property
    def T(self):
        return self.permute(tuple(reversed(range(self.ndim))))

    def expand(self, *sizes):
        sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
        lead = len(sizes) - self.ndim
        shape = tuple(s if s != -1 else self.shape[i - lead] for i, s in enumerate(sizes))
        try:
            np.broadcast_shapes(self.shape, shape)
        except ValueError:
            raise ValueError(f"expand: cannot expand shape {self.shape} to {sizes}") from None
        return ops.Expand.apply(self, shape=shape)

    def __getitem__(self, index):
        index = _numpy_index(index)
        try:
            np.empty(self.shape, dtype=np.bool_)[index]  # validate the index without touching data
        except IndexError as err:
            raise IndexError(f"index {index!r} is out of range for a tensor of shape {self.shape}: {err}") from None
        return ops.GetItem.apply(self, index=index)

    def _axis(self, dim: int) -> int:
        ndim = max(self.ndim, 1)
        if not isinstance(dim, (int, np.integer)) or not -ndim <= dim < ndim:
            raise ValueError(f"dim {dim!r} is out of range for a tensor of shape {self.shape} "
                             f"(expected an int in [{-ndim}, {ndim - 1}])")
        return int(dim) % ndim

    def _axes(self, dim):
        if dim is None or (isinstance(dim, (tuple, list)) and not dim):
            return None  # dim=() reduces over every axis, as in PyTorch
        if isinstance(dim, (tuple, list)):
            axes = tuple(self._axis(d) for d in dim)
            if len(set(axes)) != len(axes):
                twice = next(d for d, a in zip(dim, axes) if axes.count(a) > 1)
                raise ValueError(f"dim {twice} appears multiple times in the list of dims {tuple(dim)} "
                                 f"(tensor of shape {self.shape})")
            return axes
        return (self._axis(dim),)


def _numpy_index(index):
    """Turn Tensors and lists inside an index into numpy arrays."""
    if isinstance(index, tuple):
        return tuple(_numpy_index(i) for i in index)
    if isinstance(index, ShapeMethods):
        return index.array
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _along(index: np.ndarray, axis: int) -> tuple:
    """An index that picks, at every position of `index`, the element `index` names along
    `axis` (the other coordinates being the position's own)."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)
