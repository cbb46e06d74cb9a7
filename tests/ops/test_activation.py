"""ReLU, sigmoid and tanh: gradient checks away from ReLU's kink, the convention ReLU'(0) = 0,
and sigmoid's stability for large |x|."""
import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import arrays, random_arrays, check_gradients, gradchecks, leaf, small_shapes

WIDE = st.floats(-30, 30, width=64)


@gradchecks(ops.ReLU, F.relu)
@given(x=small_shapes(0, 4).flatmap(random_arrays))
def test_relu_gradcheck(x):
    assume(np.all(np.abs(x) > 1e-3))  # the kink at 0: finite differences straddle it
    check_gradients(F.relu, (leaf(x),), ops.ReLU)


@gradchecks(ops.Sigmoid, F.sigmoid)
@given(x=small_shapes(0, 4).flatmap(lambda shape: arrays(shape, WIDE)))
def test_sigmoid_gradcheck(x):
    check_gradients(F.sigmoid, (leaf(x),), ops.Sigmoid)


@gradchecks(ops.Tanh, F.tanh)
@given(x=small_shapes(0, 4).flatmap(arrays))
def test_tanh_gradcheck(x):
    check_gradients(F.tanh, (leaf(x),), ops.Tanh)


def test_relu_derivative_at_zero_is_zero():
    x = leaf([-1.0, 0.0, 2.0])
    F.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [0.0, 0.0, 1.0])


@given(x=small_shapes(0, 3).flatmap(lambda shape: arrays(shape, WIDE)))
def test_values(x):
    np.testing.assert_array_equal(F.relu(tg.Tensor(x)).array, np.maximum(x, 0))
    np.testing.assert_allclose(F.sigmoid(tg.Tensor(x)).array, 1 / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(F.tanh(tg.Tensor(x)).array, np.tanh(x), rtol=1e-12)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise"):  # e^(-x) never overflows
        y = F.sigmoid(tg.Tensor(np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])))
    assert y.array[0] == 0.0 and y.array[2] == 0.5 and y.array[-1] == 1.0
    assert np.all(np.isfinite(y.array))


def test_activations_keep_float32():
    x = tg.tensor([-1.0, 2.0], requires_grad=True)
    for fn in (F.relu, F.sigmoid, F.tanh):
        x.grad = None
        y = fn(x)
        y.sum().backward()
        assert y.dtype == np.float32 and x.grad.dtype == np.float32


@gradchecks(F.leaky_relu)
@given(x=small_shapes(0, 3).flatmap(arrays), slope=st.sampled_from([0.01, 0.2, -0.5]))
def test_leaky_relu_gradcheck(x, slope):
    assume(np.all(np.abs(x) > 1e-3))
    check_gradients(lambda t: F.leaky_relu(t, slope), (leaf(x),), ops.Where)


@gradchecks(F.elu)
@given(x=small_shapes(0, 3).flatmap(arrays), alpha=st.sampled_from([1.0, 0.5]))
def test_elu_gradcheck(x, alpha):
    assume(np.all(np.abs(x) > 1e-3))
    check_gradients(lambda t: F.elu(t, alpha), (leaf(x),), ops.Exp)


@gradchecks(F.silu)
@given(x=small_shapes(0, 3).flatmap(lambda shape: arrays(shape, WIDE)))
def test_silu_gradcheck(x):
    check_gradients(F.silu, (leaf(x),), ops.Sigmoid)


def test_leaky_relu_and_elu_values_and_slopes_at_zero():
    x = leaf([-2.0, 0.0, 3.0])
    y = F.leaky_relu(x, 0.1)
    np.testing.assert_allclose(y.array, [-0.2, 0.0, 3.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.array, [0.1, 0.1, 1.0])  # 0 takes the negative slope
    x.grad = None
    y = F.elu(x, alpha=2.0)
    np.testing.assert_allclose(y.array, [2 * (np.exp(-2) - 1), 0.0, 3.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.array, [2 * np.exp(-2), 2.0, 1.0])


def test_elu_of_huge_inputs_has_finite_gradients():
    x = leaf([-1000.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):
        F.elu(x).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [0.0, 1.0])
