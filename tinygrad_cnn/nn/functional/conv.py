"""Fully-connected and convolutional layers as functions: validate, then call the op."""
from __future__ import annotations

from ... import ops
from ...ops._windows import output_size
from ._checks import check_same_dtype, check_tensor, pair


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias.

    Shape: input (*, I), weight (O, I), bias (O,) -> (*, O)."""
    check_tensor("linear", "input", input)
    check_tensor("linear", "weight", weight, ndim=2)
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input has {input.shape[-1] if input.ndim else 0} features (shape "
                         f"{input.shape}) but weight expects {weight.shape[1]} (weight shape {weight.shape})")
    if bias is not None:
        check_tensor("linear", "bias", bias)
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"linear: bias must have shape ({weight.shape[0]},) to match weight "
                             f"{weight.shape}, got {bias.shape}")
    check_same_dtype("linear", input=input, weight=weight, bias=bias)
    tensors = (input, weight) if bias is None else (input, weight, bias)
    return ops.Linear.apply(*tensors)


def matmul(input, other):
    """Matrix product with numpy/torch batching rules."""
    check_tensor("matmul", "input", input, floating=False)
    check_tensor("matmul", "other", other, floating=False)
    if input.ndim == 0 or other.ndim == 0:
        raise ValueError(f"matmul: both arguments need at least 1 dimension, got shapes "
                         f"{input.shape} and {other.shape}")
    inner_a = input.shape[-1]
    inner_b = other.shape[0] if other.ndim == 1 else other.shape[-2]
    if inner_a != inner_b:
        raise ValueError(f"matmul: inner dimensions differ: input {input.shape} has {inner_a} "
                         f"columns but other {other.shape} has {inner_b} rows")
    check_same_dtype("matmul", input=input, other=other)  # PyTorch does not promote here
    try:
        import numpy as np
        np.broadcast_shapes(input.shape[:-2], other.shape[:-2])
    except ValueError:
        raise ValueError(f"matmul: batch dimensions of {input.shape} and {other.shape} do not broadcast") from None
    return ops.MatMul.apply(input, other)


def _conv_padding(fn, padding, kernel, dilation, stride):
    """Padding as ((top, bottom), (left, right)); 'same' puts any odd extra at the bottom/right."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"{fn}: padding='same' is not supported for strided convolutions "
                                 f"(stride={stride})")
            totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(f"{fn}: padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
    ph, pw = pair(fn, "padding", padding, 0)
    return ((ph, ph), (pw, pw))


def _unbatched(fn, input):
    check_tensor(fn, "input", input, ndim=(3, 4))
    return input.ndim == 3


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation of an NCHW batch with F filters.

    Args:
        input: (N, C, H, W) or (C, H, W).  weight: (F, C/groups, KH, KW).  bias: (F,) or None.
        stride, dilation: int or pair.  padding: int, pair, 'same' or 'valid'.
        groups: split channels into groups convolved separately (C and F divisible by it).
    Shape:
        Ho = floor((H + 2*padding - dilation*(KH - 1) - 1) / stride) + 1, and likewise Wo.
    """
    fn = "conv2d"
    unbatched = _unbatched(fn, input)
    check_tensor(fn, "weight", weight, ndim=4)
    stride = pair(fn, "stride", stride, 1)
    dilation = pair(fn, "dilation", dilation, 1)
    if isinstance(groups, bool) or not isinstance(groups, int):
        raise TypeError(f"{fn}: groups must be a positive int, got {type(groups).__name__} {groups!r}")
    if groups < 1:
        raise ValueError(f"{fn}: groups must be a positive int, got {groups!r}")
    x = input.unsqueeze(0) if unbatched else input
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    if F % groups:
        raise ValueError(f"{fn}: groups={groups} must divide the {F} output channels (weight shape {weight.shape})")
    if C != Cg * groups:
        raise ValueError(f"{fn}: input has {C} channels but weight expects {Cg * groups} "
                         f"(weight shape {weight.shape}, groups={groups}, input shape {input.shape})")
    if bias is not None:
        check_tensor(fn, "bias", bias)
        if bias.shape != (F,):
            raise ValueError(f"{fn}: bias must have shape ({F},) for weight {weight.shape}, got {bias.shape}")
    check_same_dtype(fn, input=input, weight=weight, bias=bias)
    pads = _conv_padding(fn, padding, (KH, KW), dilation, stride)
    for size, k, s, p, d, axis in zip((H, W), (KH, KW), stride, pads, dilation, ("height", "width")):
        if output_size(size, k, s, p, d) < 1:
            raise ValueError(f"{fn}: kernel {axis} {k} (dilation {d}) is larger than the padded input "
                             f"{axis} {size + sum(p)} (input shape {input.shape}, weight shape "
                             f"{weight.shape}, padding {p})")
    tensors = (x, weight) if bias is None else (x, weight, bias)
    y = ops.Conv2d.apply(*tensors, stride=stride, padding=pads, dilation=dilation, groups=groups)
    return y.squeeze(0) if unbatched else y


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The transpose of conv2d ("deconvolution"), used to upsample.

    Args:
        input: (N, C, H, W) or (C, H, W).  weight: (C, F/groups, KH, KW).  bias: (F,) or None.
        output_padding: extra rows/cols on the bottom/right, < max(stride, dilation).
    Shape:
        Ho = (H - 1)*stride - 2*padding + dilation*(KH - 1) + output_padding + 1, likewise Wo.
    """
    fn = "conv_transpose2d"
    unbatched = _unbatched(fn, input)
    check_tensor(fn, "weight", weight, ndim=4)
    stride = pair(fn, "stride", stride, 1)
    dilation = pair(fn, "dilation", dilation, 1)
    ph, pw = pair(fn, "padding", padding, 0)
    output_padding = pair(fn, "output_padding", output_padding, 0)
    if isinstance(groups, bool) or not isinstance(groups, int):
        raise TypeError(f"{fn}: groups must be a positive int, got {type(groups).__name__} {groups!r}")
    if groups < 1:
        raise ValueError(f"{fn}: groups must be a positive int, got {groups!r}")
    x = input.unsqueeze(0) if unbatched else input
    N, C, H, W = x.shape
    Cw, Fg, KH, KW = weight.shape
    if C != Cw:
        raise ValueError(f"{fn}: input has {C} channels but weight expects {Cw} (weight shape "
                         f"{weight.shape}, input shape {input.shape})")
    if C % groups:
        raise ValueError(f"{fn}: groups={groups} must divide the {C} input channels")
    for op_, s, d in zip(output_padding, stride, dilation):
        if op_ >= max(s, d):
            raise ValueError(f"{fn}: output_padding {output_padding} must be smaller than stride "
                             f"{stride} or dilation {dilation}")
    if bias is not None:
        check_tensor(fn, "bias", bias)
        if bias.shape != (Fg * groups,):
            raise ValueError(f"{fn}: bias must have shape ({Fg * groups},), got {bias.shape}")
    check_same_dtype(fn, input=input, weight=weight, bias=bias)
    for size, k, s, p, d, o in zip((H, W), (KH, KW), stride, (ph, pw), dilation, output_padding):
        if (size - 1) * s - 2 * p + d * (k - 1) + o + 1 < 1:
            raise ValueError(f"{fn}: padding {p} leaves no output for input shape {input.shape}")
    tensors = (x, weight) if bias is None else (x, weight, bias)
    y = ops.ConvTranspose2d.apply(*tensors, stride=stride, padding=((ph, ph), (pw, pw)),
                                  output_padding=output_padding, dilation=dilation, groups=groups)
    return y.squeeze(0) if unbatched else y
