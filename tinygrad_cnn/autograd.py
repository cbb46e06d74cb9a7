"""The reverse-mode engine: Function (an op's forward/backward pair), the Node each result records,
the backward pass, grad mode, and the module-scope stack that drawings and summaries read.

Read next: ops/elementwise.py for the simplest ops, then ops/conv.py.

Backward is first-order: an op's backward works on plain numpy arrays and is not itself recorded,
so gradients of gradients are not available (a deliberate non-goal of this library).
"""
from __future__ import annotations

import contextlib
import functools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

# ----------------------------------------------------------------------------------------------
# Grad mode
# ----------------------------------------------------------------------------------------------
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
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Do not record operations: results have no `grad_fn` and saved arrays are not kept.
    Use for evaluation and for parameter updates."""

    enabled = False


class enable_grad(_GradMode):
    """Record operations again, e.g. inside a `no_grad` block."""

    enabled = True


# ----------------------------------------------------------------------------------------------
# Module scope: Module.__call__ pushes its qualified name; every Node remembers the innermost one.
# ----------------------------------------------------------------------------------------------
def current_scope() -> str:
    """Qualified name of the innermost module being called ('' outside any module)."""
    stack = getattr(_state, "scopes", None)
    return stack[-1] if stack else ""


@contextlib.contextmanager
def module_scope(name: str):
    """Record `name` (e.g. 'layer1.0.conv1') on every node created inside the block."""
    stack = _state.__dict__.setdefault("scopes", [])
    stack.append(name)
    try:
        yield
    finally:
        stack.pop()


# ----------------------------------------------------------------------------------------------
# Context, Node, Function
# ----------------------------------------------------------------------------------------------
class Context:
    """What an op's forward leaves for its backward.

    Arrays go through `save_for_backward` (read back as `saved_arrays`); anything else is a plain
    attribute that the op's forward assigns visibly. `needs_input_grad[i]` tells backward whether
    input i wants a gradient, so it may skip that work and return None.
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]):
        self.needs_input_grad = needs_input_grad
        self.saved_arrays: tuple[np.ndarray, ...] = ()

    def save_for_backward(self, *arrays: np.ndarray) -> None:
        self.saved_arrays = arrays

    def free(self) -> None:
        """Drop everything forward saved (called after backward unless retain_graph=True)."""
        needs = self.needs_input_grad
        self.__dict__.clear()
        self.needs_input_grad = needs
        self.freed = True


@dataclass(eq=False)
class Node:
    """The public record of one recorded operation; `tensor.grad_fn` points at it.

    Attributes:
        op: the op's name, e.g. 'Conv2d'.
        function: the Function class whose backward runs.
        parents: the input tensors, in argument order.
        params: the op's hyper-parameters (stride, padding, ...), for labels and summaries.
        scope: qualified name of the module that ran the op ('' if none).
        ctx: what forward saved for backward.
        output_shape: shape of the tensor this node produced.
    """

    op: str
    function: type
    parents: tuple
    params: dict[str, Any]
    scope: str
    ctx: Context
    output_shape: tuple[int, ...] = field(default=())

    def name(self) -> str:
        return self.op

    def __repr__(self) -> str:
        return f"<{self.op}Backward scope={self.scope!r} output_shape={self.output_shape}>"


class Function:
    """Base of every primitive op. Subclasses define two static methods on numpy arrays:

        forward(ctx, *arrays, **params) -> array
        backward(ctx, dy) -> one gradient (array or None) per input array

    Inputs are positional, hyper-parameters keyword-only. Call an op through `Op.apply(...)`.
    A forward may also return (y, *extras): the extras (e.g. max-pool's argmax indices) come
    back as tensors without gradient, and `apply` then returns (y, *extras).
    """

    @classmethod
    def apply(cls, *inputs, **params):
        from .tensor import Tensor  # tensor.py imports this module, so import at call time

        needs_input_grad = tuple(t.requires_grad for t in inputs)
        record = is_grad_enabled() and any(needs_input_grad)
        ctx = Context(needs_input_grad)
        with np.errstate(all="ignore"):  # inf and nan are results, as in PyTorch, not warnings
            y = cls.forward(ctx, *(t.data for t in inputs), **params)
        y, *extras = y if isinstance(y, tuple) else (y,)
        out = Tensor(y, requires_grad=record)
        if record:
            out.grad_fn = Node(cls.__name__, cls, tuple(inputs), params, current_scope(), ctx, y.shape)
        return (out, *(Tensor(e) for e in extras)) if extras else out


# ----------------------------------------------------------------------------------------------
# The backward pass
# ----------------------------------------------------------------------------------------------
def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` down to `shape`, undoing numpy broadcasting: leading axes that broadcasting
    added are summed away, and axes that were stretched from size 1 are summed with keepdims.
    This is the one place in the library where broadcasting is undone."""
    if grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    if extra < 0:
        return grad  # not a broadcast; the shape check that follows reports it
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def topological_order(root: Node) -> list[Node]:
    """Nodes reachable from `root`, each listed after every node it depends on.

    Iterative depth-first search, so a graph of any depth (a 100,000-op chain) works."""
    order: list[Node] = []
    visited: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in node.parents:
            if parent.grad_fn is not None and id(parent.grad_fn) not in visited:
                stack.append((parent.grad_fn, False))
    return order


def seed_gradient(root, gradient, caller: str) -> np.ndarray:
    """dL/droot as an array of root's shape and dtype: ones for a scalar root when `gradient` is
    None (a non-scalar root needs an explicit gradient, as in PyTorch)."""
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(f"{caller}: grad can be implicitly created only for scalar "
                               f"outputs; this tensor has shape {root.shape}, so pass "
                               f"gradient= of that shape")
        return np.ones(root.shape, dtype=root.dtype)
    gradient = np.asarray(getattr(gradient, "data", gradient), dtype=root.dtype)
    if gradient.shape != root.shape:
        raise ValueError(f"{caller}: gradient has shape {gradient.shape} but the tensor has "
                         f"shape {root.shape}")
    return gradient


def backward(root, gradient: np.ndarray, retain_graph: bool = False,
             on_node: Callable[[Node, np.ndarray, tuple], None] | None = None) -> None:
    """Propagate `gradient` (dL/droot) back through the graph that produced `root`.

    Each node's backward receives the total gradient of its output (contributions from every
    consumer are summed first), and leaf tensors that require grad accumulate into `.grad`.
    `on_node(node, dy, input_grads)` is called for each node, in backward order (used by
    `viz.explain_backward`).
    """
    from .tensor import Tensor

    if root.grad_fn is None:
        _accumulate_leaf(root, gradient, Tensor)
        return
    pending: dict[int, np.ndarray] = {id(root.grad_fn): gradient}
    for node in reversed(topological_order(root.grad_fn)):
        dy = pending.pop(id(node), None)
        if dy is None:
            continue  # no path from root reaches this node through tensors requiring grad
        if getattr(node.ctx, "freed", False):
            raise RuntimeError(
                f"Trying to backward through the graph a second time: the arrays saved by "
                f"{node.op} were freed after the first backward. Pass retain_graph=True to the "
                f"first backward() if you need to call it again.")
        with np.errstate(all="ignore"):  # as in forward: inf/nan propagate silently
            grads = node.function.backward(node.ctx, dy)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(node.parents):
            raise RuntimeError(f"{node.op}.backward returned {len(grads)} gradients for "
                               f"{len(node.parents)} inputs")
        grads = tuple(_checked(node, i, parent, g) for i, (parent, g) in
                      enumerate(zip(node.parents, grads)))
        if on_node is not None:
            on_node(node, dy, grads)
        if not retain_graph:
            node.ctx.free()
        for parent, g in zip(node.parents, grads):
            if g is None:
                continue
            if parent.grad_fn is None:
                _accumulate_leaf(parent, g, Tensor)
            else:
                key = id(parent.grad_fn)
                pending[key] = g if key not in pending else pending[key] + g  # never in place


def _checked(node: Node, index: int, parent, g):
    """Bring an op's returned gradient to its input's shape and dtype, or say which op erred."""
    if g is None or not parent.requires_grad:
        return None
    g = unbroadcast(np.asarray(g), parent.shape)
    if g.shape != parent.shape:
        raise RuntimeError(f"{node.op}.backward returned a gradient of shape {g.shape} for input "
                           f"{index}, whose shape is {parent.shape}")
    return g.astype(parent.dtype, copy=False)


def _accumulate_leaf(leaf, g: np.ndarray, tensor_cls) -> None:
    if not leaf.requires_grad:
        return
    g = np.asarray(g, dtype=leaf.dtype)
    # A new array each time: the caller may still hold the previous .grad or the upstream dy.
    leaf.grad = tensor_cls(g.copy() if leaf.grad is None else leaf.grad.data + g)
