"""batch_norm (ops/norm.py): the gradient check and the running statistics it updates."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf

SEEDS = st.integers(0, 2**32 - 1)


def uniform(shape, seed, low=-3.0, high=3.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


@gradchecks(ops.BatchNorm, F.batch_norm)
@given(SEEDS, st.sampled_from([(4, 3), (2, 3, 2, 2), (3, 1, 1, 2)]), st.booleans())
def test_batch_norm_gradient_matches_finite_differences(seed, shape, training):
    C = shape[1]
    stats = (tg.Tensor(uniform(C, seed, -1, 1)), tg.Tensor(uniform(C, seed + 1, 0.5, 2)))
    x, w, b = leaf(uniform(shape, seed)), leaf(uniform(C, seed + 2)), leaf(uniform(C, seed + 3))
    # gradcheck re-runs forward many times: give it private copies of the running statistics
    fn = lambda x, w, b: F.batch_norm(x, tg.Tensor(stats[0].array.copy()), tg.Tensor(stats[1].array.copy()),
                                      w, b, training=training)
    check_gradients(fn, (x, w, b), ops.BatchNorm)


def test_batch_norm_training_normalises_and_updates_running_stats():
    x = tg.Tensor(uniform((8, 2, 3, 3), 0))
    mean, var = tg.zeros(2, dtype=np.float64), tg.ones(2, dtype=np.float64)
    y = F.batch_norm(x, mean, var, training=True, momentum=0.1)
    np.testing.assert_allclose(y.detach().numpy().mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.detach().numpy().var(axis=(0, 2, 3)), 1, rtol=1e-4)
    np.testing.assert_allclose(mean.detach().numpy(), 0.1 * x.detach().numpy().mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(var.detach().numpy(), 0.9 + 0.1 * x.detach().numpy().var(axis=(0, 2, 3), ddof=1))
