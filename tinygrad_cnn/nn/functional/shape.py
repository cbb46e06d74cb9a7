"""Shape functions: flatten, pad, one_hot (class indices to indicator vectors), and
pixel_shuffle / pixel_unshuffle (channels to space and back)."""
from __future__ import annotations

import numpy as np

from ... import ops
from ...tensor import Tensor
from ._checks import check_tensor


def flatten(input, start_dim=0, end_dim=-1):
    check_tensor("flatten", "input", input, floating=False)
    return input.flatten(start_dim, end_dim)


def _source_cells(size, before, after, mode):
    """Which input cell each output cell reads along one axis padded by (before, after):
    positions -before .. size + after - 1, folded back into the input by mirroring about the
    edge cells ('reflect'), clamping to them ('replicate') or wrapping around ('circular')."""
    position = np.arange(-before, size + after)
    if mode == "reflect":
        position = np.abs(position)                          # mirror at cell 0, edge not repeated
        return np.where(position >= size, 2 * (size - 1) - position, position)
    if mode == "replicate":
        return np.clip(position, 0, size - 1)
    return position % size                                   # circular


def pad(input, pad, mode="constant", value=None):
    """Pad (or, with negative amounts, crop) the trailing axes; `pad` lists (before, after) pairs
    starting from the LAST axis, as torch.nn.functional.pad: (left, right, top, bottom, ...).

    mode: 'constant' (fill with `value`, default 0), or 'reflect' / 'replicate' / 'circular',
    which read each new cell from the input (see _source_cells) and, as in PyTorch, pad only the
    last 1, 2 or 3 axes of a tensor with 1 or 2 more axes than that. reflect needs each amount
    below the axis size, circular at most the axis size; circular crops first, then wraps.
    Backward: the constant's cells get no gradient; a cell read several times gets the sum."""
    fn = "pad"
    check_tensor(fn, "input", input, floating=False)
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise ValueError(f"{fn}: mode must be 'constant', 'reflect', 'replicate' or 'circular', "
                         f"got {mode!r}")
    amounts = tuple(pad) if isinstance(pad, (tuple, list)) else None
    if (amounts is None or len(amounts) % 2 or len(amounts) // 2 > input.ndim
            or not all(isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in amounts)):
        raise ValueError(f"{fn}: pad must hold ints in (before, after) pairs for at most "
                         f"{input.ndim} axes, got {pad!r} for input shape {input.shape}")
    n = len(amounts) // 2
    axes = [input.ndim - 1 - i for i in range(n)]                       # last axis first
    pairs = [(int(amounts[2 * i]), int(amounts[2 * i + 1])) for i in range(n)]
    for axis, (before, after) in zip(axes, pairs):
        size = input.shape[axis]
        if size + min(before, 0) + min(after, 0) < 0 or size + before + after < 0:
            raise ValueError(f"{fn}: pad {pad!r} crops more than the {size} cells of axis {axis} "
                             f"(input shape {input.shape})")
    if mode == "constant":
        # crop the negative amounts, then pad the positive ones
        crop = [slice(None)] * input.ndim
        widths = [(0, 0)] * input.ndim
        for axis, (before, after) in zip(axes, pairs):
            crop[axis] = slice(max(-before, 0), input.shape[axis] - max(-after, 0))
            widths[axis] = (max(before, 0), max(after, 0))
        if any(c != slice(None) for c in crop):
            input = input[tuple(crop)]
        return ops.Pad.apply(input, pad_width=tuple(widths), value=0.0 if value is None else value)
    if value not in (None, 0):
        raise ValueError(f"{fn}: mode={mode!r} takes no value, got value={value!r}")
    if input.ndim not in (n + 1, n + 2) or n > 3:
        raise ValueError(f"{fn}: mode={mode!r} pads the last 1, 2 or 3 axes of a tensor with 1 or "
                         f"2 more axes; pad {pad!r} ({n} axes) does not fit input shape {input.shape}")
    if 0 in input.shape[1:] or (input.ndim == n + 1 and 0 in input.shape):
        raise ValueError(f"{fn}: mode={mode!r} needs non-empty axes, got input shape {input.shape}")
    if mode == "circular":  # crop first, so that the wrap reads the cropped tensor
        crop = [slice(None)] * input.ndim
        for i, (axis, (before, after)) in enumerate(zip(axes, pairs)):
            crop[axis] = slice(max(-before, 0), input.shape[axis] - max(-after, 0))
            pairs[i] = (max(before, 0), max(after, 0))
        input = input[tuple(crop)]
    sources = {}
    for axis, (before, after) in zip(axes, pairs):
        size = input.shape[axis]
        limit = size - 1 if mode == "reflect" else size if mode == "circular" else None
        if limit is not None and max(before, after) > limit:
            raise ValueError(f"{fn}: mode={mode!r} allows padding of at most {limit} on axis "
                             f"{axis} of size {size}, got {pad!r} (input shape {input.shape})")
        sources[axis] = _source_cells(size, before, after, mode)
    if min(len(cells) for cells in sources.values()) < 1:
        raise ValueError(f"{fn}: pad {pad!r} leaves an empty axis (input shape {input.shape})")
    lead = input.ndim - n                                               # axes left alone
    grid = np.ix_(*(sources[axis] for axis in range(lead, input.ndim)))
    return input[(Ellipsis,) + grid]


def one_hot(tensor, num_classes=-1):
    """Class indices of any shape -> int64 indicators with a new last axis of num_classes
    (by default one more than the largest index). Not differentiable: the input is integers."""
    fn = "one_hot"
    check_tensor(fn, "tensor", tensor, floating=False)
    if not np.issubdtype(tensor.dtype, np.integer):
        raise TypeError(f"{fn}: tensor must hold integer class indices, got dtype {tensor.dtype}")
    if not isinstance(num_classes, (int, np.integer)) or num_classes < -1:
        raise ValueError(f"{fn}: num_classes must be a positive int or -1, got {num_classes!r}")
    indices = tensor.array
    if indices.size and indices.min() < 0:
        raise ValueError(f"{fn}: class indices must be >= 0, got {indices.min()} (shape {tensor.shape})")
    if num_classes == -1:
        if not indices.size:
            raise ValueError(f"{fn}: cannot infer num_classes from an empty tensor; pass it")
        num_classes = int(indices.max()) + 1
    elif indices.size and indices.max() >= num_classes:
        raise ValueError(f"{fn}: class index {indices.max()} is out of range for num_classes="
                         f"{num_classes} (shape {tensor.shape})")
    return Tensor((indices[..., None] == np.arange(num_classes)).astype(np.int64))


def _check_pixel_shuffle(fn: str, input, factor: int, name: str) -> None:
    check_tensor(fn, "input", input, floating=False)
    if not isinstance(factor, (int, np.integer)) or isinstance(factor, bool) or factor <= 0:
        raise ValueError(f"{fn}: {name} must be a positive int, got {factor!r}")
    if input.ndim < 3:
        raise RuntimeError(f"{fn} expects input to have at least 3 dimensions, but got input "
                           f"with {input.ndim} dimension(s)")


def pixel_shuffle(input, upscale_factor: int):
    """(*, C r^2, H, W) -> (*, C, H r, W r): out[c, h r + i, w r + j] = in[c r^2 + i r + j, h, w]
    (sub-pixel convolution's rearrangement; a reshape and a permute, so gradients flow back)."""
    fn, r = "pixel_shuffle", upscale_factor
    _check_pixel_shuffle(fn, input, r, "upscale_factor")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"{fn} expects its input's 'channel' dimension to be divisible by the "
                           f"square of upscale_factor, but input.size(-3)={c} is not divisible "
                           f"by {r * r}")
    k = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)      # (*, C, H, r, W, r)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor: int):
    """(*, C, H r, W r) -> (*, C r^2, H, W), the inverse of pixel_shuffle."""
    fn, r = "pixel_unshuffle", downscale_factor
    _check_pixel_shuffle(fn, input, r, "downscale_factor")
    *lead, c, h, w = input.shape
    for side, size, axis in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(f"{fn} expects {side} to be divisible by downscale_factor, but "
                               f"input.size({axis})={size} is not divisible by {r}")
    k = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)      # (*, C, r, r, H, W)
    return x.reshape(*lead, c * r * r, h // r, w // r)
