"""draw_graph: turn a trace (trace.py) into a graphviz.Digraph with module clusters, shapes,
gradient colours and a legend. Building the DOT source needs only the `graphviz` Python package;
turning it into a picture needs the `dot` program (see render.py)."""
from __future__ import annotations

import math

from .trace import Trace, shape_text, trace

# The colour legend (also drawn in the graph's "legend" box).
COLORS = {
    "parameter": "#cfe2f3",  # light blue: a named parameter (weight, bias)
    "input": "#fff2cc",      # light yellow: an input or constant leaf tensor
    "op": "#eeeeee",         # light grey: an operation, labelled with its hyper-parameters
    "module": "#d9d2e9",     # lavender: a module collapsed by depth=k
    "output": "#b6d7a8",     # green: the tensor(s) passed to draw_graph
}
# Gradient norm, low -> high on a log scale (viridis-like): dark = vanishing, yellow = large.
GRAD_COLORMAP = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
_CLUSTER_FILLS = ("#f3f6fa", "#ffffff")  # nested module boxes alternate, so nesting stays visible


def _import_graphviz():
    try:
        import graphviz
    except ImportError as e:  # pragma: no cover - graphviz is a declared dependency
        raise ImportError("draw_graph needs the 'graphviz' Python package: pip install graphviz "
                          "(rendering images also needs the Graphviz 'dot' program)") from e
    return graphviz


def grad_color(t: float) -> str:
    """Colour at position t in [0, 1] of GRAD_COLORMAP (linear interpolation between stops)."""
    t = min(max(t, 0.0), 1.0) * (len(GRAD_COLORMAP) - 1)
    i = min(int(t), len(GRAD_COLORMAP) - 2)
    a, b = GRAD_COLORMAP[i], GRAD_COLORMAP[i + 1]
    mix = [round(int(a[k:k + 2], 16) * (1 - (t - i)) + int(b[k:k + 2], 16) * (t - i)) for k in (1, 3, 5)]
    return "#" + "".join(f"{v:02x}" for v in mix)


def grad_scale(norms) -> tuple[int, int]:
    """Whole decades (lo, hi) of log10 covering the positive norms (at least one decade)."""
    logs = [math.log10(n) for n in norms if n and n > 0 and math.isfinite(n)]
    if not logs:
        return -1, 0
    lo, hi = math.floor(min(logs)), math.ceil(max(logs))
    return lo, max(hi, lo + 1)


def _grad_position(norm: float, scale: tuple[int, int]) -> float:
    lo, hi = scale
    return 0.0 if norm <= 0 else (math.log10(norm) - lo) / (hi - lo)


def _scope_parts(scope: str) -> list[str]:
    return scope.split(".") if scope else []


def _collapse(tr: Trace, depth: int | None):
    """Map every op and leaf id to the id of the node that represents it in the drawing: itself,
    or the collapsed module ('m0', 'm1', ...) whose depth-k scope holds it. Returns
    (representative, modules) with modules: node id -> (scope, output shape)."""
    rep = {o.id: o.id for o in tr.ops} | {t.id: t.id for t in tr.tensors}
    if depth is None:
        return rep, {}
    keys: dict[str, str] = {}
    for o in tr.ops:
        parts = _scope_parts(o.scope)
        if len(parts) >= depth:
            key = ".".join(parts[:depth])
            rep[o.id] = keys.setdefault(key, f"m{len(keys)}")
    consumers: dict[str, set] = {}
    for o in tr.ops:
        for i in o.inputs:
            consumers.setdefault(i, set()).add(rep[o.id])
    for t in tr.tensors:  # a parameter used only inside one collapsed module disappears into it
        users = consumers.get(t.id, set())
        if t.kind != "input" and len(users) == 1 and next(iter(users)).startswith("m"):
            rep[t.id] = next(iter(users))
    outputs = {i for i, _ in tr.outputs}
    modules = {}
    for key, node_id in keys.items():  # a module's shape: that of its last op used outside it
        leaving = [o for o in tr.ops if rep[o.id] == node_id and
                   (o.id in outputs or any(c != node_id for c in consumers.get(o.id, ())))]
        last = leaving[-1] if leaving else [o for o in tr.ops if rep[o.id] == node_id][-1]
        modules[node_id] = (key, last.output_shape)
    return rep, modules


def _home(scope: str, clusters: set) -> str:
    """The innermost drawn cluster containing `scope` ('' = the top level)."""
    parts = _scope_parts(scope)
    while parts and ".".join(parts) not in clusters:
        parts.pop()
    return ".".join(parts)


def draw_graph(output, params=None, show_shapes=True, show_grads=False, group_modules=True,
               depth=None, rankdir="TB", legend=True):
    """Draw the computation that produced `output` as a graphviz.Digraph.

    Args:
        output: a Tensor (or list of Tensors) with a recorded history.
        params: the model (its `named_parameters()` name the weights and its `named_modules()`
            give class names to module boxes) or a dict name -> Tensor.
        show_shapes: write tensor shapes on parameter, input, op and output nodes.
        show_grads: after `backward()`, write each leaf's gradient norm ‖grad‖ and colour it on a
            log scale (GRAD_COLORMAP: dark purple = tiny/vanishing, yellow = largest).
        group_modules: draw each module (from the nodes' scopes) as a nested box.
        depth: if an int k >= 1, every module at depth k (e.g. k=2: 'layer1.0') becomes one node
            labelled with its name, class and output shape; deeper structure is hidden.
        rankdir: 'TB' (top to bottom) or 'LR' (left to right).
        legend: draw the colour legend box.

    Colour legend: light blue = parameter, light yellow = input or constant, grey = op
    ('conv2d k5 s1 p0', 'max_pool2d 2×2 s2'), lavender = collapsed module, green = output,
    dashed rounded boxes = modules.

    Returns:
        a graphviz.Digraph; `tg.viz.render(graph, "graph.svg")` draws it (needs `dot`), and
        `graph.source` is the DOT text (never needs `dot`).

    Example:
        >>> g = draw_graph(model(x), params=model, depth=2)   # doctest: +SKIP
        >>> render(g, "resnet18.svg")                         # doctest: +SKIP
    """
    return graph_from_trace(trace(output, params), show_shapes, show_grads, group_modules, depth,
                            rankdir, legend)


def graph_from_trace(tr: Trace, show_shapes=True, show_grads=False, group_modules=True,
                     depth=None, rankdir="TB", legend=True):
    """The drawing half of draw_graph, from an existing Trace (same arguments)."""
    if depth is not None and (not isinstance(depth, int) or isinstance(depth, bool) or depth < 1):
        raise ValueError(f"draw_graph: depth must be None or an int >= 1, got {depth!r}")
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"draw_graph: rankdir must be 'TB', 'LR', 'BT' or 'RL', got {rankdir!r}")
    graphviz = _import_graphviz()
    g = graphviz.Digraph("graph", graph_attr={"rankdir": rankdir, "fontname": "Helvetica",
                                               "nodesep": "0.25", "ranksep": "0.35"},
                         node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled",
                                    "shape": "box", "height": "0.3"},
                         edge_attr={"color": "#555555", "arrowsize": "0.6"})
    rep, modules = _collapse(tr, depth)
    shape = (lambda s: "\\n" + shape_text(s)) if show_shapes else (lambda s: "")
    scale = grad_scale(t.grad_norm for t in tr.tensors) if show_grads else None
    nodes = []  # (scope, id, attrs)
    for o in tr.ops:
        if rep[o.id] == o.id:
            nodes.append((o.scope, o.id, {"label": o.label + shape(o.output_shape),
                                          "fillcolor": COLORS["op"], "style": "rounded,filled"}))
    classes = tr.module_classes
    for node_id, (key, out_shape) in modules.items():
        title = f"{key}: {classes[key]}" if key in classes else key
        nodes.append((key.rpartition(".")[0], node_id, {"label": title + shape(out_shape),
                      "fillcolor": COLORS["module"], "shape": "box3d"}))
    users = {}
    for o in tr.ops:
        for i in o.inputs:
            users.setdefault(i, set()).add(o.scope)
    for t in tr.tensors:
        if rep[t.id] != t.id:
            continue
        attrs = {"label": t.name + (" " + shape_text(t.shape) if show_shapes and t.kind != "constant" else ""),
                 "fillcolor": COLORS["parameter" if t.kind == "parameter" else "input"]}
        if t.kind == "constant":
            attrs.update(shape="box", fontsize="9", height="0.2")
        if show_grads and t.requires_grad:
            if t.grad_norm is None:
                attrs["label"] += "\\n‖grad‖ none"
            else:
                pos = _grad_position(t.grad_norm, scale)
                attrs.update(label=attrs["label"] + f"\\n‖grad‖ {t.grad_norm:.2e}",
                             fillcolor=grad_color(pos), fontcolor="white" if pos < 0.5 else "black")
        own = users.get(t.id, {""})
        scope = t.scope if t.kind == "parameter" else (next(iter(own)) if len(own) == 1 and t.kind == "constant" else "")
        nodes.append((scope, t.id, attrs))
    for k, (producer, out_shape) in enumerate(tr.outputs):
        name = "output" if k == 0 else f"output{k}"
        nodes.append(("", name, {"label": name + shape(out_shape).replace("\\n", " "),
                                 "fillcolor": COLORS["output"], "penwidth": "2"}))
        g.edge(rep[producer], name)
    _emit_nodes(g, nodes, tr, group_modules)
    edges = set()
    for o in tr.ops:
        for i in o.inputs:
            src, dst = rep[i], rep[o.id]
            if src != dst and (src, dst) not in edges:
                edges.add((src, dst))
                g.edge(src, dst)
    if legend:
        _add_legend(g, depth is not None, scale)
    return g


def _emit_nodes(g, nodes, tr: Trace, group_modules: bool) -> None:
    """Place nodes in nested clusters: a module gets a box when it holds two or more drawn ops or
    collapsed modules (a one-op module like conv1 needs none: its weights carry its name)."""
    count: dict[str, int] = {}
    if group_modules:
        for scope, node_id, _ in nodes:
            if node_id.startswith(("op", "m")):
                parts = _scope_parts(scope)
                for n in range(1, len(parts) + 1):
                    prefix = ".".join(parts[:n])
                    count[prefix] = count.get(prefix, 0) + 1
    clusters = {s for s, c in count.items() if c >= 2}
    members: dict[str, list] = {}
    for scope, node_id, attrs in nodes:
        members.setdefault(_home(scope, clusters), []).append((node_id, attrs))
    children: dict[str, list] = {}
    for s in sorted(clusters, key=lambda s: len(_scope_parts(s))):
        children.setdefault(_home(s.rpartition(".")[0], clusters), []).append(s)
    order = {s: i for i, s in enumerate(sorted(clusters))}

    def fill(graph, scope: str, level: int) -> None:
        for node_id, attrs in members.get(scope, ()):
            graph.node(node_id, **attrs)
        for child in children.get(scope, ()):
            cls = tr.module_classes.get(child)
            with graph.subgraph(name=f"cluster_{order[child]}_{child.replace('.', '_')}") as c:
                c.attr(label=f"{child} · {cls}" if cls else child, style="rounded,filled,dashed",
                       fillcolor=_CLUSTER_FILLS[level % 2], color="#888888", fontsize="10",
                       labeljust="l", fontname="Helvetica")
                fill(c, child, level + 1)

    fill(g, "", 0)


def _add_legend(g, with_modules: bool, scale) -> None:
    """A 'legend' box with one sample node per colour (and the gradient scale, if drawn)."""
    with g.subgraph(name="cluster_legend") as c:
        c.attr(label="legend", style="rounded", color="#bbbbbb", fontsize="10", rank="same")
        kinds = [k for k in COLORS if with_modules or k != "module"]
        for kind in kinds:
            c.node(f"legend_{kind}", label=kind, fillcolor=COLORS[kind], fontsize="9",
                   style="rounded,filled" if kind == "op" else "filled",
                   shape="box3d" if kind == "module" else "box")
        if scale is not None:
            lo, hi = scale
            for k, exponent in enumerate(sorted({lo, (lo + hi) // 2, hi})):
                pos = (exponent - lo) / (hi - lo)
                c.node(f"legend_grad{k}", label=f"‖grad‖ 1e{exponent}", fillcolor=grad_color(pos),
                       fontcolor="white" if pos < 0.5 else "black", fontsize="9")
