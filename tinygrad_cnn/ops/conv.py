"""Convolution (cross-correlation, as in every deep-learning library) and its transpose.
Shapes use the symbol key at the top of _windows.py."""
import numpy as np

from ..autograd import Function
from ._windows import col2im, pad2d, sliding_windows, unpad2d


def _im2col(xp, kernel, stride, dilation, groups):
    """Copy every window of xp into one column:  (N, C, Hp, Wp) -> cols (N, G, Cg*KH*KW, Ho*Wo).

    Tap-major order (c, p, q) down a column and output positions along a row: the copy moves
    whole rows of Wo values at once, and `w_flat @ cols` lands directly in NCHW order."""
    windows = sliding_windows(xp, kernel, stride, dilation)            # (N, C, Ho, Wo, KH, KW) view
    N, C, Ho, Wo, KH, KW = windows.shape
    cols = np.ascontiguousarray(windows.transpose(0, 1, 4, 5, 2, 3))   # (N, C, KH, KW, Ho, Wo): the copy
    return cols.reshape(N, groups, C // groups * KH * KW, Ho * Wo), (Ho, Wo)


class Conv2d(Function):
    """y[n, f, i, j] = b[f] + sum over c, p, q of w[f, c, p, q] * xp[n, c, i*sh + p*dh, j*sw + q*dw]

    x: (N, C, H, W)   w: (F, Cg, KH, KW)   b: (F,)   ->   y: (N, F, Ho, Wo)
    with xp the zero-padded x and channels split into G groups (filter f sees only its group).

    forward    cols = im2col(xp)                     (N, G, Cg*KH*KW, Ho*Wo)
               y    = w_flat @ cols + b              w_flat: (G, Fg, Cg*KH*KW)
    backward   db = dy summed over n, i, j
               dw = sum over n of dy @ cols^T        w correlated with the windows it saw
               dx = col2im(w_flat^T @ dy)            a transposed convolution of dy with w
    Forward saves x and w, as PyTorch does, and backward rebuilds cols: the column matrix is
    Cg*KH*KW times the input (9x for 3x3), too large to keep for every layer of a network.
    (ops/fast/conv.py computes the same faster; this is the version to read.)
    """

    spatial = "window"

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, dilation, groups):
        N = x.shape[0]
        F, Cg, KH, KW = w.shape
        xp = pad2d(x, padding)                                         # (N, C, Hp, Wp)
        cols, (Ho, Wo) = _im2col(xp, (KH, KW), stride, dilation, groups)  # (N, G, Cg*KH*KW, Ho*Wo)
        w_flat = w.reshape(groups, F // groups, Cg * KH * KW)          # (G, Fg, Cg*KH*KW)
        y = (w_flat @ cols).reshape(N, F, Ho, Wo)                      # (N, G, Fg, Ho*Wo) = NCHW
        if b is not None:
            y += b.reshape(1, F, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.stride, ctx.padding, ctx.dilation, ctx.groups = stride, padding, dilation, groups
        return y

    @staticmethod
    def backward(ctx, dy):                                             # dy: (N, F, Ho, Wo)
        x, w = ctx.saved_arrays
        G = ctx.groups
        N, F, Ho, Wo = dy.shape
        _, Cg, KH, KW = w.shape
        xp = pad2d(x, ctx.padding)                                     # (N, C, Hp, Wp)
        w_flat = w.reshape(G, F // G, Cg * KH * KW)                    # (G, Fg, Cg*KH*KW)
        dy_g = dy.reshape(N, G, F // G, Ho * Wo)                       # (N, G, Fg, Ho*Wo)
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dcols = w_flat.transpose(0, 2, 1) @ dy_g                   # (N, G, Cg*KH*KW, Ho*Wo)
            dcols = dcols.reshape(N, G * Cg, KH, KW, Ho, Wo)           # (N, C, KH, KW, Ho, Wo)
            dx = unpad2d(col2im(dcols, xp.shape, ctx.stride, ctx.dilation), ctx.padding)
        if ctx.needs_input_grad[1]:
            cols, _ = _im2col(xp, (KH, KW), ctx.stride, ctx.dilation, G)  # (N, G, Cg*KH*KW, Ho*Wo)
            dw = (dy_g @ cols.transpose(0, 1, 3, 2)).sum(axis=0)       # (G, Fg, Cg*KH*KW)
            dw = dw.reshape(w.shape)                                   # (F, Cg, KH, KW)
        if len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[2]:
            db = dy.sum(axis=(0, 2, 3))                                # (F,)
        return (dx, dw) if len(ctx.needs_input_grad) == 2 else (dx, dw, db)


class ConvTranspose2d(Function):
    """The transpose (adjoint) of Conv2d with respect to its input, sometimes called
    "deconvolution": each input pixel stamps a copy of the kernel, scaled by its value, onto the
    output at stride spacing; overlapping stamps add.

    x: (N, C, H, W)   w: (C, Fg, KH, KW)   b: (F,)   ->   y: (N, F, Ho, Wo)
    Ho = (H - 1)*sh - 2*ph + dh*(KH - 1) + output_padding + 1

    forward    y = crop(col2im(w_flat^T @ x)) + b             (Conv2d's dx formula)
    backward   dx = w_flat @ im2col(pad(dy))                   (Conv2d's forward formula)
               dw = sum over n of x @ im2col(pad(dy))^T;  db = dy summed over n, i, j
    """

    spatial = "remap"

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, output_padding, dilation, groups):
        N, C, H, W = x.shape
        _, Fg, KH, KW = w.shape
        G = groups
        F = Fg * G
        x_g = x.reshape(N, G, C // G, H * W)                           # (N, G, Cg, H*W)
        w_flat = w.reshape(G, C // G, Fg * KH * KW)                    # (G, Cg, Fg*KH*KW)
        stamps = w_flat.transpose(0, 2, 1) @ x_g                       # (N, G, Fg*KH*KW, H*W)
        stamps = stamps.reshape(N, F, KH, KW, H, W)                    # one kernel copy per pixel
        (sh, sw), (dh, dw) = stride, dilation
        stamped_shape = (N, F, (H - 1) * sh + dh * (KH - 1) + 1, (W - 1) * sw + dw * (KW - 1) + 1)
        full_shape = stamped_shape[:2] + (stamped_shape[2] + output_padding[0],
                                          stamped_shape[3] + output_padding[1])
        y = np.ascontiguousarray(unpad2d(col2im(stamps, full_shape, stride, dilation), padding))
        if b is not None:
            y += b.reshape(1, F, 1, 1)
        ctx.save_for_backward(x_g, w_flat)
        ctx.x_shape, ctx.w_shape, ctx.stamped_shape = x.shape, w.shape, stamped_shape
        ctx.stride, ctx.padding, ctx.dilation, ctx.groups = stride, padding, dilation, groups
        return y

    @staticmethod
    def backward(ctx, dy):                                             # dy: (N, F, Ho, Wo)
        x_g, w_flat = ctx.saved_arrays
        N, C, H, W = ctx.x_shape
        G = ctx.groups
        (top, _), (left, _) = ctx.padding
        # Undo forward's crop, leaving out the output_padding rows/cols: no stamp reached them.
        dfull = np.zeros(ctx.stamped_shape, dtype=dy.dtype)           # (N, F, Hs, Ws)
        rows, cols = min(dy.shape[2], dfull.shape[2] - top), min(dy.shape[3], dfull.shape[3] - left)
        dfull[:, :, top:top + rows, left:left + cols] = dy[:, :, :rows, :cols]
        dcols, _ = _im2col(dfull, ctx.w_shape[2:], ctx.stride, ctx.dilation, G)  # (N, G, Fg*KH*KW, H*W)
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx = (w_flat @ dcols).reshape(N, C, H, W)                  # (N, G, Cg, H*W)
        if ctx.needs_input_grad[1]:
            dw = (x_g @ dcols.transpose(0, 1, 3, 2)).sum(axis=0)       # (G, Cg, Fg*KH*KW)
            dw = dw.reshape(ctx.w_shape)                               # (C, Fg, KH, KW)
        if len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[2]:
            db = dy.sum(axis=(0, 2, 3))
        return (dx, dw) if len(ctx.needs_input_grad) == 2 else (dx, dw, db)
