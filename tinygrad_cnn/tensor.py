"""Tensor: a numpy array, the version counter of its memory, its gradient, and the Node of the
op that made it.

This file holds the core a student reads first: storage (`array`, `data`, views and versions),
the gradient record (`requires_grad`, `grad`, `grad_fn`), conversion and `backward()`. The rest
of the Tensor's face is mixed in, one concept per file:
    tensor_math.py     operators, element-wise functions, matmul, where, reductions
    tensor_shape.py    reshape/view, permute, expand, indexing
    tensor_inplace.py  in-place ops (add_, x[i] = v, +=, ...) and their graph bookkeeping
    tensor_porting.py  what PyTorch scripts call beyond that (device, new_*, repeat, sort, ...)
No derivative is written in any of them (they live in ops/). Creation functions: creation.py.
"""
from __future__ import annotations

import numpy as np

from . import autograd, ops
from .device import dtype_from_to_args
from .dtypes import as_dtype, dtype as DType, get_default_dtype
from .size import Size
from .tensor_inplace import InPlaceMethods
from .tensor_math import MathMethods
from .tensor_porting import PortingMethods
from .tensor_shape import ShapeMethods
from .versions import VersionCounter


class Tensor(MathMethods, ShapeMethods, InPlaceMethods, PortingMethods):
    """An n-dimensional array that can record the operations applied to it.

    Args:
        data: a numpy array (kept as is, dtype included, memory shared) or anything np.asarray
            accepts.
        requires_grad: record operations on this tensor so that backward() fills `.grad`.

    Attributes:
        array: the numpy array holding the values.   data: the same memory as a Tensor that is
        outside the graph (as PyTorch's `.data`).   grad: a Tensor of the same shape and dtype, or
        None.   grad_fn: the Node of the op that produced this tensor (None for leaves).
    """

    __hash__ = object.__hash__  # comparisons return tensors, so identity hashing must be explicit

    def __init__(self, *data, requires_grad: bool = False):
        array = _legacy_array(data)
        if requires_grad and not np.issubdtype(array.dtype, np.floating):
            raise TypeError(f"only floating-point tensors can require gradients; this tensor has "
                            f"dtype {array.dtype} (shape {array.shape})")
        self._array = array
        self._version_counter = VersionCounter()  # shared with views; see versions.py
        self._base: Tensor | None = None           # the tensor whose memory this one views
        self._requires_grad = bool(requires_grad)
        self._grad: Tensor | None = None
        self.grad_fn: autograd.Node | None = None

    @staticmethod
    def _constant(array) -> Tensor:
        """A plain Tensor (never a Parameter) that requires no grad; used by the mixins."""
        return Tensor(array)

    # ---------------------------------------------------------------- storage and versions
    @property
    def array(self) -> np.ndarray:
        """The numpy array holding this tensor's values (shared memory; writes are not tracked)."""
        return self._array

    @property
    def data(self) -> Tensor:
        """This tensor's memory as a Tensor outside the graph: no grad, its own version counter,
        so changes made through it are not tracked (as PyTorch's `.data`)."""
        return Tensor(self._array)

    @data.setter
    def data(self, value) -> None:
        """`p.data = t` makes this tensor use `t`'s memory (shape and dtype included)."""
        self._array = value.array if isinstance(value, Tensor) else np.asarray(value)

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has seen (PyTorch's `t._version`)."""
        return self._version_counter.value

    def _make_view_of(self, base: Tensor) -> None:
        """Mark this tensor as a view of `base`'s memory (called by the engine)."""
        self._version_counter = base._version_counter
        self._base = base._base if base._base is not None else base

    # ---------------------------------------------------------------- the gradient record
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if not value and self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you "
                               "want to use a computed variable in a subgraph that doesn't require "
                               "differentiation use var_no_grad = var.detach().")
        if value and not np.issubdtype(self._array.dtype, np.floating):
            raise TypeError(f"only floating-point tensors can require gradients; got dtype "
                            f"{self.dtype}")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        """Assigning `.grad` checks it as PyTorch does: a Tensor of this shape and dtype."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has data of a different size: grad shape "
                                   f"{tuple(value.shape)}, tensor shape {tuple(self.shape)}")
            if value.array.dtype != self._array.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: grad dtype "
                                   f"{value.dtype}, tensor dtype {self.dtype}")
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in `.grad` during backward (leaves always do)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None and self not in self.grad_fn.retained:
            self.grad_fn.retained.append(self)

    @property
    def retains_grad(self) -> bool:
        return self.grad_fn is not None and any(t is self for t in self.grad_fn.retained)

    def register_hook(self, hook):
        """Call `hook(grad)` with this tensor's gradient during backward; a Tensor it returns
        replaces the gradient. Returns a handle whose `remove()` takes the hook off."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        hooks = self.grad_fn.hooks if self.grad_fn is not None \
            else self.__dict__.setdefault("_hooks", [])
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def detach(self) -> Tensor:
        """The same values cut from the graph. Shares memory and the version counter, so an
        in-place change through it is still caught by backward (as in PyTorch)."""
        detached = Tensor(self._array)
        detached._version_counter = self._version_counter
        return detached

    def _snapshot(self) -> Tensor:
        """A second handle on this tensor's memory and its current history (grad_fn, version
        counter): what an in-place op records as its input, so that the recorded graph keeps
        pointing at the old history after this tensor takes the new one."""
        handle = Tensor(self._array)
        handle._version_counter, handle._base = self._version_counter, self._base
        handle.grad_fn, handle._requires_grad = self.grad_fn, self._requires_grad
        return handle

    def detach_(self) -> Tensor:
        if self._base is not None and self._base.requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn, self._requires_grad = None, False
        return self

    # ---------------------------------------------------------------- description
    @property
    def shape(self) -> Size:
        return Size(self._array.shape)

    @property
    def dtype(self) -> DType:
        return as_dtype(self._array.dtype)

    @property
    def ndim(self) -> int:
        return self._array.ndim

    def size(self, dim: int | None = None):
        return self.shape if dim is None else self.shape[self._axis(dim)]

    def dim(self) -> int:
        return self.ndim

    def numel(self) -> int:
        return self._array.size

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        body = np.array2string(self._array, separator=", ", prefix="tensor(")
        extra = ""
        if self.grad_fn is not None:
            extra = f", grad_fn=<{self.grad_fn.name()}>"
        elif self.requires_grad:
            extra = ", requires_grad=True"
        if self.dtype not in (np.float32, np.int64, np.bool_):
            extra = f", dtype={self.dtype}" + extra
        return f"tensor({body}{extra})"

    # ---------------------------------------------------------------- conversion
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The values as a numpy array sharing memory. Refused for a tensor that requires grad,
        as in PyTorch (its values would leave the graph unnoticed): use detach().numpy()."""
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._array

    def __array__(self, dtype=None, copy=None):
        """np.asarray(t): the values, under numpy()'s rule."""
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def item(self):
        if self._array.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self._array.item()

    def tolist(self):
        return self._array.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        return bool(self.item())

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
        return Tensor(self._array.astype(dtype))

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
            raise RuntimeError("element 0 of tensors does not require grad and does not have a "
                               "grad_fn: create the inputs with requires_grad=True (and not under "
                               "no_grad())")
        gradient = autograd.seed_gradient(self, gradient, "backward()")
        autograd.backward(self, gradient, retain_graph=retain_graph)


def _legacy_array(data: tuple) -> np.ndarray:
    """What `Tensor(...)` holds. A numpy array (or numpy scalar, or Tensor) is kept as it is,
    dtype and memory included: that is how the library builds its tensors. Python values follow
    PyTorch's `torch.Tensor(...)` constructor: numbers and nested lists become the default float
    dtype (`Tensor([1, 2])` is float32), ints alone are a shape (`Tensor(2, 3)` is a zero-filled
    2x3 tensor, where PyTorch leaves it uninitialised), and no argument is an empty tensor."""
    if not data:
        return np.empty((0,), dtype=get_default_dtype())
    if len(data) > 1 or (type(data[0]) is int):
        if not all(type(size) is int for size in data):
            raise TypeError(f"Tensor(): expected one sequence of numbers or int sizes, got {data!r}")
        return np.zeros(data, dtype=get_default_dtype())
    value = data[0]
    if isinstance(value, Tensor):
        return value.array
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value)
    if isinstance(value, (list, tuple, float, bool)):
        return np.asarray(value, dtype=get_default_dtype())
    return np.asarray(value)


class _HookHandle:
    """What register_hook returns: `remove()` takes the hook off again."""

    def __init__(self, hooks: list, hook) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


autograd.register_tensor_class(Tensor)
