"""torchvision.transforms for CNN training: ToTensor, PILToTensor, ToPILImage, Normalize, Resize,
CenterCrop, RandomCrop, RandomResizedCrop, RandomHorizontalFlip, RandomVerticalFlip, Grayscale,
Pad, Compose and Lambda here; ColorJitter and RandomGrayscale (_color.py); RandomRotation,
GaussianBlur, RandomErasing and InterpolationMode (_geometry.py); RandomApply, RandomChoice and
RandomOrder (_random_apply.py).

Each takes a PIL image (when Pillow is installed), a numpy array laid out as PIL's (H, W[, C])
or a Tensor (C, H, W) and returns the same form (ToTensor and PILToTensor return tensors). Random
choices come from the library's generator, so `tinygrad_cnn.manual_seed` repeats them. The
array work is tinygrad_cnn.data.transforms' (crops, flips, normalization) or interpolate's."""
from __future__ import annotations

import math

import numpy as np

from ..data import transforms as array_transforms
from ..data.transforms import Compose
from ..nn import functional as F
from ..random import get_rng
from ..tensor import Tensor
from ._color import ColorJitter, RandomGrayscale
from ._geometry import GaussianBlur, InterpolationMode, RandomErasing, RandomRotation
from ._images import as_chw, hwc, is_pil, require_pillow
from ._random_apply import RandomApply, RandomChoice, RandomOrder
from ..unsupported import namespace_getattr

__all__ = ["Compose", "ToTensor", "PILToTensor", "Normalize", "Resize", "CenterCrop",
           "RandomCrop", "RandomResizedCrop", "RandomHorizontalFlip", "RandomVerticalFlip",
           "ToPILImage", "Grayscale", "Pad", "Lambda", "ColorJitter", "RandomGrayscale",
           "RandomRotation", "GaussianBlur", "RandomErasing", "InterpolationMode", "RandomApply",
           "RandomChoice", "RandomOrder"]


def _size_pair(size, name) -> tuple[int, int]:
    pair = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
    if len(pair) == 1:
        pair = (pair[0], pair[0])
    if len(pair) != 2 or any(not isinstance(s, (int, np.integer)) or s <= 0 for s in pair):
        raise ValueError(f"{name}: size must be a positive int or (height, width), got {size!r}")
    return int(pair[0]), int(pair[1])


class ToTensor:
    """A PIL image or (H, W[, C]) array -> a (C, H, W) tensor; uint8 pixels become float32 in
    [0, 1] (divided by 255), other dtypes keep their values, as torchvision's ToTensor."""

    def __call__(self, pic):
        if isinstance(pic, Tensor):
            raise TypeError("ToTensor: pic should be a PIL Image or ndarray, got a Tensor")
        chw = np.ascontiguousarray(hwc(pic).transpose(2, 0, 1))
        if chw.dtype == np.uint8:
            return Tensor(chw.astype(np.float32) / np.float32(255))
        return Tensor(chw.astype(np.float32) if chw.dtype == np.bool_ else chw)

    def __repr__(self):
        return "ToTensor()"


class PILToTensor:
    """A PIL image or (H, W[, C]) array -> a (C, H, W) tensor of the same dtype, unscaled."""

    def __call__(self, pic):
        return Tensor(np.ascontiguousarray(hwc(pic).transpose(2, 0, 1)))

    def __repr__(self):
        return "PILToTensor()"


class Normalize:
    """Per channel: (x[c] - mean[c]) / std[c], on a float tensor (C, H, W) or (N, C, H, W)
    (differentiable) or a (C, H, W) array."""

    def __init__(self, mean, std, inplace: bool = False):
        self._arrays = array_transforms.Normalize(mean, std)   # checks the arguments
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        if not isinstance(tensor, Tensor):
            return self._arrays(tensor)
        if tensor.ndim < 3 or tensor.array.dtype.kind != "f":
            raise TypeError(f"Normalize: expected a float tensor (C, H, W) or (N, C, H, W), got "
                            f"shape {tensor.shape}, dtype {tensor.dtype} (apply ToTensor first)")
        channels = tensor.shape[-3]
        mean, std = self._arrays.mean, self._arrays.std
        if len(mean) not in (1, channels) or len(std) not in (1, channels):
            raise ValueError(f"Normalize: {len(mean)} means and {len(std)} stds for a tensor "
                             f"with {channels} channels")
        dtype = tensor.array.dtype
        return (tensor - Tensor(mean.astype(dtype).reshape(-1, 1, 1))) / \
            Tensor(std.astype(dtype).reshape(-1, 1, 1))

    def __repr__(self):
        return f"Normalize(mean={self.mean}, std={self.std})"


def _resize_chw(chw: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of a (C, H, W) or (N, C, H, W) array (uint8 rounds back to uint8)."""
    batch = chw if chw.ndim == 4 else chw[None]
    floats = Tensor(batch.astype(np.float32))
    out = F.interpolate(floats, size=size, mode="bilinear", align_corners=False).array
    if chw.dtype == np.uint8:
        out = np.clip(np.round(out), 0, 255)
    out = out.astype(chw.dtype)
    return out if chw.ndim == 4 else out[0]


def _resized_size(height: int, width: int, size) -> tuple[int, int]:
    """torchvision's rule: an int sets the shorter side (the other keeps the aspect ratio)."""
    if isinstance(size, (tuple, list)) and len(size) == 2:
        return _size_pair(size, "Resize")
    short = _size_pair(size if isinstance(size, (int, np.integer)) else size[0], "Resize")[0]
    if height <= width:
        return short, int(short * width / height)
    return int(short * height / width), short


class Resize:
    """Resize to `size` (height, width), or with an int make the shorter side `size`. PIL images
    use Pillow's bilinear filter; arrays and tensors use F.interpolate (bilinear)."""

    def __init__(self, size, interpolation="bilinear", max_size=None, antialias=True):
        _resized_size(1, 1, size)                              # checks size
        if max_size is not None:
            raise ValueError("not supported in tinygrad_cnn: torchvision Resize(max_size=...)")
        self.size, self.interpolation, self.antialias = size, interpolation, antialias

    def __call__(self, img):
        if is_pil(img):
            height, width = _resized_size(img.height, img.width, self.size)
            return img.resize((width, height), resample=2)     # 2 = PIL.Image.BILINEAR
        chw, restore = as_chw(img)
        return restore(_resize_chw(chw, _resized_size(*chw.shape[-2:], self.size)))

    def __repr__(self):
        return f"Resize(size={self.size}, interpolation={self.interpolation}, antialias={self.antialias})"


def _crop(chw, top: int, left: int, height: int, width: int) -> np.ndarray:
    """The window, zero-padded where it leaves the image (torchvision's rule for crops)."""
    h, w = chw.shape[-2:]
    pads = [(0, 0)] * (chw.ndim - 2) + [(max(-top, 0), max(top + height - h, 0)),
                                       (max(-left, 0), max(left + width - w, 0))]
    padded = np.pad(chw, pads)
    top, left = max(top, 0), max(left, 0)
    return np.ascontiguousarray(padded[..., top:top + height, left:left + width])


class CenterCrop:
    """The central (height, width) window (zero-padded if the image is smaller)."""

    def __init__(self, size):
        self.size = _size_pair(size, "CenterCrop")

    def __call__(self, img):
        chw, restore = as_chw(img)
        (h, w), (ch, cw) = chw.shape[-2:], self.size
        top, left = int(round((h - ch) / 2.0)), int(round((w - cw) / 2.0))
        return restore(_crop(chw, top, left, ch, cw))

    def __repr__(self):
        return f"CenterCrop(size={self.size})"


class RandomCrop:
    """Pad (optionally), then cut a random `size` window; torchvision's arguments (see
    tinygrad_cnn.data.transforms.RandomCrop, which does the work)."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self._arrays = array_transforms.RandomCrop(size, padding, pad_if_needed, fill, padding_mode)
        self.size, self.padding = self._arrays.size, padding

    def __call__(self, img):
        chw, restore = as_chw(img)
        return restore(self._arrays(chw))

    def __repr__(self):
        return f"RandomCrop(size={self.size}, padding={self.padding})"


class RandomResizedCrop:
    """A random window covering `scale` of the area with aspect ratio in `ratio`, resized to
    `size` (torchvision's sampling: ten tries, then the whole image's central fit)."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation="bilinear", antialias=True):
        self.size = _size_pair(size, "RandomResizedCrop")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            raise ValueError(f"RandomResizedCrop: scale {scale} and ratio {ratio} must be "
                             f"(min, max) ranges")
        self.scale, self.ratio, self.interpolation = tuple(scale), tuple(ratio), interpolation

    def get_params(self, height: int, width: int) -> tuple[int, int, int, int]:
        rng, area = get_rng(), height * width
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            target = area * rng.uniform(*self.scale)
            aspect = math.exp(rng.uniform(*log_ratio))
            w, h = int(round(math.sqrt(target * aspect))), int(round(math.sqrt(target / aspect)))
            if 0 < w <= width and 0 < h <= height:
                return int(rng.integers(0, height - h + 1)), int(rng.integers(0, width - w + 1)), h, w
        in_ratio = width / height
        if in_ratio < self.ratio[0]:
            w, h = width, int(round(width / self.ratio[0]))
        elif in_ratio > self.ratio[1]:
            h, w = height, int(round(height * self.ratio[1]))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def __call__(self, img):
        chw, restore = as_chw(img)
        top, left, h, w = self.get_params(*chw.shape[-2:])
        return restore(_resize_chw(_crop(chw, top, left, h, w), self.size))

    def __repr__(self):
        return f"RandomResizedCrop(size={self.size}, scale={self.scale}, ratio={self.ratio})"


class RandomHorizontalFlip:
    """Mirror left-right with probability p."""

    def __init__(self, p: float = 0.5):
        self._arrays = array_transforms.RandomHorizontalFlip(p)
        self.p = p

    def __call__(self, img):
        chw, restore = as_chw(img)
        return restore(self._arrays(chw))

    def __repr__(self):
        return f"RandomHorizontalFlip(p={self.p})"


class RandomVerticalFlip:
    """Mirror top-bottom with probability p."""

    def __init__(self, p: float = 0.5):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomVerticalFlip: p must be in [0, 1], got {p}")
        self.p = p

    def __call__(self, img):
        chw, restore = as_chw(img)
        return restore(np.ascontiguousarray(chw[..., ::-1, :]) if get_rng().random() < self.p
                       else chw.copy())

    def __repr__(self):
        return f"RandomVerticalFlip(p={self.p})"


class ToPILImage:
    """A (C, H, W) tensor or (H, W[, C]) array -> a PIL image (needs Pillow). Float values in
    [0, 1] are scaled to 0..255 as torchvision does (x * 255, truncated)."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        pil = require_pillow("ToPILImage")
        if isinstance(pic, Tensor):
            array = pic.array
            if array.ndim == 2:
                array = array[None]
            array = array.transpose(1, 2, 0)                     # (H, W, C)
        else:
            array = hwc(pic)
        if array.dtype.kind == "f":
            array = (array * 255).astype(np.uint8)
        return pil.fromarray(array[:, :, 0] if array.shape[2] == 1 else array, mode=self.mode)

    def __repr__(self):
        return "ToPILImage()" if self.mode is None else f"ToPILImage(mode={self.mode})"


class Grayscale:
    """RGB -> one channel (or `num_output_channels` equal ones) with the ITU-R 601-2 weights
    torchvision uses: 0.299 R + 0.587 G + 0.114 B."""

    def __init__(self, num_output_channels: int = 1):
        if num_output_channels not in (1, 3):
            raise ValueError("Grayscale: num_output_channels should be either 1 or 3")
        self.num_output_channels = num_output_channels

    def __call__(self, img):
        if is_pil(img):
            grey = img.convert("L")
            return grey if self.num_output_channels == 1 else grey.convert("RGB")
        chw, restore = as_chw(img)
        if chw.shape[-3] == 1:
            grey = chw.astype(np.float32)
        else:
            weights = np.array([0.299, 0.587, 0.114], np.float32).reshape(3, 1, 1)
            grey = (chw[..., :3, :, :].astype(np.float32) * weights).sum(axis=-3, keepdims=True)
        if chw.dtype == np.uint8:
            grey = np.clip(np.round(grey), 0, 255)
        grey = np.repeat(grey.astype(chw.dtype), self.num_output_channels, axis=-3)
        return restore(grey)

    def __repr__(self):
        return f"Grayscale(num_output_channels={self.num_output_channels})"


class Pad:
    """Pad the borders: an int for all sides, (left/right, top/bottom) or (left, top, right,
    bottom), with `fill` ('constant') or numpy's 'edge', 'reflect', 'symmetric'."""

    def __init__(self, padding, fill=0, padding_mode="constant"):
        self.left, self.top, self.right, self.bottom = array_transforms._borders(padding)
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError(f"Pad: unknown padding_mode {padding_mode!r}")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def __call__(self, img):
        chw, restore = as_chw(img)
        pads = [(0, 0)] * (chw.ndim - 2) + [(self.top, self.bottom), (self.left, self.right)]
        kwargs = {"constant_values": self.fill} if self.padding_mode == "constant" else {}
        return restore(np.pad(chw, pads, mode=self.padding_mode, **kwargs))

    def __repr__(self):
        return f"Pad(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"


class Lambda:
    """Apply a user function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Lambda: argument should be callable, got {type(lambd).__name__}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return "Lambda()"


__getattr__ = namespace_getattr("torchvision.transforms")
