"""DataLoader: batches of Tensors from a dataset, in order or freshly shuffled each epoch.

Follows `torch.utils.data.DataLoader` (single process). Two ways to build a batch:
- fast path: the dataset has `get_batch(indices)` (TensorDataset, Subset of one) and no
  `collate_fn` was given: one numpy fancy-index per field, no Python loop over samples;
- general path: `collate_fn([dataset[i] for i in indices])`, `default_collate` by default.
Both give the same batches, dtypes included.
"""
import math
from collections.abc import Mapping

import numpy as np

from ..random import get_rng
from ..tensor import Tensor


def _to_tensor(array):
    """A batch field as a Tensor: floats keep their dtype, integer class labels become int64."""
    if array.dtype.kind in "iu" and array.ndim == 1:
        array = array.astype(np.int64, copy=False)  # (B,) labels, as F.cross_entropy expects
    return Tensor(array)


def default_collate(batch):
    """Stack a list of samples into a batch, field by field, as PyTorch's `default_collate`.

    Args:
        batch: list of samples; each sample is a numpy array, Tensor, number, or a tuple /
            list / dict of those (nested).

    Returns:
        Tensor for arrays, Tensors and numbers (stacked along a new first axis); a list of
        collated fields for tuple/list samples (as PyTorch); a dict for dict samples.
        Float arrays keep their dtype; Python floats become float32 (the library's default,
        where PyTorch would give float64); integer scalars (labels) become int64.
    """
    first = batch[0]
    if isinstance(first, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        if any(len(sample) != len(first) for sample in batch):
            raise ValueError("default_collate: samples have different numbers of fields: "
                             f"{sorted({len(sample) for sample in batch})}")
        return [default_collate(list(field)) for field in zip(*batch)]
    if isinstance(first, Tensor):
        return _to_tensor(np.stack([sample.data for sample in batch]))
    if isinstance(first, (np.ndarray, np.generic)):
        return _to_tensor(np.stack(batch))
    if isinstance(first, bool):
        return Tensor(np.array(batch, dtype=np.bool_))
    if isinstance(first, int):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, float):
        return Tensor(np.array(batch, dtype=np.float32))
    raise TypeError(f"default_collate: cannot batch samples of type {type(first).__name__}; "
                    "pass collate_fn to handle them")


class DataLoader:
    """Iterate over a dataset in batches of Tensors.

    Args:
        dataset: indexable with a length (`__getitem__`, `__len__`).
        batch_size: samples per batch (the last may be smaller unless `drop_last`).
        shuffle: draw a fresh random order at the start of every epoch (every `iter`).
        drop_last: drop the last batch when it is smaller than `batch_size`.
        collate_fn: turns a list of samples into a batch; `default_collate` when None.
        generator: np.random.Generator (or int seed) for shuffling.
        seed: int; shorthand for `generator=np.random.default_rng(seed)`, created once so that
            epochs differ from each other but a run repeats. With neither, shuffling draws
            from the library's global generator (`tinygrad_cnn.manual_seed`), as PyTorch does.
            Epoch k visits the samples in the order of the k-th `permutation(N)` drawn from the
            generator, so another framework can replay the same batches.
        num_workers, pin_memory: accepted so PyTorch scripts run unchanged; loading always
            happens in the calling process and nothing is pinned.

    Shape:
        Each batch is what `collate_fn` returns; with the default, a list with one Tensor per
        sample field, e.g. `[x (B, C, H, W), y (B,) int64]` for a TensorDataset(x, y).

    Example:
        >>> loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True, seed=0)
        >>> for xb, yb in loader: ...
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, collate_fn=None,
                 generator=None, seed=None, num_workers=0, pin_memory=False):
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: pass generator or seed, not both")
        if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise TypeError("DataLoader: dataset must define __getitem__ and __len__, "
                            f"got {type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        if seed is not None:
            generator = np.random.default_rng(seed)
        elif generator is not None:
            generator = np.random.default_rng(generator)  # a Generator passes through unchanged
        self.generator = generator

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self):
        """Sample indices for one epoch: 0..N-1, or a fresh permutation when shuffling."""
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self.generator if self.generator is not None else get_rng()
        return rng.permutation(n)

    def __iter__(self):
        order = self._order()                                   # (N,)
        fast = self.collate_fn is None and hasattr(self.dataset, "get_batch")
        collate = self.collate_fn or default_collate
        for b in range(len(self)):
            indices = order[b * self.batch_size:(b + 1) * self.batch_size]   # (B,)
            if fast:
                fields = self.dataset.get_batch(indices)
                yield [_to_tensor(np.asarray(f)) for f in fields]
            else:
                yield collate([self.dataset[int(i)] for i in indices])
