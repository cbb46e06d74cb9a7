"""tinygrad_cnn.data against torch.utils.data: DataLoader batches and deterministic samplers."""
import numpy as np
import pytest

from tinygrad_cnn.data import (BatchSampler, DataLoader, RandomSampler, SequentialSampler,
                               TensorDataset)

from tests.data.test_loader import make


def test_loader_equals_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TorchLoader, TensorDataset as TorchTensorDataset
    x, y = make(10)
    ys = y.astype(np.int64)
    for kwargs in (dict(batch_size=3), dict(batch_size=4, drop_last=True),
                   dict(batch_size=3, sampler=[9, 1, 8, 2, 7]), dict(batch_sampler=[[3, 1], [0]]),
                   dict(batch_size=None)):
        ours = list(DataLoader(TensorDataset(x, ys), **kwargs))
        theirs = list(TorchLoader(TorchTensorDataset(torch.tensor(x), torch.tensor(ys)), **kwargs))
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            for fa, fb in zip(a, b):
                np.testing.assert_array_equal(fa.detach().numpy(), fb.detach().numpy())


def test_deterministic_samplers_equal_torch():
    torch = pytest.importorskip("torch")
    from torch.utils import data as tdata
    assert list(BatchSampler(SequentialSampler(range(7)), 3, False)) == \
        list(tdata.BatchSampler(tdata.SequentialSampler(range(7)), 3, False))
    assert len(BatchSampler(range(7), 3, True)) == len(tdata.BatchSampler(range(7), 3, True))
    assert len(RandomSampler(range(5), num_samples=8)) == len(tdata.RandomSampler(range(5), num_samples=8))
