"""1-D convolution and pooling over (N, C, L) batches (or unbatched (C, L)), computed by the 2-D
functions on a height of 1: the input becomes (N, C, 1, L) and each window argument w becomes
(1, w) (padding (0, p)), so a 1-D window slides along the width only. Gradients come from the 2-D
ops; the 1-D functions only check their arguments and reshape."""
from __future__ import annotations

from ..arguments import is_int
from ._checks import check_tensor
from .conv import conv2d
from .pooling import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool2d


def single(fn: str, name: str, value, minimum: int = 1) -> int:
    """A 1-D window argument: an int or a 1-element sequence of ints (as torch's _single)."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not is_int(value):
        raise TypeError(f"{fn}: {name} must be an int or a 1-element tuple of ints, got {value!r}")
    if value < minimum:
        raise RuntimeError(f"{fn}: {name} must be >= {minimum}, got {value}")
    return int(value)


def _as_2d(fn: str, input, ndim=(2, 3)):
    check_tensor(fn, "input", input, ndim=ndim)
    return input.unsqueeze(-2)                    # (N, C, L) -> (N, C, 1, L)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation: out[n, f, l] = bias[f] + sum_{c, k} w[f, c, k] x[n, c, l s + k d - p].

    input (N, C, L) or (C, L), weight (F, C/groups, K), bias (F,); padding an int, 'same' or
    'valid'. Lo = floor((L + 2p - d (K - 1) - 1) / s) + 1."""
    fn = "conv1d"
    x = _as_2d(fn, input)
    check_tensor(fn, "weight", weight, ndim=3)
    pad = padding if isinstance(padding, str) else (0, single(fn, "padding", padding, 0))
    y = conv2d(x, weight.unsqueeze(-2), bias, (1, single(fn, "stride", stride)), pad,
               (1, single(fn, "dilation", dilation)), groups)
    return y.squeeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over each window of the length axis; indices are positions along L."""
    fn = "max_pool1d"
    k = single(fn, "kernel_size", kernel_size)
    s = k if stride is None or stride == [] else single(fn, "stride", stride)
    out = max_pool2d(_as_2d(fn, input), (1, k), (1, s), (0, single(fn, "padding", padding, 0)),
                     (1, single(fn, "dilation", dilation)), ceil_mode, return_indices)
    return tuple(t.squeeze(-2) for t in out) if return_indices else out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Mean over each window of the length axis (padding zeros counted unless
    count_include_pad=False)."""
    fn = "avg_pool1d"
    k = single(fn, "kernel_size", kernel_size)
    s = k if stride is None or stride == [] else single(fn, "stride", stride)
    out = avg_pool2d(_as_2d(fn, input), (1, k), (1, s), (0, single(fn, "padding", padding, 0)),
                     ceil_mode, count_include_pad)
    return out.squeeze(-2)


def adaptive_avg_pool1d(input, output_size):
    """Average-pool the length axis to `output_size` cells (cell i averages positions
    floor(i L / Lo) .. ceil((i + 1) L / Lo) - 1)."""
    fn = "adaptive_avg_pool1d"
    return adaptive_avg_pool2d(_as_2d(fn, input), (1, single(fn, "output_size", output_size))
                               ).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max-pool the length axis to `output_size` cells (the cells of adaptive_avg_pool1d)."""
    fn = "adaptive_max_pool1d"
    out = adaptive_max_pool2d(_as_2d(fn, input), (1, single(fn, "output_size", output_size)),
                              return_indices)
    return tuple(t.squeeze(-2) for t in out) if return_indices else out.squeeze(-2)
