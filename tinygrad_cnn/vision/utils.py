"""torchvision.utils: make_grid tiles a batch of images into one picture (for samples and
filters), save_image writes it as a PNG (or any format Pillow knows)."""
from __future__ import annotations

import math
import os

import numpy as np

from ..tensor import Tensor
from ._images import require_pillow
from ..unsupported import namespace_getattr

__all__ = ["make_grid", "save_image"]


def _batch(tensor) -> np.ndarray:
    """A tensor (or list of (C, H, W) tensors) as float (N, C, H, W) with C 1 or 3 -> 3."""
    if isinstance(tensor, (list, tuple)):
        tensor = np.stack([t.array if isinstance(t, Tensor) else np.asarray(t) for t in tensor])
    array = tensor.array if isinstance(tensor, Tensor) else np.asarray(tensor)
    array = array.astype(np.float32) if array.dtype.kind != "f" else array
    if array.ndim == 2:                       # one single-channel image (H, W)
        array = array[None]
    if array.ndim == 3:                       # one image (C, H, W)
        array = array[None]
    if array.ndim != 4:
        raise ValueError(f"make_grid: expected (N, C, H, W), (C, H, W) or (H, W), got shape "
                         f"{array.shape}")
    if array.shape[1] == 1:                   # grey -> RGB, as torchvision
        array = np.repeat(array, 3, axis=1)
    return array


def _normalized(array: np.ndarray, value_range, scale_each: bool) -> np.ndarray:
    """Values mapped from [low, high] (given, or each image's / the batch's range) to [0, 1]."""
    def scale(x):
        low, high = value_range if value_range is not None else (x.min(), x.max())
        return (np.clip(x, low, high) - low) / max(high - low, 1e-5)
    if scale_each:
        return np.stack([scale(image) for image in array])
    return scale(array)


def make_grid(tensor, nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range=None, scale_each: bool = False, pad_value: float = 0.0) -> Tensor:
    """Images (N, C, H, W) (or a list of (C, H, W)) tiled `nrow` per row with `padding` pixels
    of `pad_value` between them: a (3, rows * (H + padding) + padding, ...) tensor, as
    torchvision (single-channel images become grey RGB; one image comes back unpadded)."""
    array = _batch(tensor)
    if normalize:
        array = _normalized(array.copy(), value_range, scale_each)
    if array.shape[0] == 1:
        return Tensor(array[0])
    count, channels, height, width = array.shape
    columns = min(nrow, count)
    rows = int(math.ceil(count / columns))
    cell_h, cell_w = height + padding, width + padding
    grid = np.full((channels, rows * cell_h + padding, columns * cell_w + padding), pad_value,
                   dtype=array.dtype)
    for k in range(count):
        top, left = (k // columns) * cell_h + padding, (k % columns) * cell_w + padding
        grid[:, top:top + height, left:left + width] = array[k]
    return Tensor(grid)


def save_image(tensor, fp, format=None, **grid_kwargs) -> None:
    """Write images (values in [0, 1]) as one picture: make_grid(tensor, **grid_kwargs), scaled
    to 0..255 and rounded as torchvision, saved by Pillow to a path or file object."""
    pil = require_pillow("save_image")
    grid = make_grid(tensor, **grid_kwargs).array
    pixels = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    if isinstance(fp, (str, os.PathLike)) and format is None and not os.path.splitext(fp)[1]:
        raise ValueError(f"save_image: cannot tell the image format of {os.fspath(fp)!r}; give "
                         f"a file extension such as .png or format='png'")
    pil.fromarray(pixels).save(fp, format=format)


__getattr__ = namespace_getattr("torchvision.utils")
