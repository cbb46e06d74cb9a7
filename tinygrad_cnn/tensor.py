"""Tensor: a numpy array, its gradient, and the Node of the op that made it.

Every method here either calls one op's `apply` or is a short composition of other methods;
no derivative is written in this file (they live in ops/). Creation functions are in creation.py.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from . import autograd
from . import ops
from .device import dtype_from_to_args
from .dtypes import as_dtype, dtype as DType, result_dtype
from .size import Size
from .tensor_porting import PortingMethods

MaxResult = namedtuple("MaxResult", ["values", "indices"])


class Tensor(PortingMethods):
    """An n-dimensional array that can record the operations applied to it.

    Args:
        data: a numpy array (kept as is, dtype included) or anything np.asarray accepts.
        requires_grad: record operations on this tensor so that backward() fills `.grad`.

    Attributes:
        data: the numpy array.   grad: a Tensor of the same shape and dtype, or None.
        grad_fn: the Node of the op that produced this tensor (None for leaves).
    """

    __hash__ = object.__hash__  # comparisons return tensors, so identity hashing must be explicit

    def __init__(self, data, requires_grad: bool = False):
        self.data = data if isinstance(data, np.ndarray) else np.asarray(data)
        if requires_grad and not np.issubdtype(self.data.dtype, np.floating):
            raise TypeError(f"only floating-point tensors can require gradients; this tensor has "
                            f"dtype {self.data.dtype} (shape {self.data.shape})")
        self.requires_grad = bool(requires_grad)
        self.grad: Tensor | None = None
        self.grad_fn: autograd.Node | None = None

    # ---------------------------------------------------------------- description
    @property
    def array(self) -> np.ndarray:
        """The numpy array holding this tensor's values (shares memory; writes are untracked)."""
        return self.data

    @property
    def shape(self) -> Size:
        return Size(self.data.shape)

    @property
    def dtype(self) -> DType:
        return as_dtype(self.data.dtype)

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    def size(self, dim: int | None = None):
        return self.shape if dim is None else self.shape[self._axis(dim)]

    def dim(self) -> int:
        return self.ndim

    def numel(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extra = ""
        if self.grad_fn is not None:
            extra = f", grad_fn=<{self.grad_fn.op}Backward>"
        elif self.requires_grad:
            extra = ", requires_grad=True"
        if self.dtype not in (np.float32, np.int64, np.bool_):
            extra = f", dtype={self.dtype}" + extra
        return f"tensor({body}{extra})"

    # ---------------------------------------------------------------- conversion
    def numpy(self) -> np.ndarray:
        return self.data

    def item(self):
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        return bool(self.item())

    def detach(self) -> Tensor:
        """The same values, cut from the graph (shares memory, like torch)."""
        return Tensor(self.data)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and not np.issubdtype(self.dtype, np.floating):
            raise TypeError(f"only floating-point tensors can require gradients; got dtype {self.dtype}")
        self.requires_grad = requires_grad
        return self

    def to(self, *args, dtype=None, device=None, non_blocking=False, memory_format=None) -> Tensor:
        """This tensor in another dtype: `to(dtype)`, `to(device)`, `to(device, dtype)`,
        `to(other_tensor)`. The only device is the CPU, so a device changes nothing.
        Float-to-float casts stay differentiable."""
        dtype = dtype_from_to_args(args, dtype, device)
        if dtype is None or np.dtype(dtype) == self.dtype:
            return self
        dtype = np.dtype(dtype)
        if np.issubdtype(dtype, np.floating) and self.requires_grad:
            return ops.Cast.apply(self, dtype=dtype)
        return Tensor(self.data.astype(dtype))

    def float(self) -> Tensor:
        return self.to(np.float32)

    def double(self) -> Tensor:
        return self.to(np.float64)

    def long(self) -> Tensor:
        return self.to(np.int64)

    # ---------------------------------------------------------------- backward
    def backward(self, gradient=None, retain_graph: bool = False, create_graph: bool = False) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad, adding it into leaf.grad.

        Args:
            gradient: dL/dself, needed when self is not a scalar (as in PyTorch).
            retain_graph: keep saved arrays so that backward can run through the graph again.
            create_graph: must stay False: backward is first-order (see autograd.py).
        """
        if create_graph:
            raise RuntimeError("backward(create_graph=True): higher-order gradients are not "
                               "supported; ops compute gradients on plain numpy arrays")
        if not self.requires_grad:
            raise RuntimeError("backward(): this tensor does not require grad and has no grad_fn; "
                               "create the inputs with requires_grad=True (and not under no_grad())")
        gradient = autograd.seed_gradient(self, gradient, "backward()")
        autograd.backward(self, gradient, retain_graph=retain_graph)

    # ---------------------------------------------------------------- arithmetic
    def _operand(self, other) -> Tensor:
        """Python numbers and arrays become constant tensors; numbers take this tensor's dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (int, float, bool)) and np.issubdtype(self.dtype, np.floating):
            return Tensor(np.asarray(other, dtype=self.dtype))
        return Tensor(np.asarray(other))

    def _promoted(self, other, divide: bool = False) -> tuple[Tensor, Tensor]:
        """self and other (a Tensor or a number) cast to the dtype PyTorch gives their result
        (see dtypes.result_dtype); true division of integers gives float32, as PyTorch's default."""
        dtype = result_dtype(self.data, other.data if isinstance(other, Tensor) else other)
        if divide and not np.issubdtype(dtype, np.floating):
            dtype = np.dtype(np.float32)
        if not isinstance(other, Tensor):
            other = Tensor(np.asarray(other, dtype=dtype))
        return (self if self.dtype == dtype else self.to(dtype),
                other if other.dtype == dtype else other.to(dtype))

    def __add__(self, other):
        return ops.Add.apply(*self._promoted(other))

    def __radd__(self, other):
        b, a = self._promoted(other)
        return ops.Add.apply(a, b)

    def __sub__(self, other):
        return ops.Sub.apply(*self._promoted(other))

    def __rsub__(self, other):
        b, a = self._promoted(other)
        return ops.Sub.apply(a, b)

    def __mul__(self, other):
        return ops.Mul.apply(*self._promoted(other))

    def __rmul__(self, other):
        b, a = self._promoted(other)
        return ops.Mul.apply(a, b)

    def __truediv__(self, other):
        return ops.Div.apply(*self._promoted(other, divide=True))

    def __rtruediv__(self, other):
        b, a = self._promoted(other, divide=True)
        return ops.Div.apply(a, b)

    def __neg__(self):
        return ops.Neg.apply(self)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            return ops.Power.apply(*self._promoted(exponent))
        dtype = result_dtype(self.data, exponent)             # an int tensor ** 0.5 is float32
        return ops.Pow.apply(self if self.dtype == dtype else self.to(dtype), exponent=exponent)

    def __rpow__(self, base):
        exponent, base = self._promoted(base)
        return ops.Power.apply(base, exponent)

    def __matmul__(self, other):
        from .nn.functional import matmul
        return matmul(self, self._operand(other))

    def __rmatmul__(self, other):
        from .nn.functional import matmul
        return matmul(self._operand(other), self)

    # comparisons: results are boolean tensors and carry no gradient
    def __lt__(self, other):
        return Tensor(self.data < self._operand(other).data)

    def __le__(self, other):
        return Tensor(self.data <= self._operand(other).data)

    def __gt__(self, other):
        return Tensor(self.data > self._operand(other).data)

    def __ge__(self, other):
        return Tensor(self.data >= self._operand(other).data)

    def __eq__(self, other):
        return Tensor(self.data == self._operand(other).data)

    def __ne__(self, other):
        return Tensor(self.data != self._operand(other).data)

    # ---------------------------------------------------------------- element-wise functions
    def exp(self):
        return ops.Exp.apply(self)

    def log(self):
        return ops.Log.apply(self)

    def sqrt(self):
        return ops.Sqrt.apply(self)

    def relu(self):
        return ops.ReLU.apply(self)

    def sigmoid(self):
        return ops.Sigmoid.apply(self)

    def tanh(self):
        return ops.Tanh.apply(self)

    def abs(self):
        return ops.Abs.apply(self)

    def __abs__(self):
        return ops.Abs.apply(self)

    def clamp(self, min=None, max=None):
        """Values limited to [min, max] (either may be None); gradient 1 inside, bounds included."""
        if min is None and max is None:
            raise ValueError("clamp: at least one of min and max must be given")
        return ops.Clamp.apply(self, low=min, high=max)

    def clip(self, min=None, max=None):
        return self.clamp(min, max)

    def softmax(self, dim: int):
        return self.log_softmax(dim).exp()

    def log_softmax(self, dim: int):
        return ops.LogSoftmax.apply(self, axis=self._axis(dim))

    # ---------------------------------------------------------------- reductions
    def sum(self, dim=None, keepdim: bool = False):
        return ops.Sum.apply(self, axis=self._axes(dim), keepdims=keepdim)

    def mean(self, dim=None, keepdim: bool = False):
        axes = self._axes(dim)
        count = self.data.size if axes is None else int(np.prod([self.shape[a] for a in axes]))
        return self.sum(dim, keepdim) / count

    def max(self, dim=None, keepdim: bool = False):
        """The largest value; with `dim`, a (values, indices) pair as torch.max(x, dim) returns,
        the gradient then going to the returned index (the first maximum)."""
        if dim is None:
            _reducible("max", self.shape, None)
            return ops.Max.apply(self, axis=None, keepdims=False)
        if isinstance(dim, Tensor):  # torch.max(a, b): the element-wise maximum
            from .functions import maximum
            return maximum(self, dim)
        axis = self._axis(dim)
        _reducible("max", self.shape, axis)
        indices = self.data.argmax(axis=axis)
        grid = list(np.indices(indices.shape, sparse=True))
        grid.insert(axis, indices)
        values = self[tuple(grid[i] for i in range(self.ndim))] if self.ndim else self
        if keepdim:
            values, indices = values.unsqueeze(axis), np.expand_dims(indices, axis)
        return MaxResult(values, Tensor(indices.astype(np.int64)))

    def min(self, dim=None, keepdim: bool = False):
        _reducible("min", self.shape, None if dim is None or isinstance(dim, Tensor)
                   else self._axis(dim))
        if dim is None:
            return -((-self).max())
        if isinstance(dim, Tensor):  # torch.min(a, b): the element-wise minimum
            from .functions import minimum
            return minimum(self, dim)
        values, indices = (-self).max(dim, keepdim)
        return MaxResult(-values, indices)

    def argmax(self, dim=None, keepdim: bool = False):
        _reducible("argmax", self.shape, None if dim is None else self._axis(dim))
        if dim is None:
            return Tensor(np.asarray(self.data.argmax(), dtype=np.int64))
        return Tensor(self.data.argmax(axis=self._axis(dim), keepdims=keepdim).astype(np.int64))

    # ---------------------------------------------------------------- shape
    def reshape(self, *shape):
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        try:
            target = np.empty(self.shape, dtype=np.bool_).reshape(shape).shape  # checks, no data
        except (ValueError, TypeError):
            raise ValueError(f"reshape: cannot view a tensor of shape {self.shape} "
                             f"({self.data.size} elements) as shape {shape}") from None
        return ops.Reshape.apply(self, shape=target)

    def view(self, *shape):
        return self.reshape(*shape)

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

    # ---------------------------------------------------------------- helpers
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


def _reducible(name: str, shape: tuple, axis) -> None:
    """max/argmax have no identity: refuse an empty input (or dim) as PyTorch does, by name."""
    if axis is None and 0 in shape:
        raise ValueError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0 "
                         f"(input shape {shape})")
    if axis is not None and shape and shape[axis] == 0:
        raise ValueError(f"{name}(): cannot reduce over dim {axis} of size 0 (input shape {shape})")


def _numpy_index(index):
    """Turn Tensors and lists inside an index into numpy arrays."""
    if isinstance(index, tuple):
        return tuple(_numpy_index(i) for i in index)
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, list):
        return np.asarray(index)
    return index
