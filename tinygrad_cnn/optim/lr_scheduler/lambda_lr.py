"""Schedules the user writes as a function of the epoch: LambdaLR (lr = initial_lr * f(epoch)) and
MultiplicativeLR (lr *= f(epoch) each epoch); one function, or one per parameter group."""
import types

from .base import LRScheduler


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


class MultiplicativeLR(LRScheduler):
    """Multiply lr by lr_lambda(epoch) every epoch (one function, or one per group)."""

    def __init__(self, optimizer, lr_lambda, last_epoch: int = -1):
        self.lr_lambdas = _one_function_per_group(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        if self._is_initial:
            return self._current_lrs()
        return [lr * fn(self.last_epoch) for fn, lr in zip(self.lr_lambdas, self._current_lrs())]

    def state_dict(self) -> dict:
        return _state_with_lambdas(self)

    def load_state_dict(self, state_dict: dict) -> None:
        _load_with_lambdas(self, state_dict)
