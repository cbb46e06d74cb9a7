"""Conv2d and ConvTranspose2d: the layers that own a convolution's weight and bias.

The math (im2col + one matmul, and its transpose) lives in ops/conv.py; F.conv2d validates inputs.
"""
import math

import numpy as np

from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter
from ..arguments import check_choice, check_device, check_int, float_dtype, int_or_pair
from ..window_args import check_output_padding, conv_padding
from ..functional.one_d import single


# padding_mode -> numpy.pad's name for the same border rule, used on index arrays in _pad_borders.
_NUMPY_PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}
_PADDING_MODES = ("zeros", *_NUMPY_PAD_MODES)


class _ConvNd(Module):
    """What Conv1d, Conv2d and ConvTranspose2d share: argument checks, parameters, init and
    repr. `dims` is the number of spatial axes; window arguments are kept as dims-tuples."""

    transposed = False
    dims = 2

    def _window(self, name: str, arg: str, value, minimum: int = 1) -> tuple:
        """A window argument (an int or a dims-tuple) as a dims-tuple, checked."""
        if self.dims == 1:
            return (single(name, arg, value, minimum),)
        return int_or_pair(name, arg, value, minimum=minimum)

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 groups, bias, padding_mode, output_padding=0, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        check_device(name, device)
        self.in_channels = check_int(name, "in_channels", in_channels)
        self.out_channels = check_int(name, "out_channels", out_channels)
        self.groups = check_int(name, "groups", groups)
        for arg, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if channels % groups:
                raise ValueError(f"{name}: groups={groups} must divide {arg}={channels}")
        self.kernel_size = self._window(name, "kernel_size", kernel_size)
        self.stride = self._window(name, "stride", stride)
        self.dilation = self._window(name, "dilation", dilation)
        # kept as given ('same', 'valid') or as a tuple, as PyTorch shows it; conv_padding checks
        # that a string is one PyTorch knows and that 'same' comes with stride 1
        if isinstance(padding, str):
            conv_padding(name, padding, self.kernel_size, self.dilation, self.stride)
            self.padding = padding
        else:
            self.padding = self._window(name, "padding", padding, minimum=0)
        self.output_padding = (check_output_padding(name, output_padding, self.stride,
                                                    self.dilation)
                               if self.transposed else (0,) * self.dims)
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f'{name}: only "zeros" padding mode is supported, got '
                             f'padding_mode={padding_mode!r}')
        self.padding_mode = check_choice(name, "padding_mode", padding_mode, _PADDING_MODES)
        dtype = float_dtype(name, dtype)
        # Conv: (out, in/groups, *kernel); transposed: (in, out/groups, *kernel), as PyTorch.
        if self.transposed:
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        self.bias = Parameter(np.empty((out_channels,), dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # PyTorch's default: kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
        # with fan_in = weight.shape[1] * KH * KW (for ConvTranspose2d that is out/groups * KH * KW).
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * self.dims:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.dims:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """2-D cross-correlation over an (N, C_in, H, W) batch, as torch.nn.Conv2d.

    Args:
        in_channels, out_channels: channels of the input and of the output.
        kernel_size, stride, dilation: an int or a pair (height, width).
        padding: an int, a pair, 'valid' (= 0) or 'same' (output size = input size; stride 1 only).
        groups: split channels into this many independent convolutions; must divide both counts.
        bias: learn a per-output-channel bias.
        padding_mode: the border's values: 'zeros', 'reflect' (mirrored without repeating the
            edge; padding < size), 'replicate' (the edge repeated) or 'circular' (wrapped
            around; padding <= size).
        device: None or 'cpu' (the only device).
        dtype: parameter dtype (float32 by default).

    Shape:
        input (N, C_in, H, W) -> output (N, C_out, Ho, Wo) with
        Ho = floor((H + 2*padding[0] - dilation[0]*(kernel_size[0] - 1) - 1) / stride[0] + 1)
        (Wo likewise with index 1).

    Attributes:
        weight: (out_channels, in_channels/groups, KH, KW), U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
            fan_in = in_channels/groups * KH * KW.
        bias: (out_channels,), the same distribution.

    Example:
        >>> import tinygrad_cnn as tg
        >>> conv = Conv2d(1, 6, kernel_size=5, padding=2)
        >>> conv(tg.randn(2, 1, 28, 28)).shape
        (2, 6, 28, 28)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input):
        if self.padding_mode == "zeros":
            return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                            self.dilation, self.groups)
        return F.conv2d(self._pad_borders(input), self.weight, self.bias, self.stride, 0,
                        self.dilation, self.groups)

    def _pad_borders(self, input):
        """The input with its border filled by `padding_mode`: numpy.pad applied to the row and
        column *indices* says where each border pixel comes from, and one gather reads them, so
        the gradient of a repeated pixel is summed by the gather's backward."""
        if getattr(input, "ndim", 0) not in (3, 4):
            raise ValueError(f"Conv2d: expected a 3D (C, H, W) or 4D (N, C, H, W) input, got "
                             f"{getattr(input, 'shape', type(input).__name__)}")
        borders = conv_padding("Conv2d", self.padding, self.kernel_size, self.dilation, self.stride)
        if borders == ((0, 0), (0, 0)):
            return input
        mode = _NUMPY_PAD_MODES[self.padding_mode]
        indices = []
        for size, (before, after), axis in zip(input.shape[-2:], borders, ("height", "width")):
            too_big = max(before, after) >= size if mode == "reflect" else max(before, after) > size
            if mode != "edge" and too_big:
                raise ValueError(f"Conv2d: padding_mode={self.padding_mode!r} needs padding "
                                 f"{'<' if mode == 'reflect' else '<='} the input {axis} {size}, "
                                 f"got padding {max(before, after)} for input {input.shape}")
            indices.append(np.pad(np.arange(size), (before, after), mode=mode))  # (size + pads,)
        return input[(Ellipsis,) + np.ix_(*indices)]     # (..., H + top + bottom, W + left + right)


class ConvTranspose2d(_ConvNd):
    """The gradient of Conv2d with respect to its input, used as a learned upsampling.

    Args:
        in_channels, out_channels, kernel_size, stride, dilation, groups, bias: as Conv2d.
        padding: an int or a pair: dilation*(kernel_size-1) - padding zeros are added around the
            input of the equivalent convolution (so padding trims the output).
        output_padding: extra rows/columns added on one side of the output; each must be smaller
            than stride or dilation on its axis.

    Shape:
        input (N, C_in, H, W) -> output (N, C_out, Ho, Wo) with
        Ho = (H - 1)*stride[0] - 2*padding[0] + dilation[0]*(kernel_size[0] - 1)
             + output_padding[0] + 1   (Wo likewise).

    Attributes:
        weight: (in_channels, out_channels/groups, KH, KW), U(-1/sqrt(k), 1/sqrt(k)) with
            k = out_channels/groups * KH * KW (PyTorch computes fan_in from dimension 1).
        bias: (out_channels,), the same distribution.

    Example:
        >>> import tinygrad_cnn as tg
        >>> up = ConvTranspose2d(8, 4, kernel_size=2, stride=2)
        >>> up(tg.randn(1, 8, 5, 5)).shape
        (1, 4, 10, 10)
    """

    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None):
        if isinstance(padding, str):
            raise ValueError(f"ConvTranspose2d: padding must be an int or a pair of ints, "
                             f"got {padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding, device, dtype)

    def forward(self, input):
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  self.output_padding, self.groups, self.dilation)
