"""Argument checks shared by layers, F and viz: each error names the layer or function, the
argument and its value, and is raised before any parameter is created.

As PyTorch: a wrong type is a TypeError; an int-or-pair of the wrong length or a window value out
of range (stride 0, negative padding) a RuntimeError; other values out of range a ValueError.
What the window arguments mean (padding, output sizes) is in window_args.py.
"""
import numpy as np

from ..device import use_device


def is_int(value) -> bool:
    """A Python or numpy integer, not a bool (True is no kernel size)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_int(owner: str, name: str, value, minimum: int = 1) -> int:
    """`value` as an int >= minimum, or a TypeError / ValueError naming `owner` and `name`."""
    if not is_int(value):
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
    if not all(is_int(v) for v in values):
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
    PyTorch script runs; any other device raises what a CPU-only PyTorch raises, naming the layer."""
    if device is not None:
        try:
            use_device(device)
        except (AssertionError, RuntimeError) as err:
            raise type(err)(f"{owner}: {err}") from None


def float_dtype(owner: str, dtype) -> np.dtype:
    """The parameters' dtype: float32 unless a floating dtype is given."""
    dtype = np.dtype(np.float32 if dtype is None else dtype)
    if dtype.kind != "f":
        raise TypeError(f"{owner}: dtype must be a floating dtype, got {dtype}")
    return dtype
