"""The command line: train (metrics, checkpoints, exact resume, NaN stop, Ctrl-C), summary and
draw; every user mistake is one `error:` line and a hint, exit 2 (usage) or 1 (runtime)."""
import csv
import dataclasses
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn.cli import main
from tinygrad_cnn.data.datasets import mnist
from tinygrad_cnn.train import METRICS_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--dataset", "digits", "--limit", "96", "--batch-size", "16", "--quiet"]


def _rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def _weights(path):
    return {k: np.array(getattr(v, "array", v)) for k, v in tg.load(str(path))["model"].items()}


def _fails(argv, capsys, status=2):
    """Run `argv`, expect a one-line error with a hint and exit `status`; returns stderr."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == status
    err = capsys.readouterr().err
    assert err.startswith("error: ") or "error:" in err.splitlines()[-1], err
    assert "Traceback" not in err
    return err


@pytest.fixture
def trained(tmp_path):
    """A finished 1-epoch run in tmp_path/run."""
    out = tmp_path / "run"
    assert main(["train", "lenet5", *SMALL, "--epochs", "1", "--out", str(out)]) == 0
    return out


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


def test_resume_gives_the_same_weights_and_metrics_as_an_uninterrupted_run(tmp_path):
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    assert main(["train", "lenet5", *SMALL, "--epochs", "3", "--out", str(whole)]) == 0
    assert main(["train", "lenet5", *SMALL, "--epochs", "1", "--out", str(parts)]) == 0
    assert main(["train", "lenet5", "--epochs", "3", "--resume", str(parts / "checkpoint.npz"),
                 "--quiet"]) == 0   # --out defaults to the checkpoint's folder; data and lr from it
    a, b = _weights(whole / "checkpoint.npz"), _weights(parts / "checkpoint.npz")
    assert all(np.array_equal(a[k], b[k]) for k in a)
    strip = [{k: v for k, v in r.items() if k != "seconds"} for r in _rows(whole / "metrics.csv")]
    assert [{k: v for k, v in r.items() if k != "seconds"} for r in _rows(parts / "metrics.csv")] \
        == strip


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_loss_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint(trained, capsys):
    good = (trained / "checkpoint.npz").read_bytes()
    status = main(["train", "lenet5", "--resume", str(trained / "checkpoint.npz"), "--epochs", "3",
                   "--lr", "1e12", "--override", "--quiet"])
    assert status == 3
    err = capsys.readouterr().err
    assert "lower the learning rate" in err and "it holds epoch 1" in err
    assert (trained / "checkpoint.npz").read_bytes() == good


def test_ctrl_c_saves_the_exact_position_and_exits_cleanly(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "tinygrad_cnn", "train", "lenet5", "--dataset",
                             "digits", "--epochs", "50", "--out", str(out), "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while not (out / "checkpoint.npz").exists() and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, output
    assert "interrupted" in output and "Traceback" not in output and "--resume" in output
    state = tg.load(str(out / "checkpoint.npz"))
    assert int(state["epoch"]) >= 1 and int(state["epoch"]) < 50


def test_hyperparameters_that_differ_from_the_checkpoint_are_refused_in_one_line(trained, capsys):
    resume = ["train", "lenet5", "--resume", str(trained / "checkpoint.npz"), "--epochs", "2"]
    for flag, value in (("--lr", "0.5"), ("--momentum", "0.5"), ("--weight-decay", "0.1")):
        err = _fails(resume + [flag, value], capsys)
        assert f"{flag} {value}" in err and "--override" in err
    for flag, value in (("--batch-size", "8"), ("--seed", "3"), ("--dataset", "xo")):
        assert f"{flag} {value} differs from the checkpoint's" in _fails(resume + [flag, value], capsys)
    assert main(resume + ["--lr", "0.5", "--override", "--quiet"]) == 0
    assert "warning: continuing with --lr 0.5 instead of the checkpoint's 0.01" in capsys.readouterr().err
    assert float(tg.load(str(trained / "checkpoint.npz"))["optimizer"]["param_groups"][0]["lr"]) == 0.5


def test_resume_with_another_model_or_class_count_is_refused(trained, capsys):
    resume = ["--resume", str(trained / "checkpoint.npz"), "--epochs", "2"]
    assert "model seed_net_mnist differs" in _fails(["train", "seed_net_mnist", *resume], capsys)
    state = tg.load(str(trained / "checkpoint.npz"))
    state["config"]["num_classes"] = 2
    tg.save(state, str(trained / "two.npz"))
    err = _fails(["train", "lenet5", "--resume", str(trained / "two.npz"), "--epochs", "2"], capsys)
    assert "num classes is 2, the data's is 10" in err


def test_resume_with_another_optimizer_is_refused_not_a_key_error(trained, capsys):
    err = _fails(["train", "lenet5", "--optimizer", "adam", "--resume",
                  str(trained / "checkpoint.npz"), "--epochs", "2"], capsys)
    assert "--optimizer adam differs from the checkpoint's sgd" in err


def test_epochs_not_beyond_the_checkpoint_is_refused(trained, capsys):
    err = _fails(["train", "lenet5", "--resume", str(trained / "checkpoint.npz"), "--epochs", "1"],
                 capsys)
    assert "--epochs 1 is not beyond the checkpoint, which holds epoch 1" in err
    assert "--epochs 2 or more" in err


def test_a_new_run_in_an_existing_out_keeps_the_earlier_metrics_unless_overwrite(trained, capsys):
    before = (trained / "metrics.csv").read_text()
    err = _fails(["train", "lenet5", *SMALL, "--out", str(trained)], capsys)
    assert "already holds a run (metrics.csv with 1 epoch)" in err and "--overwrite" in err
    assert (trained / "metrics.csv").read_text() == before
    assert main(["train", "lenet5", *SMALL, "--epochs", "2", "--out", str(trained),
                 "--overwrite"]) == 0
    assert [r["epoch"] for r in _rows(trained / "metrics.csv")] == ["1", "2"]


def test_out_naming_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "taken").write_text("x")
    assert "is a file, not a folder" in _fails(["train", "lenet5", *SMALL, "--out",
                                                str(tmp_path / "taken")], capsys)


def test_missing_or_foreign_resume_file_is_a_one_line_error(tmp_path, capsys):
    err = _fails(["train", "lenet5", "--resume", str(tmp_path / "nope.npz")], capsys)
    assert "no such checkpoint" in err
    np.savez(tmp_path / "foreign.npz", a=np.zeros(3))
    assert "is not a training checkpoint" in _fails(["train", "lenet5", "--resume",
                                                     str(tmp_path / "foreign.npz")], capsys)
    (tmp_path / "junk.npz").write_bytes(b"not a zip at all")
    assert "not a tinygrad_cnn checkpoint" in _fails(["train", "lenet5", "--resume",
                                                      str(tmp_path / "junk.npz")], capsys)


@pytest.mark.parametrize("command", ["draw", "summary"])
def test_unknown_model_is_a_one_line_error(command, capsys, tmp_path):
    err = _fails([command, "lenet6", "--input-shape", "1,1,32,32"], capsys)
    assert "unknown model 'lenet6'" in err and "lenet5" in err
    assert "unknown model" in _fails(["train", "lenet6", *SMALL, "--out", str(tmp_path)], capsys)


@pytest.mark.parametrize("command", ["draw", "summary"])
def test_wrong_input_shape_for_the_model_is_a_one_line_error(command, capsys, tmp_path):
    extra = ["--out", str(tmp_path / "g.dot")] if command == "draw" else []
    err = _fails([command, "lenet5", "--input-shape", "1,3,8,8", *extra], capsys)
    assert "lenet5 cannot take --input-shape 1,3,8,8" in err


def test_draw_out_with_a_suffix_it_cannot_write_is_refused(tmp_path, capsys):
    err = _fails(["draw", "lenet5", "--input-shape", "1,1,32,32", "--out", str(tmp_path / "a.jpg")],
                 capsys)
    assert "cannot draw a .jpg file" in err and ".svg" in err
    assert not (tmp_path / "a.jpg").exists()


@pytest.mark.parametrize("flag", ["--momentum", "--weight-decay"])
def test_negative_momentum_or_weight_decay_is_a_usage_error(flag, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", "lenet5", *SMALL, "--out", str(tmp_path / "run"), flag, "-0.5"])
    assert stop.value.code == 2 and flag in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_model_that_cannot_take_the_data_sets_images_is_refused(tmp_path, capsys):
    err = _fails(["train", "lenet5", "--dataset", "xo", "--out", str(tmp_path / "run")], capsys)
    assert "lenet5 cannot take the xo images of shape (1, 9, 9)" in err


@pytest.fixture
def fashion_elsewhere(tmp_path, monkeypatch):
    """Fashion-MNIST looked for only in tmp_path/fashion (empty), never downloaded."""
    folder = tmp_path / "fashion"
    folder.mkdir()
    monkeypatch.setattr(mnist, "FASHION_MNIST",
                        dataclasses.replace(mnist.FASHION_MNIST, debian_dir=str(folder)))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(mnist.ENV_VAR, raising=False)
    return folder


def test_fashion_mnist_not_installed_is_an_error_with_the_install_hint(fashion_elsewhere, tmp_path,
                                                                       capsys):
    err = _fails(["train", "lenet5", "--dataset", "fashion_mnist", "--out", str(tmp_path / "r")],
                 capsys, status=1)
    assert "fashion-mnist (train split) not found" in err and "apt install" in err
    assert "--dataset digits" in err


def test_dataset_auto_refuses_a_corrupt_fashion_mnist_file_instead_of_falling_back(
        fashion_elsewhere, tmp_path, capsys):
    for stem in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        (fashion_elsewhere / f"{stem}.gz").write_bytes(b"\x1f\x8b damaged")
    err = _fails(["train", "lenet5", "--dataset", "auto", "--out", str(tmp_path / "r")], capsys,
                 status=1)
    assert "Fashion-MNIST is installed but unreadable" in err and "--dataset digits" in err


def test_dataset_auto_falls_back_to_digits_when_fashion_mnist_is_absent(fashion_elsewhere, tmp_path,
                                                                        capsys):
    assert main(["train", "lenet5", "--limit", "32", "--epochs", "1", "--quiet", "--out",
                 str(tmp_path / "r")]) == 0
    assert "data: digits" in capsys.readouterr().out


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
                                         ("--lr", "0"), ("--lr", "inf"), ("--lr", "nan"),
                                         ("--limit", "ten")])
def test_train_rejects_a_bad_number_before_loading_anything(flag, value, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", "lenet5", "--dataset", "digits", "--out", str(tmp_path / "run"), flag, value])
    assert stop.value.code == 2
    assert flag in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("argv, status", [
    (["draw", "nonet", "--input-shape", "1,1,8,8"], 2),
    (["train", "lenet5", "--resume", "missing.npz"], 2),
    (["train", "lenet5", "--momentum", "-1"], 2),
])
def test_python_m_never_prints_a_traceback_for_a_user_mistake(argv, status, tmp_path):
    done = subprocess.run([sys.executable, "-m", "tinygrad_cnn", *argv], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr and "error:" in done.stderr


FLAGS = ["--lr", "--momentum", "--weight-decay", "--batch-size", "--epochs", "--seed", "--limit",
         "--dataset", "--optimizer", "--resume", "--input-shape", "--out", "--option", "--depth",
         "--save-every", "--layer"]
SWITCHES = ["--quiet", "--overwrite", "--plateau", "--override", "--grads", "--receptive-field"]
VALUES = ["-1", "0", "2", "0.5", "1e9", "nan", "inf", "abc", "", "1,1,32,32", "1,3,8,8", "digits",
          "xo", "adam", "a.jpg", "g.dot", "missing.npz", "run", "num_classes=3", "x", "conv1"]


def _fuzzed_argv():
    from hypothesis import strategies as st
    option = st.one_of(st.tuples(st.sampled_from(FLAGS), st.sampled_from(VALUES)),
                       st.tuples(st.sampled_from(SWITCHES)))
    return st.builds(lambda command, model, options: [command, model, *sum(options, ())],
                     st.sampled_from(["train", "draw", "summary", "bogus"]),
                     st.sampled_from(["lenet5", "seed_net_mnist", "lenet6", ""]),
                     st.lists(option, max_size=5))


def test_fuzzed_command_lines_end_in_a_result_or_one_clear_error(capsys):
    import os
    import tempfile

    from hypothesis import given

    @given(_fuzzed_argv())
    def run(argv):
        if argv[0] == "train":  # small and offline, unless the fuzz says otherwise
            argv = argv[:2] + ["--dataset", "digits", "--limit", "16", "--quiet"] + argv[2:]
        here = os.getcwd()
        with tempfile.TemporaryDirectory() as folder:
            os.chdir(folder)
            try:
                status = main(argv)
            except SystemExit as stop:
                status = stop.code
            finally:
                os.chdir(here)
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert status in (0, 1, 2, 3), (argv, status, err)
        if status in (1, 2):
            assert "error:" in err, (argv, err)
    run()
