"""Window geometry through a recorded graph: the analytic half of receptive_field.py.

Every op that keeps positions is described as a window over its input along each spatial axis
(`Link`), read from what the op declares (its class attribute `spatial`, listed in
ops/__init__.py) and from the parameters its Node recorded: a convolution or pooling by its
kernel, stride, padding and dilation; point-wise ops and channel concatenation as 1×1 windows;
zero padding as a shifted 1×1 window; global pooling as one window as large as the map. `Graph`
composes the windows forwards into the receptive-field size, jump and start of every map, and
walks them backwards from one unit to the input pixels it reads. An op that declares no kind is
an error, never skipped.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..autograd import topological_order
from ..tensor import Tensor


@dataclass(frozen=True)
class Geometry:
    """Per spatial axis (H, W): first pixel seen by unit 0, pixels seen, pixels between units."""

    start: tuple
    size: tuple
    jump: tuple


class Unknown(str):
    """Why a map's geometry could not be followed (kept lazily: it matters only if asked for)."""


@dataclass
class WindowLayer:
    """One window op on the way to the feature map, and the geometry right after it."""

    name: str
    op: str
    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple
    size: tuple
    jump: tuple


@dataclass(frozen=True)
class Link:
    """Output position v of a node reads positions v·stride - pad + t·dilation (t < kernel) of
    `parent`, on each spatial axis."""

    parent: Tensor
    kernel: tuple = (1, 1)
    stride: tuple = (1, 1)
    pad: tuple = (0, 0)
    dilation: tuple = (1, 1)


def window(g: Geometry, link: Link) -> Geometry:
    """The geometry after `link`'s window: size += (k - 1)·d·jump, start -= pad·jump, jump *= s."""
    return Geometry(
        start=tuple(s - p * j for s, p, j in zip(g.start, link.pad, g.jump)),
        size=tuple(r + (k - 1) * d * j
                   for r, k, d, j in zip(g.size, link.kernel, link.dilation, g.jump)),
        jump=tuple(j * s for j, s in zip(g.jump, link.stride)))


def unite(geometries: list):
    """The span of branches that meet; they must step over the input alike."""
    if len({g.jump for g in geometries}) > 1:
        return Unknown(f"branches with different strides {sorted({g.jump for g in geometries})}")
    start = tuple(min(g.start[a] for g in geometries) for a in range(2))
    end = tuple(max(g.start[a] + g.size[a] - 1 for g in geometries) for a in range(2))
    return Geometry(start, tuple(e - s + 1 for s, e in zip(start, end)), geometries[0].jump)


def spatial_index(index) -> bool:
    """True when a getitem index leaves the two spatial axes of an NCHW tensor whole."""
    if not isinstance(index, tuple) or any(i is Ellipsis or i is None for i in index):
        return False
    return all(i == slice(None) for i in index[2:4])


def _same_positions(node, spatial: list, where: str):
    """Every input position read at the same place (a 1×1 window), if the maps are alike."""
    if all(tuple(p.shape[2:]) == tuple(node.output_shape[2:]) for p in spatial):
        return [Link(p) for p in spatial]
    return Unknown(where)


def _window(node, spatial, where):
    params = node.params
    if "kernel_size" in params:
        kernel = tuple(params["kernel_size"])
    else:  # a convolution's kernel is its weight's (KH, KW)
        kernel = tuple(node.parents[1].shape[-2:])
    # a pooling records (ph, pw), a convolution ((top, bottom), (left, right)): the first side
    pad = tuple(p[0] if isinstance(p, (tuple, list)) else p for p in params["padding"])
    dilation = tuple(params.get("dilation", (1, 1)))           # avg_pool2d has none
    return [Link(spatial[0], kernel, tuple(params["stride"]), pad, dilation)]


def _pad(node, spatial, where):
    return [Link(spatial[0], pad=tuple(-p[0] for p in node.params["pad_width"][2:4]))]


def _reduce(node, spatial, where):
    x, axes = spatial[0], node.params.get("axis")
    axes = set() if axes is None else {a % 4 for a in (axes if isinstance(axes, tuple) else (axes,))}
    if {2, 3} <= axes:  # global pooling
        return [Link(x, tuple(x.shape[2:]), tuple(x.shape[2:]))]
    if axes & {2, 3}:
        return Unknown(f"{where}, over one spatial axis")
    return _same_positions(node, spatial, where)


def _along_axis(node, spatial, where):
    if node.params["axis"] % 4 in (2, 3):
        return Unknown(f"{where}, along a spatial axis")
    return _same_positions(node, spatial, where)


def _index(node, spatial, where):
    if spatial_index(node.params["index"]):
        return _same_positions(node, spatial, where)
    return Unknown(f"{where}, which indexes a spatial axis")


def _reshape(node, spatial, where):
    if tuple(spatial[0].shape) == tuple(node.output_shape):
        return _same_positions(node, spatial, where)
    return Unknown(f"{where}, which reshapes the map")


# what each declared kind means for the geometry (the kinds are listed in ops/__init__.py)
_FOLLOW = {
    "pointwise": _same_positions,
    "window": _window,
    "pad": _pad,
    "reduce": _reduce,
    "along_axis": _along_axis,
    "index": _index,
    "reshape": _reshape,
    "remap": lambda node, spatial, where: Unknown(where),
}


def links_of(node, spatial: list):
    """How `node` reads its parents that carry positions (`spatial`), or why that is unknown.

    Raises ValueError for an op whose class declares no known `spatial` kind: guessing would
    report a wrong receptive field without a word."""
    where = f"{node.op} in '{node.scope}'" if node.scope else node.op
    kind = getattr(node.function, "spatial", None)
    if kind not in _FOLLOW:
        raise ValueError(f"receptive_field: cannot follow {where}: its op class "
                         f"{node.function.__name__} declares no spatial kind (got {kind!r}; "
                         f"expected a class attribute `spatial`, one of {', '.join(_FOLLOW)})")
    if len(node.output_shape) != 4 or any(p.ndim != 4 for p in spatial):
        return Unknown(f"{where}, which is not a (N, C, H, W) to (N, C, H, W) op")
    return _FOLLOW[kind](node, spatial, where)


class Graph:
    """The geometry of every map behind `root`, walked from the input `x` in execution order.

    `geometry[id(node)]` is the Geometry of the node's output (None when it does not depend on
    x, an Unknown when it cannot be followed); `links[id(node)]` says how it reads its inputs.
    A layer whose class says `spatial = "pointwise"` (LocalResponseNorm) is stepped over whole:
    its output reads the same position of its input, whatever its ops do inside."""

    def __init__(self, x: Tensor, root: Tensor, calls: list):
        shortcut = {}  # id(output node) -> input tensor, for layers declared point-wise
        for call in calls:
            inp = call.inputs[0] if call.inputs else None
            pointwise = getattr(type(call.module), "spatial", None) == "pointwise"
            if (pointwise and isinstance(call.output, Tensor)
                    and call.output is not inp and call.output.grad_fn is not None
                    and isinstance(inp, Tensor) and call.output.ndim == inp.ndim == 4
                    and call.output.shape[2:] == inp.shape[2:]):
                shortcut[id(call.output.grad_fn)] = inp
        self.x, self.order = x, topological_order(root.grad_fn)
        self.geometry: dict[int, object] = {}
        self.links: dict[int, list] = {}
        for node in self.order:
            if id(node) in shortcut:
                inp = shortcut[id(node)]
                links = [Link(inp)] if self.of(inp) is not None else []
            else:
                spatial = [p for p in node.parents if self.of(p) is not None]
                links = links_of(node, spatial) if spatial else []
            if isinstance(links, Unknown) or not links:
                self.geometry[id(node)] = links or None
                continue
            parents = [self.of(link.parent) for link in links]
            unknown = [g for g in parents if isinstance(g, Unknown)]
            self.links[id(node)] = links
            self.geometry[id(node)] = unknown[0] if unknown else unite(
                [window(g, link) for g, link in zip(parents, links)])

    def of(self, t: Tensor):
        """Geometry of tensor `t` (the input's is the identity; None for weights and constants)."""
        if t is self.x:
            return Geometry((0, 0), (1, 1), (1, 1))
        return self.geometry.get(id(t.grad_fn)) if t.grad_fn is not None else None

    def path(self, node) -> list:
        """The nodes whose positions `node` reads, directly or not, in execution order (the ops
        inside a pointwise layer such as LRN are stepped over)."""
        order = topological_order(node)
        reached = {id(node)}
        for n in reversed(order):
            if id(n) in reached:
                reached.update(id(link.parent.grad_fn) for link in self.links.get(id(n), [])
                               if link.parent.grad_fn is not None)
        return [n for n in order if id(n) in reached]

    def windows(self, node) -> list:
        """The real windows (kernel or stride above 1) crossed on the way to `node`."""
        out = []
        for n in self.path(node):
            links = self.links.get(id(n), [])
            if len(links) == 1 and (links[0].kernel != (1, 1) or links[0].stride != (1, 1)):
                g, link = self.geometry[id(n)], links[0]
                out.append(WindowLayer(n.scope or n.op, n.op, link.kernel, link.stride, link.pad,
                                       link.dilation, g.size, g.jump))
        return out

    def region(self, node, unit: tuple) -> tuple:
        """((top, bottom), (left, right)) of the input pixels `unit` of `node`'s output reads:
        each window is walked backwards, dropping the positions that fall in padding. The axes
        are walked apart (every op here is separable), so a unit that reads only padding along
        one axis reads nothing: ((0, -1), (0, -1))."""
        needed = {id(node): [np.arange(n) == u for n, u in zip(node.output_shape[2:], unit)]}
        seen = [np.zeros(n, dtype=bool) for n in self.x.shape[2:]]
        for n in reversed(self.path(node)):
            masks = needed.pop(id(n), None)
            for link in self.links.get(id(n), []) if masks is not None else []:
                read = [positions_read(m, *geometry) for m, geometry in zip(masks, zip(
                    link.parent.shape[2:], link.kernel, link.stride, link.pad, link.dilation))]
                if not all(r.any() for r in read):
                    continue  # rows x columns: nothing read along one axis means nothing at all
                parent = link.parent
                target = seen if parent is self.x else needed.setdefault(
                    id(parent.grad_fn), [np.zeros(size, dtype=bool) for size in parent.shape[2:]])
                for axis in range(2):
                    target[axis] |= read[axis]
        return tuple(span(mask) for mask in seen)


def positions_read(mask, size, kernel, stride, pad, dilation) -> np.ndarray:
    """Positions (of `size`) read along one axis by the output positions set in `mask`."""
    taps = (np.nonzero(mask)[0] * stride - pad)[:, None] + np.arange(kernel) * dilation
    taps = taps[(taps >= 0) & (taps < size)]
    out = np.zeros(size, dtype=bool)
    out[taps] = True
    return out


def span(mask) -> tuple:
    """(first, last) True position; (0, -1) when there is none."""
    hits = np.nonzero(mask)[0]
    return (int(hits[0]), int(hits[-1])) if hits.size else (0, -1)
