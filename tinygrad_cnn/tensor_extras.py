"""More Tensor methods that PyTorch tutorials call (issue 12's survey): cumulative sums, flips,
log-sum-exp, sin/cos/prod, selections by mask, scatter (the one-hot idiom), small aliases, and the memory
introspection of the tensors tutorial (stride, data_ptr). Each is a composition of existing
Tensor methods or ops, so gradients come from those. PortingMethods inherits this class."""
from __future__ import annotations

import numpy as np

from . import ops
from .errors import ShapeMismatchError
from .tensor_shape import _along


class ExtraMethods:
    """Mixed into Tensor (through PortingMethods); only calls Tensor methods or ops."""

    # ------------------------------------------------------------ reductions and scans
    def cumsum(self, dim: int, *, dtype=None):
        """y_i = sum_{j <= i} x_j along `dim`: a product with an upper-triangular matrix of ones
        (x @ U, U[j, i] = 1 for j <= i), so the gradient is the reversed cumulative sum."""
        x = self if dtype is None else self.to(dtype)
        if x.ndim == 0:
            return x.clone()
        if x.array.dtype.kind in "biu":        # integers: no gradient, keep an integer result
            return self._constant(np.cumsum(x.array, axis=x._axis(dim)).astype(
                np.int64 if x.array.dtype.kind == "b" else x.array.dtype))
        axis = x._axis(dim)
        n = x.shape[axis]
        upper = self._constant(np.triu(np.ones((n, n), dtype=x.array.dtype)))
        return (x.movedim(axis, -1) @ upper).movedim(-1, axis)

    def amax(self, dim=(), keepdim: bool = False):
        """The largest values over `dim` (all axes by default); ties share the gradient."""
        return ops.Max.apply(self, axis=self._axes(dim), keepdims=keepdim)

    def amin(self, dim=(), keepdim: bool = False):
        return -(-self).amax(dim, keepdim)

    def logsumexp(self, dim, keepdim: bool = False):
        """log(sum(exp(x))) over `dim`, computed as m + log(sum(exp(x - m))) with m the
        (constant) maximum, so large inputs do not overflow."""
        top = self.amax(dim, keepdim=True).detach()
        top = top.where(self._constant(np.isfinite(top.array)), 0.0)   # all -inf: stay -inf
        out = (self - top).exp().sum(dim, keepdim=True).log() + top
        return out if keepdim else out.squeeze(dim) if isinstance(dim, int) else \
            out.reshape(self.sum(dim).shape)

    def prod(self, dim=None, keepdim: bool = False, *, dtype=None):
        """The product of all entries, or along one `dim`. Integer and bool inputs give int64
        (no gradient), as PyTorch; the gradient (ops.Prod) is exact when entries are zero."""
        x = self if dtype is None else self.to(dtype)
        if x.array.dtype.kind in "biu":
            axis = None if dim is None else x._axis(dim) if x.ndim else None
            out = np.prod(x.array.astype(np.int64), axis=axis, keepdims=keepdim and x.ndim > 0)
            return self._constant(np.asarray(out, dtype=np.int64))
        if dim is not None and not isinstance(dim, int):
            raise TypeError(f"prod(): argument 'dim' must be an int, got {type(dim).__name__}")
        if dim is None or x.ndim == 0:
            if dim is not None:
                x._axis(dim)                 # a 0-d tensor accepts dim 0 or -1 only
            return ops.Prod.apply(x, axis=None, keepdims=False)
        return ops.Prod.apply(x, axis=x._axis(dim), keepdims=keepdim)

    def count_nonzero(self, dim=None):
        return self._constant(np.count_nonzero(self.array, axis=self._axes(dim)).astype(np.int64))

    # ------------------------------------------------------------ element-wise
    def isinf(self):
        return self._constant(np.isinf(self.array))

    def isnan(self):
        return self._constant(np.isnan(self.array))

    def isfinite(self):
        return self._constant(np.isfinite(self.array))

    def reciprocal(self):
        return 1.0 / self

    def rsqrt(self):
        return 1.0 / self.sqrt()

    def erf(self):
        return ops.Erf.apply(self)

    def sin(self):
        return ops.Sin.apply(self._floating())

    def cos(self):
        return ops.Cos.apply(self._floating())

    def _floating(self):
        """Integer and bool tensors promote to the default float dtype, as torch.sin does."""
        return self if self.array.dtype.kind in "fc" else self.float()

    def trunc(self):
        return self._constant(np.trunc(self.array))

    def frac(self):
        return self - self._constant(np.trunc(self.array))

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        return self._constant(np.isclose(self.array, getattr(other, "array", other), rtol, atol,
                                         equal_nan))

    def allclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        return bool(self.isclose(other, rtol, atol, equal_nan).array.all())

    def equal(self, other) -> bool:
        return self.shape == other.shape and bool(np.array_equal(self.array, other.array))

    def square_(self):
        return self._in_place(lambda t: t * t)

    # ------------------------------------------------------------ shape
    def flip(self, *dims):
        """Reverse the order along each of `dims` (a negative-step slice; gradients flip back)."""
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        axes = {self._axis(d) for d in dims}
        return self[tuple(slice(None, None, -1) if a in axes else slice(None)
                          for a in range(self.ndim))]

    def unbind(self, dim: int = 0):
        """The slices along `dim`, each without that axis."""
        axis = self._axis(dim)
        return tuple(self.select(axis, i) for i in range(self.shape[axis]))

    def select(self, dim: int, index: int):
        axis = self._axis(dim)
        if not -self.shape[axis] <= index < self.shape[axis]:
            raise IndexError(f"select(): index {index} out of range for tensor of size "
                             f"{self.shape} at dimension {dim}")
        return self[(slice(None),) * axis + (index,)]

    def movedim(self, source, destination):
        """Move axes `source` to positions `destination`, the others keeping their order."""
        source = [self._axis(d) for d in np.atleast_1d(source).tolist()]
        destination = [self._axis(d) for d in np.atleast_1d(destination).tolist()]
        order = [a for a in range(self.ndim) if a not in source]
        for dest, src in sorted(zip(destination, source)):
            order.insert(dest, src)
        return self.permute(*order)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int):
        return self.transpose(axis0, axis1)

    swapdims = swapaxes

    def unflatten(self, dim: int, sizes):
        axis = self._axis(dim)
        return self.reshape(self.shape[:axis] + tuple(sizes) + self.shape[axis + 1:])

    def broadcast_to(self, size):
        return self.expand(tuple(size))

    def dot(self, other):
        """Inner product of two 1-D tensors of one length."""
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D "
                               f"tensors")
        if self.shape != other.shape:
            raise ShapeMismatchError(f"dot: inconsistent tensor size, expected tensor "
                                     f"{tuple(self.shape)} and src {tuple(other.shape)} to have "
                                     f"the same number of elements")
        return (self * other).sum()

    def outer(self, vec2):
        return self.reshape(-1, 1) * vec2.reshape(1, -1)

    def mv(self, vec):
        return self @ vec

    def tril(self, diagonal: int = 0):
        """The lower triangle (on and below `diagonal`) of the last two dims; zeros above
        (selected, not multiplied, so an inf above stays out of the result)."""
        return self.where(self._constant(np.tril(np.ones(self.shape[-2:], dtype=bool), diagonal)), 0.0)

    def triu(self, diagonal: int = 0):
        return self.where(self._constant(np.triu(np.ones(self.shape[-2:], dtype=bool), diagonal)), 0.0)

    # ------------------------------------------------------------ selection and scatter
    def nonzero(self, *, as_tuple: bool = False):
        """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one per axis."""
        found = np.nonzero(self.array)
        if as_tuple:
            return tuple(self._constant(i.astype(np.int64)) for i in found)
        return self._constant(np.stack(found, axis=1).astype(np.int64))

    def masked_select(self, mask):
        """The elements where the (broadcast) boolean mask holds, as a 1-D tensor."""
        mask = np.asarray(getattr(mask, "array", mask))
        if mask.dtype != np.bool_:
            raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {mask.dtype}")
        shape = np.broadcast_shapes(self.shape, mask.shape)
        return self.expand(shape)[np.broadcast_to(mask, shape)]

    def scatter(self, dim: int, index, src=None, *, value=None):
        """out = self, then out[index[i][j]][j] = src[i][j] along `dim` (torch.scatter); `src`
        may be a number. Gradients: to self except at the written places, to src's used part."""
        src = value if src is None else src
        index = np.asarray(getattr(index, "array", index))
        if index.ndim != self.ndim or index.dtype.kind not in "iu":
            raise RuntimeError(f"scatter(): index must be an int64 tensor with as many dimensions "
                               f"as self {self.shape}, got shape {index.shape}, dtype {index.dtype}")
        src = self._operand(src)
        if src.ndim:                                     # the corner of src that index covers
            src = src[tuple(slice(0, n) for n in index.shape)]
        return ops.IndexPut.apply(self, src.to(self.dtype), index=_along(index, self._axis(dim)))

    def scatter_(self, dim: int, index, src=None, *, value=None):
        src = value if src is None else src
        return self._in_place(lambda t: t.scatter(dim, index, src), src)

    # ------------------------------------------------------------ memory (the tensors tutorial)
    def stride(self, dim=None):
        """Steps in elements (not bytes, unlike numpy) between neighbours along each axis."""
        steps = tuple(s // self.array.itemsize for s in self.array.strides)
        return steps if dim is None else steps[self._axis(dim)]

    def data_ptr(self) -> int:
        """Address of the first element: equal for tensors that view the same memory there."""
        return self.array.__array_interface__["data"][0]
