"""tinygrad_cnn: a readable NumPy deep-learning framework with reverse-mode autodiff, built to
train real CNNs. Start reading at tensor.py, then autograd.py, then ops/.

`import tinygrad_cnn as torch` gives a PyTorch script the names it uses: the creation and
math functions, dtypes (torch.float32, torch.long, ...), the CPU-only answers of `cuda`,
`backends` and `accelerator`, and `utils.data`; anything else is a "not supported" error."""
from . import autograd, ops
from .autograd import enable_grad, is_grad_enabled, no_grad
from .creation import (BoolTensor, ByteTensor, DoubleTensor, FloatTensor, IntTensor, LongTensor,
                       arange, as_tensor, cat, empty, empty_like, eye, from_numpy, full,
                       full_like, linspace, normal, ones, ones_like, rand, rand_like, randint,
                       randn, randn_like, randperm, stack, tensor, zeros, zeros_like)
from .device import device
from .dtypes import (NAMES as _DTYPE_NAMES, dtype, get_default_dtype, is_floating_point,
                     set_default_dtype)
from .functions import (abs, allclose, argmax, argmin, bmm, ceil, chunk, clamp, clip, dot, equal,
                        exp, flatten, floor, gather, index_select, is_tensor, isfinite, isnan, log,
                        log_softmax, logical_and, logical_not, logical_or, matmul, max, maximum,
                        mean, min, minimum, mm, narrow, norm, numel, outer, permute, pow, relu,
                        reshape, round, sigmoid, sign, softmax, sort, split, sqrt, square,
                        squeeze, std, sum, tanh, topk, transpose, tril, triu, unsqueeze, var,
                        where)
from .functions_more import *  # noqa: F401,F403  (add, cumsum, logsumexp, meshgrid, ...)
from .grad_modes import inference_mode, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck
from .random import Generator, get_rng_state, manual_seed, set_rng_state
from .size import Size
from .tensor import Tensor
from .unsupported import namespace_getattr
from . import accelerator, amp, backends, cuda, distributed, multiprocessing  # noqa: E402
from .amp import autocast  # noqa: E402
from .threads import (are_deterministic_algorithms_enabled, get_num_threads,  # noqa: E402
                      set_num_threads, use_deterministic_algorithms)

from . import nn, optim, data  # noqa: E402  (they build on the core above)
from . import utils  # noqa: E402
from .serialization import load, save  # noqa: E402
from . import viz  # noqa: E402

# torch.float32, torch.float, torch.long, torch.bool, ... (assigned here, not imported by name,
# because `float`, `int` and `bool` would shadow the builtins in this file)
globals().update(_DTYPE_NAMES)
bool_ = _DTYPE_NAMES["bool"]  # numpy's spelling, kept for scripts written against numpy

__getattr__ = namespace_getattr("torch")

__version__ = "0.1.0"
