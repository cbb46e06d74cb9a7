"""A training run's checkpoint: everything `fit` needs to continue as if it had never stopped,
and the metrics.csv it keeps in step with the checkpoint.

A checkpoint (written with tg.save, so atomically and without pickle) holds:
    model, optimizer, scheduler     their state dicts (scheduler None when there is none)
    optimizer_class                 e.g. "SGD": resuming with another update rule is refused
    loader                          the training DataLoader's position (DataLoader.state_dict)
    rng                             the global generator's position (dropout, augmentation)
    epoch, step                     epochs finished, and steps done in the epoch after them
    partial                         loss sum, correct and seen samples of that unfinished epoch
    history                         one metrics row per finished epoch
    config                          what the caller asked to keep (the CLI's hyper-parameters)
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from ..serialization import load, save

METRICS_COLUMNS = ("epoch", "train_loss", "train_acc", "test_loss", "test_acc", "lr", "seconds")
KIND = "tinygrad_cnn training run"
REQUIRED = ("model", "optimizer", "optimizer_class", "loader", "rng", "epoch", "step", "partial",
            "history")


class TrainingStopped(RuntimeError):
    """Training ended early (a non-finite loss or weight); the last good checkpoint is kept."""


def non_finite(state: dict) -> list[str]:
    """Names of the floating arrays in a (nested) state dict holding NaN or infinity."""
    bad = []

    def visit(value, name):
        if isinstance(value, dict):
            for key, item in value.items():
                visit(item, f"{name}.{key}" if name else str(key))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                visit(item, f"{name}.{i}")
        else:
            array = np.asarray(getattr(value, "array", value)) \
                if not isinstance(value, (str, type(None))) else None
            if array is not None and array.dtype.kind in "fc" and not np.isfinite(array).all():
                bad.append(name)
    visit(state, "")
    return bad


def describe(epoch: int, step: int) -> str:
    """'epoch 3' for an epoch boundary, 'epoch 3 and 40 steps of epoch 4' inside one."""
    return f"epoch {epoch}" + (f" and {step} steps of epoch {epoch + 1}" if step else "")


def write(path, state: dict) -> None:
    """Save a run's `state` to `path`, refusing (TrainingStopped) weights or optimizer state that
    are not finite, before anything is written: the file on disk stays the last good one."""
    bad = non_finite({"model": state["model"], "optimizer": state["optimizer"]["state"]})
    if bad:
        raise TrainingStopped(f"non-finite values in {', '.join(bad[:3])}"
                              f"{' and more' if len(bad) > 3 else ''}")
    save(dict(state, kind=KIND), os.fspath(path))


def read(source) -> dict:
    """A run's state from a checkpoint path (or an already loaded dict), with its kind checked.

    Raises FileNotFoundError for a missing file and ValueError for anything but a checkpoint
    that `write` produced (a bare state dict, another program's .npz, a damaged file)."""
    if isinstance(source, dict):
        state, name = source, "the checkpoint"
    else:
        name = os.fspath(source)
        if not os.path.exists(name):
            raise FileNotFoundError(f"{name}: no such checkpoint")
        if os.path.isdir(name):
            raise IsADirectoryError(f"{name} is a folder; name the checkpoint.npz inside it")
        state = load(name)
    if not isinstance(state, dict) or state.get("kind") != KIND \
            or any(key not in state for key in REQUIRED):
        found = sorted(map(str, state))[:5] if isinstance(state, dict) else type(state).__name__
        raise ValueError(f"{name} is not a training checkpoint of this version (found {found}); "
                         f"a bare state dict loads with model.load_state_dict(tg.load(path))")
    return state


def history_rows(state: dict) -> list[dict]:
    """The finished epochs' metrics rows of a checkpoint, as plain numbers."""
    return [{key: _plain(value) for key, value in row.items()} for row in state["history"]]


def _plain(value):
    value = getattr(value, "item", lambda: value)()
    return int(value) if isinstance(value, (bool, np.integer)) else value


def write_metrics(path: Path, rows: list[dict]) -> None:
    """Rewrite metrics.csv with exactly `rows` (one per finished epoch), atomically: a resumed
    run's file always matches its checkpoint, each epoch once."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(METRICS_COLUMNS)
        for row in rows:
            writer.writerow([f"{row[c]:.6g}" if isinstance(row[c], float) else row[c]
                             for c in METRICS_COLUMNS])
    os.replace(tmp, path)


def earlier_run(out: Path) -> str | None:
    """What an output folder already holds of another run ('metrics.csv with 3 epochs', ...)."""
    metrics, checkpoint = out / "metrics.csv", out / "checkpoint.npz"
    if metrics.is_file():
        with open(metrics, newline="") as f:
            epochs = max(sum(1 for _ in f) - 1, 0)
        if epochs or checkpoint.exists():
            return f"metrics.csv with {epochs} epoch{'s' * (epochs != 1)}"
    if checkpoint.exists():
        return "checkpoint.npz"
    return None
