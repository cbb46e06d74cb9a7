"""PyTorch's other switches of gradient recording, built on autograd's no_grad/enable_grad:
`set_grad_enabled(mode)` (a call, a `with` block or a decorator) and `inference_mode()`
(here the same as no_grad: nothing is recorded, nothing is saved)."""
from __future__ import annotations

import functools

from .autograd import enable_grad, no_grad


class set_grad_enabled:
    """Turn recording on or off: at once when called, until the end of the block in `with`."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self._switch = enable_grad() if self.mode else no_grad()
        self._switch.__enter__()                   # torch.set_grad_enabled(False) acts at once

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return self._switch.__exit__(*exc_info)   # back to the mode before the call

    def __call__(self, fn):
        """Used as a decorator: undo the immediate switch, apply it only inside `fn`."""
        self._switch.__exit__(None, None, None)
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


class inference_mode(no_grad):
    """`with torch.inference_mode():` records nothing, as no_grad; inference_mode(False)
    changes nothing."""

    def __init__(self, mode: bool = True):
        self.enabled = not mode
