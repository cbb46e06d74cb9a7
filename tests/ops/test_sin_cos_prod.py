"""ops.Sin, ops.Cos and ops.Prod: values against numpy, gradient checks (Prod with zeros among
its entries, where dividing y by x would fail), and the Tensor / torch.* entry points."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
from tinygrad_cnn import ops
from tests.strategies import arrays, check_gradients, gradchecks, leaf, small_shapes

WIDE = st.floats(-10, 10, width=64)
# a few exact zeros among the values, so Prod's zero-safe backward is exercised
WITH_ZEROS = st.one_of(st.just(0.0), st.floats(-2, 2, width=64))


@gradchecks(ops.Sin)
@given(x=small_shapes(0, 4).flatmap(lambda shape: arrays(shape, WIDE)))
def test_sin_gradcheck(x):
    check_gradients(lambda t: t.sin(), (leaf(x),), ops.Sin)


@gradchecks(ops.Cos)
@given(x=small_shapes(0, 4).flatmap(lambda shape: arrays(shape, WIDE)))
def test_cos_gradcheck(x):
    check_gradients(lambda t: t.cos(), (leaf(x),), ops.Cos)


@gradchecks(ops.Prod)
@given(data=st.data(), x=small_shapes(1, 3).flatmap(lambda shape: arrays(shape, WITH_ZEROS)))
def test_prod_gradcheck_along_a_dim_and_over_all(data, x):
    dim = data.draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1)))
    keepdim = data.draw(st.booleans())
    check_gradients(lambda t: t.prod(dim, keepdim) if dim is not None else t.prod(), (leaf(x),),
                    ops.Prod)


@given(x=small_shapes(0, 3).flatmap(lambda shape: arrays(shape, WIDE)))
def test_sin_cos_values_are_numpys(x):
    np.testing.assert_array_equal(tg.sin(tg.Tensor(x)).numpy(), np.sin(x))
    np.testing.assert_array_equal(tg.cos(tg.Tensor(x)).numpy(), np.cos(x))


def test_prod_gradient_with_one_and_two_zeros():
    x = tg.tensor([2.0, 0.0, 3.0, 4.0], requires_grad=True)
    x.prod().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 24.0, 0.0, 0.0])
    y = tg.tensor([[0.0, 5.0, 0.0], [1.0, 2.0, 3.0]], requires_grad=True)
    y.prod(1).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [[0, 0, 0], [6, 3, 2]])


def test_prod_shapes_dtypes_and_empty():
    x = tg.arange(1, 7).reshape(2, 3)
    assert x.prod().item() == 720 and x.prod().dtype == tg.int64
    assert x.prod(1).tolist() == [6, 120] and x.prod(0, keepdim=True).shape == (1, 3)
    assert tg.prod(tg.tensor([True, False])).dtype == tg.int64
    f = tg.ones(2, 0, requires_grad=True)
    out = f.prod(1)
    assert out.tolist() == [1.0, 1.0]
    out.sum().backward()
    assert f.grad.shape == (2, 0)
    assert tg.prod(tg.tensor([1.0, 2.0]), dtype=tg.float64).dtype == tg.float64
    assert tg.tensor(3.0).prod(0).item() == 3.0


def test_sin_of_integers_is_float_and_prod_rejects_bad_dim():
    assert tg.sin(tg.tensor([0, 1])).dtype == tg.float32
    with pytest.raises(ValueError, match="out of range"):
        tg.ones(2, 3).prod(2)
    with pytest.raises(TypeError, match="floating-point"):
        ops.Sin.apply(tg.tensor([1, 2]))
