"""Reductions over one or more axes."""
import numpy as np

from ..autograd import Function


def _restore_reduced_axes(dy, axis, keepdims):
    """Give dy back the reduced axes (as size 1) so that it broadcasts against x."""
    if keepdims or axis is None:  # a full reduction without keepdims leaves a scalar, which broadcasts
        return dy
    return np.expand_dims(dy, axis)


class Sum(Function):
    """y = sum of x over `axis` (all axes if None).

    Backward: every x that was added receives dy unchanged: dx = broadcast(dy) to x's shape."""

    spatial = "reduce"

    @staticmethod
    def forward(ctx, x, *, axis=None, keepdims=False):
        ctx.x_shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        return np.asarray(x.sum(axis=axis, keepdims=keepdims))

    @staticmethod
    def backward(ctx, dy):
        dy = _restore_reduced_axes(dy, ctx.axis, ctx.keepdims)
        return np.broadcast_to(dy, ctx.x_shape)


class Max(Function):
    """y = max of x over `axis` (all axes if None).

    Backward: dy goes to the position that holds the maximum; dx is 0 elsewhere.
    NOTE: when several entries tie for the maximum they share dy equally, as torch.amax and the
    all-axes torch.max do; when the maximum is NaN, the NaNs share it. (Tensor.max(dim) returning indices routes to the returned index instead,
    like torch.max(x, dim); see Tensor.max.)"""

    spatial = "reduce"

    @staticmethod
    def forward(ctx, x, *, axis=None, keepdims=False):
        y = x.max(axis=axis, keepdims=True)
        is_max = (x == y) | (np.isnan(x) & np.isnan(y))   # a NaN max: the NaNs share dy, as torch
        ctx.save_for_backward((is_max / is_max.sum(axis=axis, keepdims=True)).astype(x.dtype))  # tie shares
        ctx.axis, ctx.keepdims = axis, keepdims
        return y if keepdims else np.asarray(y.squeeze(axis=axis) if axis is not None else y.reshape(()))

    @staticmethod
    def backward(ctx, dy):
        share, = ctx.saved_arrays
        return share * _restore_reduced_axes(dy, ctx.axis, ctx.keepdims)


class Prod(Function):
    """y = product of x along one `axis` (all entries, flattened, if axis is None).

    Backward: dx_i = dy * prod_{j != i} x_j, the product of the other entries. Dividing y by x_i
    fails when x_i = 0, so the product of the others is formed without division, as the
    exclusive product from the left times the exclusive product from the right:
        before_i = x_0 ... x_{i-1},   after_i = x_{i+1} ... x_{n-1},   dx_i = dy * before_i * after_i,
    exact with any number of zeros."""

    spatial = "reduce"

    @staticmethod
    def forward(ctx, x, *, axis=None, keepdims=False):
        ctx.save_for_backward(x)
        ctx.axis, ctx.keepdims = axis, keepdims
        return np.asarray(np.prod(x, axis=axis, keepdims=keepdims))

    @staticmethod
    def backward(ctx, dy):
        x, = ctx.saved_arrays
        axis = ctx.axis
        if x.size == 0:                    # an empty product is 1 and depends on nothing
            return np.zeros_like(x)
        line = x.reshape(-1) if axis is None else np.moveaxis(x, axis, -1)
        ones = np.ones_like(line[..., :1])
        before = np.cumprod(np.concatenate([ones, line[..., :-1]], axis=-1), axis=-1)
        after = np.cumprod(np.concatenate([ones, line[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
        others = before * after
        others = others.reshape(x.shape) if axis is None else np.moveaxis(others, -1, axis)
        return others * _restore_reduced_axes(dy, axis, ctx.keepdims)
