"""gelu (exact and tanh), softplus, mish and the hard-* family: gradient checks in float64,
values against the formulas written out in numpy, PyTorch's conventions and argument errors,
and the layers that wrap them."""
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import arrays, check_gradients, gradchecks, leaf, small_shapes

WIDE = st.floats(-30, 30, width=64)
ERF = np.vectorize(math.erf, otypes=[float])


def _away_from(x, kinks):
    """Finite differences straddling a kink disagree with the one-sided derivative."""
    return all(np.all(np.abs(x - k) > 1e-3) for k in kinks)


@gradchecks(F.gelu)
@given(x=small_shapes(0, 3).flatmap(lambda shape: arrays(shape, WIDE)),
       approximate=st.sampled_from(["none", "tanh"]))
def test_gelu_gradcheck(x, approximate):
    op = ops.Erf if approximate == "none" else ops.Tanh
    check_gradients(lambda t: F.gelu(t, approximate=approximate), (leaf(x),), op)


@gradchecks(F.softplus)
@given(x=small_shapes(0, 3).flatmap(lambda shape: arrays(shape, WIDE)),
       beta=st.sampled_from([1.0, 2.0, 0.5]), threshold=st.sampled_from([20.0, 5.0]))
def test_softplus_gradcheck(x, beta, threshold):
    assume(_away_from(x * beta, [threshold]))
    check_gradients(lambda t: F.softplus(t, beta, threshold), (leaf(x),), ops.Exp)


@gradchecks(F.mish)
@given(x=small_shapes(0, 3).flatmap(lambda shape: arrays(shape, WIDE)))
def test_mish_gradcheck(x):
    assume(_away_from(x, [20.0]))
    check_gradients(F.mish, (leaf(x),), ops.Tanh)


@gradchecks(F.hardtanh, F.relu6, F.hardsigmoid, F.hardswish)
@given(x=small_shapes(0, 3).flatmap(lambda shape: arrays(shape, st.floats(-9, 9, width=64))))
def test_hard_family_gradcheck(x):
    assume(_away_from(x, [-3.0, -1.0, 0.0, 1.0, 3.0, 6.0]))
    for fn in (F.hardtanh, F.relu6, F.hardsigmoid, F.hardswish):
        check_gradients(fn, (leaf(x),), ops.Clamp)


@given(x=small_shapes(0, 3).flatmap(lambda shape: arrays(shape, WIDE)))
def test_values_match_the_formulas(x):
    t = tg.Tensor(x)
    close = dict(rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(F.gelu(t).numpy(), 0.5 * x * (1 + ERF(x / math.sqrt(2))), **close)
    tanh_form = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    np.testing.assert_allclose(F.gelu(t, approximate="tanh").numpy(), tanh_form, **close)
    softplus = np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))
    np.testing.assert_allclose(F.softplus(t).numpy(), softplus, **close)
    np.testing.assert_allclose(F.mish(t).numpy(), x * np.tanh(np.log1p(np.exp(np.minimum(x, 40)))),
                               **close)
    relu6 = np.clip(x + 3, 0, 6)
    np.testing.assert_array_equal(F.relu6(t).numpy(), np.clip(x, 0, 6))
    np.testing.assert_array_equal(F.hardtanh(t, -2.0, 0.5).numpy(), np.clip(x, -2, 0.5))
    np.testing.assert_allclose(F.hardsigmoid(t).numpy(), relu6 / 6, **close)
    np.testing.assert_allclose(F.hardswish(t).numpy(), x * relu6 / 6, **close)


def test_softplus_keeps_precision_far_left_and_never_overflows():
    x = tg.Tensor(np.array([-700.0, -50.0, -20.0, 1e-20, 800.0]))
    with np.errstate(over="raise", invalid="raise"):
        y = F.softplus(x).numpy()
    np.testing.assert_allclose(y[:3], np.log1p(np.exp([-700.0, -50.0, -20.0])), rtol=1e-15)
    np.testing.assert_allclose(y[3], math.log(2), rtol=1e-15)
    assert y[4] == 800.0
    assert F.softplus(x, beta=2.0, threshold=1.0).numpy()[4] == 800.0


def test_gelu_keeps_float32_and_rejects_unknown_approximation():
    x = tg.tensor([-1.0, 0.5], requires_grad=True)
    for fn in (F.gelu, F.softplus, F.mish, F.hardswish, F.hardsigmoid, F.relu6):
        x.grad = None
        y = fn(x)
        y.sum().backward()
        assert y.dtype == tg.float32 and x.grad.dtype == tg.float32, fn.__name__
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(x, approximate="sigmoid")
    with pytest.raises(RuntimeError, match="approximate argument"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(x, 1.0, -1.0)
    with pytest.raises(TypeError, match="beta must be a number"):
        F.softplus(x, beta="1")


def test_layers_wrap_the_functions_and_print_as_pytorch():
    x = tg.Tensor(np.linspace(-8, 8, 17))
    pairs = [(nn.GELU(), F.gelu), (nn.GELU("tanh"), lambda t: F.gelu(t, approximate="tanh")),
             (nn.Softplus(2, 10), lambda t: F.softplus(t, 2, 10)), (nn.Mish(), F.mish),
             (nn.Hardtanh(-2, 2), lambda t: F.hardtanh(t, -2, 2)), (nn.ReLU6(), F.relu6),
             (nn.Hardsigmoid(), F.hardsigmoid), (nn.Hardswish(), F.hardswish)]
    for layer, fn in pairs:
        np.testing.assert_array_equal(layer(x).numpy(), fn(x).numpy())
        assert not list(layer.parameters())
    assert [repr(layer) for layer, _ in pairs] == [
        "GELU(approximate='none')", "GELU(approximate='tanh')", "Softplus(beta=2, threshold=10)",
        "Mish()", "Hardtanh(min_val=-2, max_val=2)", "ReLU6()", "Hardsigmoid()", "Hardswish()"]
    assert repr(nn.ReLU6(inplace=True)) == "ReLU6(inplace=True)"
    assert (nn.ReLU6().min_val, nn.ReLU6().max_val) == (0.0, 6.0)


def test_inplace_writes_into_a_tensor_outside_the_graph():
    x = tg.Tensor(np.array([-4.0, 1.0, 7.0]))
    assert F.relu6(x, inplace=True) is x and x.detach().numpy().tolist() == [0.0, 1.0, 6.0]
