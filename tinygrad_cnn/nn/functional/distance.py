"""Similarities and distances between two batches of vectors: cosine_similarity and
pairwise_distance, compositions of element-wise ops and sums (gradients come from those)."""
from __future__ import annotations

import numpy as np

from ...functions import where
from ._checks import check_tensor


def _broadcast_pair(fn: str, x1, x2):
    """x1 and x2 expanded to their common shape; RuntimeError naming both shapes if none."""
    check_tensor(fn, "x1", x1)
    check_tensor(fn, "x2", x2)
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise RuntimeError(f"{fn}: the shapes of x1 {tuple(x1.shape)} and x2 {tuple(x2.shape)} "
                           f"do not broadcast") from None
    return x1.expand(shape), x2.expand(shape)


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    """cos(x1, x2) = sum(x1 * x2) / (max(|x1|, eps) * max(|x2|, eps)) along `dim`, after
    broadcasting. Each vector is divided by its own clamped norm first (as PyTorch does), so
    products of two large norms do not overflow."""
    x1, x2 = _broadcast_pair("cosine_similarity", x1, x2)
    axis = x1._axis(dim)
    n1 = (x1 * x1).sum(axis, keepdim=True).sqrt().clamp(min=eps)
    n2 = (x2 * x2).sum(axis, keepdim=True).sqrt().clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(axis)


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    """The p-norm of x1 - x2 + eps along the last axis (eps keeps the norm's gradient finite
    where the vectors are equal):
        ||d||_p = (sum |d_i|^p)^(1/p),   ||d||_inf = max |d_i|,   ||d||_0 = #{d_i != 0}."""
    fn = "pairwise_distance"
    x1, x2 = _broadcast_pair(fn, x1, x2)
    if x1.ndim == 0:
        raise IndexError(f"{fn}: expected inputs with at least one dimension, got 0-d tensors")
    if not p >= 0:
        raise ValueError(f"{fn}: p must be non-negative, got {p}")
    d = x1 - x2 + eps
    if p == 0:                                    # a count: no gradient, as in PyTorch
        return x1._constant((d.array != 0).sum(-1, keepdims=keepdim).astype(d.array.dtype))
    size = d.abs()
    if p == float("inf"):
        return size.amax(-1, keepdim)
    if p == 1:
        return size.sum(-1, keepdim)
    if p == 2:
        total = (d * d).sum(-1, keepdim)
        # a zero distance has gradient 0 (PyTorch's choice), not sqrt's 1/0
        safe = where(total > 0, total, 1.0)
        return where(total > 0, safe.sqrt(), 0.0)
    return (size ** p).sum(-1, keepdim) ** (1.0 / p)
