"""Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d. They hold no parameters, only the
window geometry; the math is in ops/pool.py (shared window code in ops/_windows.py)."""
from .. import functional as F
from ..module import Module
from ._args import check_int, check_pair


def _check_window(name, kernel_size, stride, padding, dilation=1):
    """Validate a pooling window; returns stride (defaulting to kernel_size, as PyTorch)."""
    kernel = check_pair(name, "kernel_size", kernel_size)
    check_pair(name, "stride", kernel_size if stride is None else stride)
    pads = check_pair(name, "padding", padding, minimum=0)
    check_pair(name, "dilation", dilation)
    if any(p > k // 2 for k, p in zip(kernel, pads)):  # else a window could hold only padding
        raise ValueError(f"{name}: padding={padding} should be at most half of "
                         f"kernel_size={kernel_size}")
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
        if return_indices:
            raise ValueError("MaxPool2d: return_indices=True is not supported")
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.return_indices, self.ceil_mode = return_indices, bool(ceil_mode)

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


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
        sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,)
        if isinstance(output_size, (tuple, list)) and len(output_size) != 2:
            raise ValueError(f"AdaptiveAvgPool2d: output_size must be an int or a pair, "
                             f"got {output_size!r}")
        for size in sizes:
            if size is not None:
                check_int("AdaptiveAvgPool2d", "output_size", size)
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
