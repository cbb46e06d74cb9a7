"""group_norm / nn.GroupNorm (a composite of Tensor ops): gradient check, values, arguments."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf

SEEDS = st.integers(0, 2**32 - 1)


def uniform(shape, seed):
    return np.random.default_rng(seed).uniform(-2.0, 2.0, shape)


@gradchecks(F.group_norm)
@given(SEEDS, st.sampled_from([1, 2, 4]), st.booleans())
def test_group_norm_gradient(seed, groups, affine):
    x = leaf(uniform((2, 4, 3), seed))
    w, b = leaf(uniform((4,), seed + 1)), leaf(uniform((4,), seed + 2))
    if affine:
        check_gradients(lambda x, w, b: F.group_norm(x, groups, w, b), (x, w, b), ops.Sqrt)
    else:
        check_gradients(lambda x: F.group_norm(x, groups), (x,), ops.Sqrt)


def test_group_norm_normalises_each_group_of_each_sample():
    x = np.random.default_rng(0).standard_normal((3, 6, 2, 2)) * 4 + 1
    out = nn.GroupNorm(3, 6)(tg.tensor(x, dtype=tg.float32)).detach().numpy()
    groups = out.reshape(3, 3, -1)
    np.testing.assert_allclose(groups.mean(-1), 0, atol=1e-5)
    np.testing.assert_allclose(groups.var(-1), 1, atol=1e-3)   # var / (var + eps)


def test_group_norm_affine_is_per_channel_and_eval_mode_is_the_same():
    layer = nn.GroupNorm(1, 2)
    with tg.no_grad():
        layer.weight.copy_(tg.tensor([2.0, 0.0]))
        layer.bias.copy_(tg.tensor([0.0, 5.0]))
    x = tg.tensor([[[1.0, 3.0], [5.0, 7.0]]])
    train = layer(x).detach().numpy()
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), train)
    np.testing.assert_allclose(train[0, 1], 5.0)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert repr(layer) == "GroupNorm(1, 2, eps=1e-05, affine=True, bias=True)"
    assert nn.GroupNorm(2, 4, affine=False).weight is None and nn.GroupNorm(2, 4, bias=False).bias is None


def test_group_norm_argument_errors():
    with pytest.raises(ValueError, match="num_channels .6. must be divisible by num_groups .4."):
        nn.GroupNorm(4, 6)
    with pytest.raises(ValueError, match=r"expected input with 4 channels"):
        nn.GroupNorm(2, 4)(tg.zeros(2, 3, 5))
    with pytest.raises(ValueError, match="divisible by num_groups"):
        F.group_norm(tg.zeros(2, 6), 4)
    with pytest.raises(ValueError, match=r"weight must have shape \(6,\)"):
        F.group_norm(tg.zeros(2, 6), 3, weight=tg.ones(3))
