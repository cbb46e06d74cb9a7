"""The rules for the plain arguments of layers, F functions and viz: ints, int-or-pair window
arguments, numbers in a range, choices, the device and dtype, loss reductions, and what a
convolution's or a pooling's padding means. Each rule is written once here, so a mistake raises
the same exception wherever it is made, and raises it before any state changes.

Exceptions follow PyTorch: an argument of the wrong type is a TypeError; an int-or-pair of the
wrong length or a window argument out of range (stride 0, negative padding, pooling padding over
half the kernel) is a RuntimeError, as PyTorch's kernels raise; other values out of range (a
count of 0, a probability of 1.5, an unknown choice) are ValueErrors, as PyTorch's layers raise.
Every message names the function or layer (`owner`), the argument and its value.
"""
import numpy as np

from ..device import device as _device


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_int(owner: str, name: str, value, minimum: int = 1) -> int:
    """`value` as an int >= minimum, or a TypeError / ValueError naming `owner` and `name`."""
    if not _is_int(value):
        raise TypeError(f"{owner}: {name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{owner}: {name}={value} must be >= {minimum}")
    return int(value)


def int_or_pair(owner: str, name: str, value, minimum: int = 1) -> tuple[int, int]:
    """A window argument (kernel_size, stride, padding, dilation, ...) as a pair (height, width):
    an int serves both axes, as does a 1-element sequence (as in PyTorch).

    Raises TypeError for a value that is not an int or a sequence of ints, RuntimeError for a
    sequence of another length or a value below `minimum`."""
    if isinstance(value, (tuple, list)):
        values = tuple(value) * 2 if len(value) == 1 else tuple(value)
    else:
        values = (value, value)
    if not all(_is_int(v) for v in values):
        raise TypeError(f"{owner}: {name} must be an int or a pair of ints, got {value!r}")
    if len(values) != 2:
        raise RuntimeError(f"{owner}: {name} must be an int or a pair of ints, got {value!r} "
                           f"({len(values)} values)")
    if min(values) < minimum:
        raise RuntimeError(f"{owner}: {name}={value!r}, but {name} must be >= {minimum}")
    return int(values[0]), int(values[1])


def check_float(owner: str, name: str, value, low=None, high=None) -> float:
    """`value` inside [low, high] (either bound optional). A Python int or float is returned as
    given, so the repr shows what was written (as PyTorch: LocalResponseNorm(5, k=2) prints k=2);
    numpy scalars become floats."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{owner}: {name} must be a number, got {type(value).__name__} {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if low is not None and high is not None else (
            f">= {low}" if low is not None else f"<= {high}")
        raise ValueError(f"{owner}: {name}={value} must be {bounds}")
    return value if isinstance(value, (int, float)) else float(value)


def check_choice(owner: str, name: str, value, choices: tuple):
    if value not in choices:
        raise ValueError(f"{owner}: {name}={value!r} is not one of {', '.join(map(repr, choices))}")
    return value


def check_device(owner: str, device) -> None:
    """Accept `device=None` or the CPU (the only device), so `Linear(2, 3, device=device)` from a
    PyTorch script runs; any other device is a ValueError naming the layer."""
    if device is not None:
        try:
            _device(device)
        except ValueError as err:
            raise ValueError(f"{owner}: {err}") from None


def float_dtype(owner: str, dtype) -> np.dtype:
    """The parameters' dtype: float32 unless a floating dtype is given."""
    dtype = np.dtype(np.float32 if dtype is None else dtype)
    if dtype.kind != "f":
        raise TypeError(f"{owner}: dtype must be a floating dtype, got {dtype}")
    return dtype


REDUCTIONS = ("none", "mean", "sum")


def check_reduction(owner: str, reduction) -> str:
    """A loss's reduction: 'none', 'mean' or 'sum' (ValueError otherwise, as PyTorch)."""
    return check_choice(owner, "reduction", reduction, REDUCTIONS)


def legacy_reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's deprecated size_average / reduce flags, when either is given, decide the
    reduction: reduce=False -> 'none', else size_average=False -> 'sum', else 'mean'."""
    if size_average is None and reduce is None:
        return reduction
    if reduce is not None and not reduce:
        return "none"
    return "sum" if size_average is not None and not size_average else "mean"


def conv_padding(owner: str, padding, kernel_size, dilation, stride) -> tuple:
    """A convolution's `padding` argument as ((top, bottom), (left, right)) zeros.

    An int or a pair pads both sides of an axis alike; 'valid' is no padding; 'same' pads the
    dilated kernel's reach d*(k - 1) in total, the odd one at the bottom / right (as PyTorch), so
    a stride-1 output keeps the input size. kernel_size, dilation and stride are pairs."""
    if isinstance(padding, str):
        check_choice(owner, "padding", padding, ("same", "valid"))
        if padding == "valid":
            return ((0, 0), (0, 0))
        if tuple(stride) != (1, 1):
            raise ValueError(f"{owner}: padding='same' is not supported for strided "
                             f"convolutions (stride={tuple(stride)})")
        totals = [d * (k - 1) for k, d in zip(kernel_size, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    height, width = int_or_pair(owner, "padding", padding, minimum=0)
    return ((height, height), (width, width))


def pool_padding(owner: str, padding, kernel_size) -> tuple[int, int]:
    """A pooling's `padding` argument as a pair: at most half the kernel on each axis (PyTorch's
    rule, whatever the dilation), else a window could hold nothing but padding."""
    kernel = int_or_pair(owner, "kernel_size", kernel_size)
    pads = int_or_pair(owner, "padding", padding, minimum=0)
    if any(p > k // 2 for p, k in zip(pads, kernel)):
        raise RuntimeError(f"{owner}: padding={padding!r} should be at most half of "
                           f"kernel_size={kernel_size!r}")
    return pads


def adaptive_output_size(owner: str, output_size) -> tuple:
    """An adaptive pooling's `output_size` as a pair (Ho, Wo), None keeping that input size: an
    int or None serves both axes. TypeError for other types, RuntimeError for another length or
    a size below 1 (PyTorch allows an empty 0; an empty output here is refused)."""
    sizes = (tuple(output_size) if isinstance(output_size, (tuple, list))
             else (output_size, output_size))
    if not all(size is None or _is_int(size) for size in sizes):
        raise TypeError(f"{owner}: output_size must be an int, None or a pair of them, got "
                        f"{output_size!r}")
    if len(sizes) != 2:
        raise RuntimeError(f"{owner}: output_size must be an int or a pair, got {output_size!r}")
    if any(size is not None and size < 1 for size in sizes):
        raise RuntimeError(f"{owner}: output_size must be positive ints, got "
                           f"output_size={output_size!r}")
    return tuple(None if size is None else int(size) for size in sizes)


def check_output_padding(owner: str, output_padding, stride, dilation) -> tuple[int, int]:
    """A transposed convolution's output_padding as a pair, each smaller than the stride or the
    dilation on its axis (else the extra rows would be a copy of what another window gives)."""
    pads = int_or_pair(owner, "output_padding", output_padding, minimum=0)
    if any(p >= max(s, d) for p, s, d in zip(pads, stride, dilation)):
        raise RuntimeError(f"{owner}: output_padding={pads} must be smaller than either "
                           f"stride={tuple(stride)} or dilation={tuple(dilation)} on each axis")
    return pads
