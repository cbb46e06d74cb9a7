"""torch.sin / cos / prod (and, below, einsum) against torch in float64: values and input
gradients on the same arrays, including products with zero entries."""
import numpy as np
import pytest

import tinygrad_cnn as tg

torch = pytest.importorskip("torch")

from tests.torch_parity._compare import compare  # noqa: E402


def _compare(ours_fn, torch_fn, *arrays, rtol=1e-13, atol=1e-14):
    compare(ours_fn, torch_fn, *arrays, rtol=rtol, atol=atol, seed=3)


X = np.random.default_rng(0).normal(0, 5, (4, 6))


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_equal_torch(name):
    _compare(getattr(tg, name), getattr(torch, name), X, rtol=1e-15, atol=1e-16)
    _compare(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), X, rtol=1e-15, atol=1e-16)


@pytest.mark.parametrize("zeros", [0, 1, 2])
@pytest.mark.parametrize("dim, keepdim", [(None, False), (0, False), (1, True), (-1, False)])
def test_prod_equals_torch_with_zeros(zeros, dim, keepdim):
    x = np.random.default_rng(zeros).uniform(0.5, 1.5, (3, 5)) * np.sign(np.arange(15) - 7.5).reshape(3, 5)
    x[0, :zeros] = 0.0                       # zeros in the first row (and column 0 of row 2)
    x[2, 0] = 0.0 if zeros == 2 else x[2, 0]
    if dim is None:
        _compare(lambda t: tg.prod(t), lambda t: torch.prod(t), x)
    else:
        _compare(lambda t: t.prod(dim, keepdim), lambda t: t.prod(dim, keepdim), x)


def test_prod_integer_dtypes_equal_torch():
    a = np.arange(1, 7, dtype=np.int32).reshape(2, 3)
    assert tg.tensor(a).prod().dtype == tg.int64 and torch.tensor(a).prod().dtype == torch.int64
    assert tg.tensor(a).prod(1).tolist() == torch.tensor(a).prod(1).tolist()


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("i,j->ij", [(3,), (4,)]), ("ij,ij->i", [(3, 4), (3, 4)]), ("ij,jk->k", [(3, 4), (4, 2)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]), ("ij->ji", [(3, 4)]), ("ijk->j", [(2, 3, 4)]),
    ("...ij,...jk", [(2, 3, 4), (2, 4, 2)]), ("bij,bjk->bik", [(1, 3, 4), (2, 4, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("ij,jk", [(3, 4), (4, 5)]), ("i,i->", [(5,), (5,)]),
])
def test_einsum_equals_torch(equation, shapes):
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal(s) for s in shapes]
    _compare(lambda *t: tg.einsum(equation, *t), lambda *t: torch.einsum(equation, *t), *arrays)
