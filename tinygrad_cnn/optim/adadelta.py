"""Adadelta (Zeiler, 2012): step sizes from the ratio of two running averages, so the default
learning rate of 1.0 needs no tuning to the gradients' scale. Same update, defaults and state
layout as torch.optim.Adadelta."""
import numpy as np

from .optimizer import Optimizer


class Adadelta(Optimizer):
    """Per parameter, with g the gradient (plus weight_decay * p):

        v     <- rho * v + (1 - rho) * g^2                  (state 'square_avg')
        delta  = sqrt(u + eps) / sqrt(v + eps) * g
        u     <- rho * u + (1 - rho) * delta^2              (state 'acc_delta')
        p     <- p - lr * delta

    Args:
        params: parameters or parameter groups.
        lr: scales delta (default 1.0, as PyTorch).
        rho: decay of both running averages, in [0, 1] (default 0.9).
        eps: added inside both roots (default 1e-6).
        weight_decay: L2 penalty coefficient.
        foreach, capturable: PyTorch's kernel choices; accepted and kept in the groups.
        maximize: ascend instead of descend.
        differentiable: must stay False.

    The state ('step', 'square_avg', 'acc_delta') appears at a parameter's first update.

    Example:
        >>> from tinygrad_cnn import nn
        >>> opt = Adadelta(nn.Linear(3, 1).parameters())
    """

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach=None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict) -> None:
        super()._check_hyperparameters(group)
        if not 0.0 <= group.get("rho", 0.9) <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']}")
        for name, label in (("eps", "epsilon"), ("weight_decay", "weight_decay")):
            if not 0.0 <= group.get(name, 0.0):
                raise ValueError(f"Invalid {label} value: {group[name]}")

    def _update(self, p, grad, group) -> None:
        state = self.state[p]
        if not state:
            state["step"] = 0.0
            state["square_avg"] = np.zeros_like(p.array)
            state["acc_delta"] = np.zeros_like(p.array)
        state["step"] = float(state["step"]) + 1
        rho, eps = group["rho"], group["eps"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.array
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        p.array[...] -= group["lr"] * delta
