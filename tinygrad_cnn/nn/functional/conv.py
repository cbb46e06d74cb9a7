"""Convolutions as functions (conv2d, conv_transpose2d): validate, then call the op."""
from __future__ import annotations

from ... import ops
from ...errors import ShapeMismatchError
from ...ops._windows import output_size
from ..arguments import check_int, int_or_pair
from ..window_args import check_output_padding, conv_padding
from ._checks import check_same_dtype, check_tensor


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
    stride = int_or_pair(fn, "stride", stride)
    dilation = int_or_pair(fn, "dilation", dilation)
    groups = check_int(fn, "groups", groups)
    x = input.unsqueeze(0) if unbatched else input
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    if F % groups:
        raise ValueError(f"{fn}: groups={groups} must divide the {F} output channels (weight shape {weight.shape})")
    if C != Cg * groups:
        raise ShapeMismatchError(f"{fn}: input has {C} channels but weight expects {Cg * groups} "
                         f"(weight shape {weight.shape}, groups={groups}, input shape {input.shape})")
    if bias is not None:
        check_tensor(fn, "bias", bias)
        if bias.shape != (F,):
            raise ValueError(f"{fn}: bias must have shape ({F},) for weight {weight.shape}, got {bias.shape}")
    check_same_dtype(fn, input=input, weight=weight, bias=bias)
    pads = conv_padding(fn, padding, (KH, KW), dilation, stride)
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
    stride = int_or_pair(fn, "stride", stride)
    dilation = int_or_pair(fn, "dilation", dilation)
    ph, pw = int_or_pair(fn, "padding", padding, minimum=0)
    output_padding = check_output_padding(fn, output_padding, stride, dilation)
    groups = check_int(fn, "groups", groups)
    x = input.unsqueeze(0) if unbatched else input
    N, C, H, W = x.shape
    Cw, Fg, KH, KW = weight.shape
    if C != Cw:
        raise ShapeMismatchError(f"{fn}: input has {C} channels but weight expects {Cw} (weight shape "
                         f"{weight.shape}, input shape {input.shape})")
    if C % groups:
        raise ValueError(f"{fn}: groups={groups} must divide the {C} input channels")
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
