"""Batched matmul and the fully-connected primitive y = x W^T + b."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf, random_arrays

SIDE = st.integers(1, 3)


@st.composite
def matmul_shapes(draw):
    """Shapes numpy's matmul accepts: vectors on either side, broadcast batch axes."""
    M, K, P = draw(SIDE), draw(SIDE), draw(SIDE)
    batch = draw(st.lists(SIDE, max_size=2))
    a = draw(st.sampled_from([(K,), (M, K), tuple(batch) + (M, K), (1,) * len(batch) + (M, K)]))
    b = draw(st.sampled_from([(K,), (K, P), tuple(batch) + (K, P), (1,) + (K, P)]))
    return a, b


@gradchecks(ops.MatMul, F.matmul)
@given(shapes=matmul_shapes(), data=st.data())
def test_matmul_gradcheck(shapes, data):
    a, b = (leaf(data.draw(random_arrays(shape))) for shape in shapes)
    check_gradients(F.matmul, (a, b), ops.MatMul)
    np.testing.assert_allclose((a @ b).array, np.matmul(a.array, b.array))


@gradchecks(ops.Linear, F.linear)
@given(lead=st.lists(SIDE, max_size=2), I=SIDE, O=SIDE, bias=st.booleans(), data=st.data())
def test_linear_gradcheck(lead, I, O, bias, data):
    x = leaf(data.draw(random_arrays(tuple(lead) + (I,))))
    w = leaf(data.draw(random_arrays((O, I))))
    inputs = (x, w, leaf(data.draw(random_arrays((O,))))) if bias else (x, w)
    check_gradients(F.linear, inputs, ops.Linear)
    expected = x.array @ w.array.T + (inputs[2].array if bias else 0)
    np.testing.assert_allclose(F.linear(*inputs).array, expected)


def test_linear_gradients_by_hand():
    x = leaf([[1.0, 2.0]])                      # (N=1, I=2)
    w = leaf([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # (O=3, I=2)
    b = leaf([0.5, -0.5, 0.0])
    y = F.linear(x, w, b)
    np.testing.assert_allclose(y.array, [[1.5, 1.5, 3.0]])
    y.backward(tg.Tensor(np.array([[1.0, 2.0, 3.0]])))
    np.testing.assert_allclose(x.grad.array, [[4.0, 5.0]])               # dy W
    np.testing.assert_allclose(w.grad.array, [[1, 2], [2, 4], [3, 6]])   # dy^T x
    np.testing.assert_allclose(b.grad.array, [1.0, 2.0, 3.0])            # dy summed over N


@pytest.mark.parametrize("a_shape, b_shape", [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)),
                                              ((4, 2, 3), (3, 5)), ((1, 2, 3), (4, 3, 2))])
def test_matmul_result_shapes(a_shape, b_shape):
    a, b = leaf(np.ones(a_shape)), leaf(np.ones(b_shape))
    y = a @ b
    assert y.shape == np.matmul(a.array, b.array).shape
    y.sum().backward()
    assert a.grad.shape == a_shape and b.grad.shape == b_shape
