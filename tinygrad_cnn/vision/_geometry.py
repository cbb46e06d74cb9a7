"""Geometric and occlusion augmentation for tinygrad_cnn.vision.transforms: RandomRotation,
GaussianBlur, RandomErasing, and InterpolationMode (the names torchvision scripts pass).

Arrays and tensors are resampled here in numpy; PIL images rotate with Pillow's own rotate, as
torchvision does. Random draws come from the library's generator (tinygrad_cnn.manual_seed)."""
from __future__ import annotations

import math
import numbers
from enum import Enum

import numpy as np

from ..random import get_rng
from ..tensor import Tensor
from ._images import as_chw, is_pil


class InterpolationMode(str, Enum):
    """torchvision's interpolation names; a plain string ("bilinear") works as well."""
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _interpolation(value, owner: str, allowed=("nearest", "bilinear")) -> str:
    name = value.value if isinstance(value, InterpolationMode) else str(value).lower()
    if name not in allowed:
        raise ValueError(f"{owner}: interpolation {name!r} is not supported here; use one of "
                         f"{', '.join(allowed)}")
    return name


def _pair_range(value, name: str):
    """A number d -> (-d, d) (d >= 0); a pair -> itself (torchvision's degrees rule)."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        return (-float(value), float(value))
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return (float(value[0]), float(value[1]))
    raise ValueError(f"If {name} is a sequence, it must be of len 2.")


def _rotation_grid(h, w, angle, center, expand):
    """Output size and, per output pixel, the source (row, column) it reads. Positive angles
    turn the picture counter-clockwise; output pixel offsets (x, y) from the centre read the
    source at (x cos a - y sin a, x sin a + y cos a) from it (y points down). `center` is in
    Pillow's continuous coordinates (pixel i spans [i, i + 1]), as torchvision's; expand sizes
    the output as Pillow does (the turned corners' extent, rounded outwards)."""
    a = math.radians(angle)
    cos, sin = round(math.cos(a), 15), round(math.sin(a), 15)   # exact at multiples of 90
    centre = (w / 2.0, h / 2.0) if center is None else (float(center[0]), float(center[1]))
    out_h, out_w = h, w
    if expand:
        corners = [(x - centre[0], y - centre[1]) for x, y in ((0, 0), (w, 0), (w, h), (0, h))]
        xs = [centre[0] + x * cos - y * sin for x, y in corners]     # Pillow's arithmetic
        ys = [centre[1] + x * sin + y * cos for x, y in corners]
        out_w = math.ceil(max(xs)) - math.floor(min(xs))
        out_h = math.ceil(max(ys)) - math.floor(min(ys))
    cx, cy = centre[0] - 0.5, centre[1] - 0.5                   # in pixel indices
    y, x = np.mgrid[0:out_h, 0:out_w].astype(np.float64)
    x, y = x - cx - (out_w - w) / 2.0, y - cy - (out_h - h) / 2.0
    return out_h, out_w, x * sin + y * cos + cy, x * cos - y * sin + cx


def _sample(chw, rows, cols, fill, mode):
    """chw read at fractional (rows, cols); positions outside the image give `fill`."""
    c, h, w = chw.shape[-3:]
    fill = np.broadcast_to(np.asarray(fill, dtype=np.float64).reshape(-1, 1, 1), (c, 1, 1))
    source = chw.astype(np.float64)
    if mode == "nearest":
        corners = [(np.floor(rows + 0.5), np.floor(cols + 0.5), 1.0)]
    else:
        r0, c0 = np.floor(rows), np.floor(cols)
        dr, dc = rows - r0, cols - c0
        corners = [(r0, c0, (1 - dr) * (1 - dc)), (r0, c0 + 1, (1 - dr) * dc),
                   (r0 + 1, c0, dr * (1 - dc)), (r0 + 1, c0 + 1, dr * dc)]
    out = 0.0
    for r, col, weight in corners:
        inside = (r >= 0) & (r < h) & (col >= 0) & (col < w)
        values = source[..., np.clip(r, 0, h - 1).astype(np.int64), np.clip(col, 0, w - 1).astype(np.int64)]
        out = out + weight * np.where(inside, values, fill)
    if chw.dtype.kind in "iub":
        out = np.round(out)
    return out.astype(chw.dtype)


def _quarter_turns(angle, size, center, expand):
    """Pillow's shortcut, kept so both forms agree: about the centre, 0 and 180 degrees and (when
    expanding or square) 90 and 270 are exact transposes; None otherwise."""
    angle = angle % 360.0
    if center is not None or angle not in (0.0, 90.0, 180.0, 270.0):
        return None
    if angle in (90.0, 270.0) and not (expand or size[0] == size[1]):
        return None
    return int(angle // 90)


class RandomRotation:
    """Rotate by an angle drawn uniformly from `degrees` (d -> (-d, d)), counter-clockwise for
    positive angles, about `center` (x, y) (default: the image centre). expand=True grows the
    output to hold the whole turned image; uncovered pixels get `fill` (a number or one per
    channel). interpolation: nearest (torchvision's default) or bilinear."""

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False,
                 center=None, fill=0):
        self.degrees = _pair_range(degrees, "degrees")
        self.interpolation = _interpolation(interpolation, "RandomRotation")
        if center is not None and len(center) != 2:
            raise ValueError("If center is a sequence, it must be of len 2.")
        self.expand, self.center, self.fill = expand, center, fill

    @staticmethod
    def get_params(degrees) -> float:
        return float(get_rng().uniform(degrees[0], degrees[1]))

    def __call__(self, img):
        angle = self.get_params(self.degrees)
        if is_pil(img):
            fill = self.fill
            if isinstance(fill, (int, float)) and len(img.getbands()) > 1:
                fill = (int(fill),) * len(img.getbands())
            return img.rotate(angle, resample=0 if self.interpolation == "nearest" else 2,
                              expand=self.expand, center=self.center,
                              fillcolor=tuple(fill) if isinstance(fill, (list, tuple)) else fill)
        chw, restore = as_chw(img)
        quarter_turns = _quarter_turns(angle, chw.shape[-2:], self.center, self.expand)
        if quarter_turns is not None:
            return restore(np.ascontiguousarray(np.rot90(chw, quarter_turns, axes=(-2, -1))))
        out_h, out_w, rows, cols = _rotation_grid(*chw.shape[-2:], angle, self.center,
                                                  self.expand)
        return restore(_sample(chw, rows, cols, self.fill, self.interpolation))

    def __repr__(self):
        return (f"RandomRotation(degrees={list(self.degrees)}, interpolation="
                f"{self.interpolation}, expand={self.expand}, fill={self.fill})")


def gaussian_kernel1d(size: int, sigma: float) -> np.ndarray:
    """exp(-x^2 / (2 sigma^2)) at x = -(size-1)/2 .. (size-1)/2, normalized to sum 1."""
    x = np.linspace(-(size - 1) / 2.0, (size - 1) / 2.0, size)
    pdf = np.exp(-0.5 * (x / sigma) ** 2)
    return pdf / pdf.sum()


class GaussianBlur:
    """Blur with a Gaussian kernel of `kernel_size` (kx, ky) (odd) and a sigma drawn uniformly
    from `sigma` (min, max) (a number: fixed). The borders reflect, as torchvision's."""

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        sizes = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
        if len(sizes) != 2 or any(not isinstance(k, int) or k <= 0 or k % 2 == 0 for k in sizes):
            raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (float(sigma), float(sigma))
        elif not (isinstance(sigma, (tuple, list)) and len(sigma) == 2 and 0 < sigma[0] <= sigma[1]):
            raise ValueError("sigma values should be positive and of the form (min, max).")
        self.kernel_size, self.sigma = sizes, (float(sigma[0]), float(sigma[1]))

    @staticmethod
    def get_params(sigma_min: float, sigma_max: float) -> float:
        return float(get_rng().uniform(sigma_min, sigma_max))

    def __call__(self, img):
        chw, restore = as_chw(img)
        sigma = self.get_params(*self.sigma)
        kx, ky = self.kernel_size
        h, w = chw.shape[-2:]
        if ky // 2 >= h or kx // 2 >= w:
            raise ValueError(f"GaussianBlur: kernel {self.kernel_size} needs an image larger "
                             f"than half of it for reflect padding, got {h}x{w}")
        pads = [(0, 0)] * (chw.ndim - 2) + [(ky // 2, ky // 2), (kx // 2, kx // 2)]
        padded = np.pad(chw.astype(np.float64), pads, mode="reflect")
        rows = sum(weight * padded[..., i:i + h, :] for i, weight in enumerate(gaussian_kernel1d(ky, sigma)))
        out = sum(weight * rows[..., :, j:j + w] for j, weight in enumerate(gaussian_kernel1d(kx, sigma)))
        if chw.dtype.kind in "iub":
            out = np.round(out)
        return restore(out.astype(chw.dtype))

    def __repr__(self):
        return f"GaussianBlur(kernel_size={self.kernel_size}, sigma={self.sigma})"


class RandomErasing:
    """With probability p, overwrite a random rectangle of a (C, H, W) or (N, C, H, W) tensor
    covering `scale` of its area with aspect ratio in `ratio` (torchvision's ten tries, else no
    change). value: a number, one per channel, or 'random' (standard normal noise)."""

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if not 0 <= scale[0] <= scale[1] <= 1:
            raise ValueError("Scale should be between 0 and 1 and of kind (min, max)")
        if not 0 < ratio[0] <= ratio[1]:
            raise ValueError("Ratio should be positive and of kind (min, max)")
        if not 0 <= p <= 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p, self.scale, self.ratio, self.value, self.inplace = p, scale, ratio, value, inplace

    def get_params(self, channels: int, height: int, width: int):
        """(top, left, h, w, values (C, h, w)); the whole image and itself when no try fits."""
        rng, area = get_rng(), height * width
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            erase_area = area * rng.uniform(self.scale[0], self.scale[1])
            aspect = math.exp(rng.uniform(*log_ratio))
            h = int(round(math.sqrt(erase_area * aspect)))
            w = int(round(math.sqrt(erase_area / aspect)))
            if not (h < height and w < width):
                continue
            if self.value == "random":
                values = rng.standard_normal((channels, h, w))
            else:
                values = np.asarray(self.value, dtype=np.float64).reshape(-1, 1, 1)
            top = int(rng.integers(0, height - h + 1))
            left = int(rng.integers(0, width - w + 1))
            return top, left, h, w, values
        return 0, 0, height, width, None

    def __call__(self, img):
        if not isinstance(img, Tensor):
            raise TypeError(f"img should be Tensor Image. Got {type(img)}")
        if get_rng().random() >= self.p:
            return img
        array = img.array
        channels = array.shape[-3]
        if not isinstance(self.value, str) and np.size(self.value) not in (1, channels):
            raise ValueError(f"If value is a sequence, it should have either a single value or "
                             f"{channels} (number of input channels)")
        top, left, h, w, values = self.get_params(channels, *array.shape[-2:])
        if values is None:
            return img
        out = array if self.inplace else array.copy()
        out[..., top:top + h, left:left + w] = np.broadcast_to(values, (channels, h, w))
        return img if self.inplace else Tensor(out)

    def __repr__(self):
        return (f"RandomErasing(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
                f"value={self.value}, inplace={self.inplace})")
