"""RMSprop (Hinton's lecture 6e, 2012) and Adagrad (Duchi et al., 2011): per-coordinate step
sizes from running squares of the gradient, with PyTorch's update order and state layout."""
import numpy as np

from .optimizer import Optimizer


def _check_non_negative(group: dict, *names) -> None:
    for name in names:
        if not 0.0 <= group[name]:
            label = "epsilon" if name == "eps" else name
            raise ValueError(f"Invalid {label} value: {group[name]}")


class RMSprop(Optimizer):
    """RMSprop. For each parameter p with gradient g:

        g = -g if maximize;   g = g + weight_decay * p        (if weight_decay != 0)
        v = alpha * v + (1 - alpha) * g * g                   (v0 = 0)
        centered: m = alpha * m + (1 - alpha) * g, and v - m*m replaces v below
        step = g / (sqrt(v) + eps)
        momentum > 0: buf = momentum * buf + step, then p = p - lr * buf; else p = p - lr * step

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-2).
        alpha: smoothing constant of the squared-gradient average.
        eps: added to the root for stability.
        weight_decay: L2 penalty coefficient.
        momentum: momentum factor.
        centered: normalise by the estimated variance instead of the raw second moment.
        capturable, foreach: PyTorch's kernel choices; accepted and kept in the groups.
        maximize: ascend instead of descend.
        differentiable: must stay False.

    Example:
        >>> from tinygrad_cnn import nn
        >>> opt = RMSprop(nn.Linear(3, 1).parameters(), lr=1e-3)
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False):
        # PyTorch's keys, in its order, so state dicts have the same layout.
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict) -> None:
        super()._check_hyperparameters(group)
        _check_non_negative(group, "eps", "momentum", "weight_decay", "alpha")

    def _update(self, p, grad, group) -> None:
        alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
        state = self.state[p]
        if not state:  # the keys in PyTorch's order
            state["step"] = 0.0
            state["square_avg"] = np.zeros_like(p.array)
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(p.array)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p.array)
        state["step"] = float(state["step"]) + 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.array
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg += (1 - alpha) * (grad - grad_avg)   # = alpha * m + (1 - alpha) * g
            root = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            root = np.sqrt(square_avg)
        root += eps
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += grad / root
            p.array[...] -= group["lr"] * buf
        else:
            p.array[...] -= group["lr"] * (grad / root)


class Adagrad(Optimizer):
    """Adagrad. For each parameter p with gradient g, at step t = 1, 2, ...:

        g = -g if maximize;   g = g + weight_decay * p        (if weight_decay != 0)
        sum = sum + g * g                                     (sum0 = initial_accumulator_value)
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 1e-2).
        lr_decay: the learning rate decays as lr / (1 + (t - 1) * lr_decay).
        weight_decay: L2 penalty coefficient.
        initial_accumulator_value: the starting value of the sum of squares.
        eps: added to the root for stability (default 1e-10).
        foreach, fused: PyTorch's kernel choices; accepted and kept in the groups.
        maximize: ascend instead of descend.
        differentiable: must stay False.

    The state (step 0 and the sum) exists from construction on, as in PyTorch.
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *,
                 maximize: bool = False, differentiable: bool = False, fused=None):
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p, group) -> None:
        self.state[p]["step"] = 0.0
        self.state[p]["sum"] = np.full_like(p.array, group["initial_accumulator_value"])

    def _check_hyperparameters(self, group: dict) -> None:
        super()._check_hyperparameters(group)
        _check_non_negative(group, "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def _update(self, p, grad, group) -> None:
        state = self.state[p]
        if not state:  # a parameter added later with add_param_group
            self._init_state(p, group)
        state["step"] = step = float(state["step"]) + 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.array
        lr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        p.array[...] -= lr * (grad / (np.sqrt(state["sum"]) + group["eps"]))
