"""Qualified module names ('layer1.0.conv1') for the scope stack that `Module.__call__` pushes.

A module called at the top level (a root) names its whole tree once, from `named_modules()`;
names are redone only when another root has renamed shared modules since. A module added after
naming, or called inside a forward without being an attribute, is named when first called.
"""
import contextlib
import threading

from ..autograd import current_scope


class _State(threading.local):
    def __init__(self):
        self.calls = []  # the modules whose forward is running, outermost first
        self.epoch = 0   # bumped whenever a root changes some module's name


_state = _State()


@contextlib.contextmanager
def calling(module):
    """Mark `module` as running for the duration of its forward; yields its qualified name."""
    calls = _state.calls
    name = _root_name(module) if not calls else _name_inside(module, calls[-1])
    calls.append(module)
    try:
        yield name
    finally:
        calls.pop()


def _root_name(root) -> str:
    if root.__dict__.get("_root_epoch") != _state.epoch:
        changed = False
        for name, module in root.named_modules():
            if module.__dict__.get("_qualname") != name:
                module._qualname, changed = name, True
        _state.epoch += changed
        root._root_epoch = _state.epoch
    return ""


def _name_inside(module, parent) -> str:
    name = module.__dict__.get("_qualname")
    if name:
        return name
    relative = next((n for n, m in parent.named_modules() if m is module and n), None)
    if relative is None:  # e.g. `nn.ReLU()(x)` written inside a forward
        return f"{current_scope()}.{type(module).__name__.lower()}".lstrip(".")
    module._qualname = f"{current_scope()}.{relative}".lstrip(".")
    return module._qualname


def invalidate() -> None:
    """Called when a container reorders its modules: every root renames its tree on its next call."""
    _state.epoch += 1
