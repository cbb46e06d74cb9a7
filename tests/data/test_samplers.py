"""Samplers: orders, lengths, seeding, argument checks, and use through DataLoader."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn.data import (BatchSampler, DataLoader, RandomSampler, SequentialSampler,
                               SubsetRandomSampler, TensorDataset, WeightedRandomSampler)


def test_sequential_and_batch_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3] and len(SequentialSampler([0] * 7)) == 7
    batches = BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False)
    assert list(batches) == [[0, 1], [2, 3], [4]] and len(batches) == 3
    dropped = BatchSampler(range(5), batch_size=2, drop_last=True)
    assert list(dropped) == [[0, 1], [2, 3]] and len(dropped) == 2


def test_random_samplers_are_permutations_and_follow_their_seed():
    perm = list(RandomSampler(range(10), generator=3))
    assert sorted(perm) == list(range(10)) and perm == list(RandomSampler(range(10), generator=3))
    longer = list(RandomSampler(range(3), num_samples=7, generator=0))  # whole permutations
    assert len(longer) == 7 and sorted(longer[:3]) == sorted(longer[3:6]) == [0, 1, 2]
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=0))
    assert len(drawn) == 50 and set(drawn) <= {0, 1, 2}
    subset = SubsetRandomSampler([10, 20, 30, 40], generator=1)
    assert sorted(subset) == [10, 20, 30, 40] and len(subset) == 4
    tg.manual_seed(5)
    first = list(RandomSampler(range(6)))   # without a generator: the global one
    tg.manual_seed(5)
    assert list(RandomSampler(range(6))) == first


def test_weighted_sampler_draws_only_weighted_samples():
    picks = list(WeightedRandomSampler([0, 2, 0, 1], num_samples=200, generator=0))
    assert set(picks) == {1, 3} and 100 < picks.count(1) < 170   # about 2/3 of them
    once = list(WeightedRandomSampler([1, 1, 0], num_samples=2, replacement=False, generator=0))
    assert sorted(once) == [0, 1]


@pytest.mark.parametrize("make, match", [
    (lambda: BatchSampler(range(3), 0, False), "batch_size should be a positive integer"),
    (lambda: BatchSampler(range(3), 2, None), "drop_last should be a boolean"),
    (lambda: RandomSampler(range(3), num_samples=0), "num_samples should be a positive"),
    (lambda: WeightedRandomSampler([1, -1], 2), "non-negative"),
    (lambda: WeightedRandomSampler([1, 0], 2, replacement=False), "without replacement"),
])
def test_sampler_arguments_are_checked(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_samplers_drive_the_data_loader():
    x = np.arange(6, dtype=np.float32)[:, None]
    ds = TensorDataset(x, np.arange(6))
    loader = DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(ds), 4, False))
    assert [yb.detach().numpy().tolist() for _, yb in loader] == [[0, 1, 2, 3], [4, 5]]
    shuffled = DataLoader(ds, batch_size=4, sampler=SubsetRandomSampler([0, 2, 4], generator=0))
    assert sorted(sum((yb.detach().numpy().tolist() for _, yb in shuffled), [])) == [0, 2, 4]
