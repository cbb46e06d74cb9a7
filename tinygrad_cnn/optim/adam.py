"""Adam and AdamW (Kingma & Ba, 2015; Loshchilov & Hutter, 2019) with PyTorch's formulas."""
import math

import numpy as np

from .optimizer import Optimizer


class Adam(Optimizer):
    """Adam. For each parameter p with gradient g, at step t = 1, 2, ...:

        g = -g if maximize
        g = g + weight_decay * p          (Adam: L2 penalty through the gradient)
        p = p * (1 - lr * weight_decay)   (AdamW instead: decoupled decay of the weights)
        m = beta1 * m + (1 - beta1) * g                     (first moment, m0 = 0)
        v = beta2 * v + (1 - beta2) * g * g                 (second moment, v0 = 0)
        vmax = max(vmax, v), used in place of v             (if amsgrad)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Note that eps is added after the bias correction of v, as PyTorch does.

    Args:
        params: parameters or parameter groups.
        lr: learning rate.
        betas: (beta1, beta2), the decay rates of the two moments.
        eps: added to the denominator for stability.
        weight_decay: L2 penalty (Adam) or decoupled decay rate (AdamW).
        amsgrad: use the running maximum of v (Reddi et al., 2018).
        maximize: ascend instead of descend.
        decoupled_weight_decay: True gives AdamW (Adam only; AdamW always decouples).
        foreach, capturable, fused: PyTorch's choice of kernel; accepted and kept in the groups
            (the math is the same), so its scripts and state dicts carry over.
        differentiable: must stay False (no higher-order gradients here).

    Example:
        >>> from tinygrad_cnn import nn
        >>> opt = Adam(nn.Linear(3, 1).parameters(), lr=1e-3)
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused=None, decoupled_weight_decay: bool = False):
        # PyTorch's keys, in its order, so state dicts have the same layout.
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict) -> None:
        super()._check_hyperparameters(group)
        if not 0.0 <= group["eps"]:
            raise ValueError(f"Invalid epsilon value: {group['eps']}")
        for i, beta in enumerate(group["betas"]):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        if not 0.0 <= group["weight_decay"]:
            raise ValueError(f"Invalid weight_decay value: {group['weight_decay']}")

    def _update(self, p, grad, group) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        state = self.state[p]
        if not state:
            state["step"] = 0.0
            state["exp_avg"] = np.zeros_like(p.array)
            state["exp_avg_sq"] = np.zeros_like(p.array)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p.array)
        if group["maximize"]:
            grad = -grad
        state["step"] = step = float(state["step"]) + 1
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p.array[...] *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * p.array
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg += (1 - beta1) * (grad - exp_avg)  # = beta1 * m + (1 - beta1) * g, as torch's lerp
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
            exp_avg_sq = state["max_exp_avg_sq"]
        step_size = lr / (1 - beta1 ** step)
        denom = np.sqrt(exp_avg_sq) / math.sqrt(1 - beta2 ** step) + eps
        p.array[...] += -step_size * exp_avg / denom


class AdamW(Adam):
    """Adam with decoupled weight decay: p = p * (1 - lr * weight_decay) before the Adam step,
    instead of adding weight_decay * p to the gradient. Same arguments as Adam; weight_decay
    defaults to 1e-2."""

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach=None, capturable: bool = False, differentiable: bool = False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)
