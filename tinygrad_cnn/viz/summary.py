"""A model's size, layer by layer: parameters, operations and activation volume, counted the way
the course notes (seed 003) count them in their MNIST, LeNet-5, AlexNet and VGG-16 tables.

One row per call of a *leaf* module (a module without children: Conv2d, ReLU, Linear, ...), in
the order the forward pass runs them. Operations done directly in a `forward` outside any leaf
module (a residual `out + identity`, an `F.relu(x)`) have no row.

Counting rules, per example (the batch dimension is left out of volumes and operations):

    kind                                operations                          new memory
    Conv2d                              parameters × output positions       output volume
    ConvTranspose2d                     weight × input positions
                                        + bias × output positions           output volume
    Linear                              parameters × output positions       output volume
                                        (1 position for a flat input)
    MaxPool2d, AvgPool2d, Adaptive…     input volume                        output volume
    BatchNorm, LocalResponseNorm        output volume                       output volume
    ReLU, Sigmoid, Tanh                 output volume                       none (in place)
    Softmax, LogSoftmax, Upsample       output volume                       output volume
    Dropout(2d), (Un)Flatten, Identity  0                                   none
    any other leaf module               output volume                       output volume

The notes give the first four rules (conv(5, 32) on 28×28×1: 832 parameters × 24·24 positions =
479,232 operations; pool(2): the input volume; norm: the output volume). They list no row for the
ReLU that follows each conv; the softmax rows of their later tables count one operation per
output value, and that rule is used here for every activation. The notes' memory estimate (VGG-16:
"only forward! ~*2 for bwd") adds the input and each layer's output, with ReLU done in place as
Caffe does it; Dropout (the identity at inference), Flatten (a view) and Identity add nothing.

A window that does not tile its padded input (the notes' "(7 - 3)/3 + 1 = 2.33") is flagged with
a '*' and explained under the table: some rows/columns of the input are never read (or, with
ceil_mode, the last window hangs over the edge).
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np

from .. import nn
from ..autograd import no_grad
from ..nn.arguments import int_or_pair
from ..nn.window_args import conv_padding
from ..tensor import Tensor

BYTES_PER_VALUE = 4  # float32, as the notes' "24M * 4 bytes" estimate


@dataclass
class LayerCall:
    """One call of a leaf module seen during a forward pass: its qualified name, the module, and
    the tensors that went in and came out (kept, so that graph walks can start from them)."""

    name: str
    module: object
    inputs: tuple
    output: object


@contextlib.contextmanager
def recording_layer_calls(model, leaves_only: bool = True, record=LayerCall):
    """Record every call of `model`'s leaf modules (or, with leaves_only=False, of every module
    below the model: containers and blocks too) while the block runs.

    Each recorded module gets a forward hook (Module.register_forward_hook, as in PyTorch), and
    every hook is removed on exit, also when the forward raises. Yields the list that receives,
    per call, `record(name, module, args, output)`: a LayerCall by default, or something smaller
    (shapes only) so that the activations can be freed as the forward goes. A module calls its
    hooks as its forward returns, so a block is recorded after the layers inside it.

    Example:
        >>> import tinygrad_cnn as tg
        >>> net = tg.nn.Sequential(tg.nn.Conv2d(1, 2, 3), tg.nn.ReLU())
        >>> with recording_layer_calls(net) as calls:
        ...     _ = net(tg.zeros(1, 1, 5, 5))
        >>> [(c.name, tuple(c.output.shape)) for c in calls]
        [('0', (1, 2, 3, 3)), ('1', (1, 2, 3, 3))]
    """
    calls: list = []
    with contextlib.ExitStack() as handles:
        seen = set()
        for name, module in model.named_modules():
            is_leaf = not any(True for _ in module.children())
            wanted = is_leaf if leaves_only else bool(name)   # the root's own call is the output
            if id(module) in seen or not wanted:
                continue
            seen.add(id(module))

            def hook(module, args, output, _name=name):
                calls.append(record(_name, module, args, output))

            handles.enter_context(module.register_forward_hook(hook))
        yield calls


@contextlib.contextmanager
def evaluation_mode(model):
    """Put `model` in eval mode for the block (BatchNorm uses its running statistics, Dropout is
    the identity), then give every module back its own training flag."""
    flags = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for module, flag in flags:
            module.training = flag


def check_input_shape(input_shape, fn: str = "summary") -> tuple[int, ...]:
    """Validate the `input_shape` argument: a tuple or list of at least two positive ints, the
    first being the batch size. Returns it as a tuple of Python ints."""
    ok = isinstance(input_shape, (tuple, list)) and len(input_shape) >= 2 and all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 1
        for s in input_shape)
    if not ok:
        raise ValueError(f"{fn}: input_shape must be a tuple of at least two positive ints, batch "
                         f"size first, e.g. (1, 1, 28, 28); got {input_shape!r}")
    return tuple(int(s) for s in input_shape)


def _tiling_note(module, input_shape) -> str:
    """'' when the windows of a conv/pool layer cover its padded input exactly; otherwise the
    notes' formula with its fractional result and what happens to the remainder."""
    if not isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)) or len(input_shape) != 4:
        return ""
    kernel = int_or_pair(type(module).__name__, "kernel_size", module.kernel_size)
    stride = int_or_pair(type(module).__name__, "stride",
                         module.stride if module.stride is not None else module.kernel_size)
    dilation = int_or_pair(type(module).__name__, "dilation", getattr(module, "dilation", 1))
    sides = conv_padding(type(module).__name__, module.padding, kernel, dilation, stride)
    pads = [before + after for before, after in sides]  # a pool's padding reads as a conv's
    parts = {}
    for axis, size, k, s, p, d in zip("HW", input_shape[2:], kernel, stride, pads, dilation):
        extent = d * (k - 1) + 1                      # the dilated window's span
        if (size + p - extent) % s:
            parts[axis] = f"({size} + {p} - {extent})/{s} + 1 = {(size + p - extent) / s + 1:.2f}"
    if not parts:
        return ""
    if len(set(parts.values())) == 1:
        parts = {" and ".join(parts): next(iter(parts.values()))}
    if getattr(module, "ceil_mode", False):
        effect = "the last window hangs over the edge (ceil_mode)"
    else:
        effect = "the last rows/columns of the input are never read"
    return "; ".join(f"{axis}: {text}" for axis, text in parts.items()) + f" - {effect}"


def _volume(shape) -> int:
    """Values per example: the product of every axis after the batch axis."""
    return int(np.prod(shape[1:], dtype=np.int64)) if len(shape) > 1 else 1


def _shape_of(value) -> tuple:
    if isinstance(value, Tensor):
        return tuple(value.shape)
    if isinstance(value, (tuple, list)) and value and isinstance(value[0], Tensor):
        return tuple(value[0].shape)
    return ()


def _count(module, in_shape, out_shape, parameters) -> tuple[int, bool]:
    """(operations per example, whether the output takes new memory) by the module docstring's
    rules."""
    out_volume, in_volume = _volume(out_shape), _volume(in_shape)
    if isinstance(module, nn.ConvTranspose2d):
        bias = module.bias.numel() if module.bias is not None else 0
        positions_in, positions_out = _volume(in_shape) // in_shape[1], out_volume // out_shape[1]
        return module.weight.numel() * positions_in + bias * positions_out, True
    if isinstance(module, nn.Conv2d):
        return parameters * (out_volume // out_shape[1]), True
    if isinstance(module, nn.Linear):
        return parameters * (out_volume // out_shape[-1]), True
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        return in_volume, True
    if isinstance(module, (nn.ReLU, nn.Sigmoid, nn.Tanh)):
        return out_volume, False
    if isinstance(module, (nn.Dropout, nn.Dropout2d, nn.Flatten, nn.Unflatten, nn.Identity)):
        return 0, False
    return out_volume, True


@dataclass
class LayerRow:
    """One call of a leaf module.

    Attributes:
        name: qualified module name ('features.0'); the class name for a model that is itself
            a leaf.
        kind: the module's class name ('Conv2d').
        input_shape, output_shape: full shapes, batch axis included.
        volume: output values per example (the notes' "volume", e.g. 24×24×32 = 18,432).
        parameters: parameters of the module (each call of a shared module shows them again).
        operations: operations per example, by the rules in the module docstring.
        stored: whether the output counts toward activation memory (False for in-place ReLU,
            Dropout, Flatten, Identity).
        note: why the windows do not tile the input, or '' when they do.
    """

    name: str
    kind: str
    input_shape: tuple
    output_shape: tuple
    volume: int
    parameters: int
    operations: int
    stored: bool = True
    note: str = ""

    @property
    def tiles(self) -> bool:
        """False when the layer's windows leave part of the input unread (or overhang it)."""
        return not self.note


@dataclass
class Summary:
    """The table returned by `summary`; `print(summary)` shows it aligned, with totals.

    Attributes:
        model: the model's class name.
        input_shape: the shape that was run, batch axis first.
        rows: one LayerRow per leaf-module call, in execution order.
        parameters: every parameter of the model, each shared tensor counted once.
        trainable_parameters: those with requires_grad.
    """

    model: str
    input_shape: tuple
    rows: list = field(default_factory=list)
    parameters: int = 0
    trainable_parameters: int = 0

    @property
    def input_volume(self) -> int:
        return _volume(self.input_shape)

    @property
    def operations(self) -> int:
        """Operations per example, summed over the rows."""
        return sum(r.operations for r in self.rows)

    @property
    def activations(self) -> int:
        """Values held per example in a forward pass: the input plus every stored output."""
        return self.input_volume + sum(r.volume for r in self.rows if r.stored)

    @property
    def forward_bytes(self) -> int:
        """Activation memory per example for a forward pass, in float32."""
        return self.activations * BYTES_PER_VALUE

    @property
    def training_bytes(self) -> int:
        """Forward plus backward: the notes' estimate of twice the forward memory."""
        return 2 * self.forward_bytes

    @property
    def parameter_bytes(self) -> int:
        return self.parameters * BYTES_PER_VALUE

    def row(self, name: str) -> LayerRow:
        """The first row of the module called `name` (KeyError if it never ran)."""
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"no layer named {name!r}; layers: {', '.join(r.name for r in self.rows)}")

    def __str__(self) -> str:
        header = ("layer", "kind", "output shape", "volume", "parameters", "operations")
        lines = [("input", "", str(self.input_shape), f"{self.input_volume:,}", "0", "0")]
        for r in self.rows:
            lines.append((r.name, r.kind, str(r.output_shape) + ("" if r.tiles else "*"),
                          f"{r.volume:,}", f"{r.parameters:,}", f"{r.operations:,}"))
        total = ("total", "", "", "", f"{self.parameters:,}", f"{self.operations:,}")
        widths = [max(len(line[i]) for line in [header, total] + lines) for i in range(6)]

        def fmt(cells):
            left = [c.ljust(w) for c, w in zip(cells[:3], widths)]
            right = [c.rjust(w) for c, w in zip(cells[3:], widths[3:])]
            return "  ".join(left + right).rstrip()

        rule = "  ".join("-" * w for w in widths)
        out = [f"{self.model}: input {self.input_shape}; volumes and operations per example",
               fmt(header), rule] + [fmt(line) for line in lines] + [rule, fmt(total), ""]
        out.append(f"activations: {self.activations:,} values x {BYTES_PER_VALUE} bytes = "
                   f"{_megabytes(self.forward_bytes)} forward, ~{_megabytes(self.training_bytes)} "
                   f"forward + backward (per example; ReLU in place)")
        out.append(f"parameters: {self.parameters:,} x {BYTES_PER_VALUE} bytes = "
                   f"{_megabytes(self.parameter_bytes)}"
                   + ("" if self.trainable_parameters == self.parameters
                      else f" ({self.trainable_parameters:,} trainable)"))
        notes = [r for r in self.rows if not r.tiles]
        if notes:
            out.append("* windows do not tile the input:")
            out += [f"  {r.name}: {r.note}" for r in notes]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        """In a notebook: the same aligned table (a <pre>, so the columns stay aligned)."""
        text = str(self).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"<pre>{text}</pre>"


def _megabytes(n: int) -> str:
    """Decimal units, as the notes' "93MB": 0.62 MB, 553.43 MB, 1.20 GB; small sizes in kB/bytes."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:,.2f} {unit}"
    return f"{n} bytes"


def summary(model, input_shape) -> Summary:
    """Run one forward pass of `model` on zeros of `input_shape` and tabulate its layers.

    The pass runs under no_grad and in eval mode (each module's training flag is restored
    afterwards); zeros keep the global random stream untouched.

    Args:
        model: an nn.Module.
        input_shape: the full input shape, batch size first: (1, 1, 28, 28) for one MNIST digit.
            Volumes and operations are reported per example whatever the batch size.

    Returns:
        a Summary: `rows` (LayerRow per leaf-module call) and totals; print it for the table.

    Raises:
        TypeError: `model` is not a Module.
        ValueError: `input_shape` is not a tuple of at least two positive ints.

    Example:
        >>> import models
        >>> s = summary(models.create("seed_net_mnist"), (1, 1, 28, 28))
        >>> s.row("conv1").parameters, s.row("conv1").operations, s.row("conv1").volume
        (832, 479232, 18432)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"summary: model must be an nn.Module, got {type(model).__name__}")
    input_shape = check_input_shape(input_shape)
    params = list(model.parameters())
    dtype = next((p.dtype for p in params if np.issubdtype(p.dtype, np.floating)), np.float32)
    x = Tensor(np.zeros(input_shape, dtype=dtype))

    def shapes(name, module, args, out):
        return name, module, _shape_of(args[0]) if args else (), _shape_of(out)

    with no_grad(), evaluation_mode(model), recording_layer_calls(model, record=shapes) as calls:
        model(x)
    rows = []
    for name, module, in_shape, out_shape in calls:
        n_params = sum(p.numel() for p in module.parameters())
        operations, stored = _count(module, in_shape, out_shape, n_params)
        rows.append(LayerRow(name or type(module).__name__, type(module).__name__, in_shape,
                             out_shape, _volume(out_shape), n_params, int(operations), stored,
                             _tiling_note(module, in_shape)))
    return Summary(type(model).__name__, input_shape, rows,
                   parameters=sum(p.numel() for p in params),
                   trainable_parameters=sum(p.numel() for p in params if p.requires_grad))
