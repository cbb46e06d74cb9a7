"""The three forms an image takes in a torchvision pipeline, and the one every transform here
computes on: a PIL image (when Pillow is installed), a numpy array laid out as PIL's (H, W) or
(H, W, C), and a Tensor laid out as PyTorch's (C, H, W) or (N, C, H, W). `as_chw` turns any of
them into a (C, H, W) numpy array and gives back a function that turns a result into the
caller's form again, so each transform is written once, on arrays."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor

try:
    from PIL import Image
except ImportError:                      # Pillow is optional: arrays and tensors always work
    Image = None


def is_pil(img) -> bool:
    return Image is not None and isinstance(img, Image.Image)


def require_pillow(what: str):
    """The PIL.Image module, or an ImportError saying what needed it."""
    if Image is None:
        raise ImportError(f"{what} needs Pillow (pip install pillow); without it, use numpy "
                          f"arrays or tensors")
    return Image


def hwc(img) -> np.ndarray:
    """A PIL image or an (H, W) / (H, W, C) array as an (H, W, C) array."""
    array = np.asarray(img)
    if array.ndim == 2:
        return array[:, :, None]
    if array.ndim != 3:
        raise ValueError(f"expected an image (H, W) or (H, W, C), got an array of shape "
                         f"{array.shape}")
    return array


def as_chw(img):
    """(array (C, H, W) or (N, C, H, W), restore) for a PIL image, array or tensor."""
    if isinstance(img, Tensor):
        if img.ndim not in (3, 4):
            raise ValueError(f"expected a tensor (C, H, W) or (N, C, H, W), got shape {img.shape}")
        return img.array, Tensor
    if is_pil(img):
        mode = img.mode

        def to_pil(chw):
            array = chw.transpose(1, 2, 0)
            return Image.fromarray(array[:, :, 0] if array.shape[2] == 1 else array, mode=mode)
        return hwc(img).transpose(2, 0, 1), to_pil
    if isinstance(img, np.ndarray):
        flat = img.ndim == 2

        def to_array(chw):
            array = chw.transpose(1, 2, 0)
            return array[:, :, 0] if flat else array
        return hwc(img).transpose(2, 0, 1), to_array
    raise TypeError(f"expected a PIL image, a numpy array (H, W[, C]) or a Tensor (C, H, W), "
                    f"got {type(img).__name__}")


def image_size(img) -> tuple[int, int]:
    """(height, width)."""
    chw, _ = as_chw(img)
    return chw.shape[-2], chw.shape[-1]
