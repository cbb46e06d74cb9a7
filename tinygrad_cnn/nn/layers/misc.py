"""Shape layers without parameters: Flatten (to feed a classifier), Identity (a placeholder, e.g.
a shortcut that changes nothing) and Upsample (nearest-neighbour enlargement, for U-Net)."""
from .. import functional as F
from ..module import Module
from ._args import check_choice, check_float, check_int


class Flatten(Module):
    """Merge dimensions start_dim..end_dim into one, as torch.nn.Flatten.

    Args:
        start_dim: first dimension to merge (1 keeps the batch dimension).
        end_dim: last dimension to merge.

    Shape:
        input (N, *dims) -> output (N, prod(dims)) with the defaults.

    Example:
        >>> import tinygrad_cnn as tg
        >>> Flatten()(tg.zeros(2, 16, 5, 5)).shape
        (2, 400)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim = check_int("Flatten", "start_dim", start_dim, minimum=-(2 ** 31))
        self.end_dim = check_int("Flatten", "end_dim", end_dim, minimum=-(2 ** 31))

    def forward(self, input):
        return F.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored, as in PyTorch."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Upsample(Module):
    """Enlarge the spatial dimensions of an (N, C, H, W) batch by repeating pixels.

    Args:
        size: the output (Ho, Wo), or an int for both; give exactly one of size / scale_factor.
        scale_factor: multiplier of H and W (a number or a pair).
        mode: only 'nearest'.
        align_corners: must stay None (it has no meaning for 'nearest').

    Shape:
        input (N, C, H, W) -> output (N, C, floor(H * scale_factor), floor(W * scale_factor)).

    Example:
        >>> import tinygrad_cnn as tg
        >>> Upsample(scale_factor=2)(tg.zeros(1, 1, 3, 4)).shape
        (1, 1, 6, 8)
    """

    def __init__(self, size=None, scale_factor=None, mode: str = "nearest", align_corners=None):
        super().__init__()
        if (size is None) == (scale_factor is None):
            raise ValueError("Upsample: give exactly one of size and scale_factor "
                             f"(got size={size!r}, scale_factor={scale_factor!r})")
        check_choice("Upsample", "mode", mode, ("nearest",))
        if align_corners is not None:
            raise ValueError("Upsample: align_corners can only be set with the interpolating modes "
                             "linear | bilinear | bicubic | trilinear, not 'nearest'")
        if size is not None:
            for value in size if isinstance(size, (tuple, list)) else (size,):
                check_int("Upsample", "size", value)
        if scale_factor is not None:
            factors = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor,)
            for value in factors:
                if check_float("Upsample", "scale_factor", value) <= 0:
                    raise ValueError(f"Upsample: scale_factor={scale_factor} must be positive")
            scale_factor = (tuple(float(v) for v in scale_factor)
                            if isinstance(scale_factor, (tuple, list)) else float(scale_factor))
        self.size, self.scale_factor, self.mode, self.align_corners = size, scale_factor, mode, None

    def forward(self, input):
        return F.interpolate(input, size=self.size, scale_factor=self.scale_factor, mode=self.mode)

    def extra_repr(self) -> str:
        info = (f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None
                else f"size={self.size!r}")
        return info + f", mode={self.mode!r}"
