"""Three relatives of Adam with PyTorch's formulas, update order and state layout:
Adamax (Kingma & Ba, 2015, section 7.1), NAdam (Dozat, 2016) and RAdam (Liu et al., 2020).
Each keeps the first moment m = beta1 m + (1 - beta1) g as Adam does; they differ in the
denominator (Adamax), in a Nesterov look-ahead of m (NAdam) or in a variance rectification of
the early steps (RAdam)."""
import math

import numpy as np

from .adam import Adam
from .optimizer import Optimizer


class _AdamRelative(Adam):
    """Adam's hyperparameter checks, with each subclass's own defaults."""

    def __init__(self, params, defaults: dict):
        Optimizer.__init__(self, params, defaults)

    def _moments(self, p, grad, group, second: str):
        """Step count, gradient after maximize and weight decay, and the two moment buffers."""
        state = self.state[p]
        if not state:
            state["step"] = 0.0
            if "momentum_decay" in group:
                state["mu_product"] = 1.0
            state["exp_avg"] = np.zeros_like(p.array)
            state[second] = np.zeros_like(p.array)
        if group["maximize"]:
            grad = -grad
        state["step"] = step = float(state["step"]) + 1
        lr, weight_decay = group["lr"], group["weight_decay"]
        if weight_decay != 0:
            if group.get("decoupled_weight_decay"):
                p.array[...] *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * p.array
        exp_avg = state["exp_avg"]
        exp_avg += (1 - group["betas"][0]) * (grad - exp_avg)     # torch's lerp
        return state, step, grad, exp_avg, state[second]


class Adamax(_AdamRelative):
    """Adam with the infinity norm in the denominator:
        u = max(beta2 u, |g| + eps),   p = p - lr / (1 - beta1^t) * m / u."""

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _update(self, p, grad, group) -> None:
        beta1, beta2 = group["betas"]
        _, step, grad, exp_avg, exp_inf = self._moments(p, grad, group, "exp_inf")
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(grad) + group["eps"], out=exp_inf)
        p.array[...] += -(group["lr"] / (1 - beta1 ** step)) * exp_avg / exp_inf


class NAdam(_AdamRelative):
    """Adam with Nesterov momentum. With mu_t = beta1 (1 - 0.5 * 0.96^(t momentum_decay)) and
    the running product P_t = mu_1 ... mu_t:
        v = beta2 v + (1 - beta2) g^2,   d = sqrt(v / (1 - beta2^t)) + eps,
        p = p - lr (1 - mu_t) / (1 - P_t) * g / d - lr mu_{t+1} / (1 - P_t mu_{t+1}) * m / d.
    P_t is kept in float32, as PyTorch keeps its mu_product (a float32 scalar tensor)."""

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach=None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False):
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _update(self, p, grad, group) -> None:
        lr, (beta1, beta2), decay = group["lr"], group["betas"], group["momentum_decay"]
        state, step, grad, exp_avg, exp_avg_sq = self._moments(p, grad, group, "exp_avg_sq")
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
        product = float(np.float32(state["mu_product"]) * np.float32(mu))
        state["mu_product"] = product
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        denom = np.sqrt(exp_avg_sq / (1 - beta2 ** step)) + group["eps"]
        p.array[...] += (-lr * (1.0 - mu) / (1.0 - product)) * grad / denom
        p.array[...] += (-lr * mu_next / (1.0 - product * mu_next)) * exp_avg / denom


class RAdam(_AdamRelative):
    """Adam with the variance of its adaptive step rectified. With rho_inf = 2 / (1 - beta2) - 1
    and rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t):
        m_hat = m / (1 - beta1^t)
        rho_t > 5:  r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)),
                    p = p - lr m_hat r sqrt(1 - beta2^t) / (sqrt(v) + eps)
        otherwise:  p = p - lr m_hat   (the early steps: plain momentum SGD)."""

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      differentiable=differentiable))

    def _update(self, p, grad, group) -> None:
        lr, (beta1, beta2) = group["lr"], group["betas"]
        _, step, grad, exp_avg, exp_avg_sq = self._moments(p, grad, group, "exp_avg_sq")
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        correction2 = 1 - beta2 ** step
        corrected = exp_avg / (1 - beta1 ** step)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = math.sqrt(correction2) / (np.sqrt(exp_avg_sq) + group["eps"])
            p.array[...] -= corrected * lr * adaptive * rect
        else:
            p.array[...] -= corrected * lr
