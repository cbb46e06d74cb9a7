"""Colour augmentation for tinygrad_cnn.vision.transforms: ColorJitter and RandomGrayscale, with
the adjustments they are made of, written on (C, H, W) or (N, C, H, W) arrays.

The formulas are torchvision's for tensors (its PIL path, through Pillow's ImageEnhance, rounds
differently by a grey level or so), and every image form runs through them:
    brightness b:  b * x
    contrast c:    c * x + (1 - c) * mean(grey(x))      (one mean per image)
    saturation s:  s * x + (1 - s) * grey(x)
    hue h:         RGB -> HSV, H <- (H + h) mod 1, HSV -> RGB
each clipped to the image's range: [0, 255] for uint8 (then truncated to uint8, as a tensor's
.to(torch.uint8)), [0, 1] for floats. grey(x) = 0.2989 R + 0.587 G + 0.114 B."""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..random import get_rng
from ._images import as_chw, is_pil

GREY_WEIGHTS = (0.2989, 0.587, 0.114)


def _bound(dtype) -> float:
    return 255.0 if dtype == np.uint8 else 1.0


def _as_float(chw: np.ndarray) -> np.ndarray:
    return chw.astype(np.float32) if chw.dtype.kind in "ub" else chw


def _back(result: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Clipped to the range of `like`'s dtype and cast back to it (uint8 truncates)."""
    return np.clip(result, 0.0, _bound(like.dtype)).astype(like.dtype)


def grey(chw: np.ndarray) -> np.ndarray:
    """The luma channel (keepdims), in `chw`'s dtype (uint8 truncates, as torchvision)."""
    if chw.shape[-3] == 1:
        return chw.copy()
    r, g, b = (_as_float(chw[..., i:i + 1, :, :]) for i in range(3))
    luma = GREY_WEIGHTS[0] * r + GREY_WEIGHTS[1] * g + GREY_WEIGHTS[2] * b
    return luma.astype(chw.dtype)


def _blend(chw, other, ratio: float) -> np.ndarray:
    return _back(ratio * _as_float(chw) + (1.0 - ratio) * _as_float(other), chw)


def adjust_brightness(chw: np.ndarray, factor: float) -> np.ndarray:
    return _back(factor * _as_float(chw), chw)


def adjust_contrast(chw: np.ndarray, factor: float) -> np.ndarray:
    source = grey(chw) if chw.shape[-3] == 3 else chw
    mean = _as_float(source).mean(axis=(-3, -2, -1), keepdims=True)
    return _blend(chw, mean, factor)


def adjust_saturation(chw: np.ndarray, factor: float) -> np.ndarray:
    return chw.copy() if chw.shape[-3] == 1 else _blend(chw, grey(chw), factor)


def rgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    """Floats in [0, 1], channels on axis -3. H in [0, 1): 0 red, 1/3 green, 2/3 blue."""
    r, g, b = rgb[..., 0, :, :], rgb[..., 1, :, :], rgb[..., 2, :, :]
    high, low = rgb.max(axis=-3), rgb.min(axis=-3)
    spread = high - low
    grey_pixel = spread == 0
    saturation = np.where(high > 0, spread / np.where(high > 0, high, 1), 0)
    divisor = np.where(grey_pixel, 1, spread)
    hue = np.where(high == r, (g - b) / divisor,                 # ties go red, then green
                   np.where(high == g, 2.0 + (b - r) / divisor, 4.0 + (r - g) / divisor))
    hue = np.where(grey_pixel, 0.0, (hue / 6.0) % 1.0)
    return np.stack([hue, saturation, high], axis=-3).astype(rgb.dtype)


def hsv_to_rgb(hsv: np.ndarray) -> np.ndarray:
    """The inverse of rgb_to_hsv: the hue circle in six sectors, each a linear ramp."""
    h, s, v = hsv[..., 0, :, :], hsv[..., 1, :, :], hsv[..., 2, :, :]
    sector = np.floor(h * 6.0)
    f = h * 6.0 - sector
    sector = sector.astype(np.int64) % 6
    p = np.clip(v * (1.0 - s), 0, 1)
    q = np.clip(v * (1.0 - s * f), 0, 1)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0, 1)
    table = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    channels = [np.choose(sector, [row[c] for row in table]) for c in range(3)]
    return np.stack(channels, axis=-3).astype(hsv.dtype)


def adjust_hue(chw: np.ndarray, factor: float) -> np.ndarray:
    if not -0.5 <= factor <= 0.5:
        raise ValueError(f"hue_factor ({factor}) is not in [-0.5, 0.5].")
    if chw.shape[-3] == 1:
        return chw.copy()
    unit = chw.astype(np.float32) / 255.0 if chw.dtype == np.uint8 else chw
    hsv = rgb_to_hsv(unit)
    hsv[..., 0, :, :] = (hsv[..., 0, :, :] + factor) % 1.0
    rgb = hsv_to_rgb(hsv)
    if chw.dtype == np.uint8:                       # torchvision's convert_image_dtype
        return (rgb * (256.0 - 1e-3)).astype(np.uint8)
    return rgb


def _range(value, name, center=1.0, bound=(0.0, math.inf), clip_first_on_zero=True):
    """torchvision's rule: a number v means [center - v, center + v] (clipped at 0 for the
    factors), a pair is the range itself; None when the range is just the centre (no-op)."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        value = [center - float(value), center + float(value)]
        if clip_first_on_zero:
            value[0] = max(value[0], 0.0)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        value = [float(value[0]), float(value[1])]
    else:
        raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
    if not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise ValueError(f"{name} values should be between {bound}, but got {value}.")
    return None if value[0] == value[1] == center else tuple(value)


class ColorJitter:
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Each factor is drawn uniformly from its range: a number v gives [max(0, 1 - v), 1 + v]
    (hue: [-v, v], v <= 0.5), a (min, max) pair gives itself. As torchvision, the four
    adjustments run in the order of a random permutation, and those given as 0 are skipped.
    Works on RGB (or one-channel) PIL images, arrays and tensors, returning the same form."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        self.brightness = _range(brightness, "brightness")
        self.contrast = _range(contrast, "contrast")
        self.saturation = _range(saturation, "saturation")
        self.hue = _range(hue, "hue", center=0.0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        """(order of the four adjustments, then each factor or None), torchvision's draw."""
        rng = get_rng()
        order = rng.permutation(4)
        factors = [None if r is None else float(rng.uniform(r[0], r[1]))
                   for r in (brightness, contrast, saturation, hue)]
        return (order, *factors)

    def __call__(self, img):
        chw, restore = as_chw(img)
        order, *factors = self.get_params(self.brightness, self.contrast, self.saturation,
                                          self.hue)
        adjust = (adjust_brightness, adjust_contrast, adjust_saturation, adjust_hue)
        for index in order:
            if factors[index] is not None:
                chw = adjust[index](chw, factors[index])
        return restore(chw)

    def __repr__(self):
        return (f"ColorJitter(brightness={self.brightness}, contrast={self.contrast}, "
                f"saturation={self.saturation}, hue={self.hue})")


class RandomGrayscale:
    """With probability p, grey with as many channels as the input (three equal ones for RGB),
    so the pipeline's shapes do not change."""

    def __init__(self, p: float = 0.1):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomGrayscale: p must be in [0, 1], got {p}")
        self.p = p

    def __call__(self, img):
        if get_rng().random() >= self.p:
            return img
        if is_pil(img):
            channels = len(img.getbands())
            result = img.convert("L")
            return result.convert(img.mode) if channels == 3 else result
        chw, restore = as_chw(img)
        return restore(np.repeat(grey(chw), chw.shape[-3], axis=-3))

    def __repr__(self):
        return f"RandomGrayscale(p={self.p})"
