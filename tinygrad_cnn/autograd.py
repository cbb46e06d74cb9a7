"""The reverse-mode engine: Function (an op's forward/backward pair), the Node each result records,
the backward pass, grad mode, and the module-scope stack that drawings and summaries read.

Read next: ops/elementwise.py for the simplest ops, then ops/conv.py.

How in-place changes stay safe (versions.py has the details):
  - every tensor's memory carries a version counter; views and detach() share their base's;
  - an in-place write (add_, x[i] = v, an optimizer step) bumps it;
  - when an op saves an array for backward, `Function.apply` notes which tensor it came from and
    that tensor's version; backward checks the version and raises PyTorch's RuntimeError if the
    tensor changed since, instead of returning a gradient computed from the new values;
  - an in-place op on a tensor in a graph records a new node whose input is the tensor's old
    history (`versions.rebase_history`), so each node keeps the edges it had when it was made
    (`Node.edges`), never the tensor's current grad_fn.

Backward is first-order: an op's backward works on plain numpy arrays and is not itself recorded,
so gradients of gradients are not available (a deliberate non-goal of this library).
"""
from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .grad_modes import enable_grad, is_grad_enabled, no_grad  # noqa: F401 (re-exported)
from .versions import SavedVersion, record_saved_versions, remember_view

# ----------------------------------------------------------------------------------------------
# Module scope: Module.__call__ pushes its qualified name; every Node remembers the innermost one.
# ----------------------------------------------------------------------------------------------
_scopes = threading.local()


def current_scope() -> str:
    """Qualified name of the innermost module being called ('' outside any module)."""
    stack = getattr(_scopes, "stack", None)
    return stack[-1] if stack else ""


@contextlib.contextmanager
def module_scope(name: str):
    """Record `name` (e.g. 'layer1.0.conv1') on every node created inside the block."""
    stack = _scopes.__dict__.setdefault("stack", [])
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
    input i wants a gradient, so it may skip that work and return None. `saved_versions` (filled
    by Function.apply) says which saved arrays belong to tensors that could change in place.
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]):
        self.needs_input_grad = needs_input_grad
        self.saved_arrays: tuple[np.ndarray, ...] = ()
        self.saved_versions: list[SavedVersion] = []

    def save_for_backward(self, *arrays: np.ndarray) -> None:
        self.saved_arrays = arrays

    def free(self) -> None:
        """Drop everything forward saved (called after backward unless retain_graph=True)."""
        needs = self.needs_input_grad
        self.__dict__.clear()
        self.needs_input_grad = needs
        self.freed = True


class AccumulateGrad:
    """The end of a path: where the gradient of a leaf that requires grad is added to `.grad`.
    `variable` is the leaf; PyTorch shows these in `grad_fn.next_functions`."""

    next_functions: tuple = ()

    def __init__(self, variable):
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


def accumulator_of(leaf) -> AccumulateGrad:
    """The leaf's one AccumulateGrad (made on first use, then the same object every time)."""
    if leaf.__dict__.get("_accumulator") is None:
        leaf._accumulator = AccumulateGrad(leaf)
    return leaf._accumulator


_sequence = itertools.count()


@dataclass(eq=False)
class Node:
    """The public record of one recorded operation; `tensor.grad_fn` points at it.

    Attributes:
        op: the op's name, e.g. 'Conv2d'.
        function: the Function class whose backward runs.
        parents: the input tensors, in argument order.
        edges: each input's grad_fn when this node was made (None for a leaf). Backward follows
            these, not `parent.grad_fn`, because an in-place op may give the parent a new grad_fn.
        input_meta: each input's (shape, dtype) when this node was made.
        params: the op's hyper-parameters (stride, padding, ...), for labels and summaries.
        scope: qualified name of the module that ran the op ('' if none).
        ctx: what forward saved for backward.
        output_shape: shape of the tensor this node produced.
        hooks: functions `register_hook` put on the tensor this node produced; each gets that
            tensor's gradient (a Tensor) and may return a replacement.
        retained: tensors whose `.grad` keeps this node's gradient (`retain_grad()`).
        sequence_nr: creation order; backward runs the newest ready node first (as PyTorch).
    """

    op: str
    function: type
    parents: tuple
    edges: tuple
    input_meta: tuple
    params: dict[str, Any]
    scope: str
    ctx: Context
    output_shape: tuple[int, ...] = field(default=())
    hooks: list = field(default_factory=list)
    retained: list = field(default_factory=list)
    sequence_nr: int = field(default_factory=lambda: next(_sequence))

    def name(self) -> str:
        """PyTorch's name of this backward function, e.g. 'MulBackward0'."""
        return f"{self.op}Backward0"

    @property
    def next_functions(self) -> tuple:
        """PyTorch's view of the edges: ((node or AccumulateGrad or None, 0), ...) per input."""
        return tuple((edge if edge is not None
                      else accumulator_of(parent) if needs else None, 0)
                     for parent, edge, needs in zip(self.parents, self.edges,
                                                    self.ctx.needs_input_grad))

    def __repr__(self) -> str:   # as PyTorch prints a grad_fn
        return f"<{self.name()} object at {hex(id(self))}>"


_tensor_class: list[type] = []


def register_tensor_class(cls: type) -> None:
    """tensor.py hands its class to the engine, so that the engine can return results as
    Tensors without importing the module that imports it."""
    _tensor_class[:] = [cls]


class Function:
    """Base of every primitive op. Subclasses define two static methods on numpy arrays:

        forward(ctx, *arrays, **params) -> array
        backward(ctx, dy) -> one gradient (array or None) per input array

    Inputs are positional, hyper-parameters keyword-only. Call an op through `Op.apply(...)`.
    A forward may also return (y, *extras): the extras (e.g. max-pool's argmax indices) come
    back as tensors without gradient, and `apply` then returns (y, *extras).

    An op whose output may share its first input's memory (reshape, permute, x[...]) sets
    `returns_view = True`; when it does share, the result is a view: same version counter.
    """

    returns_view = False

    @classmethod
    def apply(cls, *inputs, **params):
        tensor = _tensor_class[0]
        needs_input_grad = tuple(t.requires_grad for t in inputs)
        record = is_grad_enabled() and any(needs_input_grad)
        ctx = Context(needs_input_grad)
        arrays = tuple(t.array for t in inputs)
        with np.errstate(all="ignore"):  # inf and nan are results, as in PyTorch, not warnings
            y = cls.forward(ctx, *arrays, **params)
        y, *extras = y if isinstance(y, tuple) else (y,)
        out = tensor(y, requires_grad=record)
        if cls.returns_view and np.may_share_memory(y, arrays[0]):
            out._make_view_of(inputs[0])
            if is_grad_enabled():
                remember_view(out, inputs[0], cls, params)
        if record:
            out.grad_fn = Node(cls.__name__, cls, tuple(inputs), tuple(t.grad_fn for t in inputs),
                               tuple((a.shape, a.dtype) for a in arrays), params,
                               current_scope(), ctx, y.shape)
            ctx.saved_versions = record_saved_versions(ctx.saved_arrays, inputs, out, y)
        return (out, *(tensor(e) for e in extras)) if extras else out


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
        for edge in node.edges:
            if edge is not None and id(edge) not in visited:
                stack.append((edge, False))
    return order


def seed_gradient(root, gradient, caller: str) -> np.ndarray:
    """dL/droot as an array of root's shape and dtype: ones for a scalar root when `gradient` is
    None (a non-scalar root needs an explicit gradient, as in PyTorch)."""
    if gradient is None:
        if root.array.size != 1:
            raise RuntimeError(f"{caller}: grad can be implicitly created only for scalar "
                               f"outputs; this tensor has shape {root.shape}, so pass "
                               f"gradient= of that shape")
        return np.ones(root.shape, dtype=root.array.dtype)
    gradient = np.asarray(getattr(gradient, "array", gradient), dtype=root.array.dtype)
    if gradient.shape != root.shape:
        raise ValueError(f"{caller}: gradient has shape {gradient.shape} but the tensor has "
                         f"shape {root.shape}")
    return gradient


def backward(root, gradient: np.ndarray, retain_graph: bool = False,
             on_node: Callable[[Node, np.ndarray, tuple], None] | None = None) -> None:
    """Propagate `gradient` (dL/droot) back through the graph that produced `root`.

    PyTorch's schedule, so that a backward that fails half-way (a saved tensor changed in place)
    leaves the same `.grad`s behind: a node (or a leaf's accumulation) runs once every edge into
    it has delivered its gradient, which are summed first; among the ready ones, leaf
    accumulations run first, then the most recently created node (`Node.sequence_nr`).
    `on_node(node, dy, input_grads)` is called for each node, in the order they ran (used by
    `viz.explain_backward`).
    """
    if root.grad_fn is None:
        _accumulate_leaf(root, gradient)
        return
    waiting = _dependencies(topological_order(root.grad_fn))
    buffers: dict = {id(root.grad_fn): gradient}
    tiebreak = itertools.count(1)
    ready = [(-root.grad_fn.sequence_nr, 0, root.grad_fn, None)]
    while ready:
        _, _, node, leaf = heapq.heappop(ready)
        if leaf is not None:
            _accumulate_leaf(leaf, buffers.pop(("leaf", id(leaf))))
            continue
        dy = buffers.pop(id(node), None)
        grads = ((None,) * len(node.parents) if dy is None  # no path from root carried a gradient
                 else _run_node(node, dy, retain_graph, on_node))
        for parent, edge, needs, g in zip(node.parents, node.edges, node.ctx.needs_input_grad,
                                          grads):
            if not needs:
                continue
            key = id(edge) if edge is not None else ("leaf", id(parent))
            if g is not None:
                buffers[key] = g if buffers.get(key) is None else buffers[key] + g  # never in place
            waiting[key] -= 1
            if waiting[key] == 0 and edge is not None:
                heapq.heappush(ready, (-edge.sequence_nr, next(tiebreak), edge, None))
            elif waiting[key] == 0 and buffers.get(key) is not None:
                heapq.heappush(ready, (-np.inf, next(tiebreak), None, parent))


def _dependencies(nodes: list[Node]) -> dict:
    """How many edges lead into each node (keyed by id) and each leaf (keyed ('leaf', id))."""
    waiting: dict = {}
    for node in nodes:
        for parent, edge, needs in zip(node.parents, node.edges, node.ctx.needs_input_grad):
            if needs:
                key = id(edge) if edge is not None else ("leaf", id(parent))
                waiting[key] = waiting.get(key, 0) + 1
    return waiting


def _run_node(node: Node, dy: np.ndarray, retain_graph: bool, on_node) -> tuple:
    """One node's backward: check it may run, call it, bring its gradients to the inputs'
    shapes; free what it saved unless the graph is retained."""
    if getattr(node.ctx, "freed", False):
        raise RuntimeError(
            f"Trying to backward through the graph a second time: the arrays saved by "
            f"{node.op} were freed after the first backward. Pass retain_graph=True to the "
            f"first backward() if you need to call it again.")
    dy = _run_hooks(node.hooks, dy)
    for tensor in node.retained:                     # retain_grad(): after the hooks, as PyTorch
        _add_to_grad(tensor, dy)
    for record in node.ctx.saved_versions:
        record.verify(node.op)
    with np.errstate(all="ignore"):  # as in forward: inf/nan propagate silently
        grads = node.function.backward(node.ctx, dy)
    if not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) != len(node.parents):
        raise RuntimeError(f"{node.op}.backward returned {len(grads)} gradients for "
                           f"{len(node.parents)} inputs")
    grads = tuple(_checked(node, i, g) for i, g in enumerate(grads))
    if on_node is not None:
        on_node(node, dy, grads)
    if not retain_graph:
        node.ctx.free()
    return grads


def _checked(node: Node, index: int, g):
    """Bring an op's returned gradient to its input's shape and dtype, or say which op erred."""
    if g is None or not node.ctx.needs_input_grad[index]:
        return None
    shape, dtype = node.input_meta[index]
    g = unbroadcast(np.asarray(g), shape)
    if g.shape != shape:
        raise RuntimeError(f"{node.op}.backward returned a gradient of shape {g.shape} for input "
                           f"{index}, whose shape is {shape}")
    return g.astype(dtype, copy=False)


def _run_hooks(hooks: list, g: np.ndarray) -> np.ndarray:
    """Pass the gradient through each hook in order; a hook returning a Tensor replaces it."""
    for hook in hooks:
        replaced = hook(_tensor_class[0](g))
        if replaced is not None:
            g = np.asarray(getattr(replaced, "array", replaced), dtype=g.dtype)
    return g


def _add_to_grad(tensor, g: np.ndarray) -> None:
    g = np.asarray(g, dtype=tensor.array.dtype)
    # A new array each time: the caller may still hold the previous .grad or the upstream dy.
    previous = tensor.grad
    tensor.grad = _tensor_class[0](g.copy() if previous is None else previous.array + g)


def _accumulate_leaf(leaf, g: np.ndarray) -> None:
    if leaf.requires_grad:
        _add_to_grad(leaf, _run_hooks(leaf.__dict__.get("_hooks", ()), g))
