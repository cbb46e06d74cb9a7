"""Window geometry shared by convolution and pooling.

Symbols used in every shape comment of conv.py and pool.py:
    N   batch size               C   input channels        F   output channels (filters)
    H,W input height/width       Hp,Wp  after padding      Ho,Wo  output height/width
    KH,KW kernel height/width    G   groups                Cg = C/G, Fg = F/G per group

A window is the KH x KW patch of the padded input that produces one output position. Forward
passes look at all windows at once through a strided *view* (no copy); backward passes scatter
gradients back through `col2im`, which loops over the KH*KW kernel offsets, never over pixels.
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


def col2im(dcols, padded_shape, stride, dilation=(1, 1)):
    """The adjoint of reading windows: add every window's gradient back onto the input positions
    it was read from. Where windows overlap, their contributions add.

    dcols: (N, C, KH, KW, Ho, Wo), tap-major: dcols[:, :, p, q] holds, for every window, the
    gradient of the input its tap (p, q) read  ->  dxp: padded_shape = (N, C, Hp, Wp)"""
    N, C, KH, KW, Ho, Wo = dcols.shape
    (sh, sw), (dh, dw) = stride, dilation
    dxp = np.zeros(padded_shape, dtype=dcols.dtype)
    if (sh, sw) == (KH, KW) and (dh, dw) == (1, 1):
        # Windows tile the input exactly: one reshape puts every value in place.
        tiled = dcols.transpose(0, 1, 4, 2, 5, 3).reshape(N, C, Ho * KH, Wo * KW)
        dxp[:, :, :Ho * KH, :Wo * KW] = tiled
        return dxp
    for p in range(KH):
        for q in range(KW):
            rows = slice(p * dh, p * dh + sh * (Ho - 1) + 1, sh)
            cols = slice(q * dw, q * dw + sw * (Wo - 1) + 1, sw)
            dxp[:, :, rows, cols] += dcols[:, :, p, q]             # (N, C, Ho, Wo)
    return dxp


def pad2d(x, padding, value=0.0):
    """Pad the last two axes: padding = ((top, bottom), (left, right))."""
    if not any(any(p) for p in padding):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(padding), mode="constant", constant_values=value)


def unpad2d(xp, padding):
    """The centre of a padded array: the inverse of pad2d."""
    (top, bottom), (left, right) = padding
    return xp[:, :, top:xp.shape[2] - bottom, left:xp.shape[3] - right]
