"""nn.utils against torch.nn.utils: gradient clipping and parameters_to_vector."""
import math

import numpy as np
import pytest

from tinygrad_cnn import nn

from tests.nn.test_utils import _params_with_grads


@pytest.mark.parametrize("max_norm, norm_type", [(1.0, 2.0), (0.1, 1.0), (0.5, math.inf),
                                                 (100.0, 2.0), (0.2, 3.0)])
def test_clipping_equals_torch(max_norm, norm_type):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    ours = _params_with_grads(grads)
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(theirs, grads):
        t.grad = torch.tensor(g)
    a = nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    b = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    np.testing.assert_allclose(a.item(), b.item(), rtol=1e-12)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.detach().numpy(), t.grad.detach().numpy(), rtol=1e-12)
    nn.utils.clip_grad_value_(ours, 0.05)
    torch.nn.utils.clip_grad_value_(theirs, 0.05)
    for p, t in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.detach().numpy(), t.grad.detach().numpy())
    vec = torch.nn.utils.parameters_to_vector(theirs).detach().numpy()
    np.testing.assert_array_equal(nn.utils.parameters_to_vector(ours).detach().numpy(), vec)
