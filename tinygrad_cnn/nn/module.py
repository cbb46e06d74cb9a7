"""Module, the base of every layer and model (Parameter, the tensor it trains, is in parameter.py).

A module finds its parameters, buffers and submodules by walking its attributes (and the lists,
tuples and dicts they hold) in definition order, so no registration call is needed. Forward hooks
are in hooks.py; qualified_names.py gives each module the qualified name its ops record. Read next:
nn/layers/linear.py for the simplest layer, nn/layers/container.py for Sequential.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Iterator

import numpy as np

from ..autograd import module_scope, no_grad
from ..device import dtype_from_to_args, use_device
from ..size import Size
from ..tensor import Tensor
from . import qualified_names
from .hooks import ForwardHooks
from .incompatible_keys import IncompatibleKeys
from .parameter import Parameter


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _walk(name: str, value) -> Iterator[tuple[str, str, object]]:
    """(kind, dotted name, value) for every Parameter / Module inside `value`, in order.
    Lists, tuples and dicts are entered (their items named by index or key); modules are not."""
    if isinstance(value, Parameter):
        yield "param", name, value
    elif isinstance(value, Module):
        yield "module", name, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(f"{name}.{i}", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(f"{name}.{key}", item)


class Module(ForwardHooks):
    """Base class of layers and models, with PyTorch's interface.

    Subclasses assign layers, Parameters (and lists/dicts of them) as attributes in `__init__`
    and define `forward`. Names follow attribute order: `features.0.weight`, `fc.bias`.

    Example:
        >>> class Net(Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.w = Parameter(np.ones((2, 3), dtype=np.float32))
        ...     def forward(self, x):
        ...         return x @ self.w
        >>> [name for name, _ in Net().named_parameters()]
        ['w']
    """

    training = True  # class default, so a subclass that forgets super().__init__() still works

    def __init__(self):
        self.training = True
        self._buffer_names: dict[str, bool] = {}  # buffer name -> persistent (saved in state_dict)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  f'"forward" function')

    def __call__(self, *args, **kwargs):
        hooks = self.__dict__.get("_hooks")
        with qualified_names.calling(self) as name, module_scope(name):
            for hook in list(hooks.pre.values()) if hooks else ():
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
            output = self.forward(*args, **kwargs)  # every op recorded here remembers `name`
            for hook in list(hooks.post.values()) if hooks else ():
                result = hook(self, args, output)
                if result is not None:
                    output = result
            return output

    def __setattr__(self, name: str, value) -> None:
        # As PyTorch: replacing a Parameter by a plain Tensor (or a submodule by a non-module)
        # would silently drop it from parameters() and state_dict(), so it is an error.
        current = self.__dict__.get(name)
        if isinstance(current, Parameter) and isinstance(value, Tensor) \
                and not isinstance(value, Parameter):
            raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                            f"(Parameter or None expected; to change its values assign "
                            f"to .data)")
        if isinstance(current, Module) and value is not None and not isinstance(value, Module):
            raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                            f"(Module or None expected)")
        if name in self.__dict__.get("_buffer_names", ()) and value is not None \
                and not isinstance(value, Tensor):
            raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                            f"(Tensor or None expected)")
        object.__setattr__(self, name, value)

    # -- registration helpers (optional: plain assignment works too) -----------------------------
    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """Add a non-trained tensor (e.g. BatchNorm's running_mean) that state_dict() saves
        (unless persistent=False). Assigning a new Tensor to `name` later keeps it a buffer."""
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"buffer name must be a non-empty string without '.', got {name!r}")
        if name in self.__dict__ and name not in self.__dict__.get("_buffer_names", {}):
            raise KeyError(f"attribute '{name}' already exists")
        if isinstance(tensor, np.ndarray):
            tensor = Tensor(tensor)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            f"(Tensor or None required)")
        self.__dict__.setdefault("_buffer_names", {})[name] = persistent
        setattr(self, name, tensor)

    def _check_new_name(self, kind: str, name, allowed: type) -> None:
        """PyTorch's rules for a registered name: a non-empty str without '.', not shadowing an
        attribute of another kind (e.g. a method)."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"{kind} name must be a non-empty string without '.', got {name!r}")
        if hasattr(self, name) and not (name in self.__dict__
                                        and isinstance(self.__dict__[name], (allowed, type(None)))):
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                            f"(Parameter or None required)")
        self._check_new_name("parameter", name, Parameter)
        setattr(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name("module", name, Module)
        setattr(self, name, module)

    register_module = add_module  # PyTorch's alias

    def get_submodule(self, target: str) -> Module:
        """The module at dotted path `target` ('' is this module), e.g. 'features.0'."""
        if target == "":
            return self
        found = dict(self.named_modules(remove_duplicate=False)).get(target)
        if found is None:
            raise AttributeError(f"{type(self).__name__} has no submodule `{target}`")
        return found

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path `target`, e.g. 'features.0.weight'."""
        found = dict(self._named_members("param", "", True, False)).get(target)
        if found is None:
            raise AttributeError(f"{type(self).__name__} has no parameter `{target}`")
        return found

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at dotted path `target`, e.g. 'bn.running_mean'."""
        found = dict(self._named_members("buffer", "", True, False)).get(target)
        if found is None:
            raise AttributeError(f"{type(self).__name__} has no buffer `{target}`")
        return found

    # -- discovery --------------------------------------------------------------------------------
    def _members(self) -> Iterator[tuple[str, str, object]]:
        """(kind, name, value) of this module's own parameters, buffers and children."""
        buffers = self.__dict__.get("_buffer_names", {})
        for attr, value in vars(self).items():
            if attr in buffers:
                if value is not None:
                    yield "buffer", attr, value
            else:
                yield from _walk(attr, value)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for kind, name, value in self._members():
            if kind == "module" and id(value) not in seen:
                seen.add(id(value))
                yield name, value

    def children(self) -> Iterator[Module]:
        return (module for _, module in self.named_children())

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module (named `prefix`) and every descendant, parents before children."""
        memo = set() if memo is None else memo
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(memo, _join(prefix, name), remove_duplicate)

    def modules(self) -> Iterator[Module]:
        return (module for _, module in self.named_modules())

    def _named_members(self, kind: str, prefix: str, recurse: bool, remove_duplicate: bool):
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        seen = set()
        for module_prefix, module in modules:
            for member_kind, name, value in module._members():
                if member_kind == kind and not (remove_duplicate and id(value) in seen):
                    seen.add(id(value))
                    yield _join(module_prefix, name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        return self._named_members("param", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("buffer", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        return (b for _, b in self.named_buffers(recurse=recurse))

    # -- modes and gradients ----------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode here and in every descendant (Dropout, BatchNorm read it)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (set to None, or to zeros)."""
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze every parameter, e.g. a pretrained backbone."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def apply(self, fn) -> Module:
        """Call `fn` on every descendant, then on this module (e.g. custom initialisation)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False,
           memory_format=None) -> Module:
        """Cast floating parameters and buffers: `to(dtype)`, `to(device)`, `to(device, dtype)`.
        The only device is the CPU, so `model.to(device)` from a PyTorch script changes nothing
        (nor do non_blocking and memory_format: numpy arrays have no layout to choose)."""
        dtype = dtype_from_to_args(args, dtype, device)
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Module.to: only floating dtypes are supported, got {dtype}")
        for tensor in list(self.parameters()) + list(self.buffers()):
            if tensor.dtype.kind == "f":
                tensor.data, tensor.grad = tensor.array.astype(dtype), None
        return self

    def cuda(self, device=None) -> Module:
        """Raises as a CPU-only PyTorch does: there is no GPU."""
        use_device("cuda")
        return self

    def cpu(self) -> Module:
        """Nothing to move: everything already lives in CPU memory (kept for PyTorch scripts)."""
        return self

    def half(self) -> Module:
        return self.to(np.float16)

    def float(self) -> Module:
        return self.to(np.float32)

    def double(self) -> Module:
        return self.to(np.float64)

    # -- state dict -------------------------------------------------------------------------------
    def _state_items(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """Like PyTorch: per module its parameters, then its persistent buffers, then children."""
        members = list(self._members())
        buffers = self.__dict__.get("_buffer_names", {})
        for wanted in ("param", "buffer"):
            for kind, name, value in members:
                if kind == wanted and (kind == "param" or buffers[name]):
                    yield _join(prefix, name), value
        for kind, name, value in members:
            if kind == "module":
                yield from value._state_items(_join(prefix, name))

    def state_dict(self, destination=None, prefix: str = "", keep_vars: bool = False) -> OrderedDict:
        """OrderedDict name -> Tensor, with PyTorch's keys and order. As PyTorch, each value is
        the parameter or buffer detached: it shares memory (and the version counter), so copy it
        (`copy.deepcopy(model.state_dict())`) to keep a snapshot while training goes on.
        keep_vars=True returns the Parameters / buffer Tensors themselves. `prefix` is put in
        front of every key as given (as PyTorch: state_dict(prefix='net.') gives 'net.weight')."""
        destination = OrderedDict() if destination is None else destination
        for name, tensor in self._state_items():
            destination[prefix + name] = tensor if keep_vars else tensor.detach()
        return destination

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy values from `state_dict` (name -> array or Tensor) into parameters and buffers.

        Everything is checked first; on any error (missing or unexpected keys when strict, a shape
        mismatch, a non-numeric value) a RuntimeError lists them all and nothing is changed.
        Values are cast to each parameter's dtype, or with assign=True keep the checkpoint's dtype
        (as PyTorch's assign). Returns (missing_keys, unexpected_keys).
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}.")
        targets = OrderedDict(self._state_items())
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        errors, ready = [], []
        for name, target in targets.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            array = value.array if isinstance(value, Tensor) else np.asarray(value)
            if array.shape != target.shape:
                errors.append(f"size mismatch for {name}: copying a param with shape "
                              f"{Size(array.shape)} from checkpoint, the shape in current model "
                              f"is {Size(target.shape)}.")
            elif array.dtype.kind not in "biuf":
                errors.append(f"cannot load {name}: dtype {array.dtype} is not numeric.")
            elif assign and target.requires_grad and array.dtype.kind != "f":
                raise TypeError(f"load_state_dict(assign=True): {name} would become a {array.dtype} "
                                f"parameter that requires grad, but only floating-point tensors "
                                f"can; cast the checkpoint's {name} to float, or load without assign")
            else:
                ready.append((target, array.copy() if assign else array.astype(target.dtype,
                                                                                 copy=False)))
        if strict and unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: "
                          + ", ".join(f'"{k}"' for k in unexpected) + ". ")
        if strict and missing:
            errors.insert(0, "Missing key(s) in state_dict: "
                          + ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:  # PyTorch's message layout
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        with no_grad():
            for target, array in ready:
                if assign:
                    target.data, target.grad = array, None
                else:   # in place: the same Parameter objects, their versions bumped
                    target.copy_(Tensor(array))
        return IncompatibleKeys(missing, unexpected)

    # -- printing ---------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown inside `Name(...)`; layers list only non-default ones."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = []
        for kind, name, child in self._members():
            if kind == "module":
                child_lines.append(f"({name}): " + repr(child).replace("\n", "\n  "))
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{type(self).__name__}({body})"
