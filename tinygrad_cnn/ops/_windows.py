"""Window geometry shared by convolution and pooling.

Symbols used in every shape comment of conv.py and pool.py:
    N   batch size               C   input channels        F   output channels (filters)
    H,W input height/width       Hp,Wp  after padding      Ho,Wo  output height/width
    KH,KW kernel height/width    G   groups                Cg = C/G, Fg = F/G per group

A window is the KH x KW patch of the padded input that produces one output position. Forward
passes look at all windows at once through a strided *view* (no copy); backward passes scatter
gradients back through `scatter_taps`, which loops over the KH*KW kernel offsets, never over pixels.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided


def output_size(size, kernel, stride=1, padding=0, dilation=1, ceil_mode=False):
    """Number of window positions along one axis:

        out = floor((size + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1

    (the lecture formula (W - F + 2P)/S + 1 with floor). With ceil_mode the division rounds up,
    but, as in PyTorch, a last window that would start inside the right padding is dropped.
    `padding` may be a (before, after) pair for asymmetric padding."""
    before, after = (padding, padding) if isinstance(padding, int) else padding
    span = size + before + after - dilation * (kernel - 1) - 1
    if ceil_mode:
        out = math.ceil(span / stride) + 1
        if (out - 1) * stride >= size + before:
            out -= 1
        return out
    return span // stride + 1


def sliding_windows(xp, kernel, stride, dilation=(1, 1)):
    """All KH x KW windows of a padded batch, as a read-only view.

    xp: (N, C, Hp, Wp)  ->  (N, C, Ho, Wo, KH, KW), where [n, c, i, j] is the window whose
    top-left corner sits at (i*sh, j*sw) and whose taps are dilation apart."""
    (KH, KW), (sh, sw), (dh, dw) = kernel, stride, dilation
    N, C, Hp, Wp = xp.shape
    Ho = (Hp - dh * (KH - 1) - 1) // sh + 1
    Wo = (Wp - dw * (KW - 1) - 1) // sw + 1
    sN, sC, sH, sW = xp.strides
    return as_strided(xp, shape=(N, C, Ho, Wo, KH, KW),
                      strides=(sN, sC, sH * sh, sW * sw, sH * dh, sW * dw), writeable=False)


def scatter_taps(tap_gradient, padded_shape, kernel, stride, dilation=(1, 1)):
    """The adjoint of reading windows: add, for every kernel offset (p, q), the gradient of the
    inputs that tap read back onto those inputs. Where windows overlap, contributions add.

    tap_gradient(p, q) -> (N, C, Ho, Wo): the gradient of xp[:, :, i*sh + p*dh, j*sw + q*dw]
    from window (i, j)                                       ->  dxp: padded_shape = (N, C, Hp, Wp)

    A stride splits the padded grid into sh*sw interleaved *phases* (rows = a mod sh, columns
    = b mod sw). One tap of every window lands in a single phase, on consecutive positions, so
    the adds run over contiguous memory of a phase buffer; the phases are woven into dxp once
    at the end. (Adding straight into dxp[..., p::sh, q::sw] touches memory with gaps and is
    several times slower.)"""
    (KH, KW), (sh, sw), (dh, dw) = kernel, stride, dilation
    N, C, Hp, Wp = padded_shape
    if (sh, sw) == (KH, KW) and (dh, dw) == (1, 1):
        return _scatter_tiles(tap_gradient, padded_shape, kernel)
    dxp, phases = None, {}
    for p in range(KH):
        row0, a = divmod(p * dh, sh)                    # tap p reads phase row row0 + i
        for q in range(KW):
            col0, b = divmod(q * dw, sw)
            grad = tap_gradient(p, q)                   # (N, C, Ho, Wo)
            if dxp is None:
                dxp = np.zeros(padded_shape, dtype=grad.dtype)
            if (a, b) not in phases:                    # stride 1: the only phase is dxp itself
                phases[a, b] = dxp if (sh, sw) == (1, 1) else np.zeros(
                    (N, C, len(range(a, Hp, sh)), len(range(b, Wp, sw))), dtype=grad.dtype)
            Ho, Wo = grad.shape[2:]
            phases[a, b][:, :, row0:row0 + Ho, col0:col0 + Wo] += grad
    if (sh, sw) != (1, 1):
        for (a, b), phase in phases.items():
            dxp[:, :, a::sh, b::sw] = phase
    return dxp


def _scatter_tiles(tap_gradient, padded_shape, kernel):
    """scatter_taps when the windows tile the input (stride = kernel, no dilation): every input
    is read by at most one tap of one window, so each tap's gradient is simply written in place."""
    KH, KW = kernel
    dxp = None
    for p in range(KH):
        for q in range(KW):
            grad = tap_gradient(p, q)                   # (N, C, Ho, Wo)
            if dxp is None:
                dxp = np.zeros(padded_shape, dtype=grad.dtype)
            Ho, Wo = grad.shape[2:]
            dxp[:, :, p:p + KH * Ho:KH, q:q + KW * Wo:KW] = grad
    return dxp


def col2im(dcols, padded_shape, stride, dilation=(1, 1)):
    """scatter_taps for gradients already laid out per tap.

    dcols: (N, C, KH, KW, Ho, Wo), tap-major: dcols[:, :, p, q] holds, for every window, the
    gradient of the input its tap (p, q) read  ->  dxp: padded_shape = (N, C, Hp, Wp)"""
    return scatter_taps(lambda p, q: dcols[:, :, p, q], padded_shape, dcols.shape[2:4],
                        stride, dilation)


def pad2d(x, padding, value=0.0):
    """Pad the last two axes: padding = ((top, bottom), (left, right))."""
    if not any(any(p) for p in padding):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(padding), mode="constant", constant_values=value)


def unpad2d(xp, padding):
    """The centre of a padded array: the inverse of pad2d."""
    (top, bottom), (left, right) = padding
    return xp[:, :, top:xp.shape[2] - bottom, left:xp.shape[3] - right]
