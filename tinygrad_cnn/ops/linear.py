"""Matrix products: the batched matmul and the fully-connected layer's primitive."""
import numpy as np

from ..autograd import Function, unbroadcast


class MatMul(Function):
    """y = a @ b with numpy's rules: leading (batch) axes broadcast; a 1-D a is a row vector and
    a 1-D b a column vector, the added axis being dropped from y.

    Backward (on the last two axes):  da = dy @ b^T,   db = a^T @ dy."""

    spatial = "remap"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, dy):
        a, b = ctx.saved_arrays
        a2 = a[None, :] if a.ndim == 1 else a                              # (..., M, K)
        b2 = b[:, None] if b.ndim == 1 else b                              # (..., K, P)
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        dy2 = dy.reshape(batch + (a2.shape[-2], b2.shape[-1]))             # (..., M, P)
        da = db = None
        # A vector operand was broadcast over the batch, so its gradient is summed back here.
        if ctx.needs_input_grad[0]:
            da = unbroadcast(dy2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)  # (..., M, K)
        if ctx.needs_input_grad[1]:
            db = unbroadcast(np.swapaxes(a2, -1, -2) @ dy2, b2.shape).reshape(b.shape)  # (..., K, P)
        return da, db


class Linear(Function):
    """The fully-connected layer:  y = x W^T + b.

        x: (N, I)   W: (O, I)   b: (O,)   ->   y: (N, O)   (any leading axes in place of N)

    Backward:  dx = dy W,   dW = dy^T x,   db = dy summed over the rows."""

    spatial = "remap"

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        y = x @ w.T                                   # (N, O)
        return y + b if b is not None else y

    @staticmethod
    def backward(ctx, dy):                            # dy: (N, O)
        x, w = ctx.saved_arrays
        dx = dy @ w if ctx.needs_input_grad[0] else None                    # (N, I)
        dy_rows = dy.reshape(-1, dy.shape[-1])                              # (N, O)
        dw = dy_rows.T @ x.reshape(-1, x.shape[-1]) if ctx.needs_input_grad[1] else None  # (O, I)
        if len(ctx.needs_input_grad) == 2:
            return dx, dw
        db = dy_rows.sum(axis=0) if ctx.needs_input_grad[2] else None       # (O,)
        return dx, dw, db
