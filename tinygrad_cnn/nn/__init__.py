"""Neural-network building blocks: Module and Parameter, the layers, init, and F (functional)."""
from . import functional, init, utils
from .layers import *  # noqa: F401,F403  (the layer list lives in layers/__init__.py)
from .layers import __all__ as _layer_names
from .module import Module
from .parameter import Parameter
from . import parallel
from .parallel import DataParallel
from ..unsupported import namespace_getattr

__all__ = ["Module", "Parameter", "functional", "init", "utils", "parallel",
           "DataParallel"] + list(_layer_names)

__getattr__ = namespace_getattr("torch.nn")  # a missing layer says "not supported in tinygrad_cnn"
