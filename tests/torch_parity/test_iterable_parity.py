"""DataLoader over an IterableDataset (and a ChainDataset) gives torch's batches, lengths and
errors for the same stream."""
import numpy as np
import pytest

import tinygrad_cnn as tg

torch = pytest.importorskip("torch")


def _stream_class(base):
    class Stream(base):
        def __init__(self, n, start=0):
            self.n, self.start = n, start

        def __iter__(self):
            for i in range(self.start, self.start + self.n):
                yield np.full(2, i, dtype=np.float32), i

        def __len__(self):
            return self.n
    return Stream


OURS, THEIRS = _stream_class(tg.utils.data.IterableDataset), _stream_class(torch.utils.data.IterableDataset)


@pytest.mark.parametrize("kwargs", [dict(batch_size=2), dict(batch_size=3, drop_last=True),
                                    dict(batch_size=4, shuffle=False)])
def test_batches_and_len_equal_torch(kwargs):
    ours = tg.utils.data.DataLoader(OURS(5) + OURS(2, 10), **kwargs)
    theirs = torch.utils.data.DataLoader(THEIRS(5) + THEIRS(2, 10), **kwargs)
    assert len(ours) == len(theirs)
    for (x, y), (tx, ty) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(x.numpy(), tx.numpy())
        assert y.tolist() == ty.tolist() and str(y.dtype).split(".")[-1] == str(ty.dtype).split(".")[-1]
    assert tg.utils.data.get_worker_info() is torch.utils.data.get_worker_info() is None


@pytest.mark.parametrize("option", [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])])
def test_errors_equal_torch(option):
    with pytest.raises(ValueError) as theirs:
        torch.utils.data.DataLoader(THEIRS(2), **option)
    with pytest.raises(ValueError) as ours:
        tg.utils.data.DataLoader(OURS(2), **option)
    assert str(ours.value) == str(theirs.value)
