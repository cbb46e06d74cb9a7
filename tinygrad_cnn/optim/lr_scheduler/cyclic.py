"""CyclicLR (Smith, 2017): the lr goes back and forth between base_lr and max_lr, stepped once
per batch, with PyTorch's three policies, custom scale functions and momentum cycling."""
import math

from .base import LRScheduler
from .one_cycle import _per_group

_MODES = ("triangular", "triangular2", "exp_range")


class CyclicLR(LRScheduler):
    """Cyclical learning rates. With T = step_size_up + step_size_down, at step s:
        cycle = floor(1 + s / T),   x = 1 + s / T - cycle   (position in the cycle, 0..1)
        f = x / r while rising (x <= r = step_size_up / T), else (x - 1) / (r - 1)
        lr = base_lr + (max_lr - base_lr) * f * scale
    where scale is 1 ('triangular'), 1 / 2^(cycle - 1) ('triangular2': each cycle's amplitude
    halves) or gamma^s ('exp_range'), or scale_fn(cycle) / scale_fn(s) by scale_mode.
    With cycle_momentum, momentum (or Adam's beta1) moves the opposite way:
        momentum = max_momentum - (max_momentum - base_momentum) * f * scale.

    Args:
        base_lr, max_lr: the cycle's bounds (one value, or one per group); base_lr replaces
            the groups' lr at the start.
        step_size_up, step_size_down: steps rising and falling (down defaults to up).
        mode, gamma, scale_fn, scale_mode: the amplitude policy (scale_fn overrides mode).
        cycle_momentum, base_momentum, max_momentum: cycle the momentum (default on, 0.8 and 0.9).
    """

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode: str = "triangular", gamma: float = 1.0, scale_fn=None,
                 scale_mode: str = "cycle", cycle_momentum: bool = True, base_momentum=0.8,
                 max_momentum=0.9, last_epoch: int = -1):
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in _MODES and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode, self.gamma = mode, gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else \
            ("iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` "
                                 "option enabled")
            self.use_beta1 = "betas" in optimizer.defaults
            self.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for top, bottom, group in zip(self.max_momentums, self.base_momentums,
                                              optimizer.param_groups):
                    self._set_momentum(group, top)
                    group["max_momentum"], group["base_momentum"] = top, bottom
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x) -> float:
        """The amplitude factor of cycle (or step) x."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def _set_momentum(self, group: dict, value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def get_lr(self) -> list:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        factor = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [low + (high - low) * factor * scale
               for low, high in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:       # a side effect, as in PyTorch
            for group, low, high in zip(self.optimizer.param_groups, self.base_momentums,
                                        self.max_momentums):
                self._set_momentum(group, high - (high - low) * factor * scale)
        return lrs

    def state_dict(self) -> dict:
        """As the base's, without a custom scale_fn (a function is not state; PyTorch drops
        plain functions too): reattach it by building the scheduler with it before loading."""
        state = super().state_dict()
        state["_scale_fn_custom"] = None
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        custom = self._scale_fn_custom
        super().load_state_dict(state_dict)
        self._scale_fn_custom = custom
