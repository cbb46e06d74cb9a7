"""CyclicLR: the triangle, its halving and exponential amplitudes, the momentum moving the other
way, and its argument errors (equality with torch: tests/torch_parity/test_cyclic_lr_parity.py)."""
import numpy as np
import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter
from tinygrad_cnn.optim.lr_scheduler import CyclicLR


def _path(steps=12, **kwargs):
    opt = optim.SGD([Parameter([1.0])], lr=1.0, momentum=0.9)
    sched = CyclicLR(opt, **kwargs)
    lrs, momenta = [], []
    for _ in range(steps):
        lrs.append(sched.get_last_lr()[0])
        momenta.append(opt.param_groups[0]["momentum"])
        opt.step()
        sched.step()
    return np.array(lrs), np.array(momenta)


def test_triangle_and_momentum():
    lrs, momenta = _path(base_lr=0.0, max_lr=1.0, step_size_up=2, step_size_down=2)
    np.testing.assert_allclose(lrs[:9], [0, 0.5, 1, 0.5, 0, 0.5, 1, 0.5, 0], atol=1e-15)
    np.testing.assert_allclose(momenta[:5], [0.9, 0.85, 0.8, 0.85, 0.9], atol=1e-15)


def test_triangular2_halves_and_exp_range_decays():
    lrs, _ = _path(base_lr=0.0, max_lr=1.0, step_size_up=1, mode="triangular2", steps=7)
    np.testing.assert_allclose(lrs, [0, 1, 0, 0.5, 0, 0.25, 0], atol=1e-15)
    lrs, _ = _path(base_lr=0.0, max_lr=1.0, step_size_up=1, mode="exp_range", gamma=0.5, steps=4)
    np.testing.assert_allclose(lrs, [0, 0.5, 0, 0.125], atol=1e-15)


def test_argument_errors():
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        CyclicLR(optim.Adagrad([Parameter([1.0])]), 0.1, 1.0)
    with pytest.raises(ValueError, match="mode is invalid and scale_fn is None"):
        CyclicLR(optim.SGD([Parameter([1.0])], lr=1.0), 0.1, 1.0, mode="sine", cycle_momentum=False)
    with pytest.raises(ValueError, match="base_lr must have the same length"):
        CyclicLR(optim.SGD([Parameter([1.0])], lr=1.0), [0.1, 0.2], 1.0, cycle_momentum=False)
