"""The comparison most parity tests make: the same function on the same float64 arrays in both
libraries, then equal values and equal gradients of every input for one random cotangent."""
import numpy as np
import pytest

import tinygrad_cnn as tg

torch = pytest.importorskip("torch")


def compare(ours_fn, torch_fn, *arrays, rtol=1e-12, atol=1e-13, seed=0):
    ours = [tg.Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, ty = ours_fn(*ours), torch_fn(*theirs)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=rtol, atol=atol)
    cotangent = np.random.default_rng(seed).standard_normal(ty.shape)
    y.backward(tg.Tensor(cotangent))
    ty.backward(torch.tensor(cotangent))
    for i, (a, ta) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i}")
