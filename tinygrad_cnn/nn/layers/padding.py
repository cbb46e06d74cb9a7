"""Padding layers: ConstantPad2d (a border of a constant) and ZeroPad2d (a border of zeros)."""
from .. import functional as F
from ..arguments import check_float, check_int
from ..module import Module


class ConstantPad2d(Module):
    """Surround the last two dimensions with `value`, as torch.nn.ConstantPad2d.

    Args:
        padding: an int (all four sides) or a 4-tuple (left, right, top, bottom), each >= 0.
        value: the constant to pad with.

    Shape:
        input (N, C, H, W) or (C, H, W) -> output with H + top + bottom, W + left + right.

    Example:
        >>> import tinygrad_cnn as tg
        >>> ConstantPad2d((1, 0, 2, 2), 3.5)(tg.zeros(1, 1, 2, 2)).shape
        (1, 1, 6, 3)
    """

    def __init__(self, padding, value: float):
        super().__init__()
        name = type(self).__name__
        if isinstance(padding, (tuple, list)):
            if len(padding) != 4:
                raise ValueError(f"{name}: padding must be an int or a 4-tuple (left, right, top, "
                                 f"bottom), got {padding!r}")
            self.padding = tuple(check_int(name, "padding", p, minimum=0) for p in padding)
        else:
            self.padding = (check_int(name, "padding", padding, minimum=0),) * 4
        self.value = check_float(name, "value", value)

    def forward(self, input):
        if input.ndim not in (3, 4):
            raise ValueError(f"{type(self).__name__}: input must have 3 or 4 dimensions, got "
                             f"shape {input.shape}")
        return F.pad(input, self.padding, value=self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ZeroPad2d(ConstantPad2d):
    """Surround the last two dimensions with zeros, as torch.nn.ZeroPad2d (e.g. to keep a
    convolution's output the input's size, or to make an odd size even).

    Args:
        padding: an int (all four sides) or a 4-tuple (left, right, top, bottom), each >= 0.

    Shape:
        input (N, C, H, W) or (C, H, W) -> output with H + top + bottom, W + left + right.

    Example:
        >>> import tinygrad_cnn as tg
        >>> ZeroPad2d(1)(tg.ones(1, 1, 2, 2)).numpy()[0, 0]
        array([[0., 0., 0., 0.],
               [0., 1., 1., 0.],
               [0., 1., 1., 0.],
               [0., 0., 0., 0.]], dtype=float32)
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"
