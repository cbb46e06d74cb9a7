"""Dropout: zero random inputs (Dropout) or whole channels (Dropout2d) while training, scaling
the rest so the expected value is kept."""
from .. import functional as F
from ..module import Module
from ..arguments import check_float


class Dropout(Module):
    """In training mode, each element is zeroed with probability p and the others are scaled by
    1/(1-p); in eval mode the input passes unchanged. Draws from the global generator
    (`tg.manual_seed`).

    Args:
        p: probability of zeroing an element, in [0, 1].
        inplace: write the result into the input (PyTorch's in-place rules apply).

    Shape:
        input (*) -> output (*), the same shape.

    Example:
        >>> import tinygrad_cnn as tg
        >>> drop = Dropout(0.5).eval()
        >>> drop(tg.ones(3))
        tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        self.p = check_float("Dropout", "p", p, 0.0, 1.0)
        self.inplace = inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Module):
    """Channel dropout, as torch.nn.Dropout2d: in training mode each whole feature map
    input[n, c] is zeroed with probability p and the kept ones are scaled by 1/(1-p); in eval
    mode the input passes unchanged. Neighbouring pixels of a map are strongly correlated, so
    dropping single pixels (Dropout) regularises convolutional features little; dropping maps does.

    Args:
        p: probability of zeroing a channel, in [0, 1].
        inplace: write the result into the input (PyTorch's in-place rules apply).

    Shape:
        input (N, C, H, W) -> output (N, C, H, W).

    Example:
        >>> import tinygrad_cnn as tg
        >>> _ = tg.manual_seed(0)
        >>> y = Dropout2d(0.5)(tg.ones(1, 4, 2, 2))
        >>> sorted(set(y.numpy().ravel().tolist()))
        [0.0, 2.0]
    """

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        self.p = check_float("Dropout2d", "p", p, 0.0, 1.0)
        self.inplace = inplace

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
