"""torch.cuda as a CPU-only PyTorch build answers it: no GPU is available, the seeding calls
are no-ops (they would seed GPUs that do not exist), and anything that needs a GPU raises the
AssertionError PyTorch raises."""
from . import amp
from .device import CPU_ONLY
from .unsupported import namespace_getattr


def _no_cuda(*args, **kwargs):
    raise AssertionError(f"Torch not compiled with CUDA enabled ({CPU_ONLY})")


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def manual_seed(seed) -> None:
    """Seeds the GPUs, of which there are none (PyTorch ignores it too when CUDA is absent)."""


def manual_seed_all(seed) -> None:
    """As manual_seed: there is no GPU to seed."""


def empty_cache() -> None:
    """Frees cached GPU memory, of which there is none."""


def memory_allocated(device=None) -> int:
    return 0


max_memory_allocated = memory_reserved = max_memory_reserved = memory_allocated

current_device = get_device_name = get_device_properties = set_device = _no_cuda
synchronize = init = _no_cuda

__getattr__ = namespace_getattr("torch.cuda")
