"""embedding: rows of a weight matrix picked by integer indices (a lookup that learns)."""
from __future__ import annotations

import numpy as np

from ...functions import where
from ...tensor import Tensor
from ._checks import check_tensor


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """weight[input]: for integer indices of any shape (*), rows of weight (V, D) as (*, D).
    The gradient adds into the rows used (repeated indices add up); rows at `padding_idx` get
    none, as in PyTorch."""
    fn = "embedding"
    check_tensor(fn, "weight", weight, ndim=2)
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("not supported in tinygrad_cnn: F.embedding with max_norm, "
                                  "scale_grad_by_freq or sparse")
    index = input.array if isinstance(input, Tensor) else np.asarray(input)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{fn}: indices must be an integer tensor, got dtype {index.dtype}")
    rows = weight.shape[0]
    if index.size and (index.min() < -rows or index.max() >= rows):
        raise IndexError(f"{fn}: index out of range: indices span [{index.min()}, "
                         f"{index.max()}] but weight has {rows} rows")
    picked = weight[index]                                      # (*, D)
    if padding_idx is None:
        return picked
    padding_idx = padding_idx if padding_idx >= 0 else padding_idx + rows
    learn = Tensor((index != padding_idx)[..., None])           # (*, 1)
    return where(learn, picked, picked.detach())               # same values, no padding grad
