"""Shape functions: flatten and pad."""
from __future__ import annotations

from ... import ops
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
