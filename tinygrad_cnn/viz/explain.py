"""explain_backward: run the backward pass and list what every node did, in the order it ran.

For each recorded op the table gives what a student would write by hand when doing backprop on
paper: the op and its module, the shapes it took and produced, the size of the gradient that
reached it (‖dL/dy‖), and for each of its inputs the gradient it passed on (shape and norm) and
where that gradient went. It reads only the public node record (op, parents, params, scope,
output_shape) through the engine's `on_node` hook, so it works for any op, built-in or not.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import autograd
from ..tensor import Tensor
from .trace import function_name, named_tensors, op_label, shape_text


@dataclass(frozen=True)
class GradientPassed:
    """One gradient a node hands to one of its inputs.

    Attributes:
        to: what receives it: a leaf's name ('conv1.weight', 'input') or the step that
            produced the input ('#3 relu').
        input_shape: shape of that input.
        shape: shape of the gradient (None when the input does not require grad).
        norm: its L2 norm (None when no gradient is passed).
    """

    to: str
    input_shape: tuple
    shape: tuple | None
    norm: float | None


@dataclass(frozen=True)
class BackwardStep:
    """One row of the backward table: one node, at its place in backward order.

    Attributes:
        step: 0 for the first node backward visits (the one that made the loss), then 1, 2, ...
        op: the function name, e.g. 'conv2d'.
        label: the op with its hyper-parameters, e.g. 'conv2d k5 s1 p0'.
        scope: the module that ran the op ('' outside any module).
        input_shapes: shapes of the op's inputs, in argument order.
        output_shape: shape of the op's result.
        grad_output_norm: ‖dL/dy‖, the norm of the total gradient that reached the result.
        passed: one GradientPassed per input, in argument order.
    """

    step: int
    op: str
    label: str
    scope: str
    input_shapes: tuple
    output_shape: tuple
    grad_output_norm: float
    passed: tuple

    @property
    def grad_shapes(self) -> tuple:
        """Shapes of the gradients passed to each input (None where none is passed)."""
        return tuple(g.shape for g in self.passed)

    @property
    def grad_norms(self) -> tuple:
        """Norms of the gradients passed to each input (None where none is passed)."""
        return tuple(g.norm for g in self.passed)


class BackwardTable:
    """The rows of explain_backward, in backward order; `print(table)` shows them aligned.

    Behaves as a sequence of BackwardStep (len, indexing, iteration).
    """

    HEADER = ("step", "op", "scope", "output", "‖dL/dy‖", "input", "grad", "‖grad‖", "to")

    def __init__(self, steps: list):
        self.steps = list(steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index):
        return self.steps[index]

    def __iter__(self):
        return iter(self.steps)

    def __repr__(self) -> str:
        return f"<BackwardTable of {len(self.steps)} steps>"

    def lines(self) -> list[list[str]]:
        """The table as text cells: one line per gradient passed, the node's own columns only
        on its first line (a node with three inputs takes three lines)."""
        out = []
        for s in self.steps:
            own = [str(s.step), s.label, s.scope or "·", shape_text(s.output_shape),
                   f"{s.grad_output_norm:.3e}"]
            for k, g in enumerate(s.passed):
                passed = [shape_text(g.input_shape), "—" if g.shape is None else shape_text(g.shape),
                          "—" if g.norm is None else f"{g.norm:.3e}", g.to]
                out.append((own if k == 0 else [""] * len(own)) + passed)
            if not s.passed:
                out.append(own + ["", "", "", ""])
        return out

    def __str__(self) -> str:
        rows = [list(self.HEADER)] + self.lines()
        widths = [max(len(r[c]) for r in rows) for c in range(len(self.HEADER))]
        right = {0, 4, 7}  # numbers read best right-aligned
        text = ["  ".join(cell.rjust(w) if c in right else cell.ljust(w)
                          for c, (cell, w) in enumerate(zip(r, widths))).rstrip() for r in rows]
        text.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(text)


def _norm(array) -> float:
    return float(np.linalg.norm(np.asarray(array, dtype=np.float64)))


def explain_backward(loss, params=None, gradient=None, retain_graph=False) -> BackwardTable:
    """Run `loss.backward()` and return the table of what each node did, in backward order.

    The parameters' `.grad` are filled exactly as by `loss.backward()` (this *is* the backward
    pass, observed through the engine's `on_node` hook), so call it instead of, not after,
    `loss.backward()` — or pass retain_graph=True to the earlier call.

    Args:
        loss: the tensor to differentiate (a scalar, or any shape with `gradient`).
        params: a Module or a dict name -> Tensor, to name parameters ('conv1.weight').
        gradient: dL/dloss for a non-scalar `loss` (default 1 for a scalar).
        retain_graph: keep the saved arrays so that backward can run again.

    Returns:
        a BackwardTable of BackwardStep rows; the gradient norms passed to a parameter used once
        equal the norm of its `.grad` after the call.

    Example:
        >>> import tinygrad_cnn as tg
        >>> w = tg.tensor([[1.0, 2.0]], requires_grad=True)
        >>> table = tg.viz.explain_backward((w * 3).sum(), params={"w": w})
        >>> [row.op for row in table]
        ['sum', 'mul']
        >>> table[1].passed[0].to, round(table[1].passed[0].norm, 4)
        ('w', 4.2426)
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"explain_backward expects a Tensor, got {type(loss).__name__}")
    if loss.grad_fn is None:
        raise RuntimeError("explain_backward: this tensor has no recorded history (grad_fn is "
                           "None); compute it from tensors with requires_grad=True, outside no_grad()")
    gradient = autograd.seed_gradient(loss, gradient, "explain_backward")
    names = named_tensors(params)
    leaf_names: dict[int, str] = {}
    visits = []  # (node, ‖dy‖, gradients as (shape, norm) or None), in the engine's order

    def leaf_name(t) -> str:
        if id(t) in names:
            return names[id(t)]
        if not t.requires_grad and t.ndim == 0:  # a number in the formula, e.g. the 3 in w * 3
            return f"constant {t.item():g}"
        if id(t) not in leaf_names:
            unnamed = len(leaf_names)
            leaf_names[id(t)] = "input" if unnamed == 0 else f"input{unnamed}"
        return leaf_names[id(t)]

    def on_node(node, dy, grads) -> None:
        # Only shapes and norms are kept: holding the arrays would double the memory of backward.
        visits.append((node, _norm(dy), tuple(None if g is None else (tuple(g.shape), _norm(g))
                                               for g in grads)))

    autograd.backward(loss, gradient, retain_graph=retain_graph, on_node=on_node)
    step_of = {id(node): k for k, (node, _, _) in enumerate(visits)}
    steps = []
    for k, (node, dy_norm, grads) in enumerate(visits):
        passed = []
        for parent, edge, g in zip(node.parents, node.edges, grads):
            if edge is None:
                to = leaf_name(parent)
            elif id(edge) in step_of:
                to = f"#{step_of[id(edge)]} {function_name(edge.op)}"
            else:  # its producer never ran: nothing needed a gradient through it
                to = function_name(edge.op)
            passed.append(GradientPassed(to, tuple(parent.shape), None if g is None else g[0],
                                         None if g is None else g[1]))
        shapes = tuple(tuple(p.shape) for p in node.parents)
        steps.append(BackwardStep(k, function_name(node.op), op_label(node.op, node.params, shapes),
                                  node.scope, shapes, tuple(node.output_shape), dy_norm, tuple(passed)))
    return BackwardTable(steps)
