"""Shape functions: flatten, pad, and one_hot (class indices to indicator vectors)."""
from __future__ import annotations

import numpy as np

from ... import ops
from ...tensor import Tensor
from ._checks import check_tensor


def flatten(input, start_dim=0, end_dim=-1):
    check_tensor("flatten", "input", input, floating=False)
    return input.flatten(start_dim, end_dim)


def pad(input, pad, mode="constant", value=0.0):
    """Constant padding; `pad` lists (before, after) pairs starting from the LAST axis, as
    torch.nn.functional.pad: (left, right, top, bottom, ...)."""
    check_tensor("pad", "input", input, floating=False)
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is available, got {mode!r}")
    pad = tuple(pad)
    if len(pad) % 2 or len(pad) // 2 > input.ndim or any(not isinstance(p, int) or p < 0 for p in pad):
        raise ValueError(f"pad: pad must hold non-negative (before, after) pairs for at most "
                         f"{input.ndim} axes, got {pad} for input shape {input.shape}")
    pairs = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        pairs[input.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return ops.Pad.apply(input, pad_width=tuple(pairs), value=value)


def one_hot(tensor, num_classes=-1):
    """Class indices of any shape -> int64 indicators with a new last axis of num_classes
    (by default one more than the largest index). Not differentiable: the input is integers."""
    fn = "one_hot"
    check_tensor(fn, "tensor", tensor, floating=False)
    if not np.issubdtype(tensor.dtype, np.integer):
        raise TypeError(f"{fn}: tensor must hold integer class indices, got dtype {tensor.dtype}")
    if not isinstance(num_classes, (int, np.integer)) or num_classes < -1:
        raise ValueError(f"{fn}: num_classes must be a positive int or -1, got {num_classes!r}")
    indices = tensor.data
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
