"""Dropout: zero random inputs while training, scaling the rest so the expected value is kept."""
from .. import functional as F
from ..module import Module
from ._args import check_float


class Dropout(Module):
    """In training mode, each element is zeroed with probability p and the others are scaled by
    1/(1-p); in eval mode the input passes unchanged. Draws from the global generator
    (`tg.manual_seed`).

    Args:
        p: probability of zeroing an element, in [0, 1].
        inplace: accepted for PyTorch compatibility; the result is always a new tensor.

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
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
