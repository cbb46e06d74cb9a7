"""Check analytic gradients against central finite differences.

For f with a random cotangent c, the scalar L = sum(c * f(inputs)) has dL/dx = the vector-Jacobian
product that backward computes. Each checked entry is compared with
    (L(x + eps e_i) - L(x - eps e_i)) / (2 eps),
and one random direction v checks all entries at once: <dL/dx, v> against (L(x+eps v) - L(x-eps v)) / 2eps.
Run it in float64: in float32 the differences drown in rounding.
"""
from __future__ import annotations

import numpy as np

from .autograd import no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised when an analytic gradient disagrees with finite differences."""


def gradcheck(fn, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              max_entries: int = 256, seed: int = 0) -> bool:
    """Return True if `fn`'s gradients match finite differences, else raise GradcheckError
    naming the input, the worst entry, and both values.

    Args:
        fn: maps the input tensors to one tensor (any shape).
        inputs: a tensor or a sequence of tensors; those with requires_grad are checked.
        max_entries: check every entry of inputs up to this size, a random sample of larger ones.
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True")
    rng = np.random.default_rng(seed)
    out = fn(*inputs)
    cotangent = rng.standard_normal(out.shape).astype(out.dtype)

    def loss() -> float:
        with no_grad():
            return float(np.sum(fn(*inputs).array * cotangent))

    for i in checked:
        inputs[i].grad = None
    out.backward(Tensor(cotangent))
    for i in checked:
        x = inputs[i]
        analytic = np.zeros_like(x.array) if x.grad is None else x.grad.array
        original = x.array.copy()
        entries = np.arange(x.array.size)
        if entries.size > max_entries:
            entries = rng.choice(entries, size=max_entries, replace=False)
        numeric = np.empty(entries.size)
        flat = x.array.reshape(-1)  # a view: writing it perturbs the input in place
        for k, e in enumerate(entries):
            flat[e] = original.flat[e] + eps
            up = loss()
            flat[e] = original.flat[e] - eps
            down = loss()
            flat[e] = original.flat[e]
            numeric[k] = (up - down) / (2 * eps)
        _compare(f"input {i} (shape {x.shape})", analytic.reshape(-1)[entries], numeric,
                 [np.unravel_index(e, x.shape) for e in entries], atol, rtol)

        direction = rng.standard_normal(x.shape)
        x.array[...] = original + eps * direction
        up = loss()
        x.array[...] = original - eps * direction
        down = loss()
        x.array[...] = original
        _compare(f"input {i} (shape {x.shape}) along a random direction",
                 np.array([np.sum(analytic * direction)]), np.array([(up - down) / (2 * eps)]),
                 ["<grad, v>"], atol * np.sqrt(x.array.size), rtol)
    return True


def _compare(what, analytic, numeric, labels, atol, rtol):
    error = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
    if error.size and error.max() > 0:
        worst = int(np.argmax(error))
        raise GradcheckError(
            f"gradcheck failed for {what}: at {labels[worst]} backward gives "
            f"{analytic[worst]:.8g} but finite differences give {numeric[worst]:.8g} "
            f"({int((error > 0).sum())} of {error.size} checked entries disagree)")
