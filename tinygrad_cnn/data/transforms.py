"""Image transforms on numpy arrays, named after torchvision's.

Every transform takes one image (C, H, W) or a batch (N, C, H, W) and returns a new array of
the same layout. Random transforms draw independently for each image of a batch, in one
vectorised step, from `generator` (np.random.Generator, an int seed, or None for the
library's global generator, so `tinygrad_cnn.manual_seed` makes them repeatable).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..random import get_rng


def _check_image(x, name):
    if not isinstance(x, np.ndarray) or x.ndim not in (3, 4):
        shape = getattr(x, "shape", type(x).__name__)
        raise ValueError(f"{name}: expected a numpy array (C, H, W) or (N, C, H, W), got {shape}")


def _pair(v, name):
    pair = (v, v) if np.isscalar(v) else tuple(v)
    if len(pair) != 2 or any(int(p) != p or p < 0 for p in pair):
        raise ValueError(f"{name}: expected a non-negative int or a pair of them, got {v!r}")
    return int(pair[0]), int(pair[1])


class Compose:
    """Apply `transforms` one after the other."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self):
        # torchvision's layout: one transform per line, indented by four spaces
        return "Compose(" + "".join(f"\n    {t!r}" for t in self.transforms) + "\n)"


class ToFloat:
    """Convert to float32 and divide by `max_value`, so pixels land in [0, 1].

    Args:
        max_value: the brightest pixel value of the input (255 for 8-bit images, 16 for the
            digits data set).
    """

    def __init__(self, max_value=255.0):
        if not max_value > 0:
            raise ValueError(f"ToFloat: max_value must be positive, got {max_value}")
        self.max_value = float(max_value)

    def __call__(self, x):
        _check_image(x, "ToFloat")
        return x.astype(np.float32) / np.float32(self.max_value)

    def __repr__(self):
        return f"ToFloat(max_value={self.max_value:g})"


class Normalize:
    """Per channel: y[c] = (x[c] - mean[c]) / std[c].

    Args:
        mean: one value per channel (or a single value for all).
        std: one value per channel (or a single value for all); all non-zero.

    Shape:
        x: (C, H, W) or (N, C, H, W), float (float32 or float64; integer input becomes float32).
    """

    def __init__(self, mean, std, inplace: bool = False):
        self._given = (mean, std)  # printed as written, as torchvision does
        self.inplace = inplace     # accepted for torchvision code; the result is a new array
        self.mean = np.atleast_1d(np.asarray(mean, dtype=np.float64))
        self.std = np.atleast_1d(np.asarray(std, dtype=np.float64))
        if self.mean.ndim != 1 or self.std.ndim != 1:
            raise ValueError("Normalize: mean and std must be scalars or 1-D sequences")
        if np.any(self.std == 0):
            raise ValueError(f"Normalize: std must be non-zero, got {self.std.tolist()}")

    def __call__(self, x):
        _check_image(x, "Normalize")
        channels = x.shape[-3]
        for name, v in (("mean", self.mean), ("std", self.std)):
            if len(v) not in (1, channels):
                raise ValueError(f"Normalize: {name} has {len(v)} values for {channels} channels")
        dtype = x.dtype if x.dtype.kind == "f" else np.float32
        mean = self.mean.astype(dtype).reshape(-1, 1, 1)       # (C, 1, 1) broadcasts over H, W
        std = self.std.astype(dtype).reshape(-1, 1, 1)
        return ((x.astype(dtype, copy=False) - mean) / std).astype(dtype, copy=False)

    def __repr__(self):
        return f"Normalize(mean={self._given[0]}, std={self._given[1]})"


class RandomCrop:
    """Pad the borders, then cut a `size` window at a random position (per image), with
    torchvision's arguments.

    Args:
        size: output (h, w), or an int for a square.
        padding: pixels added before cropping: an int for every side, (left/right, top/bottom),
            or (left, top, right, bottom), as torchvision; None for none.
        pad_if_needed: also pad an image smaller than `size` up to it (on both sides of each
            short axis).
        fill: value of constant padding.
        padding_mode: 'constant', 'edge', 'reflect' or 'symmetric' (numpy.pad's names).
        generator: np.random.Generator, int seed, or None for the global generator.

    Shape:
        (C, H, W) -> (C, h, w); (N, C, H, W) -> (N, C, h, w); needs h <= H + top + bottom and
        w <= W + left + right (unless pad_if_needed).
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant",
                 generator=None):
        self.size = _pair(size, "RandomCrop size")
        self.padding = padding
        self._borders = _borders(padding)                      # (left, top, right, bottom)
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError(f"RandomCrop: unknown padding_mode {padding_mode!r}")
        self.pad_if_needed, self.fill, self.padding_mode = pad_if_needed, fill, padding_mode
        self.generator = None if generator is None else np.random.default_rng(generator)

    def __call__(self, x):
        _check_image(x, "RandomCrop")
        batch = x if x.ndim == 4 else x[None]                  # (N, C, H, W)
        (left, top, right, bottom), (h, w) = self._borders, self.size
        if self.pad_if_needed:  # grow each short axis to the crop, half on each side
            short_h = max(h - (batch.shape[2] + top + bottom), 0)
            short_w = max(w - (batch.shape[3] + left + right), 0)
            top, bottom = top + short_h - short_h // 2, bottom + short_h // 2
            left, right = left + short_w - short_w // 2, right + short_w // 2
        pads = ((0, 0), (0, 0), (top, bottom), (left, right))
        kwargs = {"constant_values": self.fill} if self.padding_mode == "constant" else {}
        padded = np.pad(batch, pads, mode=self.padding_mode, **kwargs)   # (N, C, H+2ph, W+2pw)
        if h > padded.shape[2] or w > padded.shape[3]:
            raise ValueError(f"RandomCrop: crop {self.size} larger than padded image "
                             f"{padded.shape[2:]}")
        windows = sliding_window_view(padded, (h, w), axis=(2, 3))  # (N, C, Ty, Tx, h, w) view
        n = batch.shape[0]
        rng = self.generator if self.generator is not None else get_rng()
        top = rng.integers(0, windows.shape[2], size=n)                 # (N,)
        left = rng.integers(0, windows.shape[3], size=n)                # (N,)
        out = windows[np.arange(n), :, top, left]                       # (N, C, h, w) copy
        return out if x.ndim == 4 else out[0]

    def __repr__(self):
        return f"RandomCrop(size={self.size}, padding={self.padding})"


def _borders(padding) -> tuple[int, int, int, int]:
    """torchvision's padding forms as (left, top, right, bottom)."""
    if padding is None:
        return (0, 0, 0, 0)
    values = (padding,) if np.isscalar(padding) else tuple(padding)
    if len(values) not in (1, 2, 4) or any(int(v) != v or v < 0 for v in values):
        raise ValueError(f"RandomCrop padding: expected a non-negative int or a sequence of 2 "
                         f"or 4 of them, got {padding!r}")
    values = tuple(int(v) for v in values)
    if len(values) == 1:
        return values * 4
    if len(values) == 2:                                        # (left/right, top/bottom)
        return (values[0], values[1], values[0], values[1])
    return values


class RandomHorizontalFlip:
    """Mirror each image left-right with probability `p`.

    Args:
        p: probability of flipping an image.
        generator: np.random.Generator, int seed, or None for the global generator.
    """

    def __init__(self, p=0.5, generator=None):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: p must be in [0, 1], got {p}")
        self.p = p
        self.generator = None if generator is None else np.random.default_rng(generator)

    def __call__(self, x):
        _check_image(x, "RandomHorizontalFlip")
        rng = self.generator if self.generator is not None else get_rng()
        if x.ndim == 3:
            return x[..., ::-1].copy() if rng.random() < self.p else x.copy()
        flip = rng.random(x.shape[0]) < self.p                          # (N,)
        out = x.copy()
        out[flip] = x[flip][..., ::-1]                                  # W axis reversed
        return out

    def __repr__(self):
        return f"RandomHorizontalFlip(p={self.p})"
