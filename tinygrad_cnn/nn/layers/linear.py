"""Linear: the fully connected layer, y = x w^T + b (read F.linear / ops/linear.py for the math)."""
import math

import numpy as np

from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter
from ..arguments import check_device, check_int, float_dtype


class Linear(Module):
    """Applies y = x W^T + b to the last dimension of the input.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: if False, the layer learns no additive bias.
        device: None or 'cpu' (the only device), accepted as PyTorch's argument.
        dtype: parameter dtype (float32 by default).

    Shape:
        input (*, in_features) -> output (*, out_features).

    Attributes:
        weight: (out_features, in_features), drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)).
        bias: (out_features,), drawn from the same distribution.

    Example:
        >>> import tinygrad_cnn as tg
        >>> layer = Linear(20, 30)
        >>> layer(tg.randn(128, 20)).shape
        (128, 30)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__()
        check_device("Linear", device)
        self.in_features = check_int("Linear", "in_features", in_features)
        self.out_features = check_int("Linear", "out_features", out_features)
        dtype = float_dtype("Linear", dtype)
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        self.bias = Parameter(np.empty((out_features,), dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # PyTorch's default: kaiming_uniform_ with a=sqrt(5) gives bound 1/sqrt(fan_in).
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
