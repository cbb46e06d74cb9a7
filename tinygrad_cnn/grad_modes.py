"""Grad mode: whether operations are recorded. `no_grad()` / `enable_grad()` (a `with` block or a
decorator, generator functions included), `set_grad_enabled(mode)` (also a plain call) and
`inference_mode()` (here the same as no_grad: nothing is recorded, nothing is saved)."""
from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from typing import Callable

_state = threading.local()


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()`."""
    return getattr(_state, "grad_enabled", True)


class _GradMode:
    """Sets grad mode inside a `with` block or a decorated function, restoring it afterwards
    (also when an exception escapes)."""

    enabled: bool

    def __enter__(self):
        self._previous = is_grad_enabled()
        _state.grad_enabled = self.enabled

    def __exit__(self, *exc_info):
        _state.grad_enabled = self._previous
        return False

    def __call__(self, fn: Callable) -> Callable:
        enabled = self.enabled
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def generator_wrapper(*args, **kwargs):
                # the mode holds while the generator's own code runs, not between its yields
                generator = fn(*args, **kwargs)
                sent = None
                while True:
                    with _grad_mode(enabled):
                        try:
                            item = generator.send(sent)
                        except StopIteration as stop:
                            return stop.value
                    sent = yield item

            return generator_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _grad_mode(enabled):
                return fn(*args, **kwargs)

        return wrapper


@contextlib.contextmanager
def _grad_mode(enabled: bool):
    previous = is_grad_enabled()
    _state.grad_enabled = enabled
    try:
        yield
    finally:
        _state.grad_enabled = previous


class no_grad(_GradMode):
    """Do not record operations: results have no `grad_fn` and saved arrays are not kept.
    Use for evaluation and for parameter updates."""

    enabled = False


class enable_grad(_GradMode):
    """Record operations again, e.g. inside a `no_grad` block."""

    enabled = True


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
