"""Training utilities with PyTorch's names (torch.nn.utils): gradient clipping, and flattening
parameters into one vector and back.

Clipping works on the `.grad` of each parameter, in place, between `loss.backward()` and
`optimizer.step()`:

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
"""
from __future__ import annotations

import math

import numpy as np

from ..creation import cat
from ..tensor import Tensor


def _with_grads(parameters) -> list[Tensor]:
    """The tensors of `parameters` (one tensor or an iterable) that have a gradient."""
    tensors = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensors in parameters, got a {type(t).__name__} at "
                            f"position {i}")
    return [t for t in tensors if t.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False) -> Tensor:
    """Rescale the gradients so that their total norm is at most `max_norm`.

    The total norm is that of all gradients joined into one vector,
        total = (sum over every gradient entry g of |g|^p)^(1/p)   (max |g| for p = inf),
    and every gradient is multiplied by max_norm / (total + 1e-6) when that is below 1.

    Args:
        parameters: a Tensor or an iterable of Tensors; those whose grad is None are skipped.
        max_norm: the largest total norm allowed.
        norm_type: p of the p-norm: a number, or inf ('inf' also accepted).
        error_if_nonfinite: raise a RuntimeError when the total norm is nan or inf (otherwise
            the gradients are scaled by the non-finite coefficient, as PyTorch does).

    Returns:
        the total norm of the gradients BEFORE clipping, as a 0-d Tensor.
    """
    max_norm, norm_type = float(max_norm), float(norm_type)
    params = _with_grads(parameters)
    if not params:
        return Tensor(np.asarray(0.0, dtype=np.float32))
    norms = [np.linalg.norm(p.grad.array.ravel().astype(np.float64), ord=norm_type) for p in params]
    total = float(np.linalg.norm(np.asarray(norms), ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients "
                           f"is non-finite ({total}), so it cannot be clipped. Pass "
                           f"error_if_nonfinite=False to scale the gradients by it anyway.")
    coefficient = max_norm / (total + 1e-6)
    if not coefficient >= 1.0:  # also when nan, as PyTorch's clamp(max=1) lets nan through
        with np.errstate(invalid="ignore"):  # inf * 0 -> nan, silently, as in PyTorch
            for p in params:
                p.grad.mul_(coefficient)  # in place: each .grad belongs to its parameter
    return Tensor(np.asarray(total, dtype=params[0].grad.dtype))


def clip_grad_value_(parameters, clip_value) -> None:
    """Clamp every gradient entry, in place, into [-clip_value, clip_value].

    Args:
        parameters: a Tensor or an iterable of Tensors; those whose grad is None are skipped.
        clip_value: the largest absolute value kept.
    """
    clip_value = float(clip_value)
    for p in _with_grads(parameters):
        p.grad.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and joined into one 1-D Tensor (differentiable, like cat)."""
    tensors = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"parameters_to_vector: expected Tensors, got a {type(t).__name__} "
                            f"at position {i}")
    return cat([t.reshape(-1) for t in tensors])


def vector_to_parameters(vec, parameters) -> None:
    """The inverse of parameters_to_vector: each parameter's `.data` becomes the next slice of
    `vec`, reshaped to the parameter's shape (a view of vec, as in PyTorch)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected vec to be a Tensor, got "
                        f"{type(vec).__name__}")
    tensors = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    sizes = [t.numel() for t in tensors]
    if vec.ndim != 1 or vec.shape[0] != sum(sizes):
        raise ValueError(f"vector_to_parameters: vec must be 1-D with {sum(sizes)} entries (the "
                         f"parameters' total size), got shape {vec.shape}")
    start = 0
    for t, size in zip(tensors, sizes):
        t.data = vec.array[start:start + size].reshape(t.shape)
        start += size
