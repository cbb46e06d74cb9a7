"""Tracing: walk the recorded graph behind one or more tensors and describe it as plain data.

Only the public record is read: each Node's `op, parents, params, scope, output_shape`, and each
tensor's `grad_fn, grad, shape, requires_grad`. Drawing (graph.py) works from this description;
the backward table (explain.py) reads the same record through the engine's `on_node` hook and
shares the labels made here. Neither touches an op's internals.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..autograd import topological_order
from ..tensor import Tensor

# Node.op is the op's class name; drawings use the lower-case PyTorch function name instead.
_FUNCTION_NAMES = {
    "ReLU": "relu", "MatMul": "matmul", "GetItem": "getitem", "NLLLoss": "nll_loss",
    "BatchNorm": "batch_norm", "LogSoftmax": "log_softmax", "ConvTranspose2d": "conv_transpose2d",
    "MaxPool2d": "max_pool2d", "AvgPool2d": "avg_pool2d", "UpsampleNearest2d": "upsample_nearest2d",
}


def function_name(op: str) -> str:
    """'MaxPool2d' -> 'max_pool2d', 'ReLU' -> 'relu'; unknown ops: CamelCase -> snake_case."""
    if op in _FUNCTION_NAMES:
        return _FUNCTION_NAMES[op]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", op).lower()


def _pair_text(value) -> str:
    """(2, 2) -> '2', (1, 2) -> '1,2', ((1, 1), (1, 1)) -> '1' (symmetric padding collapsed)."""
    if isinstance(value, (tuple, list)):
        flat = [v for item in value for v in (item if isinstance(item, (tuple, list)) else (item,))]
        if len(set(flat)) == 1:
            return str(flat[0])
        if all(isinstance(item, (tuple, list)) and item[0] == item[1] for item in value):
            flat = [item[0] for item in value]
        return ",".join(str(v) for v in flat)
    return str(value)


def _is_one(value) -> bool:
    return _pair_text(value) == "1"


def op_label(op: str, params: dict, parent_shapes: tuple = ()) -> str:
    """The op's function name followed by its hyper-parameters, e.g. 'conv2d k5 s1 p0' or
    'max_pool2d 2×2 s2'. A convolution's kernel size is read from its weight's shape."""
    name = function_name(op)
    parts = [name]
    if name in ("conv2d", "conv_transpose2d") and len(parent_shapes) > 1:
        kh, kw = parent_shapes[1][-2:]
        parts.append(f"k{kh}" if kh == kw else f"k{kh}×{kw}")
        parts += [f"s{_pair_text(params.get('stride', 1))}", f"p{_pair_text(params.get('padding', 0))}"]
        if "dilation" in params and not _is_one(params["dilation"]):
            parts.append(f"d{_pair_text(params['dilation'])}")
        if params.get("groups", 1) != 1:
            parts.append(f"g{params['groups']}")
        if params.get("output_padding") and _pair_text(params["output_padding"]) != "0":
            parts.append(f"op{_pair_text(params['output_padding'])}")
    elif name in ("max_pool2d", "avg_pool2d"):
        kh, kw = params["kernel_size"]
        parts += [f"{kh}×{kw}", f"s{_pair_text(params['stride'])}"]
        if _pair_text(params.get("padding", 0)) != "0":
            parts.append(f"p{_pair_text(params['padding'])}")
        if "dilation" in params and not _is_one(params["dilation"]):
            parts.append(f"d{_pair_text(params['dilation'])}")
        if params.get("ceil_mode"):
            parts.append("ceil")
    elif name == "batch_norm":
        parts.append("train" if params.get("training") else "eval")
    elif name == "dropout":
        parts.append(f"p{params['p']:g}")
    elif name == "pow":
        parts.append(f"{params['exponent']:g}")
    elif name in ("log_softmax", "cat"):
        parts.append(f"dim{params['axis']}")
    elif name in ("sum", "max") and params.get("axis") is not None:
        parts.append(f"dim{_pair_text(params['axis'])}")
    elif name == "permute":
        parts.append(str(tuple(params["dims"])).replace(" ", ""))
    elif name == "upsample_nearest2d":
        parts.append(f"×{_pair_text(params['scale'])}")
    elif name == "nll_loss":
        parts.append(str(params.get("reduction", "mean")))
    return " ".join(parts)


def shape_text(shape) -> str:
    """(6, 1, 5, 5) -> '(6,1,5,5)', () -> '()'."""
    return "(" + ",".join(str(s) for s in shape) + ")"


@dataclass
class TensorInfo:
    """A leaf tensor of the graph (an input, a parameter or a constant).

    kind is 'parameter' (named through `params`, or an nn.Parameter), 'input' (any other leaf,
    with or without requires_grad) or 'constant' (a 0-d tensor not requiring grad, e.g. the 2 in
    `x * 2`). grad_norm is the L2 norm of `.grad` (None when there is no gradient)."""

    id: str
    name: str
    shape: tuple
    kind: str
    requires_grad: bool
    grad_norm: float | None = None
    scope: str = ""        # module that owns the parameter ('conv1' for 'conv1.weight')
    value: float | None = None  # the number, for constants


@dataclass
class OpInfo:
    """One recorded op. `inputs` holds the ids of the tensors/ops feeding it, in argument order."""

    id: str
    op: str
    name: str
    label: str
    scope: str
    output_shape: tuple
    inputs: list = field(default_factory=list)


@dataclass
class Trace:
    """The graph as data: ops in topological order (producers first), the leaf tensors, and the
    outputs as (producer id, shape) pairs. `module_classes` maps a scope to its module's class
    name when a model was given."""

    ops: list
    tensors: list
    outputs: list
    module_classes: dict = field(default_factory=dict)
    # id -> the Node (for an op) or the Tensor (for a leaf) it describes, for pages that show values
    objects: dict = field(default_factory=dict, repr=False, compare=False)

    def op(self, id_: str) -> OpInfo:
        return next(o for o in self.ops if o.id == id_)


def named_tensors(params) -> dict:
    """id(tensor) -> name, from a Module (named_parameters) or a name -> tensor mapping."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        items = params.named_parameters()
    elif hasattr(params, "items"):
        items = params.items()
    else:
        raise TypeError(f"params must be a Module or a dict name -> Tensor, got {type(params).__name__}")
    return {id(t): name for name, t in items}


def module_classes(params) -> dict:
    """scope -> module class name, when `params` is a model."""
    if not hasattr(params, "named_modules"):
        return {}
    return {name: type(module).__name__ for name, module in params.named_modules()}


def _as_outputs(output) -> list:
    outputs = list(output) if isinstance(output, (list, tuple)) else [output]
    for t in outputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"draw_graph/trace expects a Tensor or a list of Tensors, got {type(t).__name__}")
    return outputs


def trace(output, params=None) -> Trace:
    """Walk the graph that produced `output` (a Tensor or a list of Tensors).

    Args:
        output: the tensor(s) whose history to describe.
        params: a Module (its named_parameters name the weights) or a dict name -> Tensor.
    Returns:
        a Trace; the walk is iterative, so arbitrarily deep graphs work.
    """
    from ..nn import Parameter  # nn builds on the core; imported here to keep viz importable alone

    outputs = _as_outputs(output)
    names = named_tensors(params)
    nodes, seen = [], set()
    for t in outputs:
        if t.grad_fn is not None:
            for node in topological_order(t.grad_fn):
                if id(node) not in seen:
                    seen.add(id(node))
                    nodes.append(node)
    op_ids = {id(node): f"op{i}" for i, node in enumerate(nodes)}
    tensors: dict[int, TensorInfo] = {}
    objects = {op_ids[id(node)]: node for node in nodes}
    inputs_seen = 0

    def leaf_id(t) -> str:
        nonlocal inputs_seen
        if id(t) not in tensors:
            info = TensorInfo(f"t{len(tensors)}", names.get(id(t), ""), tuple(t.shape), "input",
                              bool(t.requires_grad))
            if id(t) in names:
                info.kind, info.scope = "parameter", info.name.rpartition(".")[0]
            elif isinstance(t, Parameter):
                info.kind, info.name = "parameter", "parameter"
            elif not t.requires_grad and len(t.shape) == 0:
                info.kind, info.value = "constant", float(t.item())
                info.name = f"{info.value:g}"
            else:
                info.name = "input" if inputs_seen == 0 else f"input{inputs_seen}"
                inputs_seen += 1
            if t.grad is not None:
                info.grad_norm = float(np.linalg.norm(np.asarray(t.grad.numpy(), dtype=np.float64)))
            tensors[id(t)] = info
            objects[info.id] = t
        return tensors[id(t)].id

    ops = []
    for node in nodes:
        shapes = tuple(tuple(p.shape) for p in node.parents)
        ins = [op_ids[id(edge)] if edge is not None else leaf_id(p)
               for p, edge in zip(node.parents, node.edges)]
        ops.append(OpInfo(op_ids[id(node)], node.op, function_name(node.op),
                          op_label(node.op, node.params, shapes), node.scope,
                          tuple(node.output_shape), ins))
    outs = [(op_ids[id(t.grad_fn)] if t.grad_fn is not None else leaf_id(t), tuple(t.shape))
            for t in outputs]
    return Trace(ops, list(tensors.values()), outs, module_classes(params), objects)
