"""Layers that only rearrange their input, without parameters: Flatten (to feed a classifier),
Unflatten (its inverse), Identity (a placeholder, e.g. a shortcut that changes nothing), and
PixelShuffle / PixelUnshuffle (channels to space and back)."""
import math

from .. import functional as F
from ..arguments import check_int
from ..module import Module


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


class Unflatten(Module):
    """Split dimension `dim` into `unflattened_size`, as torch.nn.Unflatten (Flatten's inverse).

    Args:
        dim: the dimension to split (negative counts from the end).
        unflattened_size: the new sizes, a tuple or list of ints whose product is the size of
            `dim`; one of them may be -1 (inferred).

    Shape:
        input (*before, S, *after) -> output (*before, *unflattened_size, *after).

    Example:
        >>> import tinygrad_cnn as tg
        >>> Unflatten(1, (16, 5, 5))(tg.zeros(2, 400)).shape
        (2, 16, 5, 5)
    """

    def __init__(self, dim: int, unflattened_size):
        super().__init__()
        self.dim = check_int("Unflatten", "dim", dim, minimum=-(2 ** 31))
        if not isinstance(unflattened_size, (tuple, list)) or not unflattened_size:
            raise TypeError(f"Unflatten: unflattened_size must be a non-empty tuple or list of "
                            f"ints, got {unflattened_size!r}")
        for size in unflattened_size:
            check_int("Unflatten", "unflattened_size", size, minimum=-1)
        if list(unflattened_size).count(-1) > 1 or 0 in unflattened_size:
            raise ValueError(f"Unflatten: unflattened_size={unflattened_size!r} may hold at most "
                             f"one -1 and no 0")
        self.unflattened_size = unflattened_size

    def forward(self, input):
        if not -input.ndim <= self.dim < input.ndim:
            raise ValueError(f"Unflatten: dim={self.dim} is out of range for input shape "
                             f"{input.shape}")
        dim = self.dim % input.ndim
        sizes = tuple(self.unflattened_size)
        known = math.prod(s for s in sizes if s != -1)
        if (input.shape[dim] % known if -1 in sizes else input.shape[dim] != known):
            raise ValueError(f"Unflatten: unflattened_size={self.unflattened_size!r} does not "
                             f"split dimension {self.dim} of size {input.shape[dim]} "
                             f"(input shape {input.shape})")
        sizes = tuple(input.shape[dim] // known if s == -1 else s for s in sizes)
        return input.reshape(input.shape[:dim] + sizes + input.shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored, as in PyTorch."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class PixelShuffle(Module):
    """(*, C r^2, H, W) -> (*, C, H r, W r), r = upscale_factor (sub-pixel upsampling)."""

    def __init__(self, upscale_factor: int):
        super().__init__()
        self.upscale_factor = check_int("PixelShuffle", "upscale_factor", upscale_factor, minimum=1)

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H r, W r) -> (*, C r^2, H, W), r = downscale_factor (PixelShuffle's inverse)."""

    def __init__(self, downscale_factor: int):
        super().__init__()
        self.downscale_factor = check_int("PixelUnshuffle", "downscale_factor", downscale_factor,
                                          minimum=1)

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"
