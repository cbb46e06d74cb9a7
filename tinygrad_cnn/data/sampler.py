"""Samplers, as `torch.utils.data`: what order a DataLoader visits the samples in (`sampler=`),
or which samples form each batch (`batch_sampler=`). Random ones draw from `generator` (an
np.random.Generator or int seed) or, by default, the library's global generator
(`tinygrad_cnn.manual_seed`), afresh each epoch."""
import numpy as np

from ..random import get_rng


def _rng(generator):
    return get_rng() if generator is None else generator


class Sampler:
    """Base class: subclasses define `__iter__` (sample indices) and usually `__len__`."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """Indices 0, 1, ..., len(data_source) - 1, in order (the DataLoader's default)."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A fresh random order each epoch (what shuffle=True does).

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw `num_samples` indices with replacement instead of a permutation.
        num_samples: how many indices per epoch (default len(data_source)).
        generator: np.random.Generator or int seed; None for the global generator.
    """

    def __init__(self, data_source, replacement: bool = False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, but got "
                            f"replacement={replacement!r}")
        if num_samples is not None and (isinstance(num_samples, bool) or num_samples <= 0
                                        or not isinstance(num_samples, (int, np.integer))):
            raise ValueError(f"RandomSampler: num_samples should be a positive integer value, "
                             f"but got num_samples={num_samples!r}")
        self.data_source, self.replacement, self._num_samples = data_source, replacement, num_samples
        self.generator = None if generator is None else np.random.default_rng(generator)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else int(self._num_samples)

    def __iter__(self):
        n, rng = len(self.data_source), _rng(self.generator)
        if self.replacement:
            return iter(rng.integers(0, n, size=self.num_samples).tolist())
        # without replacement: whole permutations, enough of them to give num_samples indices
        rounds = -(-self.num_samples // n) if n else 0
        order = np.concatenate([rng.permutation(n) for _ in range(rounds)] or [np.zeros(0, int)])
        return iter(order[:self.num_samples].tolist())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a fresh random order each epoch (e.g. a validation split).

    Args:
        indices: sequence of sample indices.
        generator: np.random.Generator or int seed; None for the global generator.
    """

    def __init__(self, indices, generator=None):
        self.indices = list(indices)
        self.generator = None if generator is None else np.random.default_rng(generator)

    def __iter__(self):
        order = _rng(self.generator).permutation(len(self.indices))
        return iter([self.indices[i] for i in order])

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices drawn with probability proportional to `weights` (e.g. to balance
    classes), with or without replacement.

    Args:
        weights: one non-negative weight per sample (they need not sum to 1).
        num_samples: how many indices per epoch.
        replacement: draw with replacement (the default).
        generator: np.random.Generator or int seed; None for the global generator.
    """

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None):
        if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) \
                or num_samples <= 0:
            raise ValueError(f"WeightedRandomSampler: num_samples should be a positive integer "
                             f"value, but got num_samples={num_samples!r}")
        weights = np.asarray(weights, dtype=np.float64)
        if weights.ndim != 1 or (weights < 0).any() or not np.isfinite(weights).all() \
                or weights.sum() <= 0:
            raise ValueError(f"WeightedRandomSampler: weights must be a 1-D sequence of finite, "
                             f"non-negative numbers with a positive sum, got shape {weights.shape}")
        if not replacement and num_samples > np.count_nonzero(weights):
            raise ValueError(f"WeightedRandomSampler: cannot draw {num_samples} samples without "
                             f"replacement from {np.count_nonzero(weights)} non-zero weights")
        self.weights, self.num_samples, self.replacement = weights, int(num_samples), replacement
        self.generator = None if generator is None else np.random.default_rng(generator)

    def __iter__(self):
        p = self.weights / self.weights.sum()
        drawn = _rng(self.generator).choice(len(p), size=self.num_samples,
                                            replace=self.replacement, p=p)
        return iter(drawn.tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of `sampler` into lists of `batch_size` (the last may be smaller unless
    `drop_last`); pass it as DataLoader(batch_sampler=...).

    Example:
        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size: int, drop_last: bool):
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise ValueError(f"BatchSampler: batch_size should be a positive integer value, but "
                             f"got batch_size={batch_size!r}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, but got "
                             f"drop_last={drop_last!r}")
        self.sampler, self.batch_size, self.drop_last = sampler, int(batch_size), drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
