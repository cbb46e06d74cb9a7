"""The training loop behind `python -m tinygrad_cnn train`: epochs of mini-batch SGD, evaluation
after each epoch, metrics.csv, a checkpoint per epoch, clean stops on Ctrl-C and on a NaN loss."""
from __future__ import annotations

import csv
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import nn
from ..autograd import no_grad
from ..data import DataLoader
from ..serialization import load, save
from .progress import Progress

METRICS_COLUMNS = ("epoch", "train_loss", "train_acc", "test_loss", "test_acc", "lr", "seconds")


class TrainingStopped(RuntimeError):
    """Training ended early (NaN loss); the last good checkpoint is kept."""


@dataclass
class History:
    """One dict per finished epoch, with the METRICS_COLUMNS keys."""
    epochs: list[dict] = field(default_factory=list)
    interrupted: bool = False

    @property
    def last(self) -> dict:
        return self.epochs[-1] if self.epochs else {}


def evaluate(model, loader) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of `model` (in eval mode) over `loader`."""
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with no_grad():
        for x, y in loader:
            logits = model(x)
            total_loss += nn.functional.cross_entropy(logits, y, reduction="sum").item()
            correct += int((logits.data.argmax(1) == y.data).sum())
            count += len(y)
    model.train(was_training)
    return total_loss / max(count, 1), correct / max(count, 1)


def train_epoch(model, loader, optimizer, description="train", show_progress=True):
    """One pass over `loader`; returns (mean loss, accuracy, samples per second).

    Raises TrainingStopped as soon as a loss is not finite, before the update that would spread it."""
    model.train()
    loss_sum, correct, count = 0.0, 0, 0
    start = time.perf_counter()
    bar = Progress(loader, len(loader), description, enabled=show_progress)
    for x, y in bar:
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y)
        value = loss.item()
        if not math.isfinite(value):
            raise TrainingStopped(f"the loss became {value} at sample {count} of this epoch; "
                                  f"lower the learning rate (training stopped, the last good "
                                  f"checkpoint is kept)")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += value * len(y)
        correct += int((logits.data.argmax(1) == y.data).sum())
        count += len(y)
        bar.update(loss=loss_sum / count, acc=correct / count,
                   rate=f"{count / (time.perf_counter() - start):.0f}/s")
    seconds = time.perf_counter() - start
    return loss_sum / count, correct / count, count / seconds


def fit(model, optimizer, train_set, test_set, *, epochs, batch_size, seed, out_dir,
        scheduler=None, resume=None, show_progress=True, log=print) -> History:
    """Train for `epochs`, writing `out_dir`/metrics.csv and `out_dir`/checkpoint.npz each epoch.

    Ctrl-C saves a checkpoint of the current weights and returns with history.interrupted set.
    `resume` is a checkpoint written by an earlier run: training continues after its epoch."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    checkpoint_path, metrics_path = out / "checkpoint.npz", out / "metrics.csv"
    first_epoch = 1
    if resume is not None:
        first_epoch = _restore(resume, model, optimizer, scheduler) + 1
        log(f"resumed from {resume} after epoch {first_epoch - 1}")
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=seed + first_epoch)
    test_loader = DataLoader(test_set, batch_size=max(batch_size, 256))
    history = History()
    if first_epoch == 1 or not metrics_path.exists():
        with open(metrics_path, "w", newline="") as f:
            csv.writer(f).writerow(METRICS_COLUMNS)
    epoch = first_epoch - 1
    try:
        for epoch in range(first_epoch, epochs + 1):
            start = time.perf_counter()
            train_loss, train_acc, rate = train_epoch(model, train_loader, optimizer,
                                                      f"epoch {epoch}/{epochs}", show_progress)
            test_loss, test_acc = evaluate(model, test_loader)
            lr = optimizer.param_groups[0]["lr"]
            if scheduler is not None:
                scheduler.step(test_loss) if _is_plateau(scheduler) else scheduler.step()
            row = dict(epoch=epoch, train_loss=train_loss, train_acc=train_acc, test_loss=test_loss,
                       test_acc=test_acc, lr=lr, seconds=time.perf_counter() - start)
            history.epochs.append(row)
            with open(metrics_path, "a", newline="") as f:
                csv.writer(f).writerow([f"{row[c]:.6g}" if isinstance(row[c], float) else row[c]
                                        for c in METRICS_COLUMNS])
            _checkpoint(checkpoint_path, model, optimizer, scheduler, epoch)
            log(f"epoch {epoch}: train loss {train_loss:.4f} acc {train_acc:.2%} | test loss "
                f"{test_loss:.4f} acc {test_acc:.2%} | {rate:.0f} samples/s")
    except KeyboardInterrupt:
        # The interrupted epoch is not finished: save its weights under the previous epoch number.
        _checkpoint(out / "interrupted.npz", model, optimizer, scheduler, epoch - 1)
        log(f"interrupted: weights saved to {out / 'interrupted.npz'} (resume with --resume)")
        history.interrupted = True
    return history


def _is_plateau(scheduler) -> bool:
    return type(scheduler).__name__ == "ReduceLROnPlateau"


def _checkpoint(path, model, optimizer, scheduler, epoch) -> None:
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": int(epoch)}
    if scheduler is not None:
        state["scheduler"] = scheduler.state_dict()
    save(state, os.fspath(path))


def _restore(path, model, optimizer, scheduler) -> int:
    state = load(os.fspath(path))
    if not isinstance(state, dict) or "model" not in state:
        raise ValueError(f"{path} is not a training checkpoint (expected keys 'model', 'optimizer', "
                         f"'epoch'); a bare state dict can be loaded with model.load_state_dict")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None and "scheduler" in state:
        scheduler.load_state_dict(state["scheduler"])
    return int(np.asarray(state["epoch"]))
