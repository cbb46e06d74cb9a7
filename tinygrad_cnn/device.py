"""Devices as a CPU-only PyTorch build has them. `tg.device("cuda")` can be made, so the usual
preamble

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model.to(device); images = images.to(device)

runs unchanged; putting a tensor on any device but the CPU raises the error a CPU-only PyTorch
raises (`use_device`), with the reason added."""
from __future__ import annotations

from .dtypes import as_dtype

# the device types PyTorch's device() parser accepts, in its error message's order
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                "privateuseone")
CPU_ONLY = "tinygrad_cnn computes with NumPy on the CPU only; use 'cpu'"


class device:
    """A device name, as torch.device: `device('cuda:1')`, `device('cpu')`, `device('cuda', 0)`.
    Only the CPU can hold tensors."""

    def __init__(self, type: str | device = "cpu", index: int | None = None):
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if isinstance(type, int) and not isinstance(type, bool):  # torch.device(0) is cuda:0
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device(): type must be a str, a device or an int, got "
                            f"{type.__class__.__name__}")
        kind, colon, number = type.partition(":")
        if kind not in DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start "
                               f"of device string: {type}")
        if colon:
            if not number.isdigit() or index is not None:
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(number)
        self.type, self.index = kind, index

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"


def use_device(target) -> device:
    """`target` as a device, when tensors can live there (the CPU); otherwise the error a
    CPU-only PyTorch raises: AssertionError for CUDA, RuntimeError for the others."""
    target = device(target)
    if target.type == "cuda":
        raise AssertionError(f"Torch not compiled with CUDA enabled ({CPU_ONLY})")
    if target.type == "mps":
        raise RuntimeError(f"PyTorch is not linked with support for mps devices ({CPU_ONLY})")
    if target.type != "cpu":
        raise RuntimeError(f"not supported in tinygrad_cnn: device '{target}' ({CPU_ONLY})")
    return target


def is_device(value) -> bool:
    """Whether `value` names a device (as opposed to a dtype) in a `.to(...)` call."""
    if isinstance(value, device):
        return True
    return isinstance(value, str) and value.partition(":")[0] in DEVICE_TYPES


def dtype_from_to_args(args, dtype=None, target=None):
    """The numpy dtype asked for by `.to(*args, dtype=..., device=target)` (None: keep it),
    after checking that any device named is the CPU. A positional argument may be a device, a
    dtype, or a tensor whose dtype is wanted."""
    for arg in args:
        if is_device(arg):
            target = arg
        elif hasattr(arg, "requires_grad"):                    # a tensor: take its dtype
            dtype = arg.dtype
        else:
            dtype = arg
    if target is not None:
        use_device(target)
    return None if dtype is None else as_dtype(dtype).dtype
