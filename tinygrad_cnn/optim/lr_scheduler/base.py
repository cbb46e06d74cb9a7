"""LRScheduler, the base of every learning-rate schedule: build one after the optimizer, call
`scheduler.step()` once per epoch after `optimizer.step()`; each step writes `group['lr']` of every
parameter group.

Like PyTorch's, the schedules are chainable: each step() changes the lr the groups hold now (e.g.
multiplies it by gamma) rather than recomputing it from the initial lr, so two schedulers on one
optimizer compose, a hand-set lr is respected, and the values are PyTorch's to the last bit.
`step(epoch)` (deprecated) uses a schedule's closed form instead.
"""
import warnings

from ..optimizer import Optimizer


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
