"""layer_norm, normalize and embedding (composites of Tensor ops): gradient checks and values."""
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


@gradchecks(F.layer_norm)
@given(SEEDS, st.booleans())
def test_layer_norm_gradient(seed, affine):
    x = leaf(uniform((2, 3, 4), seed))
    w, b = leaf(uniform((3, 4), seed + 1)), leaf(uniform((3, 4), seed + 2))
    if affine:
        check_gradients(lambda x, w, b: F.layer_norm(x, (3, 4), w, b), (x, w, b), ops.Sqrt)
    else:
        check_gradients(lambda x: F.layer_norm(x, (3, 4)), (x,), ops.Sqrt)


@gradchecks(F.normalize)
@given(SEEDS, st.sampled_from([0, 1, -1]))
def test_normalize_gradient(seed, dim):
    x = leaf(uniform((3, 4), seed))
    check_gradients(lambda x: F.normalize(x, dim=dim), (x,), ops.Sqrt)


@gradchecks(F.embedding)
@given(SEEDS)
def test_embedding_gradient(seed):
    # (padding_idx withholds the true gradient from its row by design: tested below)
    weight = leaf(uniform((5, 3), seed))
    index = tg.tensor(np.random.default_rng(seed).integers(0, 5, (2, 4)))
    check_gradients(lambda w: F.embedding(index, w), (weight,), ops.GetItem)


def test_layer_norm_values_and_checks():
    x = tg.tensor([[1.0, 2.0, 3.0, 6.0]])
    out = nn.LayerNorm(4)(x).detach().numpy()
    expected = (x.detach().numpy() - 3.0) / np.sqrt(3.5 + 1e-5)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    with pytest.raises(ValueError, match=r"layer_norm: normalized_shape \[3\] must equal"):
        F.layer_norm(x, 3)


def test_normalize_keeps_zero_vectors_zero_with_zero_gradient():
    x = tg.tensor([[0.0, 0.0], [3.0, 4.0]], requires_grad=True)
    out = F.normalize(x, dim=1)
    assert out.tolist() == [[0.0, 0.0], [0.6000000238418579, 0.800000011920929]]
    out.sum().backward()
    assert np.isfinite(x.grad.detach().numpy()).all()


def test_embedding_sums_repeated_rows_and_skips_the_padding_row():
    table = nn.Embedding(4, 2, padding_idx=0)
    assert table.weight[0].tolist() == [0.0, 0.0]
    out = table(tg.tensor([[1, 1, 0], [3, 0, 1]]))
    assert out.shape == (2, 3, 2)
    out.sum().backward()
    assert table.weight.grad.detach().numpy()[:, 0].tolist() == [0.0, 3.0, 0.0, 1.0]
    frozen = nn.Embedding.from_pretrained(tg.ones(3, 2))
    assert not frozen.weight.requires_grad and frozen(tg.tensor([2])).tolist() == [[1.0, 1.0]]
    with pytest.raises(IndexError, match="weight has 4 rows"):
        table(tg.tensor([4]))
