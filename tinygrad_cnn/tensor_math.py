"""The Tensor's arithmetic: operators with PyTorch's type promotion, comparisons, element-wise
functions, matmul, where, and reductions. Tensor (tensor.py) inherits these; every method calls
one op's `apply` or other methods, and no derivative is written here (they live in ops/)."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from . import ops
from .dtypes import result_dtype
from .errors import ShapeMismatchError

MaxResult = namedtuple("MaxResult", ["values", "indices"])


class MathMethods:
    """Mixed into Tensor."""

    def _operand(self, other) -> Tensor:
        """Python numbers and arrays become constant tensors; numbers take this tensor's dtype."""
        if isinstance(other, MathMethods):
            return other
        if isinstance(other, (int, float, bool)) and np.issubdtype(self.dtype, np.floating):
            return self._constant(np.asarray(other, dtype=self.dtype))
        return self._constant(np.asarray(other))

    def _promoted(self, other, divide: bool = False) -> tuple[Tensor, Tensor]:
        """self and other (a Tensor or a number) cast to the dtype PyTorch gives their result
        (see dtypes.result_dtype); true division of integers gives float32, as PyTorch's default."""
        dtype = result_dtype(self.array, other.array if isinstance(other, MathMethods) else other)
        if divide and not np.issubdtype(dtype, np.floating):
            dtype = np.dtype(np.float32)
        if not isinstance(other, MathMethods):
            other = self._constant(np.asarray(other, dtype=dtype))
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
        if isinstance(exponent, MathMethods):
            return ops.Power.apply(*self._promoted(exponent))
        dtype = result_dtype(self.array, exponent)             # an int tensor ** 0.5 is float32
        return ops.Pow.apply(self if self.dtype == dtype else self.to(dtype), exponent=exponent)

    def __rpow__(self, base):
        exponent, base = self._promoted(base)
        return ops.Power.apply(base, exponent)

    def matmul(self, other):
        """Matrix product with numpy's (and PyTorch's) batching rules; no dtype promotion."""
        other = self._operand(other)
        if self.ndim == 0 or other.ndim == 0:
            raise ValueError(f"matmul: both arguments need at least 1 dimension, got shapes "
                             f"{self.shape} and {other.shape}")
        inner_a = self.shape[-1]
        inner_b = other.shape[0] if other.ndim == 1 else other.shape[-2]
        if inner_a != inner_b:
            raise ShapeMismatchError(f"matmul: inner dimensions differ: input {self.shape} has {inner_a} "
                             f"columns but other {other.shape} has {inner_b} rows")
        if self.dtype != other.dtype:  # PyTorch does not promote here
            raise TypeError(f"matmul: tensors must share one dtype, but input is {self.dtype}, "
                            f"other is {other.dtype}")
        try:
            np.broadcast_shapes(self.shape[:-2], other.shape[:-2])
        except ValueError:
            raise ValueError(f"matmul: batch dimensions of {self.shape} and {other.shape} do not "
                             f"broadcast") from None
        return ops.MatMul.apply(self, other)

    def __matmul__(self, other):
        return self.matmul(other)

    def __rmatmul__(self, other):
        return self._operand(other).matmul(self)

    def where(self, condition, other):
        """This tensor where `condition` holds, else `other` (torch.Tensor.where); gradients flow
        to both sides, masked."""
        condition = condition if isinstance(condition, MathMethods) else self._constant(np.asarray(condition))
        if condition.dtype != np.bool_:
            raise TypeError(f"where: condition must be a boolean tensor, got dtype {condition.dtype}")
        other = self._operand(other)
        try:
            np.broadcast_shapes(condition.shape, self.shape, other.shape)
        except ValueError:
            raise ValueError(f"where: condition {condition.shape}, input {self.shape} and other "
                             f"{other.shape} do not broadcast together") from None
        return ops.Where.apply(self, other, condition=condition.array)

    def maximum(self, other):
        """Element-wise larger value. On ties each side gets half of the gradient, as in PyTorch:
        the mean of two selections that break ties in opposite directions."""
        other = self._operand(other)
        return (self.where(self > other, other) + self.where(self >= other, other)) * 0.5

    def minimum(self, other):
        other = self._operand(other)
        return (self.where(self < other, other) + self.where(self <= other, other)) * 0.5

    # comparisons: results are boolean tensors and carry no gradient
    def __lt__(self, other):
        return self._constant(self.array < self._operand(other).array)

    def __le__(self, other):
        return self._constant(self.array <= self._operand(other).array)

    def __gt__(self, other):
        return self._constant(self.array > self._operand(other).array)

    def __ge__(self, other):
        return self._constant(self.array >= self._operand(other).array)

    def __eq__(self, other):
        return self._constant(self.array == self._operand(other).array)

    def __ne__(self, other):
        return self._constant(self.array != self._operand(other).array)

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
        count = self.array.size if axes is None else int(np.prod([self.shape[a] for a in axes]))
        return self.sum(dim, keepdim) / count

    def max(self, dim=None, keepdim: bool = False):
        """The largest value; with `dim`, a (values, indices) pair as torch.max(x, dim) returns,
        the gradient then going to the returned index (the first maximum)."""
        if dim is None:
            _reducible("max", self.shape, None)
            return ops.Max.apply(self, axis=None, keepdims=False)
        if isinstance(dim, MathMethods):  # torch.max(a, b): the element-wise maximum
            return self.maximum(dim)
        axis = self._axis(dim)
        _reducible("max", self.shape, axis)
        indices = self.array.argmax(axis=axis)
        grid = list(np.indices(indices.shape, sparse=True))
        grid.insert(axis, indices)
        values = self[tuple(grid[i] for i in range(self.ndim))] if self.ndim else self
        if keepdim:
            values, indices = values.unsqueeze(axis), np.expand_dims(indices, axis)
        return MaxResult(values, self._constant(indices.astype(np.int64)))

    def min(self, dim=None, keepdim: bool = False):
        _reducible("min", self.shape, None if dim is None or isinstance(dim, MathMethods)
                   else self._axis(dim))
        if dim is None:
            return -((-self).max())
        if isinstance(dim, MathMethods):  # torch.min(a, b): the element-wise minimum
            return self.minimum(dim)
        values, indices = (-self).max(dim, keepdim)
        return MaxResult(-values, indices)

    def argmax(self, dim=None, keepdim: bool = False):
        _reducible("argmax", self.shape, None if dim is None else self._axis(dim))
        if dim is None:
            return self._constant(np.asarray(self.array.argmax(), dtype=np.int64))
        return self._constant(self.array.argmax(axis=self._axis(dim), keepdims=keepdim).astype(np.int64))



def _reducible(name: str, shape: tuple, axis) -> None:
    """max/argmax have no identity: refuse an empty input (or dim) as PyTorch does, by name."""
    if axis is None and 0 in shape:
        raise ValueError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0 "
                         f"(input shape {shape})")
    if axis is not None and shape and shape[axis] == 0:
        raise ValueError(f"{name}(): cannot reduce over dim {axis} of size 0 (input shape {shape})")


