"""nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters,
against hand-computed numbers (against torch.nn.utils:
tests/torch_parity/test_nn_utils_parity.py)."""
import math

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn


def _params_with_grads(grads):
    params = [nn.Parameter(np.zeros(np.shape(g))) for g in grads]
    for p, g in zip(params, grads):
        p.grad = tg.Tensor(np.array(g, dtype=np.float64))
    return params


def test_clip_grad_norm_scales_to_max_norm_and_returns_the_norm_before():
    params = _params_with_grads([[3.0, 0.0], [[4.0]]])         # total 2-norm 5
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(total, tg.Tensor) and total.item() == pytest.approx(5.0)
    coefficient = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad.numpy(), [3 * coefficient, 0.0])
    np.testing.assert_allclose(params[1].grad.numpy(), [[4 * coefficient]])


def test_clip_grad_norm_leaves_small_gradients_and_skips_missing_ones():
    params = _params_with_grads([[0.3, 0.4]])
    params.append(nn.Parameter(np.ones(2)))                     # grad None: skipped
    total = nn.utils.clip_grad_norm_(iter(params), 10.0)
    assert total.item() == pytest.approx(0.5)
    np.testing.assert_array_equal(params[0].grad.numpy(), [0.3, 0.4])
    assert params[1].grad is None
    assert nn.utils.clip_grad_norm_([], 1.0).item() == 0.0


def test_clip_grad_norm_inf_and_p_norms():
    params = _params_with_grads([[1.0, -6.0], [2.0]])
    assert nn.utils.clip_grad_norm_(params, 3.0, norm_type=math.inf).item() == pytest.approx(6.0)
    np.testing.assert_allclose(params[0].grad.numpy(), np.array([1.0, -6.0]) * 3 / (6 + 1e-6))
    single = _params_with_grads([[1.0, 2.0]])[0]                # one tensor, not a list
    assert nn.utils.clip_grad_norm_(single, 100.0, norm_type=1).item() == pytest.approx(3.0)


def test_clip_grad_norm_nonfinite():
    params = _params_with_grads([[np.inf, 1.0]])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert math.isinf(nn.utils.clip_grad_norm_(params, 1.0).item())


def test_clip_grad_value():
    params = _params_with_grads([[-3.0, 0.5, 2.0]])
    assert nn.utils.clip_grad_value_(params, 1.0) is None
    np.testing.assert_array_equal(params[0].grad.numpy(), [-1.0, 0.5, 1.0])


def test_parameters_to_vector_and_back():
    model = nn.Linear(3, 2)
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (8,)
    np.testing.assert_array_equal(vec.detach().numpy(), np.concatenate([model.weight.array.ravel(),
                                                               model.bias.array]))
    nn.utils.vector_to_parameters(tg.arange(8.0), model.parameters())
    np.testing.assert_array_equal(model.weight.array, np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(model.bias.array, [6.0, 7.0])
    with pytest.raises(ValueError, match="8 entries"):
        nn.utils.vector_to_parameters(tg.zeros(7), model.parameters())
    with pytest.raises(TypeError, match="expected vec to be a Tensor"):
        nn.utils.vector_to_parameters(np.zeros(8), model.parameters())


def test_parameters_to_vector_is_differentiable():
    w = nn.Parameter(np.ones((2, 2)))
    (nn.utils.parameters_to_vector([w]) * tg.tensor([1.0, 2.0, 3.0, 4.0], dtype=tg.float64)).sum().backward()
    np.testing.assert_array_equal(w.grad.detach().numpy(), [[1, 2], [3, 4]])
