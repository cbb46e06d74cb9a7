"""The fast path of MaxPool2d: the same results as ops/pool.py's reference (read that first),
computed tap by tap for small windows.

Why tap by tap: reducing over the tiny trailing window axis (argmax over 4 or 9 values per output)
runs numpy's inner loop once per output position; one whole-array ufunc pass per kernel offset
(KH*KW passes over (N, C, Ho, Wo) arrays) is several times faster. Backward routes dy to each
tap's winners with `_windows.scatter_taps`, which adds in contiguous stride phases.
Windows of more than MAX_TAPS cells (global or adaptive pooling of a large map) have few outputs
and a long window axis: there the reference's argmax is the faster one, and it is used.
Shapes use the symbol key of ops/_windows.py.
"""
import numpy as np

from .. import pool as reference
from .._windows import pad2d, scatter_taps, sliding_windows, unpad2d

MAX_TAPS = 64   # larger windows go to the reference op


class MaxPool2d(reference.MaxPool2d):
    """MaxPool2d (see ops/pool.py for the math and the tie, NaN and -inf rules), tap by tap."""

    @staticmethod
    def forward(ctx, x, *, kernel_size, stride, padding, dilation, ceil_mode, return_indices=False):
        KH, KW = kernel_size
        ctx.fast = KH * KW <= MAX_TAPS
        if not ctx.fast:
            return reference.MaxPool2d.forward(
                ctx, x, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
                ceil_mode=ceil_mode, return_indices=return_indices)
        N, C, H, W = x.shape
        (Ho, Wo), pads = reference.pool_padding(H, W, kernel_size, stride, padding, dilation, ceil_mode)
        xp = pad2d(x, pads, value=-np.inf)                              # (N, C, Hp, Wp)
        windows = sliding_windows(xp, kernel_size, stride, dilation)[:, :, :Ho, :Wo]  # (N, C, Ho, Wo, KH, KW)
        # The taps are copied out of the strided view once, so the passes below read contiguous memory.
        taps = np.ascontiguousarray(np.moveaxis(windows, (4, 5), (0, 1))).reshape(
            (KH * KW,) + windows.shape[:4])                             # (KH*KW, N, C, Ho, Wo)
        y = taps[0].copy()                                              # (N, C, Ho, Wo)
        for tap in taps[1:]:
            np.maximum(y, tap, out=y)
        # winner = the FIRST offset whose value equals the max: walk the offsets backwards and
        # let each match overwrite (arithmetic select: masked writes are several times slower).
        # int16 holds every offset of a window of at most MAX_TAPS cells.
        winner = np.full(y.shape, len(taps) - 1, dtype=np.int16)       # (N, C, Ho, Wo)
        is_max, step = np.empty(y.shape, dtype=bool), np.empty_like(winner)
        for k in range(len(taps) - 2, -1, -1):
            np.equal(taps[k], y, out=is_max)
            np.subtract(k, winner, out=step)
            winner += step * is_max                                     # winner = k where is_max
        if np.isnan(y).any():  # NaN never equals itself: the last NaN of the window wins
            for k, tap in enumerate(taps):
                np.copyto(winner, k, where=np.isnan(tap))
        if np.isneginf(y).any():  # only -inf and padding: the first cell inside the input wins
            first = reference.first_inner_tap((Ho, Wo), pads, kernel_size, stride, dilation)
            winner = np.where(np.isneginf(y), first, winner).astype(np.int16)
        ctx.save_for_backward(winner)
        ctx.xp_shape, ctx.pads = xp.shape, pads
        ctx.kernel_size, ctx.stride, ctx.dilation = kernel_size, stride, dilation
        if return_indices:
            return y, reference.flat_indices(winner, y, (H, W), pads, kernel_size, stride, dilation)
        return y

    @staticmethod
    def backward(ctx, dy):                                              # dy: (N, C, Ho, Wo)
        if not ctx.fast:
            return reference.MaxPool2d.backward(ctx, dy)
        winner, = ctx.saved_arrays
        KH, KW = ctx.kernel_size
        is_winner = np.empty(dy.shape, dtype=bool)                      # (N, C, Ho, Wo)

        def tap_gradient(p, q):  # dy where kernel offset (p, q) won its window, else 0
            np.equal(winner, p * KW + q, out=is_winner)
            return dy * is_winner

        dxp = scatter_taps(tap_gradient, ctx.xp_shape, ctx.kernel_size, ctx.stride, ctx.dilation)
        return unpad2d(dxp, ctx.pads)
