"""The README's example agrees with its PyTorch twin on the same arrays."""
import numpy as np
import pytest

from tests.test_readme import _examples


def test_readme_example_matches_its_pytorch_twin_on_the_same_arrays():
    torch = pytest.importorskip("torch")
    ours, theirs = _examples()[:2]
    # Run both with our random arrays: replace each library's randn by fixed numpy arrays.
    rng = np.random.default_rng(0)
    arrays = {}

    def fixed(lib_tensor):
        def randn(*shape, requires_grad=False):
            key = shape
            arrays.setdefault(key, rng.standard_normal(shape).astype(np.float32))
            return lib_tensor(arrays[key].copy(), requires_grad=requires_grad)
        return randn

    import tinygrad_cnn as tg
    scope_tg, scope_th = {}, {}
    exec(compile(ours.replace("tg.randn(", "randn("), "ours", "exec"),
         {"randn": fixed(lambda a, requires_grad: tg.Tensor(a, requires_grad=requires_grad)),
          "print": lambda *a: None}, scope_tg)
    exec(compile(theirs.replace("torch.randn(", "randn("), "theirs", "exec"),
         {"randn": fixed(lambda a, requires_grad: torch.tensor(a, requires_grad=requires_grad)),
          "print": lambda *a: None}, scope_th)
    assert scope_tg["loss"].item() == pytest.approx(scope_th["loss"].item(), rel=1e-5)
    np.testing.assert_allclose(scope_tg["w1"].grad.detach().numpy(), scope_th["w1"].grad.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(scope_tg["w2"].grad.detach().numpy(), scope_th["w2"].grad.detach().numpy(), rtol=1e-4, atol=1e-5)
