"""What issue 12's porting scripts needed beyond the core, against torch on the same arrays."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("groups, shape", [(1, (2, 4, 3)), (2, (2, 4, 3, 3)), (4, (3, 4))])
def test_group_norm_equals_torch_values_and_gradients(groups, shape):
    rng = np.random.default_rng(groups)
    x = rng.standard_normal(shape).astype(np.float32)
    weight, bias = rng.standard_normal((2, shape[1])).astype(np.float32)
    ours_x, theirs_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = nn.GroupNorm(groups, shape[1]), torch.nn.GroupNorm(groups, shape[1])
    ours.load_state_dict({"weight": tg.tensor(weight), "bias": tg.tensor(bias)})
    theirs.load_state_dict({"weight": torch.tensor(weight), "bias": torch.tensor(bias)})
    out, tout = ours(ours_x), theirs(theirs_x)
    (out * tg.tensor(x)).sum().backward()
    (tout * torch.tensor(x)).sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-4, atol=1e-4)
    for name in ("weight", "bias"):
        np.testing.assert_allclose(getattr(ours, name).grad.numpy(),
                                   getattr(theirs, name).grad.numpy(), rtol=1e-4, atol=1e-4)
    assert repr(ours) == repr(theirs)
