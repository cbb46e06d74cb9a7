"""Learning-rate schedules with PyTorch's names and call pattern: build one after the optimizer,
call `scheduler.step()` once per epoch after `optimizer.step()` (ReduceLROnPlateau:
`scheduler.step(val_loss)`). Each schedule writes `group['lr']` of every parameter group.

Like PyTorch's, StepLR, MultiStepLR, ExponentialLR and CosineAnnealingLR are chainable: each
step() changes the lr the groups hold now (e.g. multiplies it by gamma) rather than recomputing it
from the initial lr, so two schedulers on one optimizer compose, a hand-set lr is respected, and
the values are PyTorch's to the last bit. `step(epoch)` (deprecated) uses the closed form instead.

Here: the base class, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR and
ReduceLROnPlateau; _more_schedules.py adds MultiplicativeLR, ConstantLR, LinearLR, PolynomialLR,
CosineAnnealingWarmRestarts, SequentialLR and ChainedScheduler, _one_cycle.py OneCycleLR (all
importable from here).
"""
import math
import types
import warnings
from bisect import bisect_right
from collections import Counter

from .optimizer import Optimizer


class LRScheduler:
    """Base class. Subclasses define `get_lr()`: the lr of each group at `self.last_epoch`,
    computed from the groups' current lr (chainable) or from `base_lrs`; `_closed_form_lr()`, if
    defined, is used by the deprecated `step(epoch)`.

    Args:
        optimizer: the optimizer whose learning rates are set.
        last_epoch: index of the last epoch done (-1 starts fresh; for resuming, the groups must
            hold 'initial_lr', as they do after loading the optimizer's state dict).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when "
                               f"resuming an optimizer")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Set the lr of epoch last_epoch + 1 (the initial lr for a fresh start)."""
        self._step_count = 0
        self._is_initial = True  # the constructor's step must not move a resumed lr further
        self.step()
        self._is_initial = False

    def get_lr(self) -> list:
        """The learning rates for epoch `last_epoch`, one per parameter group (each scheduler's rule)."""
        raise NotImplementedError(f"{type(self).__name__} must define get_lr()")

    def get_last_lr(self) -> list:
        """The learning rates the last `step()` set, one per parameter group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        self._step_count += 1
        if epoch is not None:
            warnings.warn("The epoch parameter in `scheduler.step()` is deprecated, as in PyTorch",
                          UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Move to the next epoch (or to `epoch`, by the closed form) and set the groups' lr."""
        if epoch is None:
            self.last_epoch += 1
        else:
            self.last_epoch = epoch
        closed_form = getattr(self, "_closed_form_lr", None)
        lrs = closed_form() if epoch is not None and closed_form else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict:
        """Everything but the optimizer (numbers and lists, so tg.save can store it)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update(state_dict)

    def _current_lrs(self) -> list:
        return [group["lr"] for group in self.optimizer.param_groups]


class StepLR(LRScheduler):
    """Multiply lr by gamma every step_size epochs: lr = initial_lr * gamma ** (epoch // step_size)
    when nothing else changes it.

    Example:
        >>> from tinygrad_cnn import nn, optim
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> for epoch in range(4):
        ...     opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.025]
    """

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        if self.last_epoch == 0 or self.last_epoch % self.step_size:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _closed_form_lr(self) -> list:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size)
                for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply lr by gamma at each milestone: lr = initial_lr * gamma ** (number of milestones
    <= epoch) when nothing else changes it.

    Args:
        milestones: epoch indices at which lr is multiplied by gamma (a milestone listed twice
            multiplies by gamma twice); kept as a Counter epoch -> count, as PyTorch.
    """

    def __init__(self, optimizer, milestones, gamma: float = 0.1, last_epoch: int = -1):
        self.milestones = Counter(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        times = self.milestones.get(self.last_epoch, 0)
        if not times:
            return self._current_lrs()
        return [lr * self.gamma ** times for lr in self._current_lrs()]

    def _closed_form_lr(self) -> list:
        passed = sorted(m for m, count in self.milestones.items() for _ in range(count))
        return [base_lr * self.gamma ** bisect_right(passed, self.last_epoch)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply lr by gamma every epoch: lr = initial_lr * gamma ** epoch when nothing else
    changes it."""

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _closed_form_lr(self) -> list:
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
    (Loshchilov & Hutter, 2017, without restarts): from initial_lr down to eta_min at T_max, and
    back up over the next T_max epochs if training goes on.

    Each step scales the current distance to eta_min by the ratio of consecutive cosine terms,
    (1 + cos(pi*t/T_max)) / (1 + cos(pi*(t-1)/T_max)), as PyTorch does; at t = T_max + 1 (+ every
    2*T_max), where that ratio is 0/0, the step adds the first rise instead.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        if isinstance(T_max, bool) or not isinstance(T_max, (int, float)) or not T_max > 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive number, got {T_max!r}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and t > 0:  # resumed: nothing to chain from yet
            return self._closed_form_lr()
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for lr, base_lr in zip(self._current_lrs(), self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - eta_min) + eta_min for lr in self._current_lrs()]

    def _closed_form_lr(self) -> list:
        return [self.eta_min + (base_lr - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


def _one_function_per_group(optimizer, lr_lambda) -> list:
    """lr_lambda as a list with one callable per param group (one function serves them all)."""
    n = len(optimizer.param_groups)
    functions = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * n
    if len(functions) != n:
        raise ValueError(f"Expected {n} lr_lambdas, but got {len(functions)}")
    for fn in functions:
        if not callable(fn):
            raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
    return functions


class LambdaLR(LRScheduler):
    """lr = initial_lr * lr_lambda(epoch); one function, or a list with one per group.

    The state dict holds, per function, None (plain functions and lambdas are code, not state)
    or the attributes of a callable object, as PyTorch's."""

    def __init__(self, optimizer, lr_lambda, last_epoch: int = -1):
        self.lr_lambdas = _one_function_per_group(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict:
        return _state_with_lambdas(self)

    def load_state_dict(self, state_dict: dict) -> None:
        _load_with_lambdas(self, state_dict)


def _state_with_lambdas(scheduler) -> dict:
    """A scheduler's state with, per lr function, None (plain functions and lambdas are code,
    not state) or the attributes of a callable object, as PyTorch saves them."""
    state = {k: v for k, v in scheduler.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
    state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else dict(vars(fn))
                           for fn in scheduler.lr_lambdas]
    return state


def _load_with_lambdas(scheduler, state_dict: dict) -> None:
    state = dict(state_dict)
    saved = state.pop("lr_lambdas", [None] * len(scheduler.lr_lambdas))
    scheduler.__dict__.update(state)  # the functions themselves stay
    for fn, attributes in zip(scheduler.lr_lambdas, saved):
        if attributes is not None:
            vars(fn).update(attributes)


class ReduceLROnPlateau(LRScheduler):
    """Multiply lr by `factor` when a metric has stopped improving for `patience` epochs.

    An epoch improves on the best value so far when (mode 'min') metric < best * (1 - threshold)
    ('rel') or metric < best - threshold ('abs'); 'max' mirrors this. After a reduction, `cooldown`
    epochs pass before bad epochs are counted again. lr never goes below min_lr, and a change
    smaller than eps is skipped.

    Example (the seeds' recipe: divide lr by 10 when validation stalls):
        >>> from tinygrad_cnn import nn, optim
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
        >>> sched = ReduceLROnPlateau(opt, patience=1)
        >>> for val_loss in [1.0, 1.0, 1.0]:
        ...     sched.step(val_loss)
        >>> sched.get_last_lr()
        [0.010000000000000002]
    """

    def __init__(self, optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr=0, eps: float = 1e-8):
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown!")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown!")
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)) and len(min_lr) != n:
            raise ValueError(f"expected {n} min_lrs, got {len(min_lr)}")
        self.optimizer, self.mode, self.factor, self.patience = optimizer, mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown, self.eps = (
            threshold, threshold_mode, cooldown, eps)
        self.min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * n
        # A single min_lr also covers groups added later (e.g. an unfrozen backbone); a list
        # must then be extended by hand, as in PyTorch.
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.best, self.num_bad_epochs, self.cooldown_counter = self.mode_worse, 0, 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self, metrics, epoch: int | None = None) -> None:
        current = float(metrics)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self._is_better(current):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during cooldown do not count
        if self.num_bad_epochs > self.patience:
            groups = self.optimizer.param_groups
            if len(groups) != len(self.min_lrs):
                if self.default_min_lr is None:
                    raise RuntimeError(
                        f"The number of param groups in the `optimizer` ({len(groups)}) differs "
                        f"from when `ReduceLROnPlateau` was initialized ({len(self.min_lrs)}), "
                        f"usually due to a new param group being added to the optimizer. Please "
                        f"modify the `min_lrs` field to match the length of the `optimizer` "
                        f"param groups.")
                self.min_lrs = [self.default_min_lr] * len(groups)
            for group, min_lr in zip(groups, self.min_lrs):
                old_lr = float(group["lr"])
                new_lr = max(old_lr * self.factor, min_lr)
                if old_lr - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _is_better(self, a: float) -> bool:
        best = self.best
        if self.mode == "min":
            return a < best * (1.0 - self.threshold) if self.threshold_mode == "rel" \
                else a < best - self.threshold
        return a > best * (self.threshold + 1.0) if self.threshold_mode == "rel" \
            else a > best + self.threshold


# The warm-up, polynomial, restarting and sequential schedules live in their own file; imported
# last because they subclass LRScheduler above.
from ._more_schedules import (ChainedScheduler, ConstantLR,  # noqa: E402
                              CosineAnnealingWarmRestarts, LinearLR, MultiplicativeLR,
                              PolynomialLR, SequentialLR)
from ._one_cycle import OneCycleLR  # noqa: E402
