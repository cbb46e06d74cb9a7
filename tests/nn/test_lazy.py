"""LazyLinear / LazyConv2d: sizes read from the first batch; an optimizer made before it trains
the same Parameter objects."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn
from tinygrad_cnn import optim


def test_lazy_layers_become_plain_layers_at_the_first_call():
    model = nn.Sequential(nn.LazyConv2d(4, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(2))
    weights = [p for p in model.parameters()]
    assert "<UninitializedParameter>" in repr(weights[0]) and "in_features=0" in repr(model)
    opt = optim.SGD(model.parameters(), lr=0.1)
    out = model(tg.randn(5, 3, 6, 6))
    assert out.shape == (5, 2)
    assert type(model[0]) is nn.Conv2d and model[0].in_channels == 3
    assert type(model[3]) is nn.Linear and model[3].in_features == 4 * 4 * 4
    assert [p.shape for p in model.parameters()] == [(4, 3, 3, 3), (4,), (2, 64), (2,)]
    assert all(a is b for a, b in zip(weights, model.parameters()))
    before = model[3].weight.detach().numpy().copy()
    out.sum().backward()
    opt.step()
    assert not np.array_equal(before, model[3].weight.detach().numpy())


def test_lazy_conv_checks_the_channels_it_reads():
    with pytest.raises(ValueError, match="groups=2 must divide in_channels=3"):
        nn.LazyConv2d(4, 3, groups=2)(tg.zeros(1, 3, 5, 5))
    with pytest.raises(ValueError, match="LazyLinear: expected an input with at least 1 dim"):
        nn.LazyLinear(3)(tg.tensor(1.0))
