"""Every tutorial runs (its short version, TUTORIAL_QUICK=1) in a fresh process and a clean
folder, so the lessons never rot. Lesson 2 also runs with PyTorch's imports where torch exists
(that torch run stays here by design, outside tests/torch_parity/: see tests/test_house.py)."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.py"))


def run(script: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, TUTORIAL_QUICK="1", MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, str(script)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_there_are_tutorials():
    assert len(TUTORIALS) >= 2


@pytest.mark.parametrize("script", TUTORIALS, ids=lambda p: p.stem)
def test_tutorial_runs(script, tmp_path):
    done = run(script, tmp_path)
    assert done.returncode == 0, f"{script.name} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    assert done.stdout.strip(), f"{script.name} printed nothing"


def test_pytorch_style_lesson_runs_on_pytorch_with_only_its_imports_changed(tmp_path):
    pytest.importorskip("torch")
    source = (ROOT / "tutorials" / "02_pytorch_style_training.py").read_text()
    block = re.search(r"# --- the import block.*?\n(.*?)# -{20,}", source, re.S)
    lines = block.group(1).splitlines()
    ours = [line for line in lines if line and not line.startswith("#")]
    theirs = [line[2:] for line in lines if line.startswith("# ")]
    assert len(ours) == len(theirs) == 4 and all("torch" in line for line in theirs)
    swapped = source.replace(block.group(1), "\n".join(theirs) + "\n")
    imports = [line for line in swapped.splitlines() if re.match(r"(import|from) ", line)]
    assert [line for line in imports if "tinygrad_cnn" in line] == [
        "from tinygrad_cnn.data.datasets import load_digits  # the data source; plain numpy arrays"]
    script = tmp_path / "lesson2_on_torch.py"
    script.write_text(swapped)
    done = run(script, tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "checkpoint reloaded" in done.stdout
