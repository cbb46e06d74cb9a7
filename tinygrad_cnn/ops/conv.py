"""Convolution (cross-correlation, as in every deep-learning library) and its transpose.
Shapes use the symbol key at the top of _windows.py."""
import numpy as np

from ..autograd import Function
from ._windows import col2im, pad2d, sliding_windows, unpad2d


def _im2col(xp, kernel, stride, dilation, groups):
    """Copy every window of xp into one row:  (N, C, Hp, Wp) -> cols (G, N*Ho*Wo, Cg*KH*KW)."""
    windows = sliding_windows(xp, kernel, stride, dilation)            # (N, C, Ho, Wo, KH, KW) view
    N, C, Ho, Wo, KH, KW = windows.shape
    windows = windows.reshape(N, groups, C // groups, Ho, Wo, KH, KW)
    cols = windows.transpose(1, 0, 3, 4, 2, 5, 6)                      # (G, N, Ho, Wo, Cg, KH, KW)
    return cols.reshape(groups, N * Ho * Wo, -1), (Ho, Wo)             # the one copy of forward


def _cols_to_windows(dcols, N, Ho, Wo, kernel, groups):
    """Inverse layout of _im2col:  (G, N*Ho*Wo, Cg*KH*KW) -> (N, C, Ho, Wo, KH, KW)."""
    KH, KW = kernel
    G = groups
    dcols = dcols.reshape(G, N, Ho, Wo, -1, KH, KW)                    # (G, N, Ho, Wo, Cg, KH, KW)
    dcols = dcols.transpose(1, 0, 4, 2, 3, 5, 6)                       # (N, G, Cg, Ho, Wo, KH, KW)
    return dcols.reshape(N, -1, Ho, Wo, KH, KW)                        # (N, C, Ho, Wo, KH, KW)


class Conv2d(Function):
    """y[n, f, i, j] = b[f] + sum over c, p, q of w[f, c, p, q] * xp[n, c, i*sh + p*dh, j*sw + q*dw]

    x: (N, C, H, W)   w: (F, Cg, KH, KW)   b: (F,)   ->   y: (N, F, Ho, Wo)
    with xp the zero-padded x and channels split into G groups (filter f sees only its group).

    forward    cols = im2col(xp)                     (G, N*Ho*Wo, Cg*KH*KW)
               y    = cols @ w_flat^T + b            w_flat: (G, Fg, Cg*KH*KW)
    backward   db = dy summed over n, i, j
               dw = dy^T @ cols                      w correlated with the windows it saw
               dx = col2im(dy @ w_flat)              a transposed convolution of dy with w
    """

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, dilation, groups):
        N = x.shape[0]
        F, Cg, KH, KW = w.shape
        xp = pad2d(x, padding)                                         # (N, C, Hp, Wp)
        cols, (Ho, Wo) = _im2col(xp, (KH, KW), stride, dilation, groups)
        w_flat = w.reshape(groups, F // groups, Cg * KH * KW)          # (G, Fg, Cg*KH*KW)
        y = cols @ w_flat.transpose(0, 2, 1)                           # (G, N*Ho*Wo, Fg)
        y = y.reshape(groups, N, Ho, Wo, -1).transpose(1, 0, 4, 2, 3).reshape(N, F, Ho, Wo)
        if b is not None:
            y += b.reshape(1, F, 1, 1)
        ctx.save_for_backward(cols, w_flat)
        ctx.xp_shape, ctx.w_shape = xp.shape, w.shape
        ctx.stride, ctx.padding, ctx.dilation, ctx.groups = stride, padding, dilation, groups
        return y

    @staticmethod
    def backward(ctx, dy):                                             # dy: (N, F, Ho, Wo)
        cols, w_flat = ctx.saved_arrays
        G = ctx.groups
        N, F, Ho, Wo = dy.shape
        dy_rows = dy.reshape(N, G, F // G, Ho * Wo).transpose(1, 0, 3, 2).reshape(G, N * Ho * Wo, F // G)
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dcols = dy_rows @ w_flat                                   # (G, N*Ho*Wo, Cg*KH*KW)
            dwindows = _cols_to_windows(dcols, N, Ho, Wo, ctx.w_shape[2:], G)
            dx = unpad2d(col2im(dwindows, ctx.xp_shape, ctx.stride, ctx.dilation), ctx.padding)
        if ctx.needs_input_grad[1]:
            dw = (dy_rows.transpose(0, 2, 1) @ cols).reshape(ctx.w_shape)  # (F, Cg, KH, KW)
        if len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[2]:
            db = dy.sum(axis=(0, 2, 3))                                # (F,)
        return (dx, dw) if len(ctx.needs_input_grad) == 2 else (dx, dw, db)


class ConvTranspose2d(Function):
    """The transpose (adjoint) of Conv2d with respect to its input, sometimes called
    "deconvolution": each input pixel stamps a copy of the kernel, scaled by its value, onto the
    output at stride spacing; overlapping stamps add.

    x: (N, C, H, W)   w: (C, Fg, KH, KW)   b: (F,)   ->   y: (N, F, Ho, Wo)
    Ho = (H - 1)*sh - 2*ph + dh*(KH - 1) + output_padding + 1

    forward    y = crop(col2im(x_rows @ w_flat)) + b          (Conv2d's dx formula)
    backward   dx = windows(pad(dy)) . w                       (Conv2d's forward formula)
               dw = x^T @ windows(pad(dy));  db = dy summed over n, i, j
    """

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, output_padding, dilation, groups):
        N, C, H, W = x.shape
        _, Fg, KH, KW = w.shape
        G = groups
        F = Fg * G
        x_rows = x.reshape(N, G, C // G, H * W).transpose(1, 0, 3, 2).reshape(G, N * H * W, C // G)
        w_flat = w.reshape(G, C // G, Fg * KH * KW)                    # (G, Cg, Fg*KH*KW)
        stamps = _cols_to_windows(x_rows @ w_flat, N, H, W, (KH, KW), G)  # (N, F, H, W, KH, KW)
        (sh, sw), (dh, dw) = stride, dilation
        stamped_shape = (N, F, (H - 1) * sh + dh * (KH - 1) + 1, (W - 1) * sw + dw * (KW - 1) + 1)
        full_shape = stamped_shape[:2] + (stamped_shape[2] + output_padding[0],
                                          stamped_shape[3] + output_padding[1])
        y = np.ascontiguousarray(unpad2d(col2im(stamps, full_shape, stride, dilation), padding))
        if b is not None:
            y += b.reshape(1, F, 1, 1)
        ctx.save_for_backward(x_rows, w_flat)
        ctx.x_shape, ctx.w_shape, ctx.stamped_shape = x.shape, w.shape, stamped_shape
        ctx.stride, ctx.padding, ctx.dilation, ctx.groups = stride, padding, dilation, groups
        return y

    @staticmethod
    def backward(ctx, dy):                                             # dy: (N, F, Ho, Wo)
        x_rows, w_flat = ctx.saved_arrays
        N, C, H, W = ctx.x_shape
        G = ctx.groups
        (top, _), (left, _) = ctx.padding
        # Undo forward's crop, leaving out the output_padding rows/cols: no stamp reached them.
        dfull = np.zeros(ctx.stamped_shape, dtype=dy.dtype)           # (N, F, Hs, Ws)
        rows, cols = min(dy.shape[2], dfull.shape[2] - top), min(dy.shape[3], dfull.shape[3] - left)
        dfull[:, :, top:top + rows, left:left + cols] = dy[:, :, :rows, :cols]
        dcols, _ = _im2col(dfull, ctx.w_shape[2:], ctx.stride, ctx.dilation, G)  # (G, N*H*W, Fg*KH*KW)
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx_rows = dcols @ w_flat.transpose(0, 2, 1)                # (G, N*H*W, Cg)
            dx = dx_rows.reshape(G, N, H, W, C // G).transpose(1, 0, 4, 2, 3).reshape(N, C, H, W)
        if ctx.needs_input_grad[1]:
            dw = (x_rows.transpose(0, 2, 1) @ dcols).reshape(ctx.w_shape)  # (C, Fg, KH, KW)
        if len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[2]:
            db = dy.sum(axis=(0, 2, 3))
        return (dx, dw) if len(ctx.needs_input_grad) == 2 else (dx, dw, db)
