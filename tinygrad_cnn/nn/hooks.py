"""Forward hooks of a Module (`register_forward_pre_hook`, `register_forward_hook`): the methods
Module inherits, the table a module keeps them in, and the handle that removes one again, as
torch.utils.hooks. Module.__call__ runs them around forward."""


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

    @staticmethod
    def add(table: dict, hook) -> RemovableHandle:
        """Put `hook` last in `table` (pre or post); the handle takes it out again."""
        handle = RemovableHandle(table)
        table[handle.id] = hook
        return handle


class ForwardHooks:
    """The hook methods of Module (which inherits them); the table lives in the instance's
    `_hooks`, made on the first registration."""

    def _hook_table(self) -> _Hooks:
        return self.__dict__.setdefault("_hooks", _Hooks())

    def register_forward_pre_hook(self, hook) -> RemovableHandle:
        """Call `hook(module, args)` before each forward; a non-None result replaces the
        positional inputs (a tuple, or a single value that is wrapped into one)."""
        return _Hooks.add(self._hook_table().pre, hook)

    def register_forward_hook(self, hook) -> RemovableHandle:
        """Call `hook(module, args, output)` after each forward (e.g. to keep a feature map);
        a non-None result replaces the output. Returns a handle whose remove() unregisters it.

        Example:
            >>> import tinygrad_cnn as tg
            >>> from tinygrad_cnn import nn
            >>> seen = []
            >>> handle = nn.ReLU().register_forward_hook(lambda m, args, out: seen.append(out.shape))
        """
        return _Hooks.add(self._hook_table().post, hook)
