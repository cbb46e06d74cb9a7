"""dropout (ops/dropout.py): one mask in forward and backward, the identity in eval mode."""
import numpy as np

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import gradchecks, leaf


def uniform(shape, seed, low=-3.0, high=3.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


@gradchecks(ops.Dropout, F.dropout)
def test_dropout_gradient_uses_the_same_mask():
    tg.manual_seed(0)
    x = leaf(uniform((50, 40), 0))
    y = F.dropout(x, p=0.3, training=True)
    y.backward(tg.ones(50, 40, dtype=np.float64))
    kept = y.detach().numpy() != 0
    np.testing.assert_allclose(x.grad.detach().numpy(), kept / 0.7)
    np.testing.assert_allclose(y.detach().numpy()[kept], x.detach().numpy()[kept] / 0.7)
    assert 0.6 < kept.mean() < 0.8
    assert F.dropout(x, p=0.3, training=False) is x
