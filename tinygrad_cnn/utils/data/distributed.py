"""torch.utils.data.distributed.DistributedSampler: each of `num_replicas` processes reads its
own share of the data set. Without a process group the counts must be given; with
num_replicas=1 it is a (seeded, per-epoch) shuffling sampler."""
from __future__ import annotations

import math

import numpy as np

from ...data.sampler import Sampler
from ...distributed import NO_GROUP


class DistributedSampler(Sampler):
    """Indices rank, rank + num_replicas, ... of a (seed + epoch)-shuffled order, padded by
    repetition (or trimmed with drop_last) to a multiple of num_replicas, as PyTorch's."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle: bool = True,
                 seed: int = 0, drop_last: bool = False):
        if num_replicas is None or rank is None:
            raise ValueError(NO_GROUP)
        if not 0 <= rank < num_replicas:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last, self.epoch = shuffle, seed, drop_last, 0
        n = len(dataset)
        self.num_samples = (math.ceil((n - num_replicas) / num_replicas) if drop_last and
                            n % num_replicas else math.ceil(n / num_replicas))
        self.total_size = self.num_samples * num_replicas

    def __iter__(self):
        n = len(self.dataset)
        order = (np.random.default_rng(self.seed + self.epoch).permutation(n) if self.shuffle
                 else np.arange(n))
        if self.drop_last:
            order = order[:self.total_size]
        else:
            order = np.resize(order, self.total_size)          # repeats from the start
        return iter(order[self.rank:self.total_size:self.num_replicas].tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Shuffle differently in each epoch (the order depends on seed + epoch)."""
        self.epoch = epoch
