"""The command line: train (metrics, checkpoints, resume, NaN stop, Ctrl-C), summary and draw."""
import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn.cli import main
from tinygrad_cnn.train import METRICS_COLUMNS

ROOT = Path(__file__).resolve().parents[1]


def _rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_train_writes_metrics_and_a_checkpoint_per_epoch(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "lenet5", "--dataset", "digits", "--epochs", "2", "--limit", "256",
                 "--out", str(out), "--quiet"]) == 0
    rows = _rows(out / "metrics.csv")
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    assert tuple(rows[0]) == METRICS_COLUMNS
    state = tg.load(str(out / "checkpoint.npz"))
    assert int(np.asarray(state["epoch"])) == 2 and "conv1.weight" in state["model"]
    assert "test accuracy" in capsys.readouterr().out


def test_resume_continues_after_the_saved_epoch(tmp_path):
    out = tmp_path / "run"
    args = ["train", "lenet5", "--dataset", "digits", "--limit", "128", "--out", str(out), "--quiet"]
    assert main(args + ["--epochs", "1"]) == 0
    assert main(args + ["--epochs", "2", "--resume", str(out / "checkpoint.npz")]) == 0
    assert [int(r["epoch"]) for r in _rows(out / "metrics.csv")] == [1, 2]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_loss_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["train", "lenet5", "--dataset", "digits", "--limit", "256", "--out", str(out), "--quiet"]
    assert main(args + ["--epochs", "1"]) == 0
    good = (out / "checkpoint.npz").read_bytes()
    status = main(args + ["--epochs", "3", "--lr", "1e12"])
    assert status == 3
    assert "lower the learning rate" in capsys.readouterr().err
    assert (out / "checkpoint.npz").read_bytes() == good


def test_ctrl_c_saves_a_checkpoint_and_exits_cleanly(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "tinygrad_cnn", "train", "lenet5", "--dataset",
                             "digits", "--epochs", "50", "--out", str(out), "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while not (out / "metrics.csv").exists() and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, output
    assert "interrupted" in output and "Traceback" not in output
    assert (out / "interrupted.npz").exists()


def test_unknown_dataset_and_bad_input_shape_are_refused(capsys):
    with pytest.raises(SystemExit):
        main(["train", "lenet5", "--dataset", "imagenet"])
    with pytest.raises(SystemExit):
        main(["summary", "lenet5", "--input-shape", "1,a,32,32"])
    assert "input-shape" in capsys.readouterr().err


def test_draw_writes_dot_source_and_renders_svg_when_dot_is_installed(tmp_path):
    import shutil
    import xml.etree.ElementTree as ET
    assert main(["draw", "lenet5", "--input-shape", "1,1,32,32", "--out", str(tmp_path / "g.dot")]) == 0
    assert "digraph" in (tmp_path / "g.dot").read_text()
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed")
    assert main(["draw", "lenet5", "--input-shape", "1,1,32,32", "--grads", "--out", str(tmp_path / "g.svg")]) == 0
    svg = (tmp_path / "g.svg").read_text()
    ET.fromstring(svg.encode())
    assert "conv1.weight" in svg


@pytest.mark.parametrize("flag, value", [("--batch-size", "0"), ("--epochs", "-1"),
                                         ("--lr", "0"), ("--limit", "ten")])
def test_train_rejects_a_bad_number_before_loading_anything(flag, value, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", "lenet5", "--dataset", "digits", "--out", str(tmp_path / "run"), flag, value])
    assert stop.value.code == 2
    assert flag in capsys.readouterr().err
    assert not (tmp_path / "run").exists()
