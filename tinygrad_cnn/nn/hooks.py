"""Forward hooks of a Module (`register_forward_pre_hook`, `register_forward_hook`): the table a
module keeps them in, and the handle that removes one again, as torch.utils.hooks."""


class RemovableHandle:
    """What `register_forward_hook` returns: `handle.remove()` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict):
        self._hooks, self.id = hooks, RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class _Hooks:
    """A module's forward hooks, id -> function, in registration order. Not a dict itself, so the
    attribute walk never mistakes a hook (which may be a Module) for a submodule."""

    def __init__(self):
        self.pre: dict = {}
        self.post: dict = {}
