"""nn.init: gains and fans as PyTorch, distributions, in-place fills that keep dtype and record
nothing, reproducibility through the global generator."""
import math

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn.nn import Parameter, init


def _p(*shape, dtype=np.float32):
    return Parameter(np.zeros(shape, dtype=dtype))


@pytest.mark.parametrize("nonlinearity, param, gain", [
    ("linear", None, 1.0), ("conv2d", None, 1.0), ("sigmoid", None, 1.0), ("tanh", None, 5 / 3),
    ("relu", None, math.sqrt(2)), ("selu", None, 0.75),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))), ("leaky_relu", math.sqrt(5), math.sqrt(1 / 3)),
])
def test_calculate_gain(nonlinearity, param, gain):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(gain, rel=1e-12)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", "a")


def test_fans():
    assert init._calculate_fan_in_and_fan_out(_p(30, 20)) == (20, 30)
    assert init._calculate_fan_in_and_fan_out(_p(16, 6, 5, 3)) == (6 * 15, 16 * 15)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.kaiming_uniform_(_p(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_normal_(_p(3, 3), mode="fan_avg")


@pytest.mark.parametrize("fill, low, high, std", [
    (lambda t: init.uniform_(t, -2.0, 3.0), -2.0, 3.0, 5 / math.sqrt(12)),
    (lambda t: init.kaiming_uniform_(t, a=math.sqrt(5)), -1 / 20, 1 / 20, 1 / 20 / math.sqrt(3)),
    (lambda t: init.kaiming_uniform_(t, nonlinearity="relu", mode="fan_out"),
     -math.sqrt(6 / 300), math.sqrt(6 / 300), math.sqrt(2 / 300)),
    (lambda t: init.xavier_uniform_(t, gain=2.0), -2 * math.sqrt(6 / 700), 2 * math.sqrt(6 / 700),
     2 * math.sqrt(2 / 700)),
])
def test_uniform_fills_stay_in_bounds_with_the_right_spread(fill, low, high, std):
    tg.manual_seed(0)
    t = fill(_p(300, 400))  # fan_in 400, fan_out 300
    assert low <= t.array.min() and t.array.max() <= high
    assert t.array.min() < low + 0.01 * (high - low) and t.array.max() > high - 0.01 * (high - low)
    assert t.array.std() == pytest.approx(std, rel=0.02)


@pytest.mark.parametrize("fill, mean, std", [
    (lambda t: init.normal_(t, 1.0, 0.5), 1.0, 0.5),
    (lambda t: init.kaiming_normal_(t, nonlinearity="relu"), 0.0, math.sqrt(2 / 400)),
    (lambda t: init.kaiming_normal_(t, a=0.2, mode="fan_out"), 0.0,
     math.sqrt(2 / (1 + 0.04)) / math.sqrt(300)),
    (lambda t: init.xavier_normal_(t), 0.0, math.sqrt(2 / 700)),
])
def test_normal_fills_have_the_right_moments(fill, mean, std):
    tg.manual_seed(1)
    t = fill(_p(300, 400))
    assert t.array.mean() == pytest.approx(mean, abs=0.01 * std + 1e-12 if mean == 0 else 0.01)
    assert t.array.std() == pytest.approx(std, rel=0.02)


def test_constant_fills():
    t = _p(2, 3)
    assert init.ones_(t) is t and (t.array == 1).all()
    assert (init.zeros_(t).array == 0).all()
    assert (init.constant_(t, 2.5).array == 2.5).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fills_are_in_place_keep_dtype_and_record_nothing(dtype):
    t = _p(4, 5, dtype=dtype)
    array = t.array
    for fill in (init.kaiming_uniform_, init.kaiming_normal_, init.xavier_uniform_,
                 init.xavier_normal_, init.uniform_, init.normal_, init.zeros_, init.ones_):
        assert fill(t) is t
        assert t.array is array and t.dtype == dtype
        assert t.grad_fn is None and t.is_leaf and t.requires_grad


def test_global_seed_and_explicit_generator_are_reproducible():
    tg.manual_seed(7)
    a = init.kaiming_uniform_(_p(3, 4)).array.copy()
    tg.manual_seed(7)
    np.testing.assert_array_equal(a, init.kaiming_uniform_(_p(3, 4)).array)
    b = init.normal_(_p(3), generator=np.random.default_rng(5)).array
    np.testing.assert_array_equal(b, init.normal_(_p(3), generator=np.random.default_rng(5)).array)


def test_zero_element_tensor_is_a_no_op_with_a_warning():
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(_p(0, 3))


def test_trunc_normal_stays_inside_its_absolute_bounds():
    p = init.trunc_normal_(_p(200, 300), mean=0.5, std=1.0, a=-1.0, b=1.0,
                           generator=np.random.default_rng(0))
    assert p.array.min() >= -1.0 and p.array.max() <= 1.0 and p.dtype == np.float32
    # the mean of N(0.5, 1) truncated to [-1, 1] is 0.5 - (phi(1.5) - phi(-0.5)) / Z = 0.142
    assert p.array.mean() == pytest.approx(0.142, abs=0.01)
    with pytest.raises(ValueError, match="a < b"):
        init.trunc_normal_(_p(2), a=1.0, b=1.0)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal_times_gain(shape):
    m = init.orthogonal_(_p(*shape, dtype=np.float64), gain=2.0).array.reshape(shape[0], -1)
    small = min(m.shape)
    gram = m @ m.T if m.shape[0] == small else m.T @ m
    np.testing.assert_allclose(gram, 4 * np.eye(small), atol=1e-12)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(_p(3))


def test_eye_dirac_and_sparse():
    np.testing.assert_array_equal(init.eye_(_p(2, 3)).array, [[1, 0, 0], [0, 1, 0]])
    w = init.dirac_(_p(4, 2, 3, 3), groups=2).array   # each group: out d copies in d at the centre
    assert w.sum() == 4 and w[0, 0, 1, 1] == w[1, 1, 1, 1] == w[2, 0, 1, 1] == w[3, 1, 1, 1] == 1
    with pytest.raises(ValueError, match="divisible by groups"):
        init.dirac_(_p(3, 2, 3, 3), groups=2)
    s = init.sparse_(_p(10, 4), sparsity=0.25).array    # ceil(2.5) = 3 zeros per column
    assert (s == 0).sum(axis=0).tolist() == [3, 3, 3, 3]
