"""Gradient checks and semantics of the F functions built from several primitives."""
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


@gradchecks(F.adaptive_avg_pool2d)
@given(SEEDS, st.integers(3, 7), st.integers(3, 7), st.integers(1, 3), st.integers(1, 3))
def test_adaptive_avg_pool2d_gradient(seed, H, W, Ho, Wo):
    x = leaf(uniform((1, 2, H, W), seed))
    op = ops.AvgPool2d if (H % Ho == 0 and W % Wo == 0 and (Ho, Wo) != (1, 1)) else \
        (ops.Sum if (Ho, Wo) == (1, 1) else ops.MatMul)
    check_gradients(lambda t: F.adaptive_avg_pool2d(t, (Ho, Wo)), (x,), op)


def test_adaptive_avg_pool2d_to_one_is_the_spatial_mean():
    x = tg.Tensor(uniform((2, 3, 5, 7), 0))
    np.testing.assert_allclose(F.adaptive_avg_pool2d(x, 1).numpy()[..., 0, 0], x.detach().numpy().mean((2, 3)))


@gradchecks(F.binary_cross_entropy_with_logits)
@given(SEEDS, st.booleans())
def test_bce_with_logits_gradient(seed, pos_weighted):
    x, t = leaf(uniform((3, 4), seed)), tg.Tensor(uniform((3, 4), seed + 1, 0, 1))
    pw = tg.Tensor(uniform(4, seed + 2, 0.5, 2)) if pos_weighted else None
    check_gradients(lambda a: F.binary_cross_entropy_with_logits(a, t, pos_weight=pw), (x,), ops.LogSoftmax)


def test_bce_with_logits_is_stable_and_has_gradient_minus_half_at_zero():
    x = tg.Tensor(np.array([0.0, 800.0, -800.0]), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, tg.Tensor(np.array([1.0, 1.0, 0.0])), reduction="sum")
    loss.backward()
    assert np.isclose(loss.item(), np.log(2)) and np.isclose(x.grad.detach().numpy()[0], -0.5)


@gradchecks(F.mse_loss)
@given(SEEDS, st.sampled_from(["mean", "sum", "none"]))
def test_mse_loss_gradient(seed, reduction):
    a, b = leaf(uniform((3, 2), seed)), leaf(uniform((3, 2), seed + 1))
    check_gradients(lambda x, y: F.mse_loss(x, y, reduction=reduction), (a, b), ops.Mul)


@gradchecks(F.flatten)
@given(SEEDS, st.integers(0, 2), st.integers(-1, 3))
def test_flatten_gradient(seed, start, end):
    x = leaf(uniform((2, 3, 2, 2), seed))
    if (end % 4) < start:
        with pytest.raises(ValueError):
            F.flatten(x, start, end)
        return
    check_gradients(lambda t: F.flatten(t, start, end), (x,), ops.Reshape)


@gradchecks(F.local_response_norm)
@given(SEEDS, st.integers(1, 5))
def test_local_response_norm_gradient(seed, size):
    x = leaf(uniform((1, 5, 2, 2), seed))
    check_gradients(lambda t: F.local_response_norm(t, size, alpha=0.5, beta=0.75, k=1.0), (x,), ops.AvgPool2d)


def test_local_response_norm_reads_a_3d_input_as_n_c_l():
    x = tg.tensor(np.array([[[1.0, 2.0], [3.0, 4.0]]]))              # (N=1, C=2, L=2)
    # size 2: channel c averages the squares of channels c-1 and c (zero beyond the edge)
    y = F.local_response_norm(x, 2, alpha=1.0, beta=1.0, k=1.0).numpy()
    expected = [[1 / (1 + 1 / 2), 2 / (1 + 4 / 2)], [3 / (1 + 10 / 2), 4 / (1 + 20 / 2)]]
    np.testing.assert_allclose(y[0], expected)


def test_batch_norm_takes_a_bias_without_a_weight():
    x, bias = tg.tensor(np.array([[1.0, 2.0], [3.0, 6.0]])), leaf([10.0, -1.0])
    y = F.batch_norm(x, None, None, None, bias, training=True, eps=0.0)
    np.testing.assert_allclose(y.detach().numpy(), [[9.0, -2.0], [11.0, 0.0]])
    y.sum().backward()
    np.testing.assert_array_equal(bias.grad.detach().numpy(), [2.0, 2.0])


@gradchecks(F.l1_loss)
@given(SEEDS, st.sampled_from(["mean", "sum", "none"]))
def test_l1_loss_gradient(seed, reduction):
    a, b = leaf(uniform((3, 2), seed)), leaf(uniform((3, 2), seed + 1))
    check_gradients(lambda x, y: F.l1_loss(x, y, reduction=reduction), (a, b), ops.Abs)


@gradchecks(ops.BinaryCrossEntropy, F.binary_cross_entropy)
@given(SEEDS, st.sampled_from(["mean", "sum", "none"]), st.booleans())
def test_binary_cross_entropy_gradient(seed, reduction, weighted):
    p = leaf(uniform((3, 4), seed, 0.05, 0.95))
    t = leaf(uniform((3, 4), seed + 1, 0, 1))
    w = tg.Tensor(uniform(4, seed + 2, 0.5, 2)) if weighted else None
    check_gradients(lambda a, b: F.binary_cross_entropy(a, b, weight=w, reduction=reduction),
                    (p, t), ops.BinaryCrossEntropy)


def test_binary_cross_entropy_floors_the_logs_and_keeps_gradients_finite():
    p = tg.Tensor(np.array([0.0, 1.0, 0.5, 1.0]), requires_grad=True)
    t = tg.Tensor(np.array([1.0, 0.0, 1.0, 1.0]))
    loss = F.binary_cross_entropy(p, t, reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [100.0, 100.0, np.log(2), 0.0])
    loss.sum().backward()
    # (p - t) / max(p (1 - p), 1e-12): PyTorch's guard for saturated probabilities
    np.testing.assert_allclose(p.grad.detach().numpy(), [-1e12, 1e12, -2.0, 0.0])


def test_binary_cross_entropy_agrees_with_the_logits_version():
    x = tg.Tensor(uniform((4, 3), 0, -4, 4))
    t = tg.Tensor(uniform((4, 3), 1, 0, 1))
    np.testing.assert_allclose(F.binary_cross_entropy(F.sigmoid(x), t).item(),
                               F.binary_cross_entropy_with_logits(x, t).item(), rtol=1e-10)


def test_one_hot():
    out = F.one_hot(tg.tensor([[0, 2], [1, 0]]), num_classes=4)
    assert out.dtype == np.int64 and out.shape == (2, 2, 4)
    np.testing.assert_array_equal(out.detach().numpy()[0], [[1, 0, 0, 0], [0, 0, 1, 0]])
    assert F.one_hot(tg.tensor([3, 1])).shape == (2, 4)  # num_classes inferred as max + 1


def test_losses_take_pytorchs_positional_order_and_legacy_reduction_flags():
    logits, target = tg.Tensor(uniform((3, 4), 1)), tg.tensor([0, 3, 1])
    summed = F.cross_entropy(logits, target, reduction="sum")
    # (input, target, weight, size_average, ignore_index, reduce, reduction), as torch
    assert F.cross_entropy(logits, target, None, False).item() == summed.item()
    assert F.nll_loss(logits, target, None, None, -100, False).shape == (3,)
    a, b = tg.Tensor(uniform((2, 3), 2)), tg.Tensor(uniform((2, 3), 3))
    assert F.mse_loss(a, b, reduce=False).shape == (2, 3)
    assert np.isclose(F.l1_loss(a, b, size_average=False).item(), np.abs(a.detach().numpy() - b.detach().numpy()).sum())


def test_mse_and_l1_weights_divide_the_mean_by_the_total_weight():
    a, b = tg.Tensor(np.array([1.0, 2.0, 4.0])), tg.Tensor(np.zeros(3))
    weight = tg.Tensor(np.array([1.0, 0.0, 3.0]))
    assert np.isclose(F.mse_loss(a, b, weight=weight).item(), (1 + 0 + 48) / 4)
    assert np.isclose(F.l1_loss(a, b, reduction="sum", weight=weight).item(), 1 + 0 + 12)
    with pytest.raises(ValueError, match="weight shape"):
        F.mse_loss(a, b, weight=tg.Tensor(np.ones(2)))


def test_inplace_activations_write_into_a_tensor_outside_the_graph():
    x = tg.Tensor(np.array([-1.0, 2.0]))
    assert F.relu(x, inplace=True) is x and x.detach().numpy().tolist() == [0.0, 2.0]
    leaf = tg.Tensor(np.array([-1.0, 2.0]), requires_grad=True)
    y = leaf * 1.0
    out = F.leaky_relu(y, 0.5, inplace=True)          # on the graph too: y itself, rebased
    assert out is y and y.detach().numpy().tolist() == [-0.5, 2.0]
    y.sum().backward()
    assert leaf.grad.tolist() == [0.5, 1.0]
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        F.relu(leaf, inplace=True)                     # as PyTorch: a leaf that requires grad
    assert F.softmax(tg.tensor([[1.0, 2.0]]), 1, dtype=tg.float64).dtype == np.float64
