"""Receptive field: which input pixels one unit of a feature map can see, computed two ways.

Analytically, from the geometry of the recorded ops. Along each spatial axis a feature map is
described by three numbers: `jump` (input pixels between neighbouring units), `size` (pixels one
unit sees) and `start` (first input pixel seen by unit 0, negative when it lies in padding). The
input has jump 1, size 1, start 0; a window op with kernel k, stride s, padding p, dilation d
maps them to

    size  += (k - 1) * d * jump        start -= p * jump        jump *= s

so three stacked 3×3 convolutions see 1 + 2 + 2 + 2 = 7 pixels, as one 7×7 convolution does with
49·C² weights instead of 27·C². Unit u spans pixels start + u·jump .. start + u·jump + size - 1.
Near the border part of that span is padding, and with dilation or strides longer than the
kernel the span has holes, so the region inside the image is found by walking the same windows
backwards from the unit, keeping the positions each window really reads.

Element-wise ops, BatchNorm, LRN and channel concatenation keep the geometry (every op is a
window: these are 1×1 ones, zero padding is a shifted 1×1 one, global pooling one window as large
as the map); where branches meet (a residual add, an inception concat) the regions are united, so
branching networks get the widest path. Upsampling, transposed convolution, reshapes of the
spatial axes and spatial broadcasting are not modelled: asking for a map behind one raises.

Empirically, by backpropagation: d(unit)/d(input) is nonzero exactly on the pixels the unit
depends on, once nothing cancels or is cut off. So for the measurement the model's weights are
temporarily replaced (and restored afterwards) by positive averaging ones (1/fan-in, biases 0,
BatchNorm's running statistics 0 and 1, eval mode) and the input is a positive geometric ramp:
every pre-activation is then positive, so ReLU passes every gradient, and no sum can cancel. Max
pooling still sends each window's gradient to one winner; on a ramp rising towards the
bottom-right the winner is the window's bottom-right cell, so that pass reaches the region's
bottom and right edges, and a second pass on the mirrored ramp reaches its top and left edges
(`_ramp` says why the ramp is geometric). The gradient of the chosen unit (summed over channels)
is taken in float64, so the tiny gradients at the far edges of a deep network's region do not
underflow to zero. A model whose own forward subtracts (x - mean) can still zero some units; the
measured region is then smaller than the analytic one and `agree` is False.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np

from ..nn import Module
from ..tensor import Tensor
from ._rf_geometry import Geometry, Graph, WindowLayer, span
from .summary import check_input_shape, evaluation_mode, recording_layer_calls

RAMP_RATIO = 0.5  # see _ramp; module-level so that a test can show why a flat ramp is not enough


@dataclass
class ReceptiveField:
    """The receptive field of one unit of a feature map, analytic and measured.

    Attributes:
        feature_map: name of the module (or op) whose output was examined.
        feature_shape: its shape (N, C, Ho, Wo).
        unit: (row, column) of the examined unit: the centre, ((Ho - 1)//2, (Wo - 1)//2).
        size: analytic receptive-field size (rows, columns), before clipping to the image.
        jump: input pixels between neighbouring units (the product of the strides).
        start: first input (row, column) seen by unit (0, 0); negative inside padding.
        region: analytic ((top, bottom), (left, right)) of the pixels `unit` reads inside the image.
        empirical_region: the same, measured as the extent of the nonzero input gradient.
        layers: the window ops crossed, in execution order, with the geometry after each.
    """

    feature_map: str
    feature_shape: tuple
    input_shape: tuple
    unit: tuple
    size: tuple
    jump: tuple
    start: tuple
    region: tuple
    empirical_region: tuple
    layers: list = field(default_factory=list)

    @property
    def clipped_size(self) -> tuple:
        """Analytic (rows, columns) of the region inside the image."""
        return tuple(hi - lo + 1 for lo, hi in self.region)

    @property
    def empirical_size(self) -> tuple:
        """Measured (rows, columns) of the region with nonzero gradient."""
        return tuple(hi - lo + 1 for lo, hi in self.empirical_region)

    @property
    def agree(self) -> bool:
        """True when both methods find the same region."""
        return self.region == self.empirical_region

    def __str__(self) -> str:
        head = ("layer", "op", "kernel", "stride", "padding", "dilation", "rf size", "jump")
        lines = [head] + [(w.name, w.op, _xy(w.kernel), _xy(w.stride), _xy(w.padding),
                           _xy(w.dilation), _xy(w.size), _xy(w.jump)) for w in self.layers]
        widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
        table = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines]
        (top, bottom), (left, right) = self.region
        (etop, ebottom), (eleft, eright) = self.empirical_region
        return "\n".join(
            [f"receptive field of unit {self.unit} of {self.feature_map} {self.feature_shape}, "
             f"input {self.input_shape}"] + table +
            [f"analytic:  {_xy(self.size)} (jump {_xy(self.jump)}, start {self.start}); "
             f"rows {top}..{bottom}, columns {left}..{right} inside the image",
             f"empirical: {_xy(self.empirical_size)}; rows {etop}..{ebottom}, "
             f"columns {eleft}..{eright} with nonzero gradient"
             + ("" if self.agree else "  (differs from the analytic region)")])


def _xy(pair) -> str:
    return f"{pair[0]}" if pair[0] == pair[1] else f"{pair[0]}x{pair[1]}"


# ------------------------------------------------------------------------------------------------
# Empirical: the nonzero gradient of one unit
# ------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _positive_weights(model):
    """Give `model` positive averaging weights in float64 for the block, then restore every
    parameter's data, gradient and requires_grad and every buffer's data."""
    saved_params = [(p, p.array, p.grad, p.requires_grad) for p in model.parameters()]
    saved_buffers = [(b, b.array) for b in model.buffers()]
    try:
        for name, p in model.named_parameters():
            if p.ndim >= 2:
                fill = 1.0 / int(np.prod(p.shape[1:]))   # each output averages its inputs
            else:
                fill = 0.0 if name.rpartition(".")[2] == "bias" else 1.0
            p.data, p.grad, p.requires_grad = np.full(p.shape, fill, dtype=np.float64), None, False
        for name, b in model.named_buffers():
            leaf = name.rpartition(".")[2]
            if leaf in ("running_mean", "running_var"):
                b.data = np.full(b.shape, 0.0 if leaf == "running_mean" else 1.0, dtype=np.float64)
            elif np.issubdtype(b.dtype, np.floating):
                b.data = b.array.astype(np.float64)
        yield
    finally:
        for p, data, grad, requires_grad in saved_params:
            p.data, p.grad, p.requires_grad = data, grad, requires_grad
        for b, data in saved_buffers:
            b.data = data


def _ramp(shape, rising: bool) -> np.ndarray:
    """Positive input in (0, 1], geometric along rows and columns: q**(i + j) falls towards the
    bottom-right, q**((H-1-i) + (W-1-j)) rises towards it.

    Geometric, not linear: a convolution of a geometric ramp is the same ramp times a constant,
    so neighbouring units differ by the factor q**jump, which outweighs the mass a unit at the
    border loses to zero padding; on a nearly flat ramp that unit loses its max-pool window
    and the region's edge pixels go unseen."""
    H, W = shape[2:]
    i, j = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    steps = (H - 1 - i) + (W - 1 - j) if rising else i + j
    return np.broadcast_to(RAMP_RATIO ** steps.astype(np.float64), shape).copy()


def _examine(model, shape, layer, rising: bool):
    """One forward on a ramp: pick the feature map, follow its geometry, and backpropagate from
    its centre unit. Returns (name, map, unit, graph, map's node, mask of input pixels with a
    nonzero gradient)."""
    x = Tensor(_ramp(shape, rising), requires_grad=True)
    with recording_layer_calls(model, leaves_only=False) as calls:
        out = model(x)
    if layer is not None:
        hits = [c for c in calls if c.name == layer]
        if not hits:
            names = [c.name for c in calls]
            raise ValueError(f"receptive_field: layer {layer!r} did not run; modules that ran: "
                             f"{', '.join(names[:30])}{' ...' if len(names) > 30 else ''}")
        target = hits[-1].output
        if not isinstance(target, Tensor) or target.ndim != 4:
            raise ValueError(f"receptive_field: layer {layer!r} does not output a (N, C, H, W) map "
                             f"(got {getattr(target, 'shape', type(target).__name__)})")
        if target.grad_fn is None:
            raise ValueError(f"receptive_field: the output of {layer!r} does not depend on the "
                             f"input")
        graph, name, node = Graph(x, target, calls), layer, target.grad_fn
    else:
        if not isinstance(out, Tensor) or out.grad_fn is None:
            raise ValueError("receptive_field: the model's output is not a tensor computed from "
                             "the input; pass layer= to name the feature map")
        graph = Graph(x, out, calls)
        maps = [n for n in graph.order if len(n.output_shape) == 4]
        if not maps:
            raise ValueError("receptive_field: the model computes no (N, C, H, W) feature map")
        followed = [n for n in maps if isinstance(graph.geometry[id(n)], Geometry)]
        node = followed[-1] if followed else maps[-1]
        name = node.scope or node.op
        produced = {id(out.grad_fn): out}
        produced.update({id(edge): p for n in graph.order for p, edge in zip(n.parents, n.edges)
                         if edge is not None})
        target = produced[id(node)]
    if not isinstance(graph.geometry[id(node)], Geometry):
        raise ValueError(f"receptive_field: cannot follow the geometry through "
                         f"{graph.geometry[id(node)]}; pass layer= to examine an earlier "
                         f"feature map")
    unit = tuple((s - 1) // 2 for s in target.shape[2:])
    seed = np.zeros(target.shape, dtype=target.dtype)
    seed[0, :, unit[0], unit[1]] = 1.0                                # every channel of the unit
    target.backward(seed)
    mask = (x.grad.array[0] != 0).any(axis=0)                          # (H, W)
    return name, target, unit, graph, node, mask


def receptive_field(model, input_shape, layer: str | None = None) -> ReceptiveField:
    """The receptive field of the centre unit of a feature map, analytic and measured.

    Args:
        model: an nn.Module taking (N, C, H, W) images.
        input_shape: (N, C, H, W); the measurement runs on one image whatever N is.
        layer: qualified name of the module whose output map to examine ('features.4',
            'layer2'); default: the last (N, C, H, W) map the forward computes whose geometry
            can be followed (the one before the network flattens; a global pooling's 1×1 map
            when it has one).

    Returns:
        a ReceptiveField with the analytic size/jump/region and the measured region.

    Raises:
        ValueError: a bad input_shape, an unknown layer, a map behind an op whose geometry is
            not modelled (upsampling, transposed convolution, spatial reshapes: the default map
            stops before them), or an op that does not declare its spatial kind at all.

    Example:
        >>> import tinygrad_cnn as tg
        >>> net = tg.nn.Sequential(*[tg.nn.Conv2d(1, 1, 3) for _ in range(3)])
        >>> rf = receptive_field(net, (1, 1, 15, 15))
        >>> rf.size, rf.empirical_size
        ((7, 7), (7, 7))
    """
    if not isinstance(model, Module):
        raise TypeError(f"receptive_field: model must be an nn.Module, got {type(model).__name__}")
    shape = check_input_shape(input_shape, "receptive_field")
    if len(shape) != 4:
        raise ValueError(f"receptive_field: input_shape must be (N, C, H, W), got {input_shape!r}")
    shape = (1,) + shape[1:]
    with evaluation_mode(model), _positive_weights(model):
        name, target, unit, graph, node, rising = _examine(model, shape, layer, rising=True)
        falling = _examine(model, shape, layer, rising=False)[-1]
    g, seen = graph.geometry[id(node)], rising | falling
    measured = (span(seen.any(axis=1)), span(seen.any(axis=0)))   # (rows, columns)
    return ReceptiveField(name, tuple(target.shape), shape, unit, g.size, g.jump, g.start,
                          graph.region(node, unit), measured, graph.windows(node))
