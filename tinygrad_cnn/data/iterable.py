"""Stream-style datasets, as torch.utils.data: an IterableDataset yields its samples from
`__iter__` (a file read line by line, a generator of synthetic data) instead of answering
`dataset[i]`; ChainDataset runs several one after the other. DataLoader batches their samples
in the order they come (no shuffling or samplers: an iterable has no indices to draw)."""
from .dataset import Dataset


class IterableDataset(Dataset):
    """Base class of iterable-style datasets: subclasses define `__iter__` (and may define
    `__len__`, which DataLoader's len() then uses). `a + b` chains two of them.

    Example:
        >>> class Count(IterableDataset):
        ...     def __iter__(self):
        ...         return iter(range(3))
        >>> list(Count() + Count())
        [0, 1, 2, 0, 1, 2]
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __len__(self):
        raise TypeError(f"object of type {type(self).__name__!r} has no len()")

    def __add__(self, other):
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """The samples of each iterable dataset in turn, as torch.utils.data.ChainDataset."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for dataset in self.datasets:
            if not isinstance(dataset, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from dataset

    def __len__(self):
        total = 0
        for dataset in self.datasets:
            if not isinstance(dataset, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(dataset)
        return total


def get_worker_info():
    """None: data loads in the calling process (PyTorch answers None there too), so a dataset
    that splits its stream among workers reads all of it."""
    return None
