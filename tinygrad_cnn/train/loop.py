"""The training loop behind `python -m tinygrad_cnn train`: epochs of mini-batch SGD, evaluation
after each epoch, metrics.csv, a checkpoint per epoch, exact resume, clean stops on Ctrl-C and
on a loss or weight that is no longer finite."""
from __future__ import annotations

import math
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import nn
from ..autograd import no_grad
from ..data import DataLoader
from ..random import get_rng_state, set_rng_state
from . import checkpoint as run_file
from .checkpoint import TrainingStopped, describe
from .progress import Progress


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
            correct += int((logits.array.argmax(1) == y.array).sum())
            count += len(y)
    model.train(was_training)
    return total_loss / max(count, 1), correct / max(count, 1)


class _Stop:
    """Ctrl-C while training: the first asks the loop to stop at the next point where the run
    is consistent (after a step or an epoch's checkpoint); a second one stops at once."""

    def __init__(self):
        self.requested = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def train_epoch(model, loader, optimizer, description="train", show_progress=True):
    """One pass over `loader`; returns (mean loss, accuracy, samples per second).

    Raises TrainingStopped as soon as a loss is not finite, before the update that would spread it."""
    run = _EpochRun(model, loader, optimizer, description, show_progress)
    run.go(stop=None)
    if run.count == 0:
        raise ValueError("train_epoch: the loader gave no batches (an empty data set?)")
    return run.loss_sum / run.count, run.correct / run.count, run.count / run.train_seconds


class _EpochRun:
    """The steps of one epoch, resumable: the running sums come from a checkpoint's `partial`."""

    def __init__(self, model, loader, optimizer, description, show_progress, partial=None,
                 after_step=None, epoch=1, steps=0):
        partial = partial or {}
        self.model, self.loader, self.optimizer = model, loader, optimizer
        self.description, self.show_progress, self.after_step = description, show_progress, after_step
        self.epoch, self.steps = epoch, steps   # steps done in this epoch
        self.loss_sum = float(partial.get("loss_sum", 0.0))
        self.correct, self.count = int(partial.get("correct", 0)), int(partial.get("count", 0))
        self.start = time.perf_counter() - float(partial.get("seconds", 0.0))

    def partial(self) -> dict:
        return {"loss_sum": self.loss_sum, "correct": self.correct, "count": self.count,
                "seconds": time.perf_counter() - self.start}

    def go(self, stop: _Stop | None) -> bool:
        """Train to the end of the epoch; False if a Ctrl-C stopped it after a step."""
        self.model.train()
        bar = Progress(self.loader, len(self.loader), self.description, enabled=self.show_progress)
        for x, y in bar:
            logits = self.model(x)
            loss = nn.functional.cross_entropy(logits, y)
            value = loss.item()
            if not math.isfinite(value):
                raise TrainingStopped(f"the loss became {value} at sample {self.count} of this "
                                      f"epoch, before its update")
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            self.loss_sum += value * len(y)
            self.correct += int((logits.array.argmax(1) == y.array).sum())
            self.count += len(y)
            self.steps += 1
            bar.update(loss=self.loss_sum / self.count, acc=self.correct / self.count,
                       rate=f"{self.count / (time.perf_counter() - self.start):.0f}/s")
            if self.after_step is not None:
                self.after_step(self)
            if stop is not None and stop.requested and self.steps < len(self.loader):
                return False  # (a stop at the last step lets the epoch finish and be saved)
        self.train_seconds = time.perf_counter() - self.start
        return True


def fit(model, optimizer, train_set, test_set, *, epochs, batch_size, seed, out_dir,
        scheduler=None, resume=None, show_progress=True, log=print, save_every=None,
        overwrite=False, config=None) -> History:
    """Train for `epochs`, writing `out_dir`/metrics.csv and `out_dir`/checkpoint.npz each epoch.

    Args:
        resume: a checkpoint path (or the dict `train.checkpoint.read` returned) written by an
            earlier run: training continues from exactly where it stopped, even mid-epoch, and
            gives bit for bit the weights of a run that never stopped.
        save_every: also write checkpoint.npz every this many steps inside an epoch.
        overwrite: start a new run in an `out_dir` that holds another run's metrics (otherwise
            FileExistsError: an earlier run's results are never destroyed silently).
        config: a dict of numbers and strings stored in the checkpoint (e.g. hyper-parameters,
            so a resuming caller can compare them).

    Ctrl-C finishes the current step, writes checkpoint.npz and returns with history.interrupted
    set. A loss, weight or optimizer value that is not finite raises TrainingStopped before any
    checkpoint holds it; checkpoint.npz keeps the last good state and the message says which.
    """
    for name, dataset in (("train_set", train_set), ("test_set", test_set)):
        if len(dataset) == 0:
            raise ValueError(f"fit: {name} is empty (0 samples); nothing to train or measure on")
    out = Path(out_dir)
    checkpoint_path, metrics_path = out / "checkpoint.npz", out / "metrics.csv"
    state = run_file.read(resume) if resume is not None else None
    if state is None and not overwrite and run_file.earlier_run(out):
        raise FileExistsError(f"{out} already holds a run ({run_file.earlier_run(out)}); continue "
                              f"it with resume, start over with overwrite=True, or use another "
                              f"out_dir")
    if save_every is not None and (isinstance(save_every, bool) or not isinstance(save_every, int)
                                   or save_every < 1):
        raise ValueError(f"fit: save_every must be a positive int or None, got {save_every!r}")
    out.mkdir(parents=True, exist_ok=True)
    # The first epoch's shuffle is seeded with seed + 1 (as before resume existed); later epochs
    # continue that generator, so a resumed run restores its position instead of reseeding.
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=seed + 1)
    test_loader = DataLoader(test_set, batch_size=max(batch_size, 256))
    history = History()
    done, step, partial = 0, 0, None
    if state is not None:
        done, step, partial = _restore(state, model, optimizer, scheduler, train_loader)
        history.epochs = run_file.history_rows(state)
        log(f"resumed after {describe(done, step)}")
    run_file.write_metrics(metrics_path, history.epochs)
    saved = (done, step) if state is not None else None

    def save(epoch_done, steps, epoch_run=None):
        nonlocal saved
        snapshot = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "optimizer_class": type(optimizer).__name__,
                    "scheduler": scheduler.state_dict() if scheduler is not None else None,
                    "loader": train_loader.state_dict(), "rng": get_rng_state(),
                    "epoch": epoch_done, "step": steps,
                    "partial": epoch_run.partial() if epoch_run is not None else {},
                    "history": history.epochs, "config": dict(config or {})}
        try:
            run_file.write(checkpoint_path, snapshot)
        except TrainingStopped as err:
            raise _BadState(f"{err} after {describe(epoch_done, steps)}; {_kept(saved)}; "
                            f"lower the learning rate") from None
        saved = (epoch_done, steps)

    def after_step(epoch_run):
        if save_every and epoch_run.steps % save_every == 0 and epoch_run.steps < len(train_loader):
            save(epoch_run.epoch - 1, epoch_run.steps, epoch_run)

    with _Stop() as stop:
        try:
            for epoch in range(done + 1, epochs + 1):
                resumed = epoch == done + 1
                epoch_run = _EpochRun(model, train_loader, optimizer, f"epoch {epoch}/{epochs}",
                                      show_progress, partial if resumed else None, after_step,
                                      epoch, step if resumed else 0)
                if not epoch_run.go(stop):
                    save(epoch - 1, epoch_run.steps, epoch_run)
                    return _interrupted(history, log, checkpoint_path, epoch - 1, epoch_run.steps)
                row = _finish_epoch(epoch, epoch_run, model, test_loader, optimizer, scheduler)
                history.epochs.append(row)
                save(epoch, 0)
                run_file.write_metrics(metrics_path, history.epochs)
                log(f"epoch {epoch}: train loss {row['train_loss']:.4f} acc {row['train_acc']:.2%} "
                    f"| test loss {row['test_loss']:.4f} acc {row['test_acc']:.2%} | "
                    f"{epoch_run.count / epoch_run.train_seconds:.0f} samples/s")
                if stop.requested and epoch < epochs:
                    return _interrupted(history, log, checkpoint_path, epoch, 0)
        except _BadState:
            raise
        except TrainingStopped as err:  # a loss: nothing of it was saved
            raise TrainingStopped(f"{err}; {_kept(saved)}; lower the learning rate") from None
        except KeyboardInterrupt:  # a second Ctrl-C: stop without writing anything
            log(f"interrupted twice: stopped at once; {_kept(saved)}")
            history.interrupted = True
    return history


class _BadState(TrainingStopped):
    """A checkpoint refused for non-finite values, its message complete."""


def _finish_epoch(epoch, epoch_run, model, test_loader, optimizer, scheduler) -> dict:
    """Evaluate, step the scheduler, and return the epoch's metrics row."""
    bad = run_file.non_finite(model.state_dict())
    if bad:
        raise TrainingStopped(f"non-finite values in {', '.join(bad[:3])} after the last update "
                              f"of epoch {epoch}")
    test_loss, test_acc = evaluate(model, test_loader)
    if not math.isfinite(test_loss):
        raise TrainingStopped(f"the test loss became {test_loss} after epoch {epoch}")
    lr = optimizer.param_groups[0]["lr"]
    if scheduler is not None:
        scheduler.step(test_loss) if _is_plateau(scheduler) else scheduler.step()
    return dict(epoch=epoch, train_loss=epoch_run.loss_sum / epoch_run.count,
                train_acc=epoch_run.correct / epoch_run.count, test_loss=test_loss,
                test_acc=test_acc, lr=lr, seconds=time.perf_counter() - epoch_run.start)


def _interrupted(history, log, path, epoch, step) -> History:
    log(f"interrupted: {path} holds {describe(epoch, step)} (continue with --resume {path})")
    history.interrupted = True
    return history


def _kept(saved) -> str:
    if saved is None:
        return "no checkpoint was written"
    return f"the last good checkpoint is kept (it holds {describe(*saved)})"


def _is_plateau(scheduler) -> bool:
    return type(scheduler).__name__ == "ReduceLROnPlateau"


def _restore(state, model, optimizer, scheduler, train_loader) -> tuple[int, int, dict]:
    """Load a run's state into the live objects; returns (epochs done, steps done, partial)."""
    saved_class = str(state["optimizer_class"])
    if saved_class != type(optimizer).__name__:
        raise ValueError(f"the checkpoint was trained with {saved_class}, not "
                         f"{type(optimizer).__name__}; resume with the same optimizer")
    if (state["scheduler"] is None) != (scheduler is None):
        raise ValueError("the checkpoint was trained " + ("without" if state["scheduler"] is None
                         else "with") + " a learning-rate scheduler; resume the same way")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(state["scheduler"])
    train_loader.load_state_dict(state["loader"])
    set_rng_state(state["rng"])
    partial = {k: run_file._plain(v) for k, v in dict(state["partial"]).items()}
    return int(run_file._plain(state["epoch"])), int(run_file._plain(state["step"])), partial
