"""torch.utils.data: the same objects as tinygrad_cnn.data, under PyTorch's module path, and
`distributed` (DistributedSampler)."""
from ...data import *  # noqa: F401,F403
from ...data import __all__  # noqa: F401
from . import distributed  # noqa: E402
