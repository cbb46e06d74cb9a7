"""Shape layers without parameters: Flatten (to feed a classifier) and Unflatten (its inverse),
Identity (a placeholder, e.g. a shortcut that changes nothing), Upsample (nearest-neighbour
enlargement, for U-Net) and ZeroPad2d / ConstantPad2d (a border of a constant)."""
import math

from .. import functional as F
from ..module import Module
from ..arguments import check_choice, check_float, check_int


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


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored, as in PyTorch."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


_UPSAMPLE_MODES = ("nearest", "nearest-exact", "area", "linear", "bilinear", "trilinear")
_ALIGNABLE_MODES = ("linear", "bilinear", "trilinear")


class Upsample(Module):
    """Enlarge the spatial dimensions of a batch (F.interpolate): by repeating the nearest pixels
    (U-Net's default here) or by interpolating between them.

    Args:
        size: the output spatial size, or an int for every axis; give exactly one of size and
            scale_factor.
        scale_factor: multiplier of each spatial size (a number or one per axis).
        mode: 'nearest' (PyTorch's default), 'nearest-exact', 'area', or the interpolating
            'linear' (3-D input), 'bilinear' (4-D) and 'trilinear' (5-D).
        align_corners: for the interpolating modes only: True maps the corner pixels of input
            and output onto each other (None means False).
        recompute_scale_factor: True picks source pixels with in/out instead of 1/scale_factor
            (as PyTorch; the same for integer factors).

    Shape:
        input (N, C, H, W) -> output (N, C, floor(H * scale_factor), floor(W * scale_factor));
        (N, C, L) and (N, C, D, H, W) likewise.

    Example:
        >>> import tinygrad_cnn as tg
        >>> Upsample(scale_factor=2)(tg.zeros(1, 1, 3, 4)).shape
        (1, 1, 6, 8)
    """

    def __init__(self, size=None, scale_factor=None, mode: str = "nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        if (size is None) == (scale_factor is None):
            raise ValueError("Upsample: give exactly one of size and scale_factor "
                             f"(got size={size!r}, scale_factor={scale_factor!r})")
        check_choice("Upsample", "mode", mode, _UPSAMPLE_MODES)
        if align_corners is not None and mode not in _ALIGNABLE_MODES:
            raise ValueError("Upsample: align_corners can only be set with the interpolating modes "
                             f"linear | bilinear | trilinear, not {mode!r}")
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
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, size=self.size, scale_factor=self.scale_factor, mode=self.mode,
                             align_corners=self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = (f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None
                else f"size={self.size!r}")
        return info + f", mode={self.mode!r}"
