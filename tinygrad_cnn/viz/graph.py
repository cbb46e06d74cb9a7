"""draw_graph: turn a trace (trace.py) into a graphviz.Digraph with module boxes, shapes,
gradient colours and a legend. Building the DOT source needs only the `graphviz` Python package;
turning it into a picture needs the `dot` program (see render.py).

Module boxes come from the scope each op recorded. A module that ran twice (one ReLU object
applied at two places) recorded the same scope for two separate pieces of the graph, so a box is
drawn per *connected* piece of a module, never one box around both calls. (Scopes carry no call
number, so a module fed straight back into itself, m(m(x)), still shares one box.)
"""
from __future__ import annotations

import math

from .trace import Trace, shape_text, trace

# The colour legend (also drawn in the graph's "legend" box).
COLORS = {
    "parameter": "#cfe2f3",  # light blue: a named parameter (weight, bias)
    "input": "#fff2cc",      # light yellow: an input leaf tensor (the data fed in)
    "constant": "#ffffff",   # white: a number in the formula (an average's divisor, the 2 in x * 2)
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


def grad_position(norm: float, scale: tuple[int, int]) -> float:
    """Where `norm` sits on the log scale `scale` = (lo, hi) decades: 0 at 10**lo, 1 at 10**hi."""
    lo, hi = scale
    return 0.0 if norm <= 0 else (math.log10(norm) - lo) / (hi - lo)


def _scope_parts(scope: str) -> list[str]:
    return scope.split(".") if scope else []


def _prefixes(scope: str) -> list[str]:
    """'a.b.c' -> ['a', 'a.b', 'a.b.c']."""
    parts = _scope_parts(scope)
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _components(members: list, neighbours: dict) -> list[list]:
    """Connected pieces of `members`, walking only edges between members; each piece and the
    pieces themselves keep the order of `members`."""
    inside, seen, pieces = set(members), set(), []
    for start in members:
        if start in seen:
            continue
        seen.add(start)
        stack, piece = [start], set()
        while stack:  # iterative: a module may hold thousands of ops
            node = stack.pop()
            piece.add(node)
            for other in neighbours.get(node, ()):
                if other in inside and other not in seen:
                    seen.add(other)
                    stack.append(other)
        pieces.append([m for m in members if m in piece])
    return sorted(pieces, key=lambda p: members.index(p[0]))


def _undirected(edges) -> dict:
    neighbours: dict = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    return neighbours


def _collapse(tr: Trace, depth: int | None):
    """Map every op and leaf id to the id of the node that represents it in the drawing: itself,
    or the collapsed module ('m0', 'm1', ...) whose depth-k scope holds it. Returns
    (representative, modules) with modules: node id -> (scope, call label, output shape)."""
    rep = {o.id: o.id for o in tr.ops} | {t.id: t.id for t in tr.tensors}
    if depth is None:
        return rep, {}
    by_key: dict[str, list] = {}
    for o in tr.ops:
        parts = _scope_parts(o.scope)
        if len(parts) >= depth:
            by_key.setdefault(".".join(parts[:depth]), []).append(o.id)
    neighbours = _undirected((i, o.id) for o in tr.ops for i in o.inputs)
    pieces = []  # (key, k-th call, number of calls, op ids), in order of first op
    for key, members in by_key.items():
        found = _components(members, neighbours)
        pieces += [(key, k, len(found), piece) for k, piece in enumerate(found)]
    pieces.sort(key=lambda p: int(p[3][0][2:]))  # op ids are 'op<topological index>'
    for n, (_, _, _, piece) in enumerate(pieces):
        for op_id in piece:
            rep[op_id] = f"m{n}"
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
    for n, (key, k, calls, piece) in enumerate(pieces):  # shape: its last op used outside it
        node_id = f"m{n}"
        leaving = [op_id for op_id in piece if op_id in outputs or
                   any(c != node_id for c in consumers.get(op_id, ()))]
        last = tr.op((leaving or piece)[-1])
        modules[node_id] = (key, f" · call {k + 1}" if calls > 1 else "", last.output_shape)
    return rep, modules


def draw_graph(output, params=None, show_shapes=True, show_grads=False, group_modules=True,
               depth=None, rankdir="TB", legend=True, grads_of=None):
    """Draw the computation that produced `output` as a graphviz.Digraph.

    Args:
        output: a Tensor (or list of Tensors) with a recorded history.
        params: the model (its `named_parameters()` name the weights and its `named_modules()`
            give class names to module boxes) or a dict name -> Tensor.
        show_shapes: write tensor shapes on parameter, input, op and output nodes.
        show_grads: after `backward()`, write each leaf tensor's gradient norm ‖grad‖ (inputs and
            parameters: the tensors that keep a `.grad`) and colour it on a log scale
            (GRAD_COLORMAP: dark purple = tiny/vanishing, yellow = largest). Gradients of
            intermediate results are listed by `explain_backward`.
        grads_of: with show_grads, what the gradients are of, written under the title (e.g.
            'L = cross_entropy(output, class 0)'); default: the drawn output when it is a scalar.
        group_modules: draw each module (from the nodes' scopes) as a nested dashed box; a module
            that ran more than once gets one box per call. A module of one op (a ReLU, a conv)
            gets no box: its name is written on the op instead ('relu' over 'act1').
        depth: if an int k >= 1, every module at depth k (e.g. k=2: 'layer1.0') becomes one node
            labelled with its name, class and output shape; the modules inside it are hidden.
        rankdir: 'TB' (top to bottom) or 'LR' (left to right).
        legend: draw the colour legend (one table node named 'legend').

    Colour legend: light blue = parameter, light yellow = input, white = constant, grey = op
    ('conv2d k5 s1 p0', 'max_pool2d 2×2 s2'), lavender = collapsed module, green = output,
    dashed rounded boxes = modules; with show_grads, leaves are recoloured by gradient norm.

    Returns:
        a graphviz.Digraph; `tg.viz.render(graph, "graph.svg")` draws it (needs `dot`), and
        `graph.source` is the DOT text (never needs `dot`).

    Example:
        >>> g = draw_graph(model(x), params=model, depth=2)   # doctest: +SKIP
        >>> render(g, "resnet18.svg")                         # doctest: +SKIP
    """
    return graph_from_trace(trace(output, params), show_shapes, show_grads, group_modules, depth,
                            rankdir, legend, grads_of)


def graph_from_trace(tr: Trace, show_shapes=True, show_grads=False, group_modules=True,
                     depth=None, rankdir="TB", legend=True, grads_of=None):
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
    classes = tr.module_classes
    title = [classes[""]] if "" in classes else []  # the model drawn
    if show_grads:
        if grads_of is None and len(tr.outputs) == 1 and tr.outputs[0][1] == () and tr.ops:
            grads_of = f"L = the output drawn ({tr.op(tr.outputs[0][0]).label})"
        title.append(f"‖grad‖: gradient norms of {grads_of or 'the loss of the last backward()'}")
    if title:
        g.attr(label="\\n".join(title), labelloc="t", fontsize="14")
    body = {}  # op and module nodes in topological order: id -> (scope of its boxes, attrs)
    for o in tr.ops:
        node_id = rep[o.id]
        if node_id == o.id:
            body[o.id] = (o.scope, {"label": o.label + shape(o.output_shape),
                                    "fillcolor": COLORS["op"], "style": "rounded,filled"})
        elif node_id not in body:
            key, call, out_shape = modules[node_id]
            title = (f"{key}: {classes[key]}" if key in classes else key) + call
            body[node_id] = (key.rpartition(".")[0], {"label": title + shape(out_shape),
                                                      "fillcolor": COLORS["module"], "shape": "box3d"})
    edges = list(dict.fromkeys((rep[i], rep[o.id]) for o in tr.ops for i in o.inputs
                               if rep[i] != rep[o.id]))
    home, boxes = _boxes(body, edges, classes) if group_modules else ({}, {})
    for o in tr.ops:  # an op not boxed by its own module (a one-op module) carries its name
        box = boxes.get(home.get(o.id))
        if o.id in body and o.scope and (box is None or box[3] != o.scope):
            inner = o.scope[len(box[3]) + 1:] if box else o.scope
            body[o.id][1]["label"] += "\\n" + inner
    placed: dict[str | None, list] = {}  # box name (None = top level) -> its nodes
    for node_id, (_, attrs) in body.items():
        placed.setdefault(home.get(node_id), []).append((node_id, attrs))
    users: dict[str, list] = {}
    for src, dst in edges:
        users.setdefault(src, []).append(dst)
    for t in tr.tensors:
        if rep[t.id] != t.id:
            continue
        attrs = _leaf_attrs(t, show_shapes, scale)
        # Weights and constants sit in the innermost box around all their users; inputs on top.
        homes = [home.get(u) for u in users.get(t.id, ())]
        where = None if t.kind == "input" else _common_box(homes, boxes)
        placed.setdefault(where, []).append((t.id, attrs))
    for k, (producer, out_shape) in enumerate(tr.outputs):
        name = "output" if k == 0 else f"output{k}"
        placed.setdefault(None, []).append((name, {"label": name + shape(out_shape).replace("\\n", " "),
                                                   "fillcolor": COLORS["output"], "penwidth": "2"}))
        edges.append((rep[producer], name))
    _emit(g, placed, boxes)
    for src, dst in edges:
        # An edge entering or leaving a box spans two ranks, leaving room for the weights that
        # sit one rank above the box's first op; otherwise consecutive boxes share a rank and
        # Graphviz has to set them side by side, and a deep network becomes a staircase.
        crosses = src in body and dst in body and home.get(src) != home.get(dst)
        g.edge(src, dst, **({"minlen": "2"} if crosses else {}))
    if legend:
        kinds = {t.kind for t in tr.tensors} | {"op", "output"} | ({"module"} if modules else set())
        _add_legend(g, kinds, group_modules and bool(boxes), scale)
    return g


def _leaf_attrs(t, show_shapes: bool, scale) -> dict:
    """Label and colours of a leaf tensor node (gradient colour when `scale` is given)."""
    with_shape = show_shapes and t.kind != "constant"
    attrs = {"label": t.name + (" " + shape_text(t.shape) if with_shape else ""),
             "fillcolor": COLORS[t.kind]}
    if t.kind == "constant":
        attrs.update(fontsize="9", height="0.2")
    if scale is not None and t.requires_grad:
        if t.grad_norm is None:
            attrs["label"] += "\\n‖grad‖ none"
        else:
            pos = grad_position(t.grad_norm, scale)
            attrs.update(label=attrs["label"] + f"\\n‖grad‖ {t.grad_norm:.2e}",
                         fillcolor=grad_color(pos), fontcolor="white" if pos < 0.5 else "black")
    return attrs


def _boxes(body: dict, edges: list, classes: dict):
    """Module boxes: for every scope prefix, each connected piece of its ops (and collapsed
    modules) holding two or more nodes is a box. A one-op module like conv1 needs none: its
    weights already carry its name.

    Returns (home, boxes): home maps a node to its innermost box, boxes maps a box name to
    (label, parent box or None, nesting level, scope), parents before children."""
    neighbours = _undirected((a, b) for a, b in edges if a in body and b in body)
    under: dict[str, list] = {}
    for node_id, (scope, _) in body.items():
        for prefix in _prefixes(scope):
            under.setdefault(prefix, []).append(node_id)
    position = {node_id: n for n, node_id in enumerate(body)}
    home, boxes, box_of = {}, {}, {}  # box_of[(prefix, node)] = box name
    for prefix in sorted(under, key=lambda p: (len(_scope_parts(p)), position[under[p][0]])):
        pieces = [p for p in _components(under[prefix], neighbours) if len(p) >= 2]
        for k, piece in enumerate(pieces):
            name = "cluster_" + prefix.replace(".", "_") + (f"_call{k + 1}" if len(pieces) > 1 else "")
            outer = prefix.rpartition(".")[0]
            parent = box_of.get((outer, piece[0])) if outer else None
            cls = classes.get(prefix)
            call = f" · call {k + 1}" if len(pieces) > 1 else ""
            label = (f"{prefix} · {cls}" if cls else prefix) + call
            boxes[name] = (label, parent, 0 if parent is None else boxes[parent][2] + 1, prefix)
            for node_id in piece:
                box_of[(prefix, node_id)] = name
                home[node_id] = name  # deeper prefixes come later and overwrite
    return home, boxes


def _common_box(homes: list, boxes: dict):
    """The innermost box that contains every one of `homes` (None = the top level)."""
    def chain(box):
        out = []
        while box is not None:
            out.append(box)
            box = boxes[box][1]
        return out[::-1]
    if not homes:
        return None
    chains = [chain(h) for h in homes]
    common = None
    for level in zip(*chains):
        if len(set(level)) != 1:
            break
        common = level[0]
    return common


def _emit(g, placed: dict, boxes: dict) -> None:
    """Write nodes into nested `cluster_*` subgraphs (Graphviz draws those as boxes)."""
    children: dict = {}
    for name, (_, parent, _, _) in boxes.items():
        children.setdefault(parent, []).append(name)

    def fill(graph, box) -> None:
        for node_id, attrs in placed.get(box, ()):
            graph.node(node_id, **attrs)
        for child in children.get(box, ()):
            label, _, level, _ = boxes[child]
            with graph.subgraph(name=child) as c:
                c.attr(label=label, style="rounded,filled,dashed", fillcolor=_CLUSTER_FILLS[level % 2],
                       color="#888888", fontsize="10", labeljust="l", fontname="Helvetica")
                fill(c, child)

    fill(g, None)


def _add_legend(g, kinds: set, with_boxes: bool, scale) -> None:
    """One 'legend' node: a table with a sample of each colour (and the gradient scale, if drawn).
    A single table node keeps the samples in reading order, which loose nodes would not."""
    cells = [(kind, COLORS[kind], "black") for kind in COLORS if kind in kinds]
    if with_boxes:
        cells.append(("dashed box = module", _CLUSTER_FILLS[0], "black"))
    rows = [cells]
    if scale is not None:
        lo, hi = scale
        decades = range(lo, hi + 1) if hi - lo <= 5 else sorted({lo, (lo + hi) // 2, hi})
        rows.append([(f"‖grad‖ 1e{e}", grad_color((e - lo) / (hi - lo)),
                      "white" if (e - lo) / (hi - lo) < 0.5 else "black") for e in decades])
    html = "".join("<TR><TD BORDER=\"0\">" + ("legend" if n == 0 else "gradient") + "</TD>" +
                   "".join(f'<TD BGCOLOR="{fill}"><FONT COLOR="{font}">{text}</FONT></TD>'
                           for text, fill, font in row) + "</TR>" for n, row in enumerate(rows))
    g.node("legend", label=f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3">'
                           f"{html}</TABLE>>", shape="plaintext", style="", fontsize="9")
