"""Pooling and resampling as functions: validate, then call the op."""
from __future__ import annotations

import math

import numpy as np

from ... import ops
from ...ops._windows import output_size
from ...tensor import Tensor
from ._checks import check_tensor, pair


def _pool_args(fn, input, kernel_size, stride, padding, dilation, ceil_mode):
    check_tensor(fn, "input", input, ndim=(3, 4))
    kernel = pair(fn, "kernel_size", kernel_size, 1)
    stride = kernel if stride is None or stride == [] else pair(fn, "stride", stride, 1)
    padding = pair(fn, "padding", padding, 0)
    dilation = pair(fn, "dilation", dilation, 1)
    for p, k in zip(padding, kernel):
        if p > k // 2:  # PyTorch's rule: half the kernel itself, whatever the dilation
            raise ValueError(f"{fn}: padding {padding} should be at most half of the kernel "
                             f"size {kernel}")
    H, W = input.shape[-2:]
    for size, k, s, p, d in zip((H, W), kernel, stride, padding, dilation):
        if output_size(size, k, s, p, d, ceil_mode) < 1:
            raise ValueError(f"{fn}: kernel {kernel} (dilation {dilation}) does not fit the padded "
                             f"input (input shape {input.shape}, padding {padding})")
    return kernel, stride, padding, dilation


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Max over each window; the gradient goes to the window's (first) maximum.

    Args: kernel_size, stride (default: kernel_size), padding (implicit -inf), dilation: int or pair.
    Shape: (N, C, H, W) -> (N, C, Ho, Wo), Ho = floor((H + 2p - d(k - 1) - 1) / s) + 1
           (ceil instead of floor with ceil_mode=True)."""
    fn = "max_pool2d"
    kernel, stride, padding, dilation = _pool_args(fn, input, kernel_size, stride, padding,
                                                   dilation, ceil_mode)
    x = input.unsqueeze(0) if input.ndim == 3 else input
    y = ops.MaxPool2d.apply(x, kernel_size=kernel, stride=stride, padding=padding,
                            dilation=dilation, ceil_mode=bool(ceil_mode))
    return y.squeeze(0) if input.ndim == 3 else y


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over each window (zero padding counted in the divisor when count_include_pad).

    Shape: as max_pool2d without dilation."""
    fn = "avg_pool2d"
    kernel, stride, padding, _ = _pool_args(fn, input, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and (not isinstance(divisor_override, int) or divisor_override <= 0):
        raise ValueError(f"{fn}: divisor_override must be a positive int, got {divisor_override!r}")
    x = input.unsqueeze(0) if input.ndim == 3 else input
    y = ops.AvgPool2d.apply(x, kernel_size=kernel, stride=stride, padding=padding,
                            ceil_mode=bool(ceil_mode), count_include_pad=bool(count_include_pad),
                            divisor_override=divisor_override)
    return y.squeeze(0) if input.ndim == 3 else y


def _averaging_matrix(size_in, size_out, dtype):
    """A (size_out, size_in) matrix whose row i averages input cells floor(i*in/out) to
    ceil((i+1)*in/out) - 1: PyTorch's adaptive pooling windows."""
    matrix = np.zeros((size_out, size_in), dtype=dtype)
    for i in range(size_out):
        start, end = (i * size_in) // size_out, math.ceil((i + 1) * size_in / size_out)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def adaptive_avg_pool2d(input, output_size):
    """Average pooling whose windows are chosen to give `output_size` (int, pair, None = keep).

    Computed as A_h @ x @ A_w^T with averaging matrices, so windows of unequal size are exact."""
    fn = "adaptive_avg_pool2d"
    check_tensor(fn, "input", input, ndim=(3, 4))
    H, W = input.shape[-2:]
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(sizes) != 2:
        raise ValueError(f"{fn}: output_size must be an int or a pair, got {output_size!r}")
    Ho, Wo = (H if sizes[0] is None else sizes[0]), (W if sizes[1] is None else sizes[1])
    if not all(isinstance(s, int) and s >= 1 for s in (Ho, Wo)):
        raise ValueError(f"{fn}: output_size must be positive ints, got {output_size!r}")
    if (Ho, Wo) == (1, 1):
        return input.mean(dim=(-2, -1), keepdim=True)
    if H % Ho == 0 and W % Wo == 0:
        return avg_pool2d(input, (H // Ho, W // Wo))
    rows = Tensor(_averaging_matrix(H, Ho, input.dtype))                # (Ho, H)
    cols = Tensor(_averaging_matrix(W, Wo, input.dtype).T.copy())       # (W, Wo)
    return ops.MatMul.apply(ops.MatMul.apply(rows, input), cols)        # (..., Ho, Wo)


def interpolate(input, size=None, scale_factor=None, mode="nearest"):
    """Resize the last two axes with nearest-neighbour sampling (PyTorch's 'nearest':
    output cell i reads input cell floor(i * in / out))."""
    fn = "interpolate"
    check_tensor(fn, "input", input, ndim=(3, 4))
    if mode != "nearest":
        raise ValueError(f"{fn}: only mode='nearest' is available, got mode={mode!r}")
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{fn}: give exactly one of size and scale_factor")
    H, W = input.shape[-2:]
    if scale_factor is not None:
        sh, sw = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor, scale_factor)
        if sh <= 0 or sw <= 0:
            raise ValueError(f"{fn}: scale_factor must be positive, got {scale_factor!r}")
        if float(sh).is_integer() and float(sw).is_integer():
            x = input.unsqueeze(0) if input.ndim == 3 else input
            y = ops.UpsampleNearest2d.apply(x, scale=(int(sh), int(sw)))
            return y.squeeze(0) if input.ndim == 3 else y
        Ho, Wo = int(math.floor(H * sh)), int(math.floor(W * sw))
        rows = np.minimum(np.floor(np.arange(Ho) / sh).astype(np.int64), H - 1)
        cols = np.minimum(np.floor(np.arange(Wo) / sw).astype(np.int64), W - 1)
    else:
        Ho, Wo = pair(fn, "size", size, 1)
        rows = np.minimum((np.arange(Ho) * H) // Ho, H - 1)
        cols = np.minimum((np.arange(Wo) * W) // Wo, W - 1)
    return input[..., rows[:, None], cols[None, :]]
