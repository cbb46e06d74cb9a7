"""Upsample: enlarge the spatial dimensions by nearest-neighbour repetition (U-Net) or by
interpolation (F.interpolate)."""
from .. import functional as F
from ..arguments import check_choice, check_float, check_int
from ..module import Module

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
