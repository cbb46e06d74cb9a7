"""Mixed precision (torch.amp / torch.autocast / torch.cuda.amp) as a CPU-only PyTorch build
without it answers: `GradScaler` is disabled (PyTorch disables it when CUDA is absent), so it
passes losses and steps through unchanged; `autocast` runs its block in full precision when
`enabled=False` and says "not supported" when asked to cast (numpy has no bfloat16, and float16
matmuls on the CPU would be slower, not faster). The AMP recipe's `use_amp = False` path runs."""
from __future__ import annotations

from .unsupported import not_supported


class autocast:
    """`with torch.autocast(device_type, dtype, enabled=use_amp):` with enabled=False."""

    def __init__(self, device_type: str = "cpu", dtype=None, enabled: bool = True,
                 cache_enabled=None):
        if enabled:
            raise not_supported("torch.autocast(enabled=True)")
        self.device_type, self.dtype, self.enabled = device_type, dtype, enabled

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def __call__(self, fn):
        return fn


class GradScaler:
    """A disabled gradient scaler: scale() returns the loss as is, step() calls
    optimizer.step(), update() and unscale_() change nothing, get_scale() is 1.0."""

    def __init__(self, device: str = "cuda", init_scale: float = 2.0 ** 16,
                 growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True):
        self.device = device
        self._enabled = False                          # no CUDA: PyTorch disables it too

    def is_enabled(self) -> bool:
        return self._enabled

    def scale(self, outputs):
        return outputs

    def unscale_(self, optimizer) -> None:
        """Gradients are not scaled, so there is nothing to undo."""

    def step(self, optimizer, *args, **kwargs):
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None) -> None:
        """The scale stays 1.0: nothing to update."""

    def get_scale(self) -> float:
        return 1.0

    def state_dict(self) -> dict:
        return {}                                       # a disabled scaler saves nothing

    def load_state_dict(self, state_dict: dict) -> None:
        if state_dict:
            raise RuntimeError("The source state dict is not empty, but this GradScaler is "
                               "disabled (there is no CUDA)")
