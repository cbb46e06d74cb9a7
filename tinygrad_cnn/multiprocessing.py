"""torch.multiprocessing: Python's multiprocessing (which PyTorch's wraps), without `spawn`
(it starts distributed workers, which tinygrad_cnn does not have)."""
from multiprocessing import *  # noqa: F401,F403

from .unsupported import not_supported


def spawn(*args, **kwargs):
    raise not_supported("torch.multiprocessing.spawn")
