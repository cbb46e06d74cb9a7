"""torch.backends as a CPU-only PyTorch build has it: `cudnn` flags can be set (and change
nothing), `mps` is not available."""
from . import cudnn, mps

__all__ = ["cudnn", "mps"]
