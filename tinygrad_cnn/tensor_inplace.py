"""In-place ops: `add_`, `mul_`, `x[i] = v`, `+=`, `fill_`, `normal_`, ... with PyTorch's rules.

Each in-place op is its out-of-place twin plus bookkeeping (`_in_place`):
  1. refuse what PyTorch refuses, before anything changes: a leaf that requires grad (while
     grad is recorded), a result that does not fit the tensor's shape or dtype;
  2. compute the new values out of place; when grad is recorded this adds a node whose input is
     the tensor's current history;
  3. write them into the tensor's own memory (its views see them) and bump its version counter,
     so backward refuses to use values saved before the write (versions.py);
  4. when recorded, the tensor takes the new node as its grad_fn ("rebasing its history"), and
     its views are re-made from it (versions.regenerate_views), as PyTorch's views follow it.
An in-place change to a view of a tensor in a graph is recorded on the base, as PyTorch does
(ops.WriteIntoView: the base with the view's part replaced), and the view's history is re-made
from the base's new one.
"""
from __future__ import annotations

import numpy as np

from . import ops, versions
from .dtypes import scalar_type_name
from .grad_modes import is_grad_enabled, no_grad
from .random import get_rng
from .tensor_shape import _numpy_index


class InPlaceMethods:
    """Mixed into Tensor."""

    # ------------------------------------------------------------ the mechanism
    def _in_place(self, compute, *others):
        """Replace this tensor's values by `compute(self)` in place (see the module docstring)."""
        recording = is_grad_enabled() and (self.requires_grad or any(
            getattr(o, "requires_grad", False) for o in others))
        self._check_in_place(recording)
        self._check_writable()
        if recording:
            original = self._snapshot()
            # its own array object on the same memory, so that what an op saves from it is told
            # apart from another operand on this memory (y.mul_(y)): see versions.rebase_history
            original._array = self._array[...]
            result = compute(original)
        else:
            with no_grad():
                result = compute(self)
        if result.shape != self.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                               f"shape {list(result.shape)}")
        if not np.can_cast(result.array.dtype, self.array.dtype, casting="same_kind"):
            raise RuntimeError(f"result type {scalar_type_name(result.array)} can't be cast to the "
                               f"desired output type {scalar_type_name(self.array)}")
        if recording:
            versions.rebase_history(self, original, result)  # before the write: keep old values
        # a view of a tensor in a graph: the base records the write, the view follows the base
        base = self._base if recording and self._base is not None else None
        if base is not None:
            written = ops.WriteIntoView.apply(base._snapshot(), result.to(self.dtype),
                                              steps=self._view_steps)
        np.copyto(self.array, result.array, casting="unsafe")
        self._version_counter.bump()
        if recording and result.grad_fn is not None:
            versions.retarget_saved_output(self, result)
            owner = self if base is None else base
            owner.grad_fn, owner._requires_grad = (result if base is None else written).grad_fn, True
            versions.regenerate_views(owner)                   # its views follow the new history
        return self

    def _check_in_place(self, recording: bool) -> None:
        if not is_grad_enabled():
            return                                    # no_grad: any tensor may be written
        base = self._base
        if base is None and self.requires_grad and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        if base is not None and base.requires_grad and base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        if base is not None and base.requires_grad and not self.requires_grad:
            raise RuntimeError("A view was created in no_grad mode and is being modified inplace "
                               "with grad mode enabled. Given that this use case is ambiguous "
                               "and error-prone, it is forbidden.")
        if base is not None and recording and self.__dict__.get("_view_steps") is None:
            raise RuntimeError(f"not supported in tinygrad_cnn: an in-place operation that "
                               f"records a gradient on a view (shape {list(self.shape)}) of "
                               f"another tensor (shape {list(base.shape)}) made under no_grad; "
                               f"write into the base tensor instead (base[index] = value) or use "
                               f"the out-of-place op")

    def _check_writable(self) -> None:
        if not self.array.flags.writeable:   # an expand()ed view: many places share one element
            raise RuntimeError("unsupported operation: more than one element of the written-to "
                               "tensor refers to a single memory location. Please clone() the "
                               "tensor before performing the operation.")

    def _overwrite(self, values):
        """Set every element to `values` (a Tensor broadcast to this shape). When this tensor is
        in a graph, its old history gets a zero gradient, as PyTorch's fill_/copy_ give it."""
        def compute(current):
            if current.requires_grad:
                nowhere = current._constant(np.zeros(current.shape, dtype=np.bool_))
                return current.where(nowhere, values)
            return values.to(current.dtype).expand(current.shape)
        return self._in_place(compute, values)

    def _random_fill(self, draw):
        """Fill with `draw(rng, shape)` samples, cast to this tensor's dtype (untracked values)."""
        return self._overwrite(self._constant(np.asarray(draw(self.shape), dtype=self.array.dtype)))

    # ------------------------------------------------------------ arithmetic
    def add_(self, other, *, alpha=1):
        return self._in_place(lambda t: t.add(other, alpha=alpha), other)

    def sub_(self, other, *, alpha=1):
        return self._in_place(lambda t: t.sub(other, alpha=alpha), other)

    def mul_(self, other):
        return self._in_place(lambda t: t * other, other)

    def div_(self, other, *, rounding_mode=None):
        return self._in_place(lambda t: t.div(other, rounding_mode=rounding_mode), other)

    def pow_(self, exponent):
        return self._in_place(lambda t: t ** exponent, exponent)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        """self += value * tensor1 * tensor2 (as the Adam-style optimizers use it)."""
        return self._in_place(lambda t: t + tensor1 * tensor2 * value, tensor1, tensor2)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        """self += value * tensor1 / tensor2."""
        return self._in_place(lambda t: t + tensor1 / tensor2 * value, tensor1, tensor2)

    def lerp_(self, end, weight):
        """self += weight * (end - self)."""
        return self._in_place(lambda t: t + (end - t) * weight, end, weight)

    def clamp_(self, min=None, max=None):
        return self._in_place(lambda t: t.clamp(min, max), min, max)

    def clip_(self, min=None, max=None):
        return self.clamp_(min, max)

    def neg_(self):
        return self._in_place(lambda t: -t)

    def abs_(self):
        return self._in_place(lambda t: t.abs())

    def exp_(self):
        return self._in_place(lambda t: t.exp())

    def log_(self):
        return self._in_place(lambda t: t.log())

    def sqrt_(self):
        return self._in_place(lambda t: t.sqrt())

    def relu_(self):
        return self._in_place(lambda t: t.relu())

    def sigmoid_(self):
        return self._in_place(lambda t: t.sigmoid())

    def tanh_(self):
        return self._in_place(lambda t: t.tanh())

    def masked_fill_(self, mask, value):
        return self._in_place(lambda t: t.masked_fill(mask, value), value)

    def index_fill_(self, dim: int, index, value):
        """Set the slices at `index` (1-D integer) along `dim` to `value`."""
        index = np.asarray(getattr(index, "array", index))
        if index.ndim > 1 or index.dtype.kind not in "iu":
            raise IndexError(f"index_fill_(): index must be a 1-D integer tensor, got shape "
                             f"{index.shape}, dtype {index.dtype}")
        key = (slice(None),) * self._axis(dim) + (index.reshape(-1),)
        mask = np.zeros(self.shape, dtype=np.bool_)
        mask[key] = True
        return self.masked_fill_(self._constant(mask), value)

    # Python's augmented assignment: `x += y` is x.add_(y), as in PyTorch
    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    # ------------------------------------------------------------ overwriting
    def fill_(self, value):
        return self._overwrite(self._operand(value))

    def zero_(self):
        return self.fill_(0)

    def copy_(self, src, non_blocking: bool = False):
        """Copy `src` (broadcast to this shape, cast to this dtype) into this tensor; gradients
        flow back to `src`."""
        src = self._operand(src)
        try:
            np.broadcast_shapes(src.shape, self.shape)
        except ValueError:
            raise RuntimeError(f"copy_: the size of src {list(src.shape)} must be broadcastable "
                               f"to {list(self.shape)}") from None
        return self._overwrite(src)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None):
        rng = generator or get_rng()
        return self._random_fill(lambda shape: rng.normal(mean, std, shape))

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator=None):
        rng = generator or get_rng()
        return self._random_fill(lambda shape: rng.uniform(a, b, shape))

    def bernoulli_(self, p: float = 0.5, *, generator=None):
        rng = generator or get_rng()
        p = np.asarray(getattr(p, "array", p))
        return self._random_fill(lambda shape: rng.random(shape) < p)

    def random_(self, low: int = 0, high: int | None = None, *, generator=None):
        """Integers uniform in [low, high); `random_(n)` means [0, n), as in PyTorch."""
        rng = generator or get_rng()
        if high is None:
            low, high = 0, low if low else 2 ** 24  # float32's exactly representable range
        return self._random_fill(lambda shape: rng.integers(low, high, shape))

    def exponential_(self, lambd: float = 1.0, *, generator=None):
        rng = generator or get_rng()
        return self._random_fill(lambda shape: rng.exponential(1.0 / lambd, shape))

    # ------------------------------------------------------------ indexing
    def __setitem__(self, index, value) -> None:
        """`x[index] = value` for basic and advanced indices; a tensor value's gradient flows
        back to it, and the overwritten places get no gradient."""
        index = _numpy_index(index)
        try:
            np.empty(self.shape, dtype=np.bool_)[index]     # validate without touching data
        except IndexError as err:
            raise IndexError(f"index {index!r} is out of range for a tensor of shape "
                             f"{tuple(self.shape)}: {err}") from None
        value = self._operand(value)
        recording = is_grad_enabled() and (self.requires_grad or value.requires_grad)
        if not recording:                                  # the common case: a plain numpy write
            self._check_in_place(False)
            self._check_writable()
            try:
                self.array[index] = value.array
            except ValueError:
                raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} "
                                   f"cannot be broadcast to indexing result of shape "
                                   f"{list(np.empty(self.shape)[index].shape)}") from None
            self._version_counter.bump()
            return
        self._in_place(lambda t: ops.IndexPut.apply(t, value.to(t.dtype), index=index), value)

    # ------------------------------------------------------------ shape, in place
    def _reshape_in_place(self, reshaped):
        """Make this tensor `reshaped` (a view of the same memory), keeping its identity."""
        self._check_in_place(reshaped.requires_grad and is_grad_enabled())
        self._array, self.grad_fn = reshaped.array, reshaped.grad_fn
        return self

    def t_(self):
        return self._reshape_in_place(self.t())

    def squeeze_(self, dim=None):
        return self._reshape_in_place(self.squeeze(dim))

    def unsqueeze_(self, dim: int):
        return self._reshape_in_place(self.unsqueeze(dim))

