"""What the window arguments of convolutions and poolings mean, written once for layers, F and
viz: a convolution's padding ('same', 'valid', an int or a pair) as pixels on each side, the
pooling padding limit, a transposed convolution's output_padding, an adaptive pooling's output
size. Errors are PyTorch's kinds (see arguments.py).
"""
from .arguments import check_choice, int_or_pair, is_int


def conv_padding(owner: str, padding, kernel_size, dilation, stride) -> tuple:
    """A convolution's `padding` argument as ((top, bottom), (left, right)) zeros.

    An int or a pair pads both sides of an axis alike; 'valid' is no padding; 'same' pads the
    dilated kernel's reach d*(k - 1) in total, the odd one at the bottom / right (as PyTorch), so
    a stride-1 output keeps the input size. kernel_size, dilation and stride are pairs."""
    if isinstance(padding, str):
        check_choice(owner, "padding", padding, ("same", "valid"))
        if padding == "valid":
            return ((0, 0), (0, 0))
        if any(s != 1 for s in stride):
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
    if not all(size is None or is_int(size) for size in sizes):
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
