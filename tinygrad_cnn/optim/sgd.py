"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch's
update order, so that the same gradients give the same parameters)."""
from .optimizer import Optimizer


class SGD(Optimizer):
    """SGD, with PyTorch's formulation of momentum. For each parameter p with gradient g:

        g = -g if maximize
        g = g + weight_decay * p                      (if weight_decay != 0)
        buf = g on the first step, else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf   (if momentum != 0)
        p = p - lr * g

    NOTE: the buffer starts as the gradient itself (no dampening on the first step), and lr
    multiplies the velocity, not the gradient (Sutskever et al. write v = mu*v + lr*g).

    Args:
        params: parameters or parameter groups.
        lr: learning rate (PyTorch's default 1e-3).
        momentum: momentum factor.
        dampening: dampening of the gradient added to the buffer.
        weight_decay: L2 penalty coefficient.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening == 0).
        maximize: ascend instead of descend.
        foreach, fused: PyTorch's choice of kernel; accepted and kept in the groups (the math is
            the same), so its scripts and state dicts carry over.
        differentiable: must stay False (no higher-order gradients here).

    Example:
        >>> from tinygrad_cnn import nn
        >>> model = nn.Linear(3, 1)
        >>> opt = SGD(model.parameters(), lr=0.01, momentum=0.9)
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach=None, differentiable: bool = False, fused=None):
        # PyTorch's keys, in its order, so state dicts have the same layout.
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict) -> None:
        super()._check_hyperparameters(group)
        if group["momentum"] < 0.0:
            raise ValueError(f"Invalid momentum value: {group['momentum']}")
        if group["weight_decay"] < 0.0:
            raise ValueError(f"Invalid weight_decay value: {group['weight_decay']}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update(self, p, grad, group) -> None:
        momentum, lr = group["momentum"], group["lr"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.array
        if momentum != 0:
            state = self.state[p]  # only momentum needs state, as in PyTorch
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.copy()
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        p.array[...] -= lr * grad
