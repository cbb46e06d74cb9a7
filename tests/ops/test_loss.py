"""log_softmax, nll_loss and cross_entropy (ops/loss.py): gradient checks and the semantics that pin
them."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf

SEEDS = st.integers(0, 2**32 - 1)


def uniform(shape, seed, low=-3.0, high=3.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


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
    np.testing.assert_array_equal(logits.grad.detach().numpy(), np.zeros((3, 4)))  # ignored: exactly 0


def test_cross_entropy_of_uniform_logits_is_log_of_the_class_count():
    loss = F.cross_entropy(tg.zeros(3, 10), tg.tensor([1, 2, 3]))
    assert np.isclose(loss.item(), np.log(10), rtol=1e-6)
