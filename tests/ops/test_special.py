"""ops.Erf: values against the C library's erf (math.erf), its limits, and its gradient check."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
from tinygrad_cnn import ops
from tests.strategies import arrays, check_gradients, gradchecks, leaf, small_shapes

WIDE = st.floats(-8, 8, width=64)


def erf(t):
    return ops.Erf.apply(t)


@gradchecks(ops.Erf)
@given(x=small_shapes(0, 4).flatmap(lambda shape: arrays(shape, WIDE)))
def test_erf_gradcheck(x):
    check_gradients(erf, (leaf(x),), ops.Erf)


@given(x=small_shapes(0, 3).flatmap(lambda shape: arrays(shape, st.floats(-30, 30, width=64))))
def test_erf_values_are_the_c_librarys(x):
    y = erf(tg.Tensor(x)).numpy()
    assert y.shape == x.shape and y.dtype == np.float64
    np.testing.assert_array_equal(y, np.vectorize(math.erf, otypes=[float])(x))


def test_erf_limits_sign_and_float32():
    y = erf(tg.Tensor(np.array([-np.inf, -0.0, 0.0, np.inf, np.nan]))).numpy()
    assert y[0] == -1 and y[3] == 1 and np.isnan(y[4])
    assert math.copysign(1, y[1]) == -1 and math.copysign(1, y[2]) == 1
    x = tg.tensor([0.5, -1.0], requires_grad=True)
    out = erf(x)
    out.sum().backward()
    assert out.dtype == tg.float32 and x.grad.dtype == tg.float32
    np.testing.assert_allclose(x.grad.detach().numpy(), 2 / math.sqrt(math.pi) * np.exp([-0.25, -1.0]),
                               rtol=1e-6)


def test_erf_refuses_integer_input():
    with pytest.raises(TypeError, match="floating-point"):
        erf(tg.tensor([1, 2]))
