"""Activation layers: ReLU, LeakyReLU, ELU, SiLU, GELU, Softplus, Mish, Hardtanh, ReLU6,
Hardsigmoid, Hardswish, Sigmoid, Tanh, Softmax, LogSoftmax. Each wraps one F function and
holds no parameters (the derivatives are in ops/activation.py and ops/loss.py)."""
from .. import functional as F
from ..module import Module
from ..arguments import check_float


def _inplace_repr(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


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


class GELU(Module):
    """y = x * Phi(x), Phi the standard normal CDF (exact, through erf), or with
    approximate='tanh' PyTorch's tanh formula.   Shape: input (*) -> output (*)."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise RuntimeError(f"approximate argument must be either none or tanh. "
                               f"(got {approximate!r})")
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """y = log(1 + exp(beta x)) / beta, or x where beta x > threshold.
    Shape: input (*) -> output (*)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta = check_float("Softplus", "beta", beta)
        self.threshold = check_float("Softplus", "threshold", threshold)

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Mish(Module):
    """y = x * tanh(softplus(x)).   Shape: input (*) -> output (*)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.mish(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Hardtanh(Module):
    """y = x limited to [min_val, max_val].   Shape: input (*) -> output (*)."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
        super().__init__()
        self.min_val = check_float(type(self).__name__, "min_val", min_val)
        self.max_val = check_float(type(self).__name__, "max_val", max_val)
        if self.min_val > self.max_val:
            raise ValueError("min_val cannot be greater than max_val")
        self.inplace = inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + \
            (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """y = min(max(x, 0), 6): Hardtanh(0, 6), as PyTorch defines it.
    Shape: input (*) -> output (*)."""

    def __init__(self, inplace: bool = False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Hardsigmoid(Module):
    """y = relu6(x + 3) / 6.   Shape: input (*) -> output (*)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)


class Hardswish(Module):
    """y = x * relu6(x + 3) / 6.   Shape: input (*) -> output (*)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.hardswish(input, self.inplace)


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
