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
        # da needs b and db needs a: save only what a wanted gradient needs (as PyTorch)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None,
                              b if ctx.needs_input_grad[0] else None)
        ctx.a_shape, ctx.b_shape = a.shape, b.shape
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, dy):
        a, b = ctx.saved_arrays
        a2_shape = (1,) + ctx.a_shape if len(ctx.a_shape) == 1 else ctx.a_shape      # (..., M, K)
        b2_shape = ctx.b_shape + (1,) if len(ctx.b_shape) == 1 else ctx.b_shape      # (..., K, P)
        batch = np.broadcast_shapes(a2_shape[:-2], b2_shape[:-2])
        dy2 = dy.reshape(batch + (a2_shape[-2], b2_shape[-1]))                       # (..., M, P)
        da = db = None
        # A vector operand was broadcast over the batch, so its gradient is summed back here.
        if ctx.needs_input_grad[0]:
            b2 = b.reshape(b2_shape)
            da = unbroadcast(dy2 @ np.swapaxes(b2, -1, -2), a2_shape).reshape(ctx.a_shape)
        if ctx.needs_input_grad[1]:
            a2 = a.reshape(a2_shape)
            db = unbroadcast(np.swapaxes(a2, -1, -2) @ dy2, b2_shape).reshape(ctx.b_shape)
        return da, db


class Linear(Function):
    """The fully-connected layer:  y = x W^T + b.

        x: (N, I)   W: (O, I)   b: (O,)   ->   y: (N, O)   (any leading axes in place of N)

    Backward:  dx = dy W,   dW = dy^T x,   db = dy summed over the rows."""

    spatial = "remap"

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None,   # dW needs x
                              w if ctx.needs_input_grad[0] else None)   # dx needs w
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


class Einsum(Function):
    """y = einsum(subscripts, *operands) for one or two operands, explicit subscripts
    ("ij,jk->ik"), no index repeated within one operand (tensor_extras / functions_more turn
    ellipses, implicit outputs and longer chains into this form).

    Backward: the gradient of an operand is the einsum of dy with the other operand, onto the
    operand's own indices:  d a[ij] = sum_k dy[ik] b[jk]  for "ij,jk->ik". An index the operand
    sums away alone (j in "ij->i", or i in "ij,jk->k") does not change the result's dependence
    along it, so that part of the gradient is dy's einsum broadcast along it."""

    spatial = "remap"

    @staticmethod
    def forward(ctx, *operands, subscripts):
        ctx.save_for_backward(*operands)
        ctx.subscripts = subscripts
        return np.asarray(np.einsum(subscripts, *operands))

    @staticmethod
    def backward(ctx, dy):
        operands = ctx.saved_arrays
        inputs, out = ctx.subscripts.split("->")
        inputs = inputs.split(",")
        grads = []
        for i, (x, sub) in enumerate(zip(operands, inputs)):
            if not ctx.needs_input_grad[i]:
                grads.append(None)
                continue
            others = [(o, s) for j, (o, s) in enumerate(zip(operands, inputs)) if j != i]
            present = set(out).union(*(s for _, s in others))
            kept = "".join(c for c in sub if c in present)
            spec = ",".join([out] + [s for _, s in others]) + "->" + kept
            g = np.einsum(spec, dy, *(o for o, _ in others))
            g = g.reshape([x.shape[k] if c in present else 1 for k, c in enumerate(sub)])
            grads.append(np.broadcast_to(g, x.shape).astype(x.dtype, copy=False))
        return tuple(grads)
