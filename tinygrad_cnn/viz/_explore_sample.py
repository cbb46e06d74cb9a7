"""What the explorer page keeps of one array: exact statistics of the whole array, and a few
small 2-d maps of it (first example, first channels, top-left corner) as base64 float16, so a
ResNet-18's page stays a few MB however large its feature maps are."""
from __future__ import annotations

import base64
import math

import numpy as np


def _number(x: float):
    """A float JSON can carry: nan and ±inf become the strings the page prints."""
    return x if math.isfinite(x) else str(x)


def statistics(array: np.ndarray) -> dict:
    """min, max, mean, std, L2 norm and the fraction of exact zeros. Sums run in float64 as
    numpy reduces (chunk by chunk), so no float64 copy of a large weight or gradient is made;
    the norm follows from them: ‖a‖² = n (std² + mean²)."""
    a = np.asarray(array).ravel()
    if a.size == 0:
        return {"size": 0}
    mean, std = float(a.mean(dtype=np.float64)), float(a.std(dtype=np.float64))
    return {"size": int(a.size), "min": _number(float(a.min())), "max": _number(float(a.max())),
            "mean": _number(mean), "std": _number(std),
            "norm": _number(math.sqrt(a.size * (std * std + mean * mean)) if math.isfinite(std) else std),
            "zeros": float(np.count_nonzero(a == 0) / a.size)}


def _planes(a: np.ndarray, kind: str, channels: int):
    """The 2-d planes to show, each with the index it is taken at (as the page prints it) and a
    sentence saying what was picked."""
    if a.ndim == 0:
        return [], ""
    if a.ndim == 1:
        return [("[:]", a[None, :])], ""
    if a.ndim == 2:
        return [("[:, :]", a)], ""
    if a.ndim > 4:  # (N, C, D, H, W) and beyond: leading axes after the first two are flattened
        a = a.reshape(a.shape[:2] + (-1,) + a.shape[-1:])
    if a.ndim == 4 and a.shape[2:] == (1, 1) and kind != "parameter":  # pooled: one value a channel
        return [("[0, :, 0, 0]", a[:1, :, 0, 0])], "first example, every channel"
    if a.ndim == 3:
        picked = range(min(channels, a.shape[0]))
        return [(f"[{c}]", a[c]) for c in picked], f"channels 0–{len(picked) - 1} of {a.shape[0]}"
    if kind == "parameter":  # a kernel (O, C, KH, KW): the first filters, input channel 0
        picked = range(min(channels, a.shape[0]))
        return ([(f"[{o}, 0]", a[o, 0]) for o in picked],
                f"filters 0–{len(picked) - 1} of {a.shape[0]}, input channel 0")
    picked = range(min(channels, a.shape[1]))
    return ([(f"[0, {c}]", a[0, c]) for c in picked],
            f"first example, channels 0–{len(picked) - 1} of {a.shape[1]}")


def summarize(array, kind: str = "activation", channels: int = 4, crop: int = 32) -> dict:
    """{'stats', 'maps', 'note'} for one array; each map holds its index 'at', its size 'h' x 'w'
    and 'data', the row-major float16 values in base64 (little-endian)."""
    a = np.asarray(array)
    planes, note = _planes(a, kind, channels)
    maps, cropped = [], False
    for at, plane in planes:
        height, width = plane.shape
        rows, cols = min(height, crop), min(width, 2 * crop if height == 1 else crop)
        cropped |= (rows, cols) != (height, width)
        values = np.ascontiguousarray(plane[:rows, :cols], dtype="<f2")
        maps.append({"at": at, "h": rows, "w": cols,
                     "data": base64.b64encode(values.tobytes()).decode("ascii")})
    if cropped:
        height, width = planes[0][1].shape
        note += (", " if note else "") + f"top-left {maps[0]['h']}×{maps[0]['w']} of {height}×{width}"
    return {"stats": statistics(a), "maps": maps, "note": note}
