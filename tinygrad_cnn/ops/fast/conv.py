"""The fast path of Conv2d: the same math as ops/conv.py (read that first), laid out for BLAS.

What changes, and why (measured in benchmarks/bench_ops.py):
- Channels last. The input is copied once to (N, Hp, Wp, C), so every window is KH*KW runs of
  C contiguous values and the column matrix has ONE row per output position:
      cols: (N*Ho*Wo, KH*KW*C)   and   y = cols @ w_mat,   w_mat: (KH*KW*C, F)
  One large GEMM with a tall, contiguous left operand, instead of one small GEMM per image
  (OpenBLAS runs the tall-skinny product about twice as fast as w_flat @ cols).
- Nothing large is saved. Forward keeps x and w (as PyTorch does); backward rebuilds the column
  matrix, one batch chunk at a time, so the 9x-the-input matrix never outlives one GEMM.
- Chunks. The batch is cut so that one chunk's columns stay near CHUNK_BYTES: the peak memory of a
  convolution is bounded whatever the batch size, and the GEMMs stay large enough to run at speed.
- dx at stride 1 without strided scatter: on maps the padding barely enlarges, col2im becomes
  KH*KW adds of whole contiguous blocks on the flattened padded grid (_dx_by_shifted_adds); on
  small maps it is the full correlation of dy with the flipped kernel, one more im2col + GEMM (a
  gather), when its columns (H*W*KH*KW*F values an image) are no larger than the scatter's
  (Ho*Wo*KH*KW*C). Otherwise, and for strided convolutions, the column gradient is scattered
  back with contiguous channel runs.
- 3x3, stride 1, no dilation (most convolutions of ResNets, VGGs and U-Nets): Winograd's
  F(2x2, 3x3), in ops/fast/winograd.py, with 2.25x fewer multiply-adds in all three products.
Used for groups == 1 (every convolution of the zoo but the grouped ones); the rest run the
reference op. Shapes use the symbol key of ops/_windows.py.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import conv as reference
from . import winograd
from .layout import write_channels_last

CHUNK_BYTES = 32 * 2**20   # columns of one chunk: large GEMMs (>= 1,800 rows), bounded transient memory


def channels_last(x, padding):
    """(N, C, H, W) -> zero-padded (N, Hp, Wp, C), one copy.  padding = ((top, bottom), (left, right))"""
    N, C, H, W = x.shape
    (top, bottom), (left, right) = padding
    xp = np.zeros((N, H + top + bottom, W + left + right, C), dtype=x.dtype)
    write_channels_last(x, xp[:, top:top + H, left:left + W, :])
    return xp


def columns(xp, kernel, stride, dilation, out_size):
    """Every window of a channels-last xp as one row:  (N, Hp, Wp, C) -> (N*Ho*Wo, KH*KW*C), a copy."""
    (KH, KW), (sh, sw), (dh, dw), (Ho, Wo) = kernel, stride, dilation, out_size
    N, _, _, C = xp.shape
    sN, sH, sW, sC = xp.strides
    windows = as_strided(xp, shape=(N, Ho, Wo, KH, KW, C),
                         strides=(sN, sH * sh, sW * sw, sH * dh, sW * dw, sC), writeable=False)
    return windows.reshape(N * Ho * Wo, KH * KW * C)


def chunks(N, row_bytes):
    """Batch slices whose columns hold about CHUNK_BYTES (at least one image each)."""
    step = max(1, CHUNK_BYTES // max(row_bytes, 1))
    return [slice(n, min(n + step, N)) for n in range(0, N, step)]


def uses_winograd(x, w, stride, dilation, dy=None):
    """F(2x2, 3x3) applies to 3x3 kernels at stride 1 without dilation, on floating-point arrays of
    one dtype (its transforms halve values: integer arrays take the exact im2col path)."""
    dtypes = {x.dtype, w.dtype} | ({dy.dtype} if dy is not None else set())
    return (w.shape[2:] == (3, 3) and tuple(stride) == (1, 1) and tuple(dilation) == (1, 1)
            and len(dtypes) == 1 and np.issubdtype(x.dtype, np.floating))


def out_size(x_shape, w_shape, stride, padding, dilation):
    (_, _, H, W), (_, _, KH, KW) = x_shape, w_shape
    (sh, sw), (dh, dw), ((top, bottom), (left, right)) = stride, dilation, padding
    return ((H + top + bottom - dh * (KH - 1) - 1) // sh + 1,
            (W + left + right - dw * (KW - 1) - 1) // sw + 1)


class Conv2d(reference.Conv2d):
    """Conv2d (see ops/conv.py for the math), computed channels-last with one GEMM per chunk."""

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, dilation, groups):
        ctx.fast = groups == 1
        if not ctx.fast:
            return reference.Conv2d.forward(ctx, x, w, b, stride=stride, padding=padding,
                                            dilation=dilation, groups=groups)
        ctx.stride, ctx.padding, ctx.dilation, ctx.groups = stride, padding, dilation, groups
        if uses_winograd(x, w, stride, dilation):
            y = winograd.forward(x, w, padding)
            if b is not None:
                y += b.reshape(1, -1, 1, 1)
            ctx.save_for_backward(x, w)
            return y
        N, C = x.shape[:2]
        F, _, KH, KW = w.shape
        Ho, Wo = out_size(x.shape, w.shape, stride, padding, dilation)
        w_mat = w.transpose(2, 3, 1, 0).reshape(KH * KW * C, F)          # (KH*KW*C, F)
        y = np.empty((N, Ho, Wo, F), dtype=np.result_type(x, w))          # channels last
        for part in chunks(N, Ho * Wo * KH * KW * C * x.itemsize):
            cols = columns(channels_last(x[part], padding), (KH, KW), stride, dilation, (Ho, Wo))
            np.matmul(cols, w_mat, out=y[part].reshape(-1, F))            # (n*Ho*Wo, F)
        y = np.ascontiguousarray(y.transpose(0, 3, 1, 2))                 # (N, F, Ho, Wo)
        if b is not None:
            y += b.reshape(1, F, 1, 1)
        ctx.save_for_backward(x, w)
        return y

    @staticmethod
    def backward(ctx, dy):                                                 # dy: (N, F, Ho, Wo)
        if not ctx.fast:
            return reference.Conv2d.backward(ctx, dy)
        x, w = ctx.saved_arrays
        N, C, H, W = x.shape
        F, _, KH, KW = w.shape
        Ho, Wo = dy.shape[2:]
        stride, padding, dilation = ctx.stride, ctx.padding, ctx.dilation
        need_dx, need_dw = ctx.needs_input_grad[:2]
        dx = dw = db = None
        if uses_winograd(x, w, stride, dilation, dy):
            dx, dw = winograd.backward(x, w, dy, padding, need_dx, need_dw)
            need_dx = need_dw = False
        dy_last = dy.transpose(0, 2, 3, 1)                                 # (N, Ho, Wo, F) view
        if need_dw:
            dw_mat = np.zeros((KH * KW * C, F), dtype=dy.dtype)           # (KH*KW*C, F)
            for part in chunks(N, Ho * Wo * KH * KW * C * x.itemsize):
                cols = columns(channels_last(x[part], padding), (KH, KW), stride, dilation, (Ho, Wo))
                dw_mat += np.matmul(cols.T, dy_last[part].reshape(-1, F))  # w correlated with its windows
            dw = np.ascontiguousarray(dw_mat.reshape(KH, KW, C, F).transpose(3, 2, 0, 1))
        if need_dx:
            (top, bottom), (left, right) = padding
            grid = (H + top + bottom) * (W + left + right)                # padded positions
            if stride == (1, 1) and grid <= 2 * Ho * Wo:
                dx = _dx_by_shifted_adds(dy, w, x.shape, padding, dilation)
            elif stride == (1, 1) and H * W * F <= Ho * Wo * C:             # the smaller columns
                dx = _dx_by_full_correlation(dy_last, w, (H, W), padding, dilation)
            else:
                dx = _dx_by_scatter(dy_last, w, x.shape, stride, padding, dilation)
        if len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[2]:
            db = dy.sum(axis=(0, 2, 3))                                    # (F,)
        return (dx, dw) if len(ctx.needs_input_grad) == 2 else (dx, dw, db)


def _dx_by_shifted_adds(dy, w, x_shape, padding, dilation):
    """Stride 1, on maps where the padding adds little: dy is laid on the padded grid (zeros
    where no window starts) and flattened, (F, n*Hp*Wp). On that flat grid kernel tap (p, q)
    reads the input p*dh*Wp + q*dw positions further on, for every window at once, so col2im is
    KH*KW adds of whole contiguous (C, n*Hp*Wp) blocks instead of strided patches.
        dcols = w_mat^T @ dy_grid     (KH*KW*C, F) @ (F, n*Hp*Wp)
        dxp[:, s(p, q):][:, :n*Hp*Wp] += dcols[p, q]    s(p, q) = p*dh*Wp + q*dw
    Zeros of dy_grid make the positions past each row's last window contribute nothing, and a
    real window's taps stay inside its own image.              dy: (N, F, Ho, Wo) -> dx: (N, C, H, W)"""
    N, F, Ho, Wo = dy.shape
    _, C, KH, KW = w.shape
    (_, _, H, W), (dh, dw) = x_shape, dilation
    (top, bottom), (left, right) = padding
    Hp, Wp = H + top + bottom, W + left + right
    w_mat_t = w.transpose(2, 3, 1, 0).reshape(KH * KW * C, F)            # (KH*KW*C, F)
    reach = (KH - 1) * dh * Wp + (KW - 1) * dw                            # the farthest shift
    dx = np.empty((N, C, H, W), dtype=dy.dtype)
    for part in chunks(N, Hp * Wp * KH * KW * C * dy.itemsize):
        n = len(range(*part.indices(N)))
        dy_grid = np.zeros((F, n, Hp, Wp), dtype=dy.dtype)
        dy_grid[:, :, :Ho, :Wo] = dy[part].transpose(1, 0, 2, 3)
        dcols = np.matmul(w_mat_t, dy_grid.reshape(F, n * Hp * Wp)).reshape(KH, KW, C, n * Hp * Wp)
        dxp = np.zeros((C, n * Hp * Wp + reach), dtype=dy.dtype)          # flat padded planes
        for p in range(KH):
            for q in range(KW):
                shift = p * dh * Wp + q * dw
                dxp[:, shift:shift + n * Hp * Wp] += dcols[p, q]
        dxp = dxp[:, :n * Hp * Wp].reshape(C, n, Hp, Wp)
        dx[part] = dxp[:, :, top:top + H, left:left + W].transpose(1, 0, 2, 3)
    return dx


def _dx_by_full_correlation(dy_last, w, size, padding, dilation):
    """Stride 1: dx[n, c, h, v] = sum over f, p, q of dy[n, f, h + ph - p*dh, v + pw - q*dw] * w[f, c, p, q],
    a correlation of dy (padded by dh*(KH-1) - ph, possibly negative = cropped) with the kernel
    flipped in space and transposed in channels.   dy_last: (N, Ho, Wo, F) -> dx: (N, C, H, W)"""
    N, Ho, Wo, F = dy_last.shape
    _, C, KH, KW = w.shape
    (H, W), (dh, dw) = size, dilation
    (top, _), (left, _) = padding
    flipped = w[:, :, ::-1, ::-1].transpose(2, 3, 0, 1).reshape(KH * KW * F, C)  # (KH*KW*F, C)
    rows = dh * (KH - 1) - top                                            # dy rows to add on top
    cols_ = dw * (KW - 1) - left
    dx = np.empty((N, H, W, C), dtype=dy_last.dtype)
    for part in chunks(N, H * W * KH * KW * F * dy_last.itemsize):
        n = len(range(*part.indices(N)))
        dyp = np.zeros((n, H + dh * (KH - 1), W + dw * (KW - 1), F), dtype=dy_last.dtype)
        # place dy at offset (rows, cols_) of dyp; a negative offset crops dy instead
        src_r0, dst_r0 = max(-rows, 0), max(rows, 0)
        src_c0, dst_c0 = max(-cols_, 0), max(cols_, 0)
        nr = min(Ho - src_r0, dyp.shape[1] - dst_r0)
        nc = min(Wo - src_c0, dyp.shape[2] - dst_c0)
        if nr > 0 and nc > 0:
            dyp[:, dst_r0:dst_r0 + nr, dst_c0:dst_c0 + nc] = \
                dy_last[part, src_r0:src_r0 + nr, src_c0:src_c0 + nc]
        cols = columns(dyp, (KH, KW), (1, 1), (dh, dw), (H, W))            # (n*H*W, KH*KW*F)
        np.matmul(cols, flipped, out=dx[part].reshape(-1, C))
    return np.ascontiguousarray(dx.transpose(0, 3, 1, 2))                 # (N, C, H, W)


def _dx_by_scatter(dy_last, w, x_shape, stride, padding, dilation):
    """Any stride: dcols = dy @ w_mat^T, then each kernel tap (p, q) adds its column block back
    onto the inputs it read (runs of C contiguous channels).   -> dx: (N, C, H, W)"""
    N, Ho, Wo, F = dy_last.shape
    _, C, H, W = x_shape
    KH, KW = w.shape[2:]
    (sh, sw), (dh, dw), ((top, bottom), (left, right)) = stride, dilation, padding
    w_mat_t = w.transpose(0, 2, 3, 1).reshape(F, KH * KW * C)             # (F, KH*KW*C)
    dxp = np.zeros((N, H + top + bottom, W + left + right, C), dtype=dy_last.dtype)
    for part in chunks(N, Ho * Wo * KH * KW * C * dy_last.itemsize):
        dcols = np.matmul(dy_last[part].reshape(-1, F), w_mat_t)          # (n*Ho*Wo, KH*KW*C)
        dcols = dcols.reshape(-1, Ho, Wo, KH, KW, C)
        for p in range(KH):
            for q in range(KW):
                dxp[part, p * dh:p * dh + sh * (Ho - 1) + 1:sh,
                    q * dw:q * dw + sw * (Wo - 1) + 1:sw] += dcols[:, :, :, p, q]
    dx = dxp[:, top:top + H, left:left + W]                               # (N, H, W, C)
    return np.ascontiguousarray(dx.transpose(0, 3, 1, 2))
