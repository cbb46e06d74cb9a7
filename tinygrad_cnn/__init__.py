"""tinygrad_cnn: a readable NumPy deep-learning framework with reverse-mode autodiff, built to
train real CNNs. Start reading at tensor.py, then autograd.py, then ops/."""
from . import autograd, ops
from .autograd import enable_grad, is_grad_enabled, no_grad
from .creation import (arange, bool_, cat, float32, float64, full, full_like, int32, int64, ones,
                       ones_like, rand, rand_like, randn, randn_like, stack, tensor, uint8, zeros,
                       zeros_like)
from .gradcheck import GradcheckError, gradcheck
from .random import manual_seed
from .tensor import Tensor

from . import nn, optim, data  # noqa: E402  (they build on the core above)
from .serialization import load, save  # noqa: E402
from . import viz  # noqa: E402

__version__ = "0.1.0"
