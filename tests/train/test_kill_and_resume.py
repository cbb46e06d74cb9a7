"""Fault injection: a training subprocess is killed several times (SIGKILL between steps and
inside a checkpoint save, Ctrl-C), resumed each time from its checkpoint.npz, and must end with
bit for bit the weights and the metrics of a run that was never interrupted."""
import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import tinygrad_cnn as tg

ROOT = Path(__file__).resolve().parents[2]
EPOCHS = 3
TRAIN = [sys.executable, "-m", "tinygrad_cnn", "train", "lenet5", "--dataset", "digits",
         "--limit", "96", "--batch-size", "16", "--epochs", str(EPOCHS), "--save-every", "2",
         "--quiet"]


def _start(out: Path, extra=()):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(TRAIN + ["--out", str(out), *extra], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_inside_a_save(proc, out: Path, deadline: float) -> bool:
    """SIGKILL the moment a checkpoint's temporary file exists (the save is half done)."""
    while proc.poll() is None and time.time() < deadline:
        if any(name.startswith(".checkpoint.npz.") for name in os.listdir(out)):
            proc.kill()
            return True
        time.sleep(0.0005)
    return False


def _wait_for_a_save(proc, out: Path, deadline: float) -> None:
    """Return once the process has written a checkpoint (or ended, or the deadline passed)."""
    path = out / "checkpoint.npz"
    before = path.stat().st_mtime_ns if path.exists() else None
    while proc.poll() is None and time.time() < deadline:
        if path.exists() and path.stat().st_mtime_ns != before:
            return
        time.sleep(0.005)


def _epochs_done(out: Path) -> int:
    path = out / "checkpoint.npz"
    return int(tg.load(str(path))["epoch"]) if path.exists() else 0


def _resume_args(out: Path):
    return ["--resume", str(out / "checkpoint.npz")] if (out / "checkpoint.npz").exists() \
        else ["--overwrite"]


def _result(out: Path):
    weights = {k: np.array(getattr(v, "array", v))
               for k, v in tg.load(str(out / "checkpoint.npz"))["model"].items()}
    with open(out / "metrics.csv") as f:
        rows = [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(f)]
    return weights, rows


def test_killing_training_at_random_points_and_resuming_gives_bit_identical_weights(tmp_path):
    whole = tmp_path / "whole"
    start = time.time()
    proc = _start(whole)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    duration = time.time() - start

    out = tmp_path / "killed"
    out.mkdir()
    chance = random.Random(15)
    kinds = ["inside a save", "between steps", "ctrl-c", "inside a save", "between steps"]
    hit = []
    for kind in kinds:
        if _epochs_done(out) == EPOCHS:
            break
        proc = _start(out, _resume_args(out))
        if kind == "inside a save":
            hit.append(_kill_inside_a_save(proc, out, time.time() + 2 * duration + 30))
        else:
            # signal only once training runs (a save happened): a signal that lands while Python
            # is still importing numpy is Python's business, not the trainer's
            _wait_for_a_save(proc, out, time.time() + 2 * duration + 30)
            time.sleep(chance.uniform(0.0, duration / 3))
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT if kind == "ctrl-c" else signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
        assert "Traceback" not in err, err
        # 130: the trainer caught Ctrl-C; -SIGINT: it landed as Python was shutting down
        assert proc.returncode in (0, 130, -signal.SIGINT, -signal.SIGKILL), (kind, proc.returncode, err)
    assert any(hit), "no kill landed inside a save"
    while _epochs_done(out) < EPOCHS:   # then let it finish
        proc = _start(out, _resume_args(out))
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err

    (expected, expected_rows), (weights, rows) = _result(whole), _result(out)
    for name in expected:
        np.testing.assert_array_equal(weights[name], expected[name], err_msg=name)
    assert rows == expected_rows and [int(r["epoch"]) for r in rows] == list(range(1, EPOCHS + 1))
