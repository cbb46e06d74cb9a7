"""1-D layers over (N, C, L) sequences: Conv1d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d and
AdaptiveMaxPool1d, with PyTorch's arguments, weight shapes, state_dict keys and reprs. The math
is the 2-D ops' on a height of 1 (nn/functional/one_d.py)."""
import numpy as np

from .. import functional as F
from ..functional.one_d import single
from ..module import Module
from .conv import _NUMPY_PAD_MODES, _ConvNd


class Conv1d(_ConvNd):
    """1-D cross-correlation over an (N, C_in, L) batch, as torch.nn.Conv1d.

    Args: as Conv2d, each window argument an int (shown as a 1-tuple, as PyTorch);
        padding an int, 'valid' or 'same'; padding_mode 'zeros', 'reflect', 'replicate' or
        'circular'.

    Shape:
        input (N, C_in, L) or (C_in, L) -> (N, C_out, Lo),
        Lo = floor((L + 2 padding - dilation (kernel_size - 1) - 1) / stride + 1).

    Attributes:
        weight: (out_channels, in_channels/groups, kernel_size), U(-1/sqrt(fan_in), 1/sqrt(fan_in))
            with fan_in = in_channels/groups * kernel_size.   bias: (out_channels,), the same.

    Example:
        >>> import tinygrad_cnn as tg
        >>> Conv1d(4, 8, kernel_size=3, padding=1)(tg.randn(2, 4, 10)).shape
        (2, 8, 10)
    """

    dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input):
        if self.padding_mode == "zeros":
            padding = self.padding if isinstance(self.padding, str) else self.padding[0]
            return F.conv1d(input, self.weight, self.bias, self.stride, padding, self.dilation,
                            self.groups)
        return F.conv1d(self._pad_borders(input), self.weight, self.bias, self.stride, 0,
                        self.dilation, self.groups)

    def _pad_borders(self, input):
        """The length axis extended by padding_mode: numpy.pad on the positions says which
        element each border position copies; one gather reads them (gradients summed back)."""
        if self.padding == "valid":
            return input
        if self.padding == "same":
            total = self.dilation[0] * (self.kernel_size[0] - 1)
            before, after = total // 2, total - total // 2
        else:
            before = after = self.padding[0]
        mode, size = _NUMPY_PAD_MODES[self.padding_mode], input.shape[-1]
        if mode != "edge" and (max(before, after) >= size if mode == "reflect"
                               else max(before, after) > size):
            raise ValueError(f"Conv1d: padding_mode={self.padding_mode!r} needs padding "
                             f"{'<' if mode == 'reflect' else '<='} the input length {size}, "
                             f"got padding {max(before, after)} for input {input.shape}")
        return input[..., np.pad(np.arange(size), (before, after), mode=mode)]


class MaxPool1d(Module):
    """Maximum over each window of the length axis, as torch.nn.MaxPool1d (see MaxPool2d)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False):
        super().__init__()
        single("MaxPool1d", "kernel_size", kernel_size)
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)

    def forward(self, input):
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool1d(Module):
    """Mean over each window of the length axis, as torch.nn.AvgPool1d (see AvgPool2d)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True):
        super().__init__()
        self.kernel_size = (single("AvgPool1d", "kernel_size", kernel_size),)
        self.stride = self.kernel_size if stride is None else (single("AvgPool1d", "stride", stride),)
        self.padding = (single("AvgPool1d", "padding", padding, 0),)
        self.ceil_mode, self.count_include_pad = bool(ceil_mode), bool(count_include_pad)

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(Module):
    """Average-pool the length axis to `output_size` cells, whatever the input length."""

    def __init__(self, output_size):
        super().__init__()
        single("AdaptiveAvgPool1d", "output_size", output_size)
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(Module):
    """Max-pool the length axis to `output_size` cells, whatever the input length."""

    def __init__(self, output_size, return_indices: bool = False):
        super().__init__()
        single("AdaptiveMaxPool1d", "output_size", output_size)
        self.output_size, self.return_indices = output_size, bool(return_indices)

    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
