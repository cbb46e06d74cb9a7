"""IterableDataset, ChainDataset and get_worker_info, and DataLoader over a stream: batching in
order, drop_last, batch_size=None, len(), and PyTorch's errors for shuffle / samplers."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn.data import ChainDataset, DataLoader, IterableDataset, TensorDataset
from tinygrad_cnn.utils.data import get_worker_info


class Count(IterableDataset):
    def __init__(self, n, start=0):
        self.n, self.start = n, start

    def __iter__(self):
        for i in range(self.start, self.start + self.n):
            yield np.float32(i), i % 2

    def __len__(self):
        return self.n


class Unsized(IterableDataset):
    def __iter__(self):
        return iter(range(5))


def test_loader_batches_a_stream_in_order():
    batches = list(DataLoader(Count(5), batch_size=2))
    assert [b[0].tolist() for b in batches] == [[0.0, 1.0], [2.0, 3.0], [4.0]]
    assert batches[0][1].dtype == tg.int64
    assert len(list(DataLoader(Count(5), batch_size=2, drop_last=True))) == 2
    assert len(DataLoader(Count(5), batch_size=2)) == 3
    assert len(DataLoader(Count(5), batch_size=2, drop_last=True)) == 2
    assert [int(x) for x in DataLoader(Unsized(), batch_size=None)] == [0, 1, 2, 3, 4]
    assert len(list(DataLoader(Unsized(), batch_size=2, shuffle=False))) == 3
    with pytest.raises(TypeError):
        len(DataLoader(Unsized()))
    # each epoch iterates the stream afresh
    loader = DataLoader(Count(3), batch_size=3)
    assert [b[0].tolist() for b in loader] == [b[0].tolist() for b in loader]


@pytest.mark.parametrize("option", [dict(shuffle=True), dict(sampler=[0, 1]),
                                    dict(batch_sampler=[[0]])])
def test_indices_options_are_refused(option):
    name = next(iter(option))
    with pytest.raises(ValueError, match=f"expected unspecified {name} option"):
        DataLoader(Count(3), **option)


def test_chain_worker_info_and_plain_iteration():
    chained = Count(2) + Count(2, start=10)
    assert isinstance(chained, ChainDataset)
    assert [int(x) for x, _ in chained] == [0, 1, 10, 11] and len(chained) == 4
    assert [int(x) for x, _ in ChainDataset([Count(1), Count(1, 5)])] == [0, 5]
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        list(ChainDataset([Count(1), TensorDataset(np.zeros(2))]))
    assert get_worker_info() is None and tg.utils.data.get_worker_info() is None
    with pytest.raises(NotImplementedError):
        iter(IterableDataset())
