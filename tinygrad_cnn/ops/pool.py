"""Pooling: the max or the mean of each window. Shapes use the symbol key of _windows.py."""
import numpy as np

from ..autograd import Function
from ._windows import col2im, output_size, pad2d, sliding_windows, unpad2d


def pool_padding(H, W, kernel, stride, padding, dilation, ceil_mode):
    """Output size, and the padding ((top, bottom), (left, right)) that makes exactly Ho x Wo
    windows fit: ceil_mode may need more padding at the bottom/right than at the top/left."""
    (KH, KW), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    Ho = output_size(H, KH, sh, ph, dh, ceil_mode)
    Wo = output_size(W, KW, sw, pw, dw, ceil_mode)
    bottom = max((Ho - 1) * sh + dh * (KH - 1) + 1 - H - ph, 0)
    right = max((Wo - 1) * sw + dw * (KW - 1) + 1 - W - pw, 0)
    return (Ho, Wo), ((ph, bottom), (pw, right))


class MaxPool2d(Function):
    """y[n, c, i, j] = max over the KH x KW window at (i*sh, j*sw) of x, padded with -inf.

    x: (N, C, H, W)  ->  y: (N, C, Ho, Wo),   Ho = floor((H + 2p - d(KH - 1) - 1) / s) + 1

    Backward: the whole dy[n, c, i, j] goes to the ONE input that won its window; the others get 0.
    NOTE: on ties the first maximum in row-major window order wins (as PyTorch); a NaN always
    wins (the last NaN of the window, as PyTorch's CPU kernel); a window holding only -inf and
    padding is won by its first cell inside the input; where windows overlap, an input that wins
    several windows receives the sum.

    With return_indices=True forward also returns, without gradient, where each maximum sits:
    the flat index h*W + w of the winner in its unpadded (H, W) plane (see flat_indices).
    (ops/fast/pool.py computes the same faster for small windows; this is the version to read.)
    """

    spatial = "window"

    @staticmethod
    def forward(ctx, x, *, kernel_size, stride, padding, dilation, ceil_mode, return_indices=False):
        N, C, H, W = x.shape
        (Ho, Wo), pads = pool_padding(H, W, kernel_size, stride, padding, dilation, ceil_mode)
        xp = pad2d(x, pads, value=-np.inf)                              # (N, C, Hp, Wp)
        windows = sliding_windows(xp, kernel_size, stride, dilation)[:, :, :Ho, :Wo]
        windows = windows.reshape(N, C, Ho, Wo, -1)                     # (N, C, Ho, Wo, KH*KW) copy
        winner = windows.argmax(axis=-1)                                # (N, C, Ho, Wo) first max
        is_nan = np.isnan(windows)                                      # argmax stops at the first NaN
        last_nan = is_nan.shape[-1] - 1 - is_nan[..., ::-1].argmax(axis=-1)
        winner = np.where(is_nan.any(axis=-1), last_nan, winner)        # PyTorch's CPU kernel: the last
        y = np.take_along_axis(windows, winner[..., None], axis=-1)[..., 0]  # (N, C, Ho, Wo)
        first_inner = first_inner_tap((Ho, Wo), pads, kernel_size, stride, dilation)  # (Ho, Wo)
        winner = np.where(y == -np.inf, first_inner, winner)            # not a padding cell
        ctx.save_for_backward(winner)
        ctx.xp_shape, ctx.pads = xp.shape, pads
        ctx.kernel_size, ctx.stride, ctx.dilation = kernel_size, stride, dilation
        if return_indices:
            return y, flat_indices(winner, y, (H, W), pads, kernel_size, stride, dilation)
        return y

    @staticmethod
    def backward(ctx, dy):                                              # dy: (N, C, Ho, Wo)
        winner, = ctx.saved_arrays                                      # (N, C, Ho, Wo)
        N, C, Ho, Wo = dy.shape
        KH, KW = ctx.kernel_size
        dwindows = np.zeros((N, C, Ho, Wo, KH * KW), dtype=dy.dtype)
        np.put_along_axis(dwindows, winner[..., None], dy[..., None], axis=-1)  # dy to the winner
        dwindows = dwindows.reshape(N, C, Ho, Wo, KH, KW).transpose(0, 1, 4, 5, 2, 3)  # tap-major
        return unpad2d(col2im(dwindows, ctx.xp_shape, ctx.stride, ctx.dilation), ctx.pads)


def first_inner_tap(out_size, pads, kernel, stride, dilation):
    """For each window, the kernel offset k = p*KW + q of its first cell (row-major) that lies in
    the input rather than the top/left padding: where PyTorch sends a window whose maximum is
    -inf, whatever tap won.   -> (Ho, Wo)"""
    (Ho, Wo), ((top, _), (left, _)), (_, KW) = out_size, pads, kernel
    (sh, sw), (dh, dw) = stride, dilation
    row0 = np.arange(Ho) * sh - top                                     # (Ho,) window's first row
    col0 = np.arange(Wo) * sw - left                                    # (Wo,)
    p = -(np.minimum(row0, 0) // dh)                                    # taps needed to step past
    q = -(np.minimum(col0, 0) // dw)                                    # the padding
    return p[:, None] * KW + q                                          # (Ho, Wo)


def flat_indices(winner, y, size, pads, kernel, stride, dilation):
    """Max-pool's `winner` (kernel offset k = p*KW + q) as PyTorch's indices: the flat position
    h*W + w in the UNPADDED plane, with h = i*sh - top + p*dh and w = j*sw - left + q*dw.
    winner, y: (N, C, Ho, Wo) -> int64 likewise"""
    (H, W), ((top, _), (left, _)), (_, KW) = size, pads, kernel
    (sh, sw), (dh, dw) = stride, dilation
    Ho, Wo = y.shape[2:]
    p, q = np.divmod(winner.astype(np.int64), KW)                       # (N, C, Ho, Wo) each
    row0 = np.arange(Ho) * sh - top                                     # (Ho,) window's first row
    col0 = np.arange(Wo) * sw - left                                    # (Wo,)
    return (row0[:, None] + p * dh) * W + (col0 + q * dw)               # (N, C, Ho, Wo)


class MaxUnpool2d(Function):
    """The partial inverse of max-pooling: a zero (N, C, H, W) output into which each input value
    is written at the flat position its index names (indices from max_pool2d(return_indices=True)):

        y[n, c].flat[indices[n, c, i, j]] = x[n, c, i, j],   every other y = 0

    x, indices: (N, C, Hin, Win)  ->  y: (N, C, H, W)
    Backward: each input reads its gradient back from where it was written,
    dx[n, c, i, j] = dy[n, c].flat[indices[n, c, i, j]] (a gather). Indices should be distinct in
    each plane: if two share one, which value y keeps is unspecified (as in PyTorch), yet both
    read the gradient there.
    """

    spatial = "remap"

    @staticmethod
    def forward(ctx, x, *, indices, output_size):
        N, C = x.shape[:2]
        y = np.zeros((N, C, output_size[0] * output_size[1]), dtype=x.dtype)  # (N, C, H*W)
        flat_indices = indices.reshape(N, C, -1)                        # (N, C, Hin*Win)
        np.put_along_axis(y, flat_indices, x.reshape(N, C, -1), axis=2)
        ctx.save_for_backward(flat_indices)
        ctx.x_shape = x.shape
        return y.reshape((N, C) + tuple(output_size))                   # (N, C, H, W)

    @staticmethod
    def backward(ctx, dy):                                              # dy: (N, C, H, W)
        flat_indices, = ctx.saved_arrays
        N, C = dy.shape[:2]
        dx = np.take_along_axis(dy.reshape(N, C, -1), flat_indices, axis=2)  # (N, C, Hin*Win)
        return dx.reshape(ctx.x_shape)


class AvgPool2d(Function):
    """y[n, c, i, j] = (sum of the KH x KW window at (i*sh, j*sw) of the zero-padded x) / divisor

    The divisor counts the window's cells that lie inside the input plus its padding
    (count_include_pad=True) or inside the input only (False); cells added by ceil_mode never
    count; divisor_override replaces it. Backward: each window spreads dy / divisor evenly over
    its cells; overlapping windows add.
    """

    spatial = "window"

    @staticmethod
    def forward(ctx, x, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
                divisor_override=None):
        N, C, H, W = x.shape
        (Ho, Wo), pads = pool_padding(H, W, kernel_size, stride, padding, (1, 1), ceil_mode)
        xp = pad2d(x, pads)                                             # (N, C, Hp, Wp)
        windows = sliding_windows(xp, kernel_size, stride)[:, :, :Ho, :Wo]  # (N, C, Ho, Wo, KH, KW)
        KH, KW = kernel_size
        total = windows[..., 0, 0].copy()                               # (N, C, Ho, Wo)
        for offset in range(1, KH * KW):
            total += windows[..., offset // KW, offset % KW]
        if divisor_override:
            divisor = np.full((Ho, Wo), divisor_override, dtype=x.dtype)
        else:
            divisor = np.outer(*(
                _cells_counted(n_out, size, k, s, p, count_include_pad)
                for n_out, size, k, s, p in zip((Ho, Wo), (H, W), kernel_size, stride, padding))
            ).astype(x.dtype)                                           # (Ho, Wo)
        ctx.divisor, ctx.xp_shape, ctx.pads = divisor, xp.shape, pads
        ctx.kernel_size, ctx.stride = kernel_size, stride
        return total / divisor

    @staticmethod
    def backward(ctx, dy):                                              # dy: (N, C, Ho, Wo)
        share = (dy / ctx.divisor)[:, :, None, None]                    # (N, C, 1, 1, Ho, Wo)
        N, C, Ho, Wo = dy.shape
        dwindows = np.broadcast_to(share, (N, C) + tuple(ctx.kernel_size) + (Ho, Wo))  # no copy
        return unpad2d(col2im(dwindows, ctx.xp_shape, ctx.stride), ctx.pads)


def _cells_counted(n_out, size, kernel, stride, padding, count_include_pad):
    """For each window along one axis, how many of its cells the average divides by."""
    start = np.arange(n_out) * stride - padding                         # in unpadded coordinates
    if count_include_pad:
        lo, hi = -padding, size + padding
    else:
        lo, hi = 0, size
    return np.minimum(start + kernel, hi) - np.maximum(start, lo)
