"""dropout2d: whole channels dropped and the kept ones scaled, the same mask in backward, the
seeded generator, eval mode and p = 0 / 1."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf


def _seeded_dropout2d(p):
    def fn(t):
        tg.manual_seed(7)  # the same channels are dropped on every call of the gradient check
        return F.dropout2d(t, p)
    return fn


@gradchecks(F.dropout2d)
@pytest.mark.parametrize("p", [0.3, 0.7])
def test_dropout2d_gradient_matches_finite_differences(p):
    x = np.random.default_rng(0).uniform(-3, 3, (3, 4, 2, 3))
    check_gradients(_seeded_dropout2d(p), (leaf(x),), ops.Mul)


def test_dropout2d_zeroes_whole_channels_and_scales_the_rest():
    tg.manual_seed(0)
    x = leaf(np.random.default_rng(1).uniform(1, 2, (8, 50, 3, 3)))  # no zeros of its own
    y = F.dropout2d(x, p=0.4)
    y.sum().backward()
    dropped = (y.detach().numpy() == 0).all(axis=(2, 3))                       # (N, C)
    kept = (y.detach().numpy() != 0).all(axis=(2, 3))
    assert (dropped | kept).all()                                     # never a partial channel
    assert 0.3 < dropped.mean() < 0.5
    np.testing.assert_allclose(y.detach().numpy()[kept], x.detach().numpy()[kept] / 0.6)
    np.testing.assert_allclose(x.grad.detach().numpy(), np.broadcast_to(kept[:, :, None, None] / 0.6, x.shape))


def test_dropout2d_is_reproducible_with_manual_seed():
    x = tg.ones(4, 6, 2, 2)
    tg.manual_seed(3)
    first = F.dropout2d(x).detach().numpy()
    tg.manual_seed(3)
    np.testing.assert_array_equal(F.dropout2d(x).numpy(), first)


def test_dropout2d_eval_and_extreme_probabilities():
    x = tg.randn(2, 3, 4, 4)
    assert F.dropout2d(x, 0.5, training=False) is x
    assert F.dropout2d(x, 0.0) is x
    np.testing.assert_array_equal(F.dropout2d(x, 1.0).numpy(), np.zeros(x.shape))
    with pytest.warns(UserWarning, match="3-D input"):
        y = F.dropout2d(tg.ones(2, 8, 5), 0.5)  # read as (N, C, L), as PyTorch does
    assert ((y.detach().numpy() == 0).all(-1) | (y.detach().numpy() != 0).all(-1)).all()
