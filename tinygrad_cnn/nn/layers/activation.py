"""Activation layers: ReLU, LeakyReLU, ELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax. Each wraps one F function and
holds no parameters (the derivatives are in ops/activation.py and ops/loss.py)."""
from .. import functional as F
from ..module import Module
from ..arguments import check_float


class ReLU(Module):
    """y = max(x, 0), elementwise. The gradient at x == 0 is 0, as in PyTorch.

    Args:
        inplace: write the result into the input (PyTorch's in-place rules apply).
            (NOTE: in-place updates would corrupt arrays saved for backward).

    Shape:
        input (*) -> output (*), the same shape.

    Example:
        >>> import tinygrad_cnn as tg
        >>> ReLU()(tg.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """y = x for x > 0, else negative_slope * x.   Shape: input (*) -> output (*).

    Args:
        negative_slope: the slope for x <= 0 (default 0.01).
        inplace: write the result into the input (PyTorch's in-place rules apply).
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope = check_float("LeakyReLU", "negative_slope", negative_slope)
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """y = x for x > 0, else alpha * (exp(x) - 1).   Shape: input (*) -> output (*).

    Args:
        alpha: the negative saturation value is -alpha (default 1.0).
        inplace: write the result into the input (PyTorch's in-place rules apply).
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha = check_float("ELU", "alpha", alpha)
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class SiLU(Module):
    """y = x * sigmoid(x), elementwise (swish).   Shape: input (*) -> output (*)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """y = 1 / (1 + exp(-x)), elementwise.   Shape: input (*) -> output (*)."""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """y = tanh(x), elementwise.   Shape: input (*) -> output (*)."""

    def forward(self, input):
        return F.tanh(input)


def _legacy_softmax_dim(ndim: int) -> int:
    # PyTorch's rule when dim is not given: 0 for 0-, 1- and 3-d inputs, else 1.
    return 0 if ndim in (0, 1, 3) else 1


class Softmax(Module):
    """y_i = exp(x_i) / sum_j exp(x_j) along `dim` (computed stably, shifted by the max).

    Args:
        dim: the dimension that sums to 1 (None: PyTorch's legacy choice, 1 for 2-d and 4-d).

    Shape:
        input (*) -> output (*), the same shape.
    """

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        dim = _legacy_softmax_dim(input.ndim) if self.dim is None else self.dim
        return F.softmax(input, dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """y_i = x_i - log(sum_j exp(x_j)) along `dim`; pair with NLLLoss for a classifier.

    Args:
        dim: as Softmax.

    Shape:
        input (*) -> output (*), the same shape.
    """

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        dim = _legacy_softmax_dim(input.ndim) if self.dim is None else self.dim
        return F.log_softmax(input, dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
