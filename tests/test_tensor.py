"""The Tensor API: creation, dtypes, operators, comparisons, reductions and views behave as in
PyTorch (values checked against NumPy and hand-computed numbers)."""
import numpy as np
import pytest

import tinygrad_cnn as tg


def test_creation_functions_give_the_requested_shapes_values_and_dtypes():
    assert tg.zeros(2, 3).shape == (2, 3) and not tg.zeros(2, 3).numpy().any()
    assert tg.ones((2, 3)).numpy().sum() == 6
    np.testing.assert_array_equal(tg.full((2, 2), 7.5).numpy(), np.full((2, 2), 7.5))
    np.testing.assert_array_equal(tg.arange(5).numpy(), [0, 1, 2, 3, 4])
    assert tg.arange(5).dtype == tg.int64  # integer arguments make integers, as in PyTorch
    np.testing.assert_allclose(tg.arange(0, 1, 0.25).numpy(), [0, 0.25, 0.5, 0.75])
    assert tg.arange(0, 1, 0.25).dtype == tg.float32
    x = tg.randn(3, 4, dtype=tg.float64)
    assert x.dtype == tg.float64
    for like in (tg.zeros_like, tg.ones_like, tg.randn_like, tg.rand_like):
        y = like(x)
        assert y.shape == x.shape and y.dtype == x.dtype
    assert tg.full_like(x, 2).numpy().sum() == 24
    assert ((tg.rand(1000).detach().numpy() >= 0) & (tg.rand(1000).detach().numpy() < 1)).all()


def test_manual_seed_makes_random_tensors_reproducible():
    tg.manual_seed(123)
    a = tg.randn(5).detach().numpy()
    tg.manual_seed(123)
    np.testing.assert_array_equal(a, tg.randn(5).detach().numpy())
    assert not np.array_equal(a, tg.randn(5).detach().numpy())


def test_float_input_becomes_float32_unless_float64_is_asked_and_ints_stay_ints():
    assert tg.tensor([1.0, 2.0]).dtype == tg.float32
    assert tg.tensor(np.ones(2)).dtype == tg.float32
    assert tg.tensor(np.ones(2), dtype=tg.float64).dtype == tg.float64
    assert tg.tensor([1, 2]).dtype == tg.int64
    assert tg.tensor(3.5).shape == () and tg.tensor(3.5).item() == 3.5


def test_arithmetic_operators_and_their_reflections_match_numpy():
    a_np = np.array([[1.0, -2.0], [3.0, 0.5]])
    a = tg.tensor(a_np, dtype=tg.float64)
    cases = {
        "a + 2": (a + 2, a_np + 2), "2 + a": (2 + a, 2 + a_np),
        "a - 1": (a - 1, a_np - 1), "1 - a": (1 - a, 1 - a_np),
        "a * a": (a * a, a_np * a_np), "3 * a": (3 * a, 3 * a_np),
        "a / 4": (a / 4, a_np / 4), "1 / a": (1 / a, 1 / a_np),
        "a ** 2": (a ** 2, a_np ** 2), "2 ** a": (2 ** a, 2 ** a_np),
        "-a": (-a, -a_np), "a @ a": (a @ a, a_np @ a_np),
    }
    for name, (ours, expected) in cases.items():
        np.testing.assert_allclose(ours.detach().numpy(), expected, err_msg=name)


def test_comparisons_give_boolean_tensors_without_history():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in [(x > 2, [False, False, True]), (x >= 2, [False, True, True]),
                             (x < 2, [True, False, False]), (x <= 2, [True, True, False]),
                             (x == 2, [False, True, False]), (x != 2, [True, False, True])]:
        np.testing.assert_array_equal(result.detach().numpy(), expected)
        assert result.dtype == tg.bool_ and not result.requires_grad and result.grad_fn is None


def test_reductions_follow_pytorch_dim_and_keepdim():
    x_np = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    x = tg.tensor(x_np, dtype=tg.float64)
    assert x.sum().item() == x_np.sum()
    assert x.sum(1).shape == (2, 4) and x.sum(1, keepdim=True).shape == (2, 1, 4)
    np.testing.assert_allclose(x.mean((0, 2)).numpy(), x_np.mean((0, 2)))
    values, indices = x.max(2)
    np.testing.assert_array_equal(values.detach().numpy(), x_np.max(2))
    np.testing.assert_array_equal(indices.detach().numpy(), x_np.argmax(2))
    assert x.max().item() == 23 and x.min().item() == 0
    np.testing.assert_array_equal(x.argmax(1).numpy(), x_np.argmax(1))


def test_softmax_rows_sum_to_one_and_log_softmax_is_stable():
    x = tg.tensor([[1000.0, 1000.0, -1000.0], [0.0, 1.0, 2.0]], dtype=tg.float64)
    np.testing.assert_allclose(x.softmax(1).numpy().sum(1), [1, 1])
    log_p = x.log_softmax(1).detach().numpy()
    assert np.isfinite(log_p[0, :2]).all()
    np.testing.assert_allclose(log_p[0, :2], [np.log(0.5)] * 2)


def test_views_and_indexing_have_pytorch_shapes():
    x = tg.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.reshape(6, -1).shape == (6, 4) and x.view(-1).shape == (24,)
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.transpose(0, 2).shape == (4, 3, 2)
    assert x.flatten(1).shape == (2, 12) and x.flatten().shape == (24,)
    assert x.unsqueeze(0).shape == (1, 2, 3, 4) and x[:, :1].squeeze(1).shape == (2, 4)
    assert x[1].shape == (3, 4) and x[:, 1:3, ::2].shape == (2, 2, 2)
    np.testing.assert_array_equal(x[[1, 0], 0, 0].numpy(), [12, 0])
    assert tg.cat([x, x], 1).shape == (2, 6, 4) and tg.stack([x, x], 3).shape == (2, 3, 4, 2)
    assert x.expand(5, 2, 3, 4).shape == (5, 2, 3, 4)


def test_item_numpy_detach_and_conversions():
    x = tg.tensor([[2.5]], requires_grad=True)
    y = x * 2
    assert y.item() == 5.0 and float(y) == 5.0 and isinstance(y.detach().numpy(), np.ndarray)
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None and d.detach().numpy() is not None
    assert x.double().dtype == tg.float64 and x.long().dtype == tg.int64
    assert y.grad_fn is not None and x.is_leaf and not y.is_leaf
    with pytest.raises(ValueError):
        tg.tensor([1.0, 2.0]).item()


def test_repr_shows_values_dtype_and_grad_state():
    text = repr(tg.tensor([1.0, 2.0], requires_grad=True))
    assert text.startswith("tensor(") and "requires_grad=True" in text


def test_detached_tensors_and_no_grad_results_record_no_history():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        y = x * 3
    assert not y.requires_grad and y.grad_fn is None
    z = (x.detach() * 3).sum()
    assert not z.requires_grad


def test_std_of_equal_values_has_zero_gradient_and_var_keeps_infinite_gradients():
    x = tg.tensor([[1.0, 2.0], [1.0, 4.0]], dtype=tg.float64, requires_grad=True)
    std = x.std(0)                                           # column 0 has no spread
    np.testing.assert_allclose(std.detach().numpy(), [0.0, np.sqrt(2.0)])
    std.sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [[0.0, -1 / np.sqrt(2)], [0.0, 1 / np.sqrt(2)]])
    x.grad = None
    with np.errstate(divide="ignore"):
        var = x.var(0, correction=2)                         # n - correction = 0: inf, as torch
        var.sum().backward()
    assert np.isnan(var.detach().numpy()[0]) and np.isinf(var.detach().numpy()[1])   # 0/0 and 2/0, as torch
    np.testing.assert_array_equal(x.grad.detach().numpy()[:, 1], [-np.inf, np.inf])  # 2 (x - mean) / 0


def test_argmin_picks_the_first_minimum():
    x = tg.tensor([[3.0, 1.0, 1.0], [0.0, 2.0, 0.0]])
    np.testing.assert_array_equal(x.argmin(1).numpy(), [1, 0])
    assert x.argmin(1, keepdim=True).shape == (2, 1) and x.argmin().item() == 3
    assert x.argmin().dtype == np.int64


def test_an_empty_dim_list_reduces_over_every_axis():
    x = tg.tensor([[1.0, 2.0], [3.0, 6.0]])
    assert x.sum(dim=()).item() == 12.0 and x.mean(dim=[]).item() == 3.0
    assert x.sum(dim=(), keepdim=True).shape == (1, 1)


def test_squeeze_takes_a_tuple_of_dims():
    x = tg.zeros(1, 3, 1)
    assert x.squeeze((0, 2)).shape == (3,) and x.squeeze((0, 1)).shape == (3, 1)
    assert x.squeeze(()).shape == (1, 3, 1) and x.squeeze(1).shape == (1, 3, 1)


def test_max_and_min_of_two_tensors_are_element_wise():
    a, b = tg.tensor([1.0, 5.0, 3.0]), tg.tensor([2.0, 4.0, 3.0])
    assert tg.max(a, b).tolist() == [2.0, 5.0, 3.0] and a.min(b).tolist() == [1.0, 4.0, 3.0]


def test_the_tensor_class_called_on_python_values_follows_torch_tensors_legacy_constructor():
    """torch.Tensor([1, 2]) is float32, torch.Tensor(2, 3) a 2x3 tensor, torch.Tensor() empty;
    numpy arrays keep their dtype and memory (how the library builds its tensors)."""
    assert tg.Tensor([1, 2]).dtype == tg.float32 and tg.Tensor([1, 2]).tolist() == [1.0, 2.0]
    assert tg.Tensor([[0.5]]).dtype == tg.float32
    assert tg.Tensor(2, 3).shape == (2, 3) and tg.Tensor(2, 3).dtype == tg.float32
    assert tg.Tensor().shape == (0,)
    array = np.arange(3)
    kept = tg.Tensor(array)
    assert kept.dtype == tg.int64 and np.shares_memory(kept.array, array)
    with pytest.raises(TypeError, match="int sizes"):
        tg.Tensor(2, 3.5)
