"""Datasets: anything indexable with a length, as in `torch.utils.data`.

A dataset maps an index to one sample (usually a tuple `(input, target)`). Datasets that hold
whole arrays may also offer `get_batch(indices)`, returning the stacked batch in one numpy
fancy-index; `DataLoader` uses it instead of a Python loop over samples (the fast path).
"""
import math
from bisect import bisect_right

import numpy as np

from ..random import get_rng
from ..tensor import Tensor


class Dataset:
    """Base class of map-style datasets: subclasses define `__getitem__` and `__len__`."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __add__(self, other):
        """`a + b` is ConcatDataset([a, b]): the samples of a, then those of b."""
        return ConcatDataset([self, other])


class ConcatDataset(Dataset):
    """Several datasets one after the other, as torch.utils.data.ConcatDataset.

    Args:
        datasets: a non-empty iterable of datasets.

    Example:
        >>> both = ConcatDataset([TensorDataset(np.zeros(3)), TensorDataset(np.ones(2))])
        >>> len(both), float(both[3][0])
        (5, 1.0)
    """

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if index < 0:
            if -index > len(self):
                raise ValueError(f"ConcatDataset: absolute value of index {index} should not "
                                 f"exceed dataset length {len(self)}")
            index += len(self)
        which = bisect_right(self.cumulative_sizes, index)   # the first dataset ending after it
        if which == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {index} is out of range for length {len(self)}")
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


class TensorDataset(Dataset):
    """Samples are slices along the first dimension of several arrays or Tensors.

    Args:
        *tensors: numpy arrays or Tensors with the same size N of their first dimension.
        transform: optional callable applied to the first array's items (CHW) and batches
            (NCHW); a keyword beyond PyTorch's `TensorDataset`, so augmentation can run on
            whole batches.

    Shape:
        item `i` is `tuple(t[i] for t in tensors)`; `get_batch(idx)` gives `t[idx]` for each.
        Items come back as the kind given (Tensor in, Tensor out, without graph history).

    Example:
        >>> ds = TensorDataset(np.zeros((10, 1, 8, 8), np.float32), np.arange(10))
        >>> x, y = ds[3]          # x: (1, 8, 8), y: 3
    """

    def __init__(self, *tensors, transform=None):
        if not tensors:
            raise ValueError("TensorDataset needs at least one array or Tensor")
        arrays = [_as_array(t, i) for i, t in enumerate(tensors)]
        for a in arrays:
            if a.ndim == 0:
                raise ValueError("TensorDataset: every array needs a first (sample) dimension, "
                                 f"got a scalar among shapes {[a.shape for a in arrays]}")
        if any(a.shape[0] != arrays[0].shape[0] for a in arrays):
            raise ValueError("TensorDataset: size mismatch along the first dimension, "
                             f"shapes {', '.join(str(a.shape) for a in arrays)}")
        self.tensors = tensors
        self.transform = transform
        self._arrays = arrays                       # numpy views of `tensors`, never copies
        self._as_tensor = [isinstance(t, Tensor) for t in tensors]

    def __len__(self):
        return self._arrays[0].shape[0]

    def __getitem__(self, index):
        items = [a[index] for a in self._arrays]
        if self.transform is not None:
            items[0] = self.transform(items[0])
        return tuple(Tensor(v) if wrap else v for v, wrap in zip(items, self._as_tensor))

    def get_batch(self, indices):
        """The samples at `indices`, stacked: one numpy array per field, (B, ...) each."""
        batch = [a[indices] for a in self._arrays]  # one fancy-index per field: copies (B, ...)
        if self.transform is not None:
            batch[0] = self.transform(batch[0])
        return tuple(batch)


def _as_array(value, position: int) -> np.ndarray:
    """TensorDataset's argument `position` as a numeric numpy array, or a clear error."""
    if isinstance(value, Tensor):
        return value.array
    try:
        array = np.asarray(value)
    except ValueError as err:  # a ragged list: samples of different shapes
        raise ValueError(f"TensorDataset: tensors[{position}] holds samples of different shapes "
                         f"({err}); resize or pad them to one shape") from None
    if array.dtype.kind not in "biufc":
        raise TypeError(f"TensorDataset: tensors[{position}] has dtype {array.dtype}, not numbers"
                        f"{' (map class names to integers first)' if array.dtype.kind in 'SUO' else ''}")
    return array


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order.

    Args:
        dataset: any dataset.
        indices: sequence of int indices into `dataset`.
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)
        if self.indices.ndim != 1:
            raise ValueError(f"Subset: indices must be 1-D, got shape {self.indices.shape}")

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        if isinstance(index, list):  # a list of positions, as PyTorch's Subset allows
            return self.dataset[[int(self.indices[i]) for i in index]]
        return self.dataset[int(self.indices[index])]

    def __getattr__(self, name):
        # Offer the fast path exactly when the wrapped dataset does.
        if name == "get_batch" and hasattr(self.dataset, "get_batch"):
            return lambda indices: self.dataset.get_batch(self.indices[indices])
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _generator(generator):
    """An np.random.Generator from None (the library's global one), an int seed or a Generator."""
    return get_rng() if generator is None else np.random.default_rng(generator)


def random_split(dataset, lengths, generator=None):
    """Split `dataset` into non-overlapping random `Subset`s of the given lengths.

    Args:
        dataset: any dataset.
        lengths: ints summing to `len(dataset)`, or fractions summing to 1 (the remainder of
            flooring is given one by one to the first subsets, as PyTorch does).
        generator: np.random.Generator, an int seed, or None for the global generator.

    Returns:
        list of Subset, one per length.
    """
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(isinstance(v, float) and 0 <= v <= 1 for v in lengths) \
            and math.isclose(sum(lengths), 1.0, abs_tol=1e-9):
        counts = [math.floor(n * v) for v in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(int(v) != v or v < 0 for v in lengths) or sum(lengths) != n:
        raise ValueError(f"random_split: lengths {lengths} must be non-negative ints summing to "
                         f"the dataset size {n}, or fractions summing to 1")
    order = _generator(generator).permutation(n)
    ends = np.cumsum(lengths)
    return [Subset(dataset, order[end - k:end]) for k, end in zip(lengths, ends)]


def stratified_split(labels, test_fraction=0.2, seed=0):
    """Split sample indices so that every class keeps its share in both parts.

    Args:
        labels: 1-D integer array of class labels.
        test_fraction: share of each class that goes to the test part (rounded per class).
        seed: int seed or np.random.Generator.

    Returns:
        (train_indices, test_indices): sorted int64 arrays partitioning `range(len(labels))`.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"stratified_split: labels must be 1-D, got shape {labels.shape}")
    if not 0.0 <= test_fraction <= 1.0:
        raise ValueError(f"stratified_split: test_fraction must be in [0, 1], got {test_fraction}")
    rng = np.random.default_rng(seed)
    test = []
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        test.append(members[:round(test_fraction * len(members))])
    is_test = np.zeros(len(labels), dtype=bool)
    is_test[np.concatenate(test)] = True
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)
