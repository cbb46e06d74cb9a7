"""DataLoader and datasets: batching, order, shuffling, len, collate dtypes, fast path."""
import numpy as np
import pytest

import tinygrad_cnn.random as tg_random
from tinygrad_cnn.data import (DataLoader, Dataset, Subset, TensorDataset, default_collate,
                               random_split, stratified_split)
from tinygrad_cnn.tensor import Tensor


class ListDataset(Dataset):
    """A dataset with no fast path: the general collate path is exercised."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], int(self.y[i])


def make(n=10):
    x = np.arange(n * 4, dtype=np.float32).reshape(n, 1, 2, 2)
    y = (np.arange(n) % 3).astype(np.uint8)
    return x, y


def first_ids(loader):
    """The sample ids of each batch (pixel 0 of sample i is 4 * i)."""
    return [(xb.array[:, 0, 0, 0] // 4).astype(int).tolist() for xb, _ in loader]


@pytest.mark.parametrize("n, bs, drop_last, expected", [
    (10, 3, False, 4), (10, 3, True, 3), (9, 3, False, 3), (9, 3, True, 3),
    (2, 5, False, 1), (2, 5, True, 0), (0, 4, False, 0)])
def test_len_matches_batches_like_torch(n, bs, drop_last, expected):
    loader = DataLoader(TensorDataset(*make(n)), batch_size=bs, drop_last=drop_last)
    assert len(loader) == expected == len(list(loader))


def test_in_order_batches_and_last_batch():
    x, y = make(10)
    batches = list(DataLoader(TensorDataset(x, y), batch_size=4))
    assert [len(b[0].array) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[0].array for b in batches]), x)
    np.testing.assert_array_equal(np.concatenate([b[1].array for b in batches]), y)


def test_shuffle_is_a_permutation_fresh_each_epoch_and_seeded():
    ds = TensorDataset(*make(50))
    loader = DataLoader(ds, batch_size=7, shuffle=True, seed=3)
    epoch1, epoch2 = sum(first_ids(loader), []), sum(first_ids(loader), [])
    assert sorted(epoch1) == sorted(epoch2) == list(range(50))
    assert epoch1 != epoch2                                       # fresh order every epoch
    again = DataLoader(ds, batch_size=7, shuffle=True, seed=3)
    assert sum(first_ids(again), []) == epoch1                    # same seed, same run
    assert sum(first_ids(again), []) == epoch2
    gen = DataLoader(ds, batch_size=7, shuffle=True, generator=np.random.default_rng(3))
    assert sum(first_ids(gen), []) == epoch1                      # generator == seed


def test_shuffle_without_seed_follows_manual_seed():
    ds = TensorDataset(*make(30))
    tg_random.manual_seed(5)
    a = first_ids(DataLoader(ds, batch_size=30, shuffle=True))
    tg_random.manual_seed(5)
    b = first_ids(DataLoader(ds, batch_size=30, shuffle=True))
    assert a == b and a[0] != list(range(30))


def test_fast_and_general_paths_agree_in_values_and_dtypes():
    x, y = make(11)
    fast = list(DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, seed=1))
    slow = list(DataLoader(ListDataset(x, y), batch_size=4, shuffle=True, seed=1))
    for (xf, yf), (xs, ys) in zip(fast, slow, strict=True):
        assert isinstance(xf, Tensor) and isinstance(yf, Tensor)
        assert xf.dtype == xs.dtype == np.float32 and yf.dtype == ys.dtype == np.int64
        np.testing.assert_array_equal(xf.array, xs.array)
        np.testing.assert_array_equal(yf.array, ys.array)


def test_fast_path_is_used_for_tensor_datasets():
    class Counting(TensorDataset):
        calls = 0

        def __getitem__(self, i):
            Counting.calls += 1
            return super().__getitem__(i)

    list(DataLoader(Counting(*make(20)), batch_size=8))
    assert Counting.calls == 0


def test_default_collate_dtypes_and_structure():
    batch = [(np.ones((2, 2), np.float64), 1, 0.5, np.int32(4), True) for _ in range(3)]
    x, i, f, n, b = default_collate(batch)
    assert x.shape == (3, 2, 2) and x.dtype == np.float64           # float arrays keep dtype
    assert i.dtype == np.int64 and n.dtype == np.int64              # integer labels -> int64
    assert f.dtype == np.float32 and b.dtype == np.bool_
    d = default_collate([{"img": np.zeros(3, np.float32), "label": 2}] * 4)
    assert d["img"].shape == (4, 3) and d["label"].array.tolist() == [2] * 4
    t = default_collate([Tensor(np.ones(2, np.float32))] * 5)
    assert t.shape == (5, 2) and t.dtype == np.float32
    uint8_images = default_collate([np.zeros((1, 4, 4), np.uint8)] * 2)
    assert uint8_images.dtype == np.uint8                            # images are not labels
    with pytest.raises(TypeError, match="cannot batch"):
        default_collate([object(), object()])


def test_custom_collate_fn_receives_samples():
    loader = DataLoader(TensorDataset(*make(6)), batch_size=4, collate_fn=lambda s: len(s))
    assert list(loader) == [4, 2]


def test_tensor_dataset_validates_and_returns_items():
    x, y = make(5)
    with pytest.raises(ValueError, match=r"\(5, 1, 2, 2\), \(4,\)"):
        TensorDataset(x, y[:4])
    with pytest.raises(ValueError):
        TensorDataset()
    xi, yi = TensorDataset(x, y)[2]
    np.testing.assert_array_equal(xi, x[2])
    assert int(yi) == y[2]
    xt, yt = TensorDataset(Tensor(x), y)[2]
    assert isinstance(xt, Tensor) and not isinstance(yt, Tensor)


def test_dataloader_validates_arguments():
    ds = TensorDataset(*make(4))
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
            DataLoader(ds, batch_size=bad)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, shuffle=True, sampler=[0, 1])
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_size=2, batch_sampler=[[0, 1]])
    with pytest.raises(ValueError, match="batch_size=None option disables auto-batching"):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="not both"):
        DataLoader(ds, seed=0, generator=np.random.default_rng(0))
    assert len(list(DataLoader(ds, batch_size=2, num_workers=2, pin_memory=True))) == 2


def test_epoch_order_is_the_generators_permutations():
    loader = DataLoader(TensorDataset(*make(12)), batch_size=12, shuffle=True, seed=9)
    rng = np.random.default_rng(9)
    for _ in range(3):
        assert first_ids(loader) == [rng.permutation(12).tolist()]


def test_subset_and_random_split():
    x, y = make(10)
    ds = TensorDataset(x, y)
    parts = random_split(ds, [7, 3], generator=0)
    ids = [sorted(int(p.dataset[int(i)][0][0, 0, 0]) // 4 for i in p.indices) for p in parts]
    assert sorted(ids[0] + ids[1]) == list(range(10)) and len(ids[1]) == 3
    assert [len(p) for p in random_split(ds, [0.5, 0.3, 0.2], generator=0)] == [5, 3, 2]
    with pytest.raises(ValueError):
        random_split(ds, [5, 4])
    sub = Subset(ds, [9, 0, 4])
    batches = list(DataLoader(sub, batch_size=3))                   # fast path through Subset
    np.testing.assert_array_equal(batches[0][0].array, x[[9, 0, 4]])
    np.testing.assert_array_equal(sub[0][0], x[9])


def test_stratified_split_keeps_class_shares():
    labels = np.repeat(np.arange(4), [10, 20, 30, 40])
    train, test = stratified_split(labels, 0.2, seed=0)
    assert np.bincount(labels[test]).tolist() == [2, 4, 6, 8]
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(100))
    again = stratified_split(labels, 0.2, seed=0)
    np.testing.assert_array_equal(again[1], test)


def test_sampler_and_batch_sampler_choose_the_indices():
    x, y = make(5)
    ds = TensorDataset(x, y)
    loader = DataLoader(ds, batch_size=2, sampler=[4, 0, 3, 1, 2])
    assert first_ids(loader) == [[4, 0], [3, 1], [2]] and len(loader) == 3
    assert first_ids(DataLoader(ds, batch_size=2, sampler=range(4, -1, -1), drop_last=True)) == \
        [[4, 3], [2, 1]]
    by_batch = DataLoader(ListDataset(x, y), batch_sampler=[[0, 1, 2], [4]])
    assert first_ids(by_batch) == [[0, 1, 2], [4]] and len(by_batch) == 2
    assert by_batch.batch_size is None


def test_batch_size_none_yields_single_samples():
    x, y = make(3)
    loader = DataLoader(TensorDataset(x, y), batch_size=None)
    samples = list(loader)
    assert len(loader) == len(samples) == 3
    xi, yi = samples[1]
    assert isinstance(xi, Tensor) and xi.shape == (1, 2, 2) and int(yi.item()) == y[1]
    assert list(DataLoader([1, 2], batch_size=None)) == [1, 2]  # numbers stay numbers


def test_positional_arguments_follow_torch():
    # (dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn, pin_memory,
    #  drop_last): the ninth is drop_last, as in torch.utils.data.DataLoader
    loader = DataLoader(list(range(5)), 2, False, None, None, 0, None, False, True)
    assert [b.detach().numpy().tolist() for b in loader] == [[0, 1], [2, 3]]


def test_concat_dataset_and_dataset_addition():
    from tinygrad_cnn.data import ConcatDataset
    a, b = TensorDataset(np.arange(3)), TensorDataset(np.arange(10, 12))
    both = a + b
    assert isinstance(both, ConcatDataset) and len(both) == 5 and both.cumulative_sizes == [3, 5]
    assert [int(both[i][0]) for i in range(5)] == [0, 1, 2, 10, 11] and int(both[-1][0]) == 11
    with pytest.raises(ValueError, match="should not exceed dataset length"):
        both[-6]
    with pytest.raises(IndexError, match="out of range"):
        both[5]
    with pytest.raises(ValueError, match="empty iterable"):
        ConcatDataset([])
    assert [yb.detach().numpy().tolist() for (yb,) in DataLoader(both, batch_size=4)] == [[0, 1, 2, 10], [11]]


def test_subset_takes_a_list_of_positions():
    sub = Subset(TensorDataset(np.arange(10, 20)), [5, 2, 7])
    (values,) = sub[[0, 2]]
    assert values.tolist() == [15, 17]
