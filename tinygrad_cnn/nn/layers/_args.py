"""Argument checks shared by the layers: each error names the layer, the argument and its value,
and is raised before any parameter is created."""
import numpy as np

from ...device import use_device


def check_int(owner: str, name: str, value, minimum: int = 1) -> int:
    """`value` as an int >= minimum, or a TypeError / ValueError naming `owner` and `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{owner}: {name}={value} must be >= {minimum}")
    return int(value)


def check_pair(owner: str, name: str, value, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints (each >= minimum) as a pair, the way PyTorch's _pair does."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{owner}: {name} must be an int or a pair of ints, got {value!r}")
        return (check_int(owner, name, value[0], minimum), check_int(owner, name, value[1], minimum))
    value = check_int(owner, name, value, minimum)
    return (value, value)


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
