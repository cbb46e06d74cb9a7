"""smooth_l1_loss and huber_loss: gradient checks, and the values on both sides of the bend."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from strategies import check_gradients, gradchecks, leaf

SEEDS = st.integers(0, 2**32 - 1)


def uniform(shape, seed):
    return np.random.default_rng(seed).uniform(-2.0, 2.0, shape)


@gradchecks(F.smooth_l1_loss)
@given(SEEDS, st.sampled_from(["mean", "sum", "none"]), st.sampled_from([0.5, 1.0, 0.0]))
def test_smooth_l1_loss_gradient(seed, reduction, beta):
    a, b = leaf(uniform((3, 4), seed)), leaf(uniform((3, 4), seed + 1))
    op = ops.Abs if beta == 0 else ops.Where
    check_gradients(lambda x, y: F.smooth_l1_loss(x, y, reduction=reduction, beta=beta), (a, b), op)


@gradchecks(F.huber_loss)
@given(SEEDS, st.sampled_from(["mean", "sum", "none"]), st.sampled_from([0.5, 2.0]))
def test_huber_loss_gradient(seed, reduction, delta):
    a, b = leaf(uniform((3, 4), seed)), leaf(uniform((3, 4), seed + 1))
    check_gradients(lambda x, y: F.huber_loss(x, y, reduction=reduction, delta=delta), (a, b), ops.Where)


def test_values_on_both_sides_of_the_bend():
    d = tg.tensor([0.0, 0.5, 1.0, 3.0])
    zero = tg.zeros(4)
    assert F.smooth_l1_loss(d, zero, reduction="none").tolist() == [0.0, 0.125, 0.5, 2.5]
    assert F.huber_loss(d, zero, reduction="none", delta=2.0).tolist() == [0.0, 0.125, 0.5, 4.0]
    with pytest.raises(ValueError, match="smooth_l1_loss: beta must be non-negative"):
        F.smooth_l1_loss(d, zero, beta=-1.0)
    with pytest.raises(ValueError, match="smooth_l1_loss: input shape"):
        F.smooth_l1_loss(d, tg.zeros(3))
