"""The porting suite: short scripts in the idioms of PyTorch's tutorials and examples, written
against tinygrad_cnn by their import lines only (scripts/*.py). Each runs here; where torch is
installed each also runs under torch from the same source with only the import lines changed
back (tinygrad_cnn -> torch, tinygrad_cnn.vision -> torchvision), and the losses agree.

A script leaves `losses` (floats) behind, and optionally `extras` (other numbers to compare);
`FALLS = True` asks that the last loss be below the first,
`PARITY = False` that the torch comparison be skipped (the script draws random numbers, e.g.
dropout masks or GAN noise, which the two libraries draw differently)."""
import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPTS = sorted((Path(__file__).parent / "scripts").glob("p*.py"))
IMPORT_LINE = re.compile(r"^\s*(import|from)\s")


def torch_source(source: str) -> str:
    """The script as PyTorch code: only import lines change, and only the package names."""
    lines = []
    for line in source.splitlines():
        if IMPORT_LINE.match(line):
            line = line.replace("tinygrad_cnn.vision", "torchvision").replace("tinygrad_cnn", "torch")
        elif "tinygrad_cnn" in line:
            raise AssertionError(f"a line other than an import names tinygrad_cnn: {line!r}")
        lines.append(line)
    return "\n".join(lines) + "\n"


def run(source: str, path: Path) -> dict:
    scope = {"__name__": "__main__", "__file__": str(path)}
    exec(compile(source, str(path), "exec"), scope)
    return scope


def _check_losses(scope, name):
    losses = [float(v) for v in scope["losses"]]
    assert losses and all(math.isfinite(v) for v in losses), (name, losses)
    if scope.get("FALLS", False):
        assert losses[-1] < losses[0], (name, losses)
    return losses + [float(v) for v in scope.get("extras", [])]


_OURS = {}  # script name -> the values its run here left behind (shared by the two tests)


def _run_here(path: Path, tmp_path) -> list:
    if path.stem not in _OURS:
        _OURS[path.stem] = _check_losses(run(path.read_text(), path), path.stem)
    return _OURS[path.stem]


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_runs_here_and_learns(path, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)                     # scripts may write checkpoints and images
    _OURS.pop(path.stem, None)
    _run_here(path, tmp_path)


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_agrees_with_torch_from_the_same_source(path, monkeypatch, tmp_path):
    torch = pytest.importorskip("torch")
    source = path.read_text()
    if "tinygrad_cnn.vision" in source:
        pytest.importorskip("torchvision")
    monkeypatch.chdir(tmp_path)
    ours = _run_here(path, tmp_path)
    torch.manual_seed(0)
    scope = run(torch_source(source), path)
    theirs = _check_losses(scope, path.stem + " under torch")
    if scope.get("PARITY", True):
        np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=2e-5, err_msg=path.stem)


def test_there_are_at_least_fifteen_scripts():
    assert len(SCRIPTS) >= 15, [p.name for p in SCRIPTS]
