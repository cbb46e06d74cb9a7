"""ops.Einsum and torch.einsum: gradient checks over common equations (products, batched
products, outer products, sums an operand does alone), values against numpy, ellipses, the
implicit form, chains of three operands, and the errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf

EQUATIONS = [  # (equation, operand shapes)
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("i,j->ij", [(3,), (2,)]), ("ij,ij->i", [(2, 3), (2, 3)]), ("ij,jk->k", [(2, 3), (3, 4)]),
    ("ij->ji", [(2, 3)]), ("ijk->j", [(2, 3, 2)]), ("bhqd,bhkd->bhqk", [(1, 2, 3, 2), (1, 2, 2, 2)]),
    ("i,i->", [(4,), (4,)]), ("ij,k->ijk", [(2, 2), (3,)]),
]


@gradchecks(ops.Einsum)
@given(st.integers(0, 2**32 - 1), st.sampled_from(EQUATIONS))
def test_einsum_gradcheck(seed, case):
    equation, shapes = case
    rng = np.random.default_rng(seed)
    inputs = tuple(leaf(rng.uniform(-2, 2, s)) for s in shapes)
    check_gradients(lambda *t: tg.einsum(equation, *t), inputs, ops.Einsum)


@pytest.mark.parametrize("equation, shapes", EQUATIONS + [
    ("...ij,...jk", [(2, 2, 3), (2, 3, 4)]), ("...ij,jk->...ik", [(2, 3), (3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("ij,jk", [(2, 3), (3, 4)]), ("ba", [(2, 3)]),
    ("bij,bjk->bik", [(1, 2, 3), (3, 3, 2)]),
])
def test_einsum_values_are_numpys(equation, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    out = tg.einsum(equation, *[tg.Tensor(a) for a in arrays]).numpy()
    np.testing.assert_allclose(out, np.einsum(equation, *arrays), rtol=1e-12, atol=1e-14)
    assert tg.einsum(equation, [tg.Tensor(a) for a in arrays]).shape == out.shape  # list form


def test_broadcast_ellipsis_gradient_sums_back():
    a, b = leaf(np.ones((1, 2, 3))), leaf(np.ones((4, 3, 2)))
    tg.einsum("bij,bjk->bik", a, b).sum().backward()
    assert a.grad.shape == (1, 2, 3) and np.allclose(a.grad.numpy(), 8.0)


def test_errors():
    with pytest.raises(NotImplementedError, match="repeated within one operand"):
        tg.einsum("ii->i", tg.ones(2, 2))
    with pytest.raises(RuntimeError, match="2 letters to an operand with 3 dimensions"):
        tg.einsum("ij,jk->ik", tg.ones(2, 2, 2), tg.ones(2, 2))
    with pytest.raises(RuntimeError, match="subscript 'j' has sizes 3 and 4"):
        tg.einsum("ij,jk->ik", tg.ones(2, 3), tg.ones(4, 2))
    with pytest.raises(RuntimeError, match="2 operands"):
        tg.einsum("ij,jk->ik", tg.ones(2, 3))
