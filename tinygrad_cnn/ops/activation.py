"""Non-linearities applied element by element."""
import numpy as np

from ..autograd import Function


class ReLU(Function):
    """y = max(x, 0).   dx = dy where x > 0, else 0.

    NOTE: at x == 0 the derivative is taken as 0, as in PyTorch."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x):
        y = np.maximum(x, 0)
        ctx.save_for_backward(y)  # y > 0 exactly where x > 0; PyTorch saves the output too
        return y

    @staticmethod
    def backward(ctx, dy):
        y, = ctx.saved_arrays
        return dy * (y > 0)


class Sigmoid(Function):
    """y = 1 / (1 + e^-x).   dx = dy * y * (1 - y)."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x):
        # Two branches so that e^(-x) never overflows: for x < 0 use e^x / (1 + e^x).
        z = np.exp(-np.abs(x))
        y = np.where(x >= 0, 1 / (1 + z), z / (1 + z))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        y, = ctx.saved_arrays
        return dy * y * (1 - y)


class Tanh(Function):
    """y = tanh(x).   dx = dy * (1 - y^2)."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        y, = ctx.saved_arrays
        return dy * (1 - y * y)
