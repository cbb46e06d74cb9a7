"""The one device there is: the CPU. `tg.device` and `tg.cuda.is_available()` exist so that the
usual PyTorch preamble

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model.to(device); images = images.to(device)

runs unchanged; asking for any other device is an error that says why."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np


class device:
    """A device name; only 'cpu' (optionally 'cpu:0') exists."""

    def __init__(self, type: str | device = "cpu", index: int | None = None):
        name = type.type if isinstance(type, device) else str(type)
        kind, _, number = name.partition(":")
        if kind != "cpu":
            raise ValueError(f"device {name!r} is not available: tinygrad_cnn computes with NumPy "
                             f"on the CPU only; use 'cpu'")
        self.type = "cpu"
        self.index = index if index is not None else (int(number) if number.isdigit() else None)

    def __eq__(self, other) -> bool:
        return isinstance(other, (device, str)) and str(other).partition(":")[0] == "cpu"

    __hash__ = object.__hash__

    def __str__(self) -> str:
        return "cpu" if self.index is None else f"cpu:{self.index}"

    def __repr__(self) -> str:
        return f"device(type='cpu')" if self.index is None else f"device(type='cpu', index={self.index})"


def is_device(value) -> bool:
    """Whether `value` names a device (as opposed to a dtype) in a `.to(...)` call."""
    if isinstance(value, device):
        return True
    return isinstance(value, str) and value.partition(":")[0] in ("cpu", "cuda", "mps", "xpu", "meta")


def dtype_from_to_args(args, dtype=None, target=None):
    """The dtype asked for by `.to(*args, dtype=..., device=target)` (None: keep it), after
    checking that any device named is the CPU. A positional argument may be a device, a dtype,
    or a tensor whose dtype is wanted."""
    for arg in args:
        if is_device(arg):
            target = arg
        elif isinstance(getattr(arg, "dtype", None), np.dtype):  # a tensor (np.float32.dtype is not)
            dtype = arg.dtype
        else:
            dtype = arg
    if target is not None:
        device(target)  # raises for anything but the CPU
    return dtype


cuda = SimpleNamespace(is_available=lambda: False, device_count=lambda: 0)
