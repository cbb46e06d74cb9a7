"""tinygrad_cnn: a readable NumPy deep-learning framework with reverse-mode autodiff, built to
train real CNNs. Start reading at tensor.py, then autograd.py, then ops/."""
from . import autograd, ops
from .autograd import enable_grad, is_grad_enabled, no_grad
from .creation import (arange, bool_, cat, empty, eye, float32, float64, from_numpy, full,
                       full_like, int32, int64, linspace, ones, ones_like, rand, rand_like, randint,
                       randn, randn_like, stack, tensor, uint8, zeros, zeros_like)
from .device import cuda, device
from .functions import (abs, argmax, clamp, exp, flatten, log, log_softmax, matmul, max, maximum,
                        mean, min, minimum, relu, reshape, sigmoid, softmax, sqrt, sum, tanh,
                        transpose, where)
from .gradcheck import GradcheckError, gradcheck
from .random import get_rng_state, manual_seed, set_rng_state
from .tensor import Tensor

from . import nn, optim, data  # noqa: E402  (they build on the core above)
from .serialization import load, save  # noqa: E402
from . import viz  # noqa: E402

__version__ = "0.1.0"
