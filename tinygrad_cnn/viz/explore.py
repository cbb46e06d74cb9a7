"""explore: one self-contained HTML page in which a student clicks through the computation.

The page holds the Graphviz drawing of the graph (SVG, inline), and for every node what it
computed and what backward sent through it: the op with its hyper-parameters and module, shapes,
value statistics, small heatmaps of the forward output and of the gradient, and the op's
docstring and forward/backward source exactly as they are in ops/. A "step backward" control
replays the backward pass one node at a time. Nothing is fetched when the page opens: no server,
no network, no library from a CDN.

Only the public record is read: each Node's op, parents, params, scope and output_shape (through
trace.py), the tensors' values, and what the engine's `on_node` hook reports during backward.
"""
from __future__ import annotations

import html
import inspect
import re
import textwrap
from pathlib import Path

import numpy as np

from .. import autograd
from ..tensor import Tensor
from ._explore_page import page
from ._explore_sample import summarize
from .graph import graph_from_trace
from .highlight import highlight_python
from .render import GraphvizNotFoundError, INSTALL_HINT, dot_available
from .trace import function_name, shape_text, trace

_PACKAGE_ROOT = Path(__file__).resolve().parents[1]


class Explorer:
    """The page `explore` built: `html` (the text), `path` (where it was written, or None),
    `data` (what the page shows, as the JSON it embeds: 'vertices' by node id, backward 'order',
    'flows', 'clusters', 'sources') and `order` (node ids in the order backward ran them).
    Shows itself in Jupyter."""

    def __init__(self, html_text: str, data: dict, path: Path | None = None):
        self.html, self.data, self.order, self.path = html_text, data, data["order"], path

    def save(self, path) -> Path:
        """Write the page to `path` (folders created) and return its Path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        self.path = path
        return path

    def _repr_html_(self) -> str:
        # In an iframe, so the page's ids, styles and script cannot clash with the notebook's.
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;'
                f'height:640px;border:1px solid #ccc" sandbox="allow-scripts"></iframe>')

    def __repr__(self) -> str:
        where = f" at {str(self.path)!r}" if self.path else ""
        return f"<Explorer of {len(self.order)} backward steps{where}>"


def explore(output, params=None, path=None, gradient=None, grads_of=None, depth=2, channels=4,
            crop=32, retain_graph=False) -> Explorer:
    """Run backward on `output` and build the page that lets a student watch it.

    Like `explain_backward`, this *is* the backward pass (parameters' `.grad` are filled as by
    `output.backward()`), so call it instead of `backward()`, or pass retain_graph=True there.

    Args:
        output: the tensor to differentiate, usually the loss.
        params: the model (names its weights and module boxes) or a dict name -> Tensor.
        path: where to write the page (e.g. 'backprop.html'); None keeps it in memory only.
        gradient: dL/doutput for a non-scalar output (as `backward(gradient)`).
        grads_of: what the gradients are of, written at the top (default: the output's op).
        depth: modules deeper than this start folded (click a box's title to unfold it).
        channels: heatmaps show at most this many channels (first example of the batch).
        crop: heatmaps show at most crop x crop cells (the top-left corner of a larger map).
        retain_graph: keep the graph's saved arrays, so backward can run again afterwards.

    Returns:
        an Explorer (its `html`, `path`, and backward `order` of node ids).

    Raises:
        GraphvizNotFoundError: Graphviz's `dot` is not installed (the page needs its drawing).

    Example:
        >>> page = tg.viz.explore(loss, params=model, path="backprop.html")   # doctest: +SKIP
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"explore expects a Tensor, got {type(output).__name__}")
    if output.grad_fn is None:
        raise RuntimeError("explore: this tensor has no recorded history (grad_fn is None); "
                           "compute it from tensors with requires_grad=True, outside no_grad()")
    for name, value in (("depth", depth), ("channels", channels), ("crop", crop)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"explore: {name} must be an int >= 1, got {value!r}")
    if not dot_available():
        raise GraphvizNotFoundError(f"explore: the page embeds a Graphviz drawing, and Graphviz's "
                                    f"`dot` program is not on PATH; {INSTALL_HINT}")
    seed = autograd.seed_gradient(output, gradient, "explore")
    tr = trace(output, params)
    graph = graph_from_trace(tr, show_shapes=True, group_modules=True)
    svg = graph.pipe(format="svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML prologue and doctype: the SVG sits inside HTML
    sample = dict(channels=channels, crop=crop)
    vertices = _vertices(tr, output, sample)
    order, flows = _run_backward(tr, output, seed, retain_graph, vertices, sample)
    root = tr.op(tr.outputs[0][0])
    data = {
        "title": tr.module_classes.get("", "computation"),
        "gradsOf": grads_of or (f"L = {root.label}" if tuple(output.shape) == ()
                                else f"the output {shape_text(output.shape)} (gradient given)"),
        "vertices": vertices, "order": order, "flows": flows,
        "clusters": _clusters(graph.source, depth), "sources": _sources(tr),
        "output": tr.outputs[0][0],
    }
    explorer = Explorer(page(svg, data, depth), data)
    if path is not None:
        explorer.save(path)
    return explorer


def _vertices(tr, output, sample) -> dict:
    """id -> what the page shows of one op or leaf, before backward: label, kind, scope, shapes,
    hyper-parameters, inputs, and the summary of its value."""
    produced = {id(output.grad_fn): output}  # Node -> the tensor it made, read off its consumers
    for node in (tr.objects[o.id] for o in tr.ops):
        for parent, edge in zip(node.parents, node.edges):
            if edge is not None:
                produced[id(edge)] = parent
    classes, out = tr.module_classes, {}
    for o in tr.ops:
        node = tr.objects[o.id]
        out[o.id] = {"kind": "op", "label": o.label, "op": o.op, "name": o.name, "scope": o.scope,
                     "module": classes.get(o.scope, ""), "shape": list(o.output_shape),
                     "inputs": o.inputs, "params": _params_text(node.params),
                     "value": summarize(produced[id(node)].array, "activation", **sample)}
    for t in tr.tensors:
        tensor = tr.objects[t.id]
        out[t.id] = {"kind": t.kind, "label": t.name, "scope": t.scope, "shape": list(t.shape),
                     "requiresGrad": t.requires_grad,
                     "value": summarize(tensor.array, "parameter" if t.kind == "parameter"
                                        else "activation", **sample)}
    return out


def _run_backward(tr, output, seed, retain_graph, vertices, sample):
    """Run the engine's backward, summarizing each node's incoming gradient (dL/dy, stored on its
    vertex as 'grad') and each gradient it passes on. Returns (order, flows): the op ids in the
    order backward ran them, and per op the list of (input id, summary or None for 'same as the
    input's own total gradient', or False when no gradient is passed)."""
    ids = {id(tr.objects[o.id]): o.id for o in tr.ops}
    leaf_ids = {id(tr.objects[t.id]): t.id for t in tr.tensors}
    passed, leaf_totals, contributions = [], {}, {}

    def on_node(node, dy, grads) -> None:
        op_id = ids[id(node)]
        vertices[op_id]["grad"] = summarize(dy, "activation", **sample)
        row = []
        for parent, g in zip(node.parents, grads):
            target = ids.get(id(parent.grad_fn)) if parent.grad_fn is not None else leaf_ids[id(parent)]
            if g is None:
                row.append((target, False))
                continue
            contributions[target] = contributions.get(target, 0) + 1
            if parent.grad_fn is None:
                leaf_totals[target] = g.copy() if target not in leaf_totals else leaf_totals[target] + g
            kind = "parameter" if vertices[target]["kind"] == "parameter" else "activation"
            row.append((target, summarize(g, kind, **sample)))
        passed.append((op_id, row))

    autograd.backward(output, seed, retain_graph=retain_graph, on_node=on_node)
    for leaf_id, total in leaf_totals.items():
        kind = "parameter" if vertices[leaf_id]["kind"] == "parameter" else "activation"
        vertices[leaf_id]["grad"] = summarize(total, kind, **sample)
    flows = {}
    for op_id, row in passed:  # a gradient that is its input's whole gradient is stored once
        flows[op_id] = [{"to": target, "grad": False if g is False else
                         (None if contributions[target] == 1 else g)} for target, g in row]
    return [op_id for op_id, _ in passed], flows


def _params_text(params: dict) -> dict:
    """Hyper-parameters as short text (arrays, e.g. a mask saved by the op, by their shape)."""
    out = {}
    for key, value in params.items():
        if isinstance(value, (np.ndarray, Tensor)):
            out[key] = f"array {shape_text(value.shape)}"
        else:
            text = repr(value)
            out[key] = text if len(text) <= 80 else text[:77] + "..."
    return out


_SUBGRAPH = re.compile(r"^\s*subgraph (cluster_\w+) \{")
_NODE = re.compile(r"^\s*(\w+) \[")
_LABEL = re.compile(r'^\s*color=.*label="([^"]*)"')


def _clusters(source: str, depth: int) -> dict:
    """Module boxes of the DOT source: name -> label, members (every node inside, at any depth),
    parent box, and whether it starts folded (its module sits deeper than `depth`)."""
    clusters, stack = {}, []
    for line in source.splitlines():
        if m := _SUBGRAPH.match(line):
            clusters[m.group(1)] = {"label": "", "members": [], "parent": stack[-1] if stack else None}
            stack.append(m.group(1))
        elif line.strip() == "}" and stack:
            stack.pop()
        elif stack and (m := _LABEL.match(line)):
            clusters[stack[-1]]["label"] = m.group(1)
        elif stack and (m := _NODE.match(line)) and m.group(1) not in ("graph", "node", "edge"):
            for name in stack:
                clusters[name]["members"].append(m.group(1))
    for box in clusters.values():
        scope = box["label"].split(" · ")[0]
        box["folded"] = len(scope.split(".")) >= depth
    return clusters


def _reference(function: type) -> type:
    """The class a student should read for `function`: the reference op that a fast kernel
    subclasses (same name, same results, e.g. ops/fast/pool.py's MaxPool2d over ops/pool.py's),
    else the op itself."""
    for cls in function.__mro__[1:]:
        if cls.__name__ == function.__name__ and {"forward", "backward"} <= set(vars(cls)):
            return cls
    return function


def _where(method) -> tuple[list, str] | None:
    """(source lines, 'file:line') of a method, or None when it has no file (a REPL, a cell)."""
    try:
        lines, first = inspect.getsourcelines(method)
        file = Path(inspect.getsourcefile(method)).resolve()
    except (OSError, TypeError):
        return None
    root = _PACKAGE_ROOT.parent
    return lines, f"{file.relative_to(root) if file.is_relative_to(root) else file}:{first}"


def _sources(tr) -> dict:
    """Op class name -> its docstring and its forward and backward source, highlighted, with the
    file and line they come from (read with inspect, so the page shows the code as it is). When
    a fast kernel ran in place of the reference op, the reference is shown and 'ran' says where
    the kernel is."""
    out = {}
    for o in tr.ops:
        if o.op in out:
            continue
        ran = tr.objects[o.id].function
        function = _reference(ran)
        entry = {"doc": inspect.cleandoc(function.__doc__ or ""), "name": function_name(o.op)}
        if function is not ran:
            found = _where(ran.forward)
            entry["ran"] = found[1] if found else ran.__module__
        for part in ("forward", "backward"):
            found = _where(getattr(function, part))
            entry[part] = ({"html": highlight_python(textwrap.dedent("".join(found[0]))), "where": found[1]}
                           if found else {"html": "(source not available)", "where": ""})
        out[o.op] = entry
    return out

