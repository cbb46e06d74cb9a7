"""batch_norm, log_softmax, nll_loss and dropout: gradient checks and the semantics that pin them."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from strategies import check_gradients, gradchecks, leaf

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
    fn = lambda x, w, b: F.batch_norm(x, tg.Tensor(stats[0].data.copy()), tg.Tensor(stats[1].data.copy()),
                                      w, b, training=training)
    check_gradients(fn, (x, w, b), ops.BatchNorm)


def test_batch_norm_training_normalises_and_updates_running_stats():
    x = tg.Tensor(uniform((8, 2, 3, 3), 0))
    mean, var = tg.zeros(2, dtype=np.float64), tg.ones(2, dtype=np.float64)
    y = F.batch_norm(x, mean, var, training=True, momentum=0.1)
    np.testing.assert_allclose(y.numpy().mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.numpy().var(axis=(0, 2, 3)), 1, rtol=1e-4)
    np.testing.assert_allclose(mean.numpy(), 0.1 * x.numpy().mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(var.numpy(), 0.9 + 0.1 * x.numpy().var(axis=(0, 2, 3), ddof=1))


@gradchecks(ops.LogSoftmax, F.log_softmax, F.softmax)
@given(SEEDS, st.sampled_from([(5,), (3, 4), (2, 3, 2)]))
def test_log_softmax_gradient_matches_finite_differences(seed, shape):
    x = leaf(uniform(shape, seed))
    check_gradients(lambda t: F.log_softmax(t, dim=-1), (x,), ops.LogSoftmax)
    check_gradients(lambda t: F.softmax(t, dim=0), (x,), ops.LogSoftmax)


def test_log_softmax_is_stable_for_huge_logits():
    y = F.log_softmax(tg.tensor([[1000.0, 0.0, -1000.0]]), dim=1).numpy()
    assert np.isfinite(y).all() and abs(y[0, 0]) < 1e-6


@gradchecks(ops.NLLLoss, F.nll_loss, F.cross_entropy)
@given(SEEDS, st.sampled_from(["mean", "sum", "none"]), st.booleans())
def test_cross_entropy_gradient_matches_finite_differences(seed, reduction, weighted):
    rng = np.random.default_rng(seed)
    logits = leaf(uniform((4, 5), seed))
    target = tg.Tensor(np.array([0, 4, -100, 2]))
    weight = tg.Tensor(rng.uniform(0.5, 2, 5)) if weighted else None
    check_gradients(lambda t: F.cross_entropy(t, target, weight, reduction=reduction,
                                              label_smoothing=0.1), (logits,), ops.NLLLoss)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_cross_entropy_with_every_target_ignored_is_nan_with_zero_gradient(label_smoothing):
    logits = leaf(uniform((3, 4), 0))
    loss = F.cross_entropy(logits, tg.tensor([-100, -100, -100]), label_smoothing=label_smoothing)
    assert np.isnan(loss.item())          # 0 / 0, as PyTorch
    loss.backward()
    np.testing.assert_array_equal(logits.grad.numpy(), np.zeros((3, 4)))  # ignored: exactly 0


def test_cross_entropy_of_uniform_logits_is_log_of_the_class_count():
    loss = F.cross_entropy(tg.zeros(3, 10), tg.tensor([1, 2, 3]))
    assert np.isclose(loss.item(), np.log(10), rtol=1e-6)


@gradchecks(ops.Dropout, F.dropout)
def test_dropout_gradient_uses_the_same_mask():
    tg.manual_seed(0)
    x = leaf(uniform((50, 40), 0))
    y = F.dropout(x, p=0.3, training=True)
    y.backward(tg.ones(50, 40, dtype=np.float64))
    kept = y.numpy() != 0
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.7)
    np.testing.assert_allclose(y.numpy()[kept], x.numpy()[kept] / 0.7)
    assert 0.6 < kept.mean() < 0.8
    assert F.dropout(x, p=0.3, training=False) is x
