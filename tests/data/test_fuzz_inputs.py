"""Hypothesis fuzz over Dataset/DataLoader inputs: any arguments either give the right batches or
a ValueError/TypeError (never a numpy or Python internal error); and a loader's saved position
resumes to exactly the batches an uninterrupted loader gives."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_cnn.data import DataLoader, RandomSampler, TensorDataset

DTYPES = st.sampled_from([np.float32, np.float64, np.int64, np.uint8, np.bool_, "U3", object])
ARRAYS = st.builds(lambda n, tail, dtype: np.zeros((n, *tail), dtype=dtype),
                   st.integers(0, 9), st.lists(st.integers(0, 3), max_size=2).map(tuple), DTYPES)
ODD = st.one_of(st.integers(-3, 12), st.none(), st.booleans(), st.floats(-2, 5), st.just("4"),
                st.just(np.int64(3)))


@given(st.lists(ARRAYS, min_size=0, max_size=3), ODD, st.one_of(st.booleans(), st.none()),
       st.booleans(), st.integers(0, 2 ** 32))
def test_fuzzed_dataset_and_loader_arguments_give_right_batches_or_a_clear_error(
        arrays, batch_size, shuffle, drop_last, seed):
    try:
        dataset = TensorDataset(*arrays)
        loader = DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                            seed=seed)
        batches = list(loader)
    except (ValueError, TypeError):
        return
    n = len(dataset)
    assert len(batches) == len(loader)
    if loader.batch_size is None:  # unbatched: one sample each
        assert len(batches) == n
        return
    sizes = [len(b[0]) for b in batches]
    assert sum(sizes) == (n // loader.batch_size * loader.batch_size if drop_last else n)
    assert all(size == loader.batch_size for size in sizes[:-1])
    assert all(len(field) == size for b, size in zip(batches, sizes) for field in b)


@given(st.integers(1, 40), st.integers(1, 9), st.booleans(), st.integers(0, 12), st.booleans())
def test_a_loaders_saved_position_resumes_to_the_same_batches(n, batch_size, drop_last, stop_after,
                                                              own_sampler):
    data = TensorDataset(np.arange(n, dtype=np.int64))

    def make():
        if own_sampler:
            return DataLoader(data, batch_size=batch_size, drop_last=drop_last,
                              sampler=RandomSampler(data, generator=np.random.default_rng(7)))
        return DataLoader(data, batch_size=batch_size, shuffle=True, drop_last=drop_last, seed=7)

    def ids(batches):
        return [b[0].detach().numpy().tolist() for b in batches]

    whole = make()
    first, second = ids(whole), ids(whole)            # two epochs, never stopped
    stopped = make()
    taken, iterator = [], iter(stopped)
    for _ in range(min(stop_after, len(stopped))):
        taken.append(next(iterator))
    state = stopped.state_dict()
    resumed = make()
    resumed.load_state_dict(state)
    if state["in_epoch"]:   # the rest of the interrupted epoch, then the next one
        assert ids(taken) + ids(resumed) == first and ids(resumed) == second
    else:                   # stopped before the epoch began
        assert not taken and ids(resumed) == first and ids(resumed) == second


@pytest.mark.parametrize("bad, message", [
    ({"batches_given": 5, "batch_sizes": np.array([2]), "indices": np.arange(2),
      "in_epoch": True, "generators": {}}, "inconsistent state"),
    ({"batches_given": 0, "batch_sizes": np.array([2]), "indices": np.array([0, 99]),
      "in_epoch": True, "generators": {}}, "indexes samples up to 99"),
    ({"in_epoch": True}, "not a DataLoader state"),
])
def test_a_damaged_loader_state_is_refused_before_anything_changes(bad, message):
    loader = DataLoader(TensorDataset(np.arange(4)), batch_size=2)
    with pytest.raises(ValueError, match=message):
        loader.load_state_dict(bad)
    assert [b[0].detach().numpy().tolist() for b in loader] == [[0, 1], [2, 3]]
