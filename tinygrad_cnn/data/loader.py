"""DataLoader: batches of Tensors from a dataset, in order or freshly shuffled each epoch.

Follows `torch.utils.data.DataLoader` (single process, samplers included). Two ways to build a
batch:
- fast path: the dataset has `get_batch(indices)` (TensorDataset, Subset of one) and no
  `collate_fn` was given: one numpy fancy-index per field, no Python loop over samples;
- general path: `collate_fn([dataset[i] for i in indices])`, `default_collate` by default.
Both give the same batches, dtypes included.
"""
import math
from collections.abc import Mapping

import numpy as np

from ..random import generator_state, get_rng, set_generator_state
from ..tensor import Tensor
from .iterable import IterableDataset


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
    if isinstance(first, (Tensor, np.ndarray, np.generic)):
        arrays = [np.asarray(getattr(sample, "array", sample)) for sample in batch]
        shapes = sorted({a.shape for a in arrays}, key=str)
        if len(shapes) > 1:
            raise ValueError(f"default_collate: samples of one batch must have the same shape, got "
                             f"{', '.join(map(str, shapes[:4]))}; resize or pad them, or pass "
                             f"collate_fn")
        if arrays[0].dtype.kind not in "biufc":
            raise TypeError(f"default_collate: cannot batch arrays of dtype {arrays[0].dtype} "
                            f"(labels must be numbers: map class names to integers first)")
        return _to_tensor(np.stack(arrays))
    if isinstance(first, bool):
        return Tensor(np.array(batch, dtype=np.bool_))
    if isinstance(first, int):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, float):
        return Tensor(np.array(batch, dtype=np.float32))
    raise TypeError(f"default_collate: cannot batch samples of type {type(first).__name__}; "
                    "pass collate_fn to handle them")


def default_convert(sample):
    """One unbatched sample with its arrays made Tensors (PyTorch's `default_convert`, used when
    batch_size=None): tuples and lists become lists, dicts stay dicts, numbers stay numbers."""
    if isinstance(sample, Mapping):
        return {key: default_convert(value) for key, value in sample.items()}
    if isinstance(sample, (tuple, list)):
        return [default_convert(value) for value in sample]
    if isinstance(sample, (np.ndarray, np.generic)) and sample.dtype.kind in "biuf":
        return Tensor(np.asarray(sample))
    return sample


def _check_streamed_options(**options) -> None:
    """An IterableDataset has no indices: shuffle, sampler and batch_sampler must stay unset."""
    for name, value in options.items():
        if value is not None and not (name == "shuffle" and value is False):
            raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} "
                             f"option, but got {name}={value!r}")


class DataLoader:
    """Iterate over a dataset in batches of Tensors, with PyTorch's arguments in PyTorch's order.

    Args:
        dataset: indexable with a length (`__getitem__`, `__len__`), or an IterableDataset
            (batched in the order it yields; shuffle, sampler and batch_sampler then unset).
        batch_size: samples per batch (the last may be smaller unless `drop_last`); None turns
            batching off: each sample comes out alone, its arrays made Tensors (and passed to
            `collate_fn` if given).
        shuffle: draw a fresh random order at the start of every epoch (every `iter`).
        sampler: an iterable of sample indices, iterated afresh every epoch (replaces `shuffle`).
        batch_sampler: an iterable of lists of indices, one list per batch (replaces
            batch_size, shuffle, sampler and drop_last).
        num_workers, pin_memory, timeout, worker_init_fn, multiprocessing_context,
        prefetch_factor, persistent_workers, pin_memory_device, in_order: accepted so PyTorch
            scripts run unchanged; loading always happens in the calling process.
        collate_fn: turns a list of samples into a batch; `default_collate` when None.
        drop_last: drop the last batch when it is smaller than `batch_size`.
        generator: np.random.Generator (or int seed) for shuffling.
        seed: int (keyword; beyond PyTorch); shorthand for `generator=np.random.default_rng(seed)`,
            created once so that epochs differ from each other but a run repeats. With neither,
            shuffling draws from the library's global generator (`tinygrad_cnn.manual_seed`).
            Epoch k visits the samples in the order of the k-th `permutation(N)` drawn from the
            generator, so another framework can replay the same batches.

    Shape:
        Each batch is what `collate_fn` returns; with the default, a list with one Tensor per
        sample field, e.g. `[x (B, C, H, W), y (B,) int64]` for a TensorDataset(x, y).

    Example:
        >>> loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True, seed=0)
        >>> for xb, yb in loader: ...
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True, seed=None):
        if batch_size is not None and (isinstance(batch_size, bool)
                                       or not isinstance(batch_size, (int, np.integer))
                                       or batch_size < 1):
            raise ValueError(f"DataLoader: batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size!r}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None
                                          or drop_last):
            raise ValueError("DataLoader: batch_sampler option is mutually exclusive with "
                             "batch_size, shuffle, sampler, and drop_last")
        if batch_size is None and drop_last:
            raise ValueError("DataLoader: batch_size=None option disables auto-batching and is "
                             "mutually exclusive with drop_last")
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: pass generator or seed, not both")
        streamed = isinstance(dataset, IterableDataset)
        if streamed:
            _check_streamed_options(shuffle=shuffle, sampler=sampler, batch_sampler=batch_sampler)
        elif not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise TypeError("DataLoader: dataset must define __getitem__ and __len__, "
                            f"got {type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = None if batch_sampler is not None or batch_size is None \
            else int(batch_size)  # as PyTorch: None when a batch_sampler decides
        self.shuffle = bool(shuffle)
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        if seed is not None:
            generator = np.random.default_rng(seed)
        elif generator is not None:
            generator = np.random.default_rng(generator)  # a Generator passes through unchanged
        self.generator = generator
        self._epoch = None      # (index batches of the epoch being iterated, how many were given)
        self._resume_at = None  # an epoch position set by load_state_dict, used by the next iter

    def __len__(self):
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        if isinstance(self.dataset, IterableDataset):   # TypeError when the stream has no len
            n = len(self.dataset)
            return n if self.batch_size is None else \
                n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self):
        """Sample indices for one epoch: the sampler's, 0..N-1, or a fresh permutation."""
        if self.sampler is not None:
            return np.asarray(list(self.sampler), dtype=np.int64)
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self.generator if self.generator is not None else get_rng()
        return rng.permutation(n)

    def _index_batches(self):
        """The index list of each batch of one epoch."""
        if self.batch_sampler is not None:
            for indices in self.batch_sampler:
                yield np.asarray(list(indices), dtype=np.int64)
            return
        order = self._order()                                   # (N,)
        size = 1 if self.batch_size is None else self.batch_size
        count = len(order) // size if self.drop_last else math.ceil(len(order) / size)
        for b in range(count):
            yield order[b * size:(b + 1) * size]                # (B,)

    def __iter__(self):
        """One epoch of batches. The loader remembers the epoch's index batches and how many it
        has handed out, so `state_dict()` can say where it is."""
        if isinstance(self.dataset, IterableDataset):
            yield from self._stream()
            return
        if self._resume_at is not None:
            batches, given = self._resume_at
            self._resume_at = None
        else:
            batches, given = list(self._index_batches()), 0
        self._epoch = [batches, given]
        unbatched = self.batch_size is None and self.batch_sampler is None
        fast = not unbatched and self.collate_fn is None and hasattr(self.dataset, "get_batch")
        for indices in batches[given:]:
            self._epoch[1] += 1  # counted before the yield: a step done on it is a step done
            if unbatched:  # no batching: one sample
                yield (self.collate_fn or default_convert)(self.dataset[int(indices[0])])
            elif fast:
                fields = self.dataset.get_batch(indices)
                yield [_to_tensor(np.asarray(f)) for f in fields]
            else:
                yield (self.collate_fn or default_collate)([self.dataset[int(i)] for i in indices])
        self._epoch = None

    def _stream(self):
        """Batches of an IterableDataset: its samples in the order it yields them."""
        collate = self.collate_fn or (default_convert if self.batch_size is None else default_collate)
        if self.batch_size is None:
            for sample in self.dataset:
                yield collate(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)

    def _generators(self) -> dict:
        """The loader's own random generators (not the library's global one), by owner."""
        owners = {"loader": self, "sampler": self.sampler, "batch_sampler": self.batch_sampler,
                  "batch_sampler.sampler": getattr(self.batch_sampler, "sampler", None)}
        return {name: owner.generator for name, owner in owners.items()
                if isinstance(getattr(owner, "generator", None), np.random.Generator)}

    def state_dict(self) -> dict:
        """Where iteration stands, beyond PyTorch (as torchdata's StatefulDataLoader): the index
        batches of the epoch in progress and how many were handed out, and the positions of the
        loader's and its samplers' own generators. After `load_state_dict`, the next `iter`
        gives exactly the batches the interrupted epoch had left, and later epochs shuffle as
        they would have. Shuffling that draws from the global generator also needs
        `tinygrad_cnn.random.get_rng_state()` saved alongside."""
        batches, given = self._epoch if self._epoch is not None else ([], 0)
        sizes = np.array([len(b) for b in batches], dtype=np.int64)
        indices = np.concatenate(batches).astype(np.int64) if batches else np.zeros(0, np.int64)
        return {"in_epoch": self._epoch is not None, "batches_given": int(given),
                "batch_sizes": sizes, "indices": indices,
                "generators": {name: generator_state(g) for name, g in self._generators().items()}}

    def load_state_dict(self, state: dict) -> None:
        """Continue from a position saved by `state_dict()` (checked before anything changes)."""
        try:
            sizes = np.asarray(state["batch_sizes"], dtype=np.int64)
            indices = np.asarray(state["indices"], dtype=np.int64)
            given, saved = int(state["batches_given"]), dict(state["generators"])
            in_epoch = bool(state["in_epoch"])
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"DataLoader.load_state_dict: not a DataLoader state ({err!r})") from None
        if sizes.ndim != 1 or (sizes < 0).any() or sizes.sum() != len(indices) \
                or not 0 <= given <= len(sizes):
            raise ValueError(f"DataLoader.load_state_dict: inconsistent state: {len(sizes)} batches "
                             f"of {int(sizes.sum())} indices, {len(indices)} stored, {given} given")
        if len(indices) and not 0 <= indices.min() <= indices.max() < len(self.dataset):
            raise ValueError(f"DataLoader.load_state_dict: the state indexes samples up to "
                             f"{int(indices.max())}, but the dataset has {len(self.dataset)}")
        own = self._generators()
        if set(saved) != set(own):
            raise ValueError(f"DataLoader.load_state_dict: the state has generators "
                             f"{sorted(saved)}, this loader has {sorted(own)}")
        for name, generator in own.items():
            set_generator_state(generator, saved[name])
        batches = np.split(indices, np.cumsum(sizes)[:-1]) if len(sizes) else []
        self._resume_at = (batches, given) if in_epoch else None
