"""The backward engine: order, accumulation, graph freeing, grad mode, errors, the Node record."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import autograd
from tinygrad_cnn.autograd import Function


def test_a_chain_of_100000_ops_backpropagates_without_recursion_error():
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_fan_out_gradients_add():
    x = tg.tensor(3.0, requires_grad=True)
    (x * x + x).backward()
    assert x.grad.item() == 7.0


def test_gradients_accumulate_across_backward_calls_until_zeroed():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [4, 4])
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [2, 2])


def test_second_backward_through_a_freed_graph_says_to_retain_it():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [4, 8])


def test_broadcast_gradients_sum_back_to_the_input_shape():
    a = tg.Tensor(np.ones((2, 1, 3)), requires_grad=True)
    b = tg.Tensor(np.ones(3), requires_grad=True)
    (a * b * tg.Tensor(np.ones((4, 2, 5, 3)))).sum().backward()
    assert a.grad.shape == (2, 1, 3) and np.all(a.grad.detach().numpy() == 20)
    assert b.grad.shape == (3,) and np.all(b.grad.detach().numpy() == 40)


def test_backward_of_a_non_scalar_needs_a_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2).backward()


def test_a_wrong_gradient_shape_is_reported_with_the_op_name():
    class Broken(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, dy):
            return np.ones(7)

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Broken.*shape"):
        Broken.apply(x).sum().backward()


def test_no_grad_and_enable_grad_as_context_managers_and_decorators():
    x = tg.tensor(1.0, requires_grad=True)
    with tg.no_grad():
        assert (x * 2).grad_fn is None
        with tg.enable_grad():
            assert (x * 2).grad_fn is not None

    @tg.no_grad()
    def evaluate():
        return x * 2
    assert evaluate().grad_fn is None and tg.is_grad_enabled()


def test_grad_mode_is_restored_when_an_exception_escapes():
    with pytest.raises(KeyError):
        with tg.no_grad():
            raise KeyError
    assert tg.is_grad_enabled()


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="floating"):
        tg.tensor([1, 2], requires_grad=True)


def test_dtypes_float32_by_default_float64_kept_and_grads_keep_dtype():
    assert tg.tensor([1.0]).dtype == np.float32
    assert tg.tensor(np.zeros(2)).dtype == np.float32
    x = tg.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    (x * x).sum().backward()
    assert x.dtype == np.float64 and x.grad.dtype == np.float64
    assert tg.tensor([1, 2]).dtype == np.int64


def test_node_records_op_parents_in_order_params_and_scope():
    x = tg.randn(1, 1, 5, 5)
    w = tg.randn(2, 1, 3, 3, requires_grad=True)
    with autograd.module_scope("features.0"):
        y = F.conv2d(x, w, stride=2, padding=1)
    node = y.grad_fn
    assert node.op == "Conv2d" and node.parents == (x, w) and node.scope == "features.0"
    assert node.params["stride"] == (2, 2) and node.output_shape == y.shape


def test_inf_and_nan_are_results_not_warnings():
    """As in PyTorch, 1/0 is inf and 0*inf is nan, forward and backward, without numpy's warnings."""
    import warnings
    x = tg.tensor([0.0, 2.0], dtype=tg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = (1 / x).sum()
        y.backward()
    assert y.item() == np.inf
    np.testing.assert_array_equal(x.grad.detach().numpy(), [-np.inf, -0.25])
