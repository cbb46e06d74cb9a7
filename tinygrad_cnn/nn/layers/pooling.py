"""Pooling layers: MaxPool2d (and MaxUnpool2d, its partial inverse), AvgPool2d, AdaptiveAvgPool2d,
AdaptiveMaxPool2d. They hold no parameters, only the
window geometry; the math is in ops/pool.py (shared window code in ops/_windows.py)."""
from .. import functional as F
from ..arguments import check_int, int_or_pair
from ..module import Module
from ..window_args import adaptive_output_size, pool_padding


def _check_window(name, kernel_size, stride, padding, dilation=1):
    """Validate a pooling window; returns stride (defaulting to kernel_size, as PyTorch)."""
    pool_padding(name, padding, kernel_size)  # checks kernel_size too
    int_or_pair(name, "stride", kernel_size if stride is None else stride)
    int_or_pair(name, "dilation", dilation)
    return kernel_size if stride is None else stride


class MaxPool2d(Module):
    """Maximum over each kernel_size window, as torch.nn.MaxPool2d.

    The gradient flows only to the element that won each window (the first one on ties).
    Padding counts as -inf, so it never wins.

    Args:
        kernel_size: window size, an int or a pair.
        stride: window step (default: kernel_size).
        padding: implicit -inf padding on each side; at most half the kernel size.
        dilation: spacing between window elements.
        return_indices: also return the flat index h*W + w of each maximum in its input plane
            (int64, no gradient), as MaxUnpool2d needs.
        ceil_mode: use ceil instead of floor in the output size (windows may then start in the
            right/bottom padding, never past it).

    Shape:
        input (N, C, H, W) -> output (N, C, Ho, Wo) with
        Ho = floor((H + 2*padding - dilation*(kernel_size - 1) - 1) / stride + 1)   (Wo likewise).

    Example:
        >>> import tinygrad_cnn as tg
        >>> MaxPool2d(2)(tg.randn(1, 3, 8, 8)).shape
        (1, 3, 4, 4)
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False):
        super().__init__()
        self.stride = _check_window("MaxPool2d", kernel_size, stride, padding, dilation)
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxUnpool2d(Module):
    """The partial inverse of MaxPool2d, as torch.nn.MaxUnpool2d: each value is put back where
    MaxPool2d(return_indices=True) found it, every other position is zero.

    Args:
        kernel_size, stride (default: kernel_size), padding: those of the MaxPool2d undone.

    Shape:
        input, indices (N, C, Hin, Win) -> output (N, C, H, W) with
        H = (Hin - 1)*stride - 2*padding + kernel_size   (W likewise), or `output_size` given to
        forward (e.g. the pooled input's shape, when the pooling dropped a last row or column).

    Example:
        >>> import tinygrad_cnn as tg
        >>> pool, unpool = MaxPool2d(2, return_indices=True), MaxUnpool2d(2)
        >>> y, indices = pool(tg.randn(1, 3, 5, 5))
        >>> unpool(y, indices, output_size=(5, 5)).shape
        (1, 3, 5, 5)
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = int_or_pair("MaxUnpool2d", "kernel_size", kernel_size)  # pairs, as PyTorch
        self.stride = self.kernel_size if stride is None else int_or_pair("MaxUnpool2d", "stride", stride)
        self.padding = int_or_pair("MaxUnpool2d", "padding", padding, minimum=0)

    def forward(self, input, indices, output_size=None):
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """Mean over each kernel_size window, as torch.nn.AvgPool2d.

    Args:
        kernel_size, stride, padding, ceil_mode: as MaxPool2d (padding is zeros here).
        count_include_pad: divide by the full window size, zeros of the padding included.
        divisor_override: divide by this number instead.

    Shape:
        input (N, C, H, W) -> output (N, C, Ho, Wo) with
        Ho = floor((H + 2*padding - kernel_size) / stride + 1)   (Wo likewise).

    Example:
        >>> import tinygrad_cnn as tg
        >>> AvgPool2d(2, stride=1)(tg.randn(1, 3, 8, 8)).shape
        (1, 3, 7, 7)
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None):
        super().__init__()
        self.stride = _check_window("AvgPool2d", kernel_size, stride, padding)
        if divisor_override is not None:
            check_int("AvgPool2d", "divisor_override", divisor_override)
        self.kernel_size, self.padding, self.ceil_mode = kernel_size, padding, bool(ceil_mode)
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average-pool to a fixed output size, whatever the input size (e.g. before a classifier).

    Output cell (i, j) averages input rows floor(i*H/Ho) .. ceil((i+1)*H/Ho) - 1 (columns likewise).

    Args:
        output_size: an int, or a pair (Ho, Wo) in which None keeps that input dimension.

    Shape:
        input (N, C, H, W) -> output (N, C, Ho, Wo).

    Example:
        >>> import tinygrad_cnn as tg
        >>> AdaptiveAvgPool2d((1, 1))(tg.randn(2, 16, 7, 7)).shape
        (2, 16, 1, 1)
    """

    def __init__(self, output_size):
        super().__init__()
        adaptive_output_size("AdaptiveAvgPool2d", output_size)
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max-pool to a fixed output size, whatever the input size, as torch.nn.AdaptiveMaxPool2d.

    Output cell (i, j) is the max of input rows floor(i*H/Ho) .. ceil((i+1)*H/Ho) - 1 (columns
    likewise); the gradient goes to the first maximum, as in MaxPool2d.

    Args:
        output_size: an int, or a pair (Ho, Wo) in which None keeps that input dimension.
        return_indices: also return the flat index h*W + w of each maximum (int64, no gradient).

    Shape:
        input (N, C, H, W) -> output (N, C, Ho, Wo).

    Example:
        >>> import tinygrad_cnn as tg
        >>> AdaptiveMaxPool2d((2, 3))(tg.randn(2, 16, 7, 7)).shape
        (2, 16, 2, 3)
    """

    def __init__(self, output_size, return_indices: bool = False):
        super().__init__()
        adaptive_output_size("AdaptiveMaxPool2d", output_size)
        self.output_size = output_size
        self.return_indices = bool(return_indices)

    def forward(self, input):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
