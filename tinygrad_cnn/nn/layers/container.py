"""Containers: Sequential (a pipeline), ModuleList and ModuleDict (collections whose modules are
named by index or key, so `features.0.weight` reads as in PyTorch), and ParameterList and
ParameterDict (the same for bare Parameters: `plist.0`, `pdict.scale`).

Each container keeps its items as attributes named '0', '1', ... (or by key), so the ordinary
attribute walk of Module finds them; the methods below only add list/dict behaviour.
"""
from collections import OrderedDict

from ...tensor import Tensor
from .. import qualified_names
from ..module import Module
from ..parameter import Parameter


class _Container(Module):
    _kind = Module  # what the container holds (Parameter for ParameterList / ParameterDict)

    def _items(self) -> list:
        """(key, item) pairs in order."""
        return [(k, v) for k, v in vars(self).items() if isinstance(v, self._kind)]

    def _check(self, key: str, module) -> None:
        owner = type(self).__name__
        if not isinstance(module, self._kind):
            raise TypeError(f"{owner}: {type(module).__name__} is not a {self._kind.__name__} subclass")
        if not isinstance(key, str) or not key or "." in key:
            raise KeyError(f"{owner}: {self._kind.__name__.lower()} name must be a non-empty "
                           f"string without '.', got {key!r}")
        if hasattr(type(self), key) or (key in vars(self) and not isinstance(vars(self)[key], self._kind)):
            raise KeyError(f"{owner}: attribute '{key}' already exists")

    def _set_items(self, items) -> None:
        """Replace all modules by `items` (pairs), in that order."""
        items = list(items)
        for key, module in items:
            self._check(key, module)
        previous = self._items()
        for key, _ in previous:
            del self.__dict__[key]
        self.__dict__.update(items)
        if previous:
            qualified_names.invalidate()  # positions may have changed: qualified names must be redone

    def _index(self, idx: int) -> int:
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range for {type(self).__name__} of length {n}")
        return idx % n

    def __len__(self) -> int:
        return len(self._items())


class _IndexedContainer(_Container):
    """List behaviour shared by Sequential, ModuleList and ParameterList; keys are renumbered
    after removals."""

    def __getitem__(self, idx):
        items = self._items()
        if isinstance(idx, slice):
            return self._from_items(items[idx])
        return items[self._index(idx)][1]

    def __setitem__(self, idx: int, module: Module) -> None:
        items = self._items()
        items[self._index(idx)] = (items[self._index(idx)][0], module)
        self._set_items(items)

    def __delitem__(self, idx) -> None:
        items = self._items()
        if isinstance(idx, slice):
            del items[idx]
        else:
            del items[self._index(idx)]
        self._set_items((str(i), m) for i, (_, m) in enumerate(items))

    def __iter__(self):
        return iter([m for _, m in self._items()])

    def append(self, module: Module):
        self._set_items(self._items() + [(str(len(self)), module)])
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module):
        modules = [m for _, m in self._items()]
        modules.insert(index, module)
        self._set_items((str(i), m) for i, m in enumerate(modules))
        return self

    def pop(self, idx=-1):
        """Remove and return the item at `idx` (an int or a slice); the rest are renumbered."""
        item = self[idx]
        del self[idx]
        return item


class Sequential(_IndexedContainer):
    """Modules applied one after the other: forward(x) = m_n(...m_2(m_1(x))).

    Args:
        *modules: the modules in order (named '0', '1', ...), or one OrderedDict name -> module.

    Example:
        >>> import tinygrad_cnn as tg
        >>> from tinygrad_cnn import nn
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        >>> [name for name, _ in net.named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']
        >>> net(tg.randn(3, 4)).shape
        (3, 2)
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            self._set_items(modules[0].items())
        else:
            self._set_items((str(i), m) for i, m in enumerate(modules))

    @classmethod
    def _from_items(cls, items):
        return cls(OrderedDict(items))  # a slice keeps the names, as in PyTorch

    def forward(self, input):
        for module in self:
            input = module(input)
        return input

    def __add__(self, other):
        """A new Sequential running self's modules, then other's (the same module objects)."""
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but "
                             f"{type(other).__name__} is given.")
        return Sequential(*self, *other)

    def __iadd__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but "
                             f"{type(other).__name__} is given.")
        return self.extend(list(other))

    def __mul__(self, times: int):
        """A new Sequential running self's modules `times` times (shared, not copied)."""
        if isinstance(times, bool) or not isinstance(times, int):
            raise TypeError(f"unsupported operand type(s) for *: {type(self).__name__} and "
                            f"{type(times).__name__}")
        if times <= 0:
            raise ValueError(f"Non-positive multiplication factor {times} for "
                             f"{type(self).__name__}")
        return Sequential(*(list(self) * times))

    __rmul__ = __mul__

    def __imul__(self, times: int):
        repeated = self * times
        self._set_items((str(i), m) for i, m in enumerate(repeated))
        return self


class ModuleList(_IndexedContainer):
    """A list of modules whose parameters belong to the owner (named '<attr>.0.weight', ...).

    Args:
        modules: an iterable of modules, or None.
    """

    def __init__(self, modules=None):
        super().__init__()
        self._set_items((str(i), m) for i, m in enumerate(modules or ()))

    @classmethod
    def _from_items(cls, items):
        return cls(m for _, m in items)

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        """A new ModuleList holding self's modules, then other's."""
        return ModuleList([*self, *other])

    def insert(self, index: int, module: Module) -> None:
        super().insert(index, module)  # returns None, as PyTorch's (Sequential's returns self)

    def __repr__(self) -> str:
        # PyTorch's compact form: consecutive identical modules print once, as "(0-2): 3 x Block(..)".
        blocks = []  # [first index, last index, repr]
        for i, module in enumerate(self):
            text = repr(module)
            if blocks and blocks[-1][2] == text:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, text])
        if not blocks:
            return "ModuleList()"
        lines = [(f"({a}): {t}" if a == b else f"({a}-{b}): {b - a + 1} x {t}").replace("\n", "\n  ")
                 for a, b, t in blocks]
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"


class _KeyedContainer(_Container):
    """Dict behaviour shared by ModuleDict and ParameterDict (insertion order kept)."""

    def __getitem__(self, key: str) -> Module:
        return dict(self._items())[key]

    def __setitem__(self, key: str, module: Module) -> None:
        items = dict(self._items())
        items[key] = module
        self._set_items(items.items())

    def __delitem__(self, key: str) -> None:
        items = dict(self._items())
        del items[key]
        self._set_items(items.items())

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, key) -> bool:
        return key in dict(self._items())

    def keys(self):
        return [k for k, _ in self._items()]

    def values(self):
        return [m for _, m in self._items()]

    def items(self):
        return self._items()

    def update(self, modules) -> None:
        items = dict(self._items())
        items.update(modules.items() if hasattr(modules, "items") else modules)
        self._set_items(items.items())

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        self._set_items([])


class ModuleDict(_KeyedContainer):
    """A dict of modules, named by their keys (insertion order kept).

    Args:
        modules: a mapping or an iterable of (key, module) pairs, or None.
    """

    def __init__(self, modules=None):
        super().__init__()
        self.update(modules or {})


def _as_parameter(item):
    """PyTorch's rule: a plain Tensor put into a ParameterList/Dict becomes a Parameter."""
    key, value = item
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        value = Parameter(value)
    return key, value


class _HoldsParameters:
    """What ParameterList and ParameterDict share: they hold Parameters (a plain Tensor put in
    becomes one) and print each one's dtype and size."""

    _kind = Parameter

    def _set_items(self, items) -> None:
        super()._set_items(map(_as_parameter, items))

    def extra_repr(self) -> str:
        return "\n".join(f"({key}): Parameter containing: [{p.dtype} of size {'x'.join(map(str, p.shape))}]"
                         for key, p in self._items())


class ParameterList(_HoldsParameters, _IndexedContainer):
    """A list of Parameters whose owner trains them, named '<attr>.0', '<attr>.1', ...
    (a plain Python list of Parameters is found too; this adds the PyTorch type and methods).

    Args:
        values: an iterable of Parameters (plain Tensors are wrapped into Parameters), or None.

    Example:
        >>> import tinygrad_cnn as tg
        >>> from tinygrad_cnn import nn
        >>> class Net(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.scales = nn.ParameterList([nn.Parameter(tg.ones(3)) for _ in range(2)])
        >>> [name for name, _ in Net().named_parameters()]
        ['scales.0', 'scales.1']
    """

    def __init__(self, values=None):
        super().__init__()
        self._set_items((str(i), p) for i, p in enumerate(values or ()))

    @classmethod
    def _from_items(cls, items):
        return cls(p for _, p in items)

    def __iadd__(self, values):
        return self.extend(values)


class ParameterDict(_HoldsParameters, _KeyedContainer):
    """A dict of Parameters whose owner trains them, named '<attr>.<key>' (insertion order kept).

    Args:
        parameters: a mapping or an iterable of (key, Parameter) pairs (plain Tensors are wrapped
            into Parameters), or None.

    Example:
        >>> import tinygrad_cnn as tg
        >>> from tinygrad_cnn import nn
        >>> class Net(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.gains = nn.ParameterDict({"red": nn.Parameter(tg.ones(1))})
        >>> [name for name, _ in Net().named_parameters()]
        ['gains.red']
    """

    def __init__(self, parameters=None):
        super().__init__()
        self.update(parameters or {})
