"""nn.init against torch.nn.init: gains, dirac_ and eye_."""
import numpy as np
import pytest

from tinygrad_cnn.nn import init

from tests.nn.test_init import _p


def test_calculate_gain_equals_torch():
    torch = pytest.importorskip("torch")
    for name in ("linear", "conv_transpose2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"):
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))


def test_dirac_and_eye_equal_torch():
    torch = pytest.importorskip("torch")
    for shape, groups in (((4, 2, 3, 3), 2), ((3, 3, 5), 1), ((2, 4, 3, 3, 3), 1)):
        np.testing.assert_array_equal(init.dirac_(_p(*shape), groups).array,
                                      torch.nn.init.dirac_(torch.empty(shape), groups).detach().numpy())
    np.testing.assert_array_equal(init.eye_(_p(3, 2)).array, torch.nn.init.eye_(torch.empty(3, 2)).numpy())
