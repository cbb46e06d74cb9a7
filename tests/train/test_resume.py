"""Exact resume: a run stopped anywhere (mid-epoch, between epochs, during a save) and resumed
gives bit for bit the weights of a run that never stopped, and metrics.csv lists each epoch once.
Never a bad checkpoint: non-finite weights are refused before they are written."""
import csv
import os
import signal

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn, optim
from tinygrad_cnn.data import TensorDataset
from tinygrad_cnn.train import TrainingStopped, checkpoint, fit
import tinygrad_cnn.train.checkpoint as run_file

EPOCHS, BATCH = 3, 8


class Net(nn.Module):
    """Small, with dropout, so a resumed run must also restore the global generator."""

    def __init__(self):
        super().__init__()
        self.fc1, self.drop, self.fc2 = nn.Linear(16, 12), nn.Dropout(0.3), nn.Linear(12, 3)

    def forward(self, x):
        return self.fc2(self.drop(self.fc1(x).relu()))


def _data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 16)).astype(np.float32), rng.integers(0, 3, n).astype(np.int64)


class SignalAt(TensorDataset):
    """Sends this process a SIGINT (a Ctrl-C) while serving the batch number `at` (1-based)."""

    def __init__(self, *arrays, at):
        super().__init__(*arrays)
        self.at, self.served = at, 0

    def get_batch(self, indices):
        self.served += 1
        if self.served == self.at:
            os.kill(os.getpid(), signal.SIGINT)
        return super().get_batch(indices)


def _setup(with_scheduler=True):
    tg.manual_seed(0)
    model = Net()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5) if with_scheduler else None
    return model, optimizer, scheduler


def _run(out, train_set=None, resume=None, **kw):
    model, optimizer, scheduler = _setup()
    x, y = _data()
    history = fit(model, optimizer, train_set or TensorDataset(x, y), TensorDataset(*_data(24, 1)),
                  epochs=EPOCHS, batch_size=BATCH, seed=0, out_dir=out, scheduler=scheduler,
                  resume=resume, show_progress=False, log=lambda *a: None, **kw)
    return model, history


def _np(value):
    return np.array(getattr(value, "array", value))  # a copy, whether state dicts hold arrays or Tensors


def _metrics(path):
    with open(path) as f:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(f)]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole")
    model, history = _run(out)
    assert not history.interrupted and len(history.epochs) == EPOCHS
    return {k: _np(v) for k, v in model.state_dict().items()}, _metrics(out / "metrics.csv")


def _assert_same_run(model, out, uninterrupted):
    weights, metrics = uninterrupted
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(_np(value), _np(weights[name]), err_msg=name)
    assert _metrics(out / "metrics.csv") == metrics   # each epoch once, the same numbers


@pytest.mark.parametrize("batch", [3, 5, 6, 13])  # mid-epoch 1, last step of 1, start of 2, in 3
def test_ctrl_c_mid_epoch_then_resume_gives_bit_identical_weights(batch, tmp_path, uninterrupted):
    x, y = _data()
    model, history = _run(tmp_path, SignalAt(x, y, at=batch))
    assert history.interrupted
    state = checkpoint.read(tmp_path / "checkpoint.npz")
    assert (int(state["epoch"]), int(state["step"])) == divmod(batch, 5)  # 5 batches an epoch
    resumed, history = _run(tmp_path, resume=tmp_path / "checkpoint.npz")
    assert not history.interrupted and [r["epoch"] for r in history.epochs] == [1, 2, 3]
    _assert_same_run(resumed, tmp_path, uninterrupted)


def test_ctrl_c_during_the_end_of_epoch_save_labels_the_epoch_right(tmp_path, monkeypatch,
                                                                     uninterrupted):
    real_save, calls = run_file.save, []

    def save_interrupted_once(obj, path):
        calls.append(int(obj["epoch"]))
        if len(calls) == 2:               # the save that ends epoch 2
            os.kill(os.getpid(), signal.SIGINT)
        real_save(obj, path)
    monkeypatch.setattr(run_file, "save", save_interrupted_once)
    model, history = _run(tmp_path)
    assert history.interrupted and [r["epoch"] for r in history.epochs] == [1, 2]
    assert int(checkpoint.read(tmp_path / "checkpoint.npz")["epoch"]) == 2
    monkeypatch.setattr(run_file, "save", real_save)
    resumed, _ = _run(tmp_path, resume=tmp_path / "checkpoint.npz")
    _assert_same_run(resumed, tmp_path, uninterrupted)


def test_a_save_killed_half_way_keeps_the_previous_checkpoint_and_resumes_exactly(
        tmp_path, monkeypatch, uninterrupted):
    real_save, calls = run_file.save, []

    def dies_in_the_third_save(obj, path):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt        # as a second Ctrl-C inside the save would
        real_save(obj, path)
    monkeypatch.setattr(run_file, "save", dies_in_the_third_save)
    _, history = _run(tmp_path, save_every=2)
    assert history.interrupted
    state = checkpoint.read(tmp_path / "checkpoint.npz")
    assert (int(state["epoch"]), int(state["step"])) == (0, 4)  # saves: e1 s2, e1 s4, end e1
    monkeypatch.setattr(run_file, "save", real_save)
    resumed, _ = _run(tmp_path, resume=tmp_path / "checkpoint.npz", save_every=2)
    _assert_same_run(resumed, tmp_path, uninterrupted)


def test_the_checkpoint_holds_loader_rng_scheduler_step_and_metrics(tmp_path):
    x, y = _data()
    _run(tmp_path, SignalAt(x, y, at=8))
    state = checkpoint.read(tmp_path / "checkpoint.npz")
    assert set(run_file.REQUIRED) <= set(state)
    assert state["loader"]["in_epoch"] and int(state["loader"]["batches_given"]) == 3
    assert state["scheduler"]["last_epoch"] == 1 and len(state["history"]) == 1
    assert state["rng"].dtype == np.uint8 and int(state["partial"]["count"]) == 3 * BATCH


class PoisonSGD(optim.SGD):
    """SGD whose `at`-th step writes infinity into a weight (a blown-up last update)."""

    def __init__(self, params, at, **kw):
        super().__init__(params, **kw)
        self.at, self.steps = at, 0

    def step(self, closure=None):
        super().step(closure)
        self.steps += 1
        if self.steps == self.at:
            self.param_groups[0]["params"][0].array[0, 0] = np.inf


def test_non_finite_weights_after_the_last_update_of_an_epoch_are_never_saved(tmp_path):
    tg.manual_seed(0)
    model = Net()
    optimizer = PoisonSGD(model.parameters(), at=10, lr=0.1)  # the last step of epoch 2
    with pytest.raises(TrainingStopped) as stop:
        fit(model, optimizer, TensorDataset(*_data()), TensorDataset(*_data(24, 1)), epochs=3,
            batch_size=BATCH, seed=0, out_dir=tmp_path, show_progress=False, log=lambda *a: None)
    message = str(stop.value)
    assert "fc1.weight" in message and "it holds epoch 1" in message, message
    assert int(checkpoint.read(tmp_path / "checkpoint.npz")["epoch"]) == 1
    assert [r["epoch"] for r in _metrics(tmp_path / "metrics.csv")] == ["1"]


def test_a_new_run_never_destroys_an_earlier_runs_metrics(tmp_path):
    _run(tmp_path)
    before = (tmp_path / "metrics.csv").read_text()
    with pytest.raises(FileExistsError, match="already holds a run"):
        _run(tmp_path)
    assert (tmp_path / "metrics.csv").read_text() == before
    _run(tmp_path, overwrite=True)   # told to start over


def test_resume_with_another_optimizer_is_refused_before_anything_changes(tmp_path):
    _run(tmp_path)
    model = Net()
    before = {k: _np(v) for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match="trained with SGD, not Adam"):
        fit(model, optim.Adam(model.parameters()), TensorDataset(*_data()),
            TensorDataset(*_data(24, 1)), epochs=4, batch_size=BATCH, seed=0, out_dir=tmp_path,
            resume=tmp_path / "checkpoint.npz", show_progress=False, log=lambda *a: None)
    assert all(np.array_equal(_np(v), before[k]) for k, v in model.state_dict().items())


def test_fit_on_an_empty_data_set_is_a_value_error(tmp_path):
    model, optimizer, _ = _setup()
    empty = TensorDataset(np.zeros((0, 16), np.float32), np.zeros(0, np.int64))
    with pytest.raises(ValueError, match="train_set is empty"):
        fit(model, optimizer, empty, TensorDataset(*_data()), epochs=1, batch_size=4, seed=0,
            out_dir=tmp_path, show_progress=False)
