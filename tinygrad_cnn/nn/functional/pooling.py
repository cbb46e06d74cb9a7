"""Pooling and resampling as functions: validate, then call the op."""
from __future__ import annotations

import math

import numpy as np

from ... import ops
from ...ops._windows import output_size
from ...tensor import Tensor
from ..arguments import check_int, int_or_pair
from ..window_args import adaptive_output_size, pool_padding
from ._checks import check_tensor


def _pool_args(fn, input, kernel_size, stride, padding, dilation, ceil_mode):
    check_tensor(fn, "input", input, ndim=(3, 4))
    kernel = int_or_pair(fn, "kernel_size", kernel_size)
    stride = kernel if stride is None or stride == [] else int_or_pair(fn, "stride", stride)
    padding = pool_padding(fn, padding, kernel)
    dilation = int_or_pair(fn, "dilation", dilation)
    H, W = input.shape[-2:]
    for size, k, s, p, d in zip((H, W), kernel, stride, padding, dilation):
        if output_size(size, k, s, p, d, ceil_mode) < 1:
            raise ValueError(f"{fn}: kernel {kernel} (dilation {dilation}) does not fit the padded "
                             f"input (input shape {input.shape}, padding {padding})")
    return kernel, stride, padding, dilation


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over each window; the gradient goes to the window's (first) maximum.

    Args: kernel_size, stride (default: kernel_size), padding (implicit -inf), dilation: int or pair;
          return_indices: also return where each maximum was (for max_unpool2d).
    Shape: (N, C, H, W) -> (N, C, Ho, Wo), Ho = floor((H + 2p - d(k - 1) - 1) / s) + 1
           (ceil instead of floor with ceil_mode=True). The indices, int64 of the output's shape
           and without gradient, are flat positions h*W + w in the (unpadded) input plane."""
    fn = "max_pool2d"
    kernel, stride, padding, dilation = _pool_args(fn, input, kernel_size, stride, padding,
                                                   dilation, ceil_mode)
    x = input.unsqueeze(0) if input.ndim == 3 else input
    out = ops.MaxPool2d.apply(x, kernel_size=kernel, stride=stride, padding=padding,
                              dilation=dilation, ceil_mode=bool(ceil_mode),
                              return_indices=bool(return_indices))
    if input.ndim == 3:
        out = tuple(t.squeeze(0) for t in out) if return_indices else out.squeeze(0)
    return out


def _unpool_size(fn, input, kernel, stride, padding, output_size):
    """(H, W) of max_unpool2d: by default (Hin - 1)*s - 2p + k, the input size of the max_pool2d
    being undone; a given output_size (2 numbers, or 4 with N and C first) must lie strictly
    within one stride of that default, as PyTorch requires."""
    default = tuple((size - 1) * s - 2 * p + k
                    for size, k, s, p in zip(input.shape[-2:], kernel, stride, padding))
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)[-2:] if len(output_size) == 4 else tuple(output_size)
        if len(size) != 2 or not all(isinstance(v, (int, np.integer)) for v in size):
            raise ValueError(f"{fn}: output_size must hold 2 (or 4) ints, got {output_size!r}")
        for d, (v, base, s) in enumerate(zip(size, default, stride)):
            if not base - s < v < base + s:
                raise ValueError(f"{fn}: invalid output_size {output_size!r} (dim {d} must be "
                                 f"between {base - s} and {base + s}, exclusive, for input "
                                 f"shape {input.shape})")
    if min(size) < 1:
        raise ValueError(f"{fn}: the output size {size} is empty (input shape {input.shape}, "
                         f"kernel_size {kernel}, stride {stride}, padding {padding})")
    return tuple(int(v) for v in size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: every value goes back to the position `indices` names
    (from max_pool2d(..., return_indices=True)); all other positions are 0.

    Shape: input, indices (N, C, Hin, Win) -> (N, C, H, W) with H = (Hin - 1)*stride
           - 2*padding + kernel_size (W likewise) unless output_size is given."""
    fn = "max_unpool2d"
    check_tensor(fn, "input", input, ndim=(3, 4))
    check_tensor(fn, "indices", indices, floating=False)
    if not np.issubdtype(indices.dtype, np.integer):
        raise TypeError(f"{fn}: indices must be an integer tensor, got dtype {indices.dtype}")
    if indices.shape != input.shape:
        raise ValueError(f"{fn}: indices shape {indices.shape} must equal input shape {input.shape}")
    kernel = int_or_pair(fn, "kernel_size", kernel_size)
    stride = kernel if stride is None else int_or_pair(fn, "stride", stride)
    padding = int_or_pair(fn, "padding", padding, minimum=0)
    H, W = _unpool_size(fn, input, kernel, stride, padding, output_size)
    if indices.array.size and not 0 <= indices.array.min() <= indices.array.max() < H * W:
        raise ValueError(f"{fn}: indices must lie in [0, {H * W}) for the output plane "
                         f"({H}, {W}), found values from {indices.array.min()} to "
                         f"{indices.array.max()} (input shape {input.shape})")
    x = input.unsqueeze(0) if input.ndim == 3 else input
    index = indices.array.reshape(x.shape).astype(np.int64, copy=False)
    y = ops.MaxUnpool2d.apply(x, indices=index, output_size=(H, W))
    return y.squeeze(0) if input.ndim == 3 else y


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over each window (zero padding counted in the divisor when count_include_pad).

    Shape: as max_pool2d without dilation."""
    fn = "avg_pool2d"
    kernel, stride, padding, _ = _pool_args(fn, input, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        divisor_override = check_int(fn, "divisor_override", divisor_override)
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


def _adaptive_sizes(fn, input, output_size):
    """Check an adaptive pool's arguments; -> (H, W, Ho, Wo), where None in output_size keeps
    that input size."""
    check_tensor(fn, "input", input, ndim=(3, 4))
    H, W = input.shape[-2:]
    sizes = adaptive_output_size(fn, output_size)
    Ho, Wo = (H if sizes[0] is None else sizes[0]), (W if sizes[1] is None else sizes[1])
    if min(H, W) < 1:
        raise ValueError(f"{fn}: input has an empty plane, shape {input.shape}")
    return H, W, Ho, Wo


def adaptive_avg_pool2d(input, output_size):
    """Average pooling whose windows are chosen to give `output_size` (int, pair, None = keep).

    Computed as A_h @ x @ A_w^T with averaging matrices, so windows of unequal size are exact."""
    fn = "adaptive_avg_pool2d"
    H, W, Ho, Wo = _adaptive_sizes(fn, input, output_size)
    if (Ho, Wo) == (1, 1):
        return input.mean(dim=(-2, -1), keepdim=True)
    if H % Ho == 0 and W % Wo == 0:
        return avg_pool2d(input, (H // Ho, W // Wo))
    rows = Tensor(_averaging_matrix(H, Ho, input.dtype))                # (Ho, H)
    cols = Tensor(_averaging_matrix(W, Wo, input.dtype).T.copy())       # (W, Wo)
    return ops.MatMul.apply(ops.MatMul.apply(rows, input), cols)        # (..., Ho, Wo)


def _adaptive_cells(size_in, size_out):
    """(size_out, K) input cells of each adaptive window, floor(i*in/out) .. ceil((i+1)*in/out) - 1,
    K the longest window; shorter windows repeat their last cell, which never changes their max
    nor which cell holds it first (the copy comes after the original)."""
    i = np.arange(size_out)
    start, end = (i * size_in) // size_out, -(-(i + 1) * size_in // size_out)
    cells = start[:, None] + np.arange((end - start).max())                # (size_out, K)
    return np.minimum(cells, end[:, None] - 1)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling whose windows are chosen to give `output_size` (int, pair, None = keep):
    output (i, j) is the max of input rows floor(i*H/Ho) .. ceil((i+1)*H/Ho) - 1 and columns
    likewise. The gradient goes to the first maximum (a NaN wins, the last one), as max_pool2d.

    Shape: (N, C, H, W) -> (N, C, Ho, Wo); the indices, as max_pool2d's, are flat positions h*W + w.
    When Ho divides H and Wo divides W this is max_pool2d with kernel = stride = (H/Ho, W/Wo);
    otherwise the winners are found in numpy and picked out of input with one indexing op."""
    fn = "adaptive_max_pool2d"
    H, W, Ho, Wo = _adaptive_sizes(fn, input, output_size)
    if H % Ho == 0 and W % Wo == 0:
        return max_pool2d(input, (H // Ho, W // Wo), return_indices=return_indices)
    x = input.unsqueeze(0) if input.ndim == 3 else input
    N, C = x.shape[:2]
    rows, cols = _adaptive_cells(H, Ho), _adaptive_cells(W, Wo)         # (Ho, KH), (Wo, KW)
    KH, KW = rows.shape[1], cols.shape[1]
    windows = x.array[:, :, rows[:, None, :, None], cols[None, :, None, :]]  # (N, C, Ho, Wo, KH, KW)
    windows = windows.reshape(N, C, Ho, Wo, KH * KW)
    winner = windows.argmax(-1)                                         # (N, C, Ho, Wo), first max
    is_nan = np.isnan(windows)
    if is_nan.any():  # as PyTorch's kernel: a NaN wins, the last one of the window
        last_nan = KH * KW - 1 - is_nan[..., ::-1].argmax(-1)
        winner = np.where(is_nan.any(-1), last_nan, winner)
    p, q = np.divmod(winner, KW)
    h = rows[np.arange(Ho)[:, None], p]                                 # (N, C, Ho, Wo)
    w = cols[np.arange(Wo), q]                                          # (N, C, Ho, Wo)
    y = x[np.arange(N)[:, None, None, None], np.arange(C)[:, None, None], h, w]  # (N, C, Ho, Wo)
    out = (y, Tensor(h * W + w)) if return_indices else y
    if input.ndim == 3:
        out = tuple(t.squeeze(0) for t in out) if return_indices else out.squeeze(0)
    return out
