"""Dropout: zero random activations during training so the network cannot rely on any one."""
from ..autograd import Function
from ..random import get_rng


class Dropout(Function):
    """y = x * mask / (1 - p), with mask ~ Bernoulli(1 - p) drawn fresh on every call.

    Dividing by the keep probability keeps E[y] = x, so evaluation can use x unchanged.
    Backward: dx = dy * mask / (1 - p) (the same mask)."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x, *, p):
        scale = (get_rng().random(x.shape) >= p) / (1 - p)   # (x's shape) 0 or 1/(1-p)
        scale = scale.astype(x.dtype)
        ctx.save_for_backward(scale)
        return x * scale

    @staticmethod
    def backward(ctx, dy):
        scale, = ctx.saved_arrays
        return dy * scale
