"""Meta-test: every primitive op and every public F function has a gradient check registered with
@gradchecks in the test modules of tests/ops and tests/nn/functional. A new op without one fails
here."""
import importlib
from pathlib import Path

import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests import strategies

NOT_DIFFERENTIABLE = {F.one_hot}  # integer in, integer out


def _load_all_test_modules():
    tests = Path(__file__).parents[1]
    for folder in ("ops", "nn/functional"):
        for path in sorted((tests / folder).glob("test_*.py")):
            if path.stem != Path(__file__).stem:
                importlib.import_module(".".join(("tests", *path.relative_to(tests).with_suffix("").parts)))


def test_every_primitive_has_a_gradient_check():
    _load_all_test_modules()
    missing = [op.__name__ for op in ops.PRIMITIVES if op not in strategies.GRADCHECKED]
    assert not missing, f"primitives without a gradient check: {missing}"


def test_every_functional_has_a_gradient_check():
    _load_all_test_modules()
    public = [getattr(F, name) for name in F.__all__]
    missing = [f.__name__ for f in public if f not in strategies.GRADCHECKED and f not in NOT_DIFFERENTIABLE]
    assert not missing, f"F functions without a gradient check: {missing}"
