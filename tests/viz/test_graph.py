"""draw_graph on the DOT source (no Graphviz program needed): labels, names, colours, module
boxes, depth collapsing, gradients, and tracing kept apart from drawing."""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import models
import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from models.lenet import LeNet5
from models.resnet import BasicBlock, resnet18
from tinygrad_cnn import nn
from tinygrad_cnn.viz import COLORS, draw_graph, trace
from tinygrad_cnn.viz.graph import grad_color, grad_position, grad_scale, graph_from_trace

ROOT = Path(__file__).resolve().parents[2]


class Dot:
    """The parts of draw_graph's DOT source the tests look at: nodes (id -> label, attributes,
    enclosing box names, innermost first), edges, and box labels."""

    NODE = re.compile(r'^\s*(\w+) \[label=("(?:[^"\\]|\\.)*"|<<.*>>|\w+)(.*)\]$')
    EDGE = re.compile(r"^\s*(\w+) -> (\w+)")

    def __init__(self, source: str):
        self.nodes, self.edges, self.boxes = {}, [], {}
        stack = []
        for line in source.splitlines():
            if m := re.match(r"^\s*subgraph (\w+) \{", line):
                stack.append(m.group(1))
            elif line.strip() == "}":
                if stack:
                    stack.pop()
            elif m := self.EDGE.match(line):
                self.edges.append((m.group(1), m.group(2)))
            elif m := self.NODE.match(line):
                label = m.group(2).strip('"').replace("\\n", "\n")
                attrs = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', m.group(3)))
                self.nodes[m.group(1)] = (label, {k: v.strip('"') for k, v in attrs.items()},
                                          tuple(reversed(stack)))
            elif stack and (m := re.match(r'^\s*color=.*label=("[^"]*"|\S+)', line)):
                self.boxes[stack[-1]] = m.group(1).strip('"')

    def ids(self, label_start: str) -> list:
        return [i for i, (label, _, _) in self.nodes.items() if label.startswith(label_start)]

    def label(self, node_id: str) -> str:
        return self.nodes[node_id][0]

    def box_of(self, node_id: str) -> str:
        """Label of the innermost box around a node ('' at the top level)."""
        boxes = self.nodes[node_id][2]
        return self.boxes[boxes[0]] if boxes else ""

    def in_box(self, box_label: str) -> list:
        """Labels of every node inside the box (at any depth)."""
        name = next(n for n, lab in self.boxes.items() if lab == box_label)
        return [label for label, _, boxes in self.nodes.values() if name in boxes]

    def parents(self, node_id: str) -> list:
        return [a for a, b in self.edges if b == node_id]


def lenet_graph(**kwargs):
    tg.manual_seed(0)
    model = LeNet5(activation="relu", pooling="max")
    x = tg.randn(1, 1, 32, 32)
    return model, x, draw_graph(model(x), params=model, **kwargs)


def test_lenet5_ops_are_named_by_op_and_hyperparameters():
    _, _, g = lenet_graph()
    dot = Dot(g.source)
    ops = [label.split("\n")[0] for label, attrs, _ in dot.nodes.values()
           if attrs.get("fillcolor") == COLORS["op"] and "style" in attrs and "rounded" in attrs["style"]]
    assert ops == ["conv2d k5 s1 p0", "relu", "max_pool2d 2×2 s2", "conv2d k5 s1 p0", "relu",
                   "max_pool2d 2×2 s2", "conv2d k5 s1 p0", "relu", "reshape", "linear", "relu",
                   "linear"]
    # LeNet's modules each run one op: no box, the module's name is written on the op instead.
    assert dot.label(dot.ids("conv2d")[0]) == "conv2d k5 s1 p0\n(1,6,28,28)\nconv1"
    assert [dot.label(i).split("\n")[-1] for i in dot.ids("relu")] == ["act1", "act2", "act3", "act4"]
    assert dot.boxes == {}


def test_a_one_op_module_inside_a_box_is_named_relative_to_it():
    tg.manual_seed(0)
    net = resnet18()
    net.eval()
    dot = Dot(draw_graph(net(tg.randn(1, 3, 32, 32)), params=net).source)
    relus = [i for i in dot.ids("relu") if dot.box_of(i) == "layer1.1 · BasicBlock"]
    assert sorted(dot.label(i).split("\n")[-1] for i in relus) == ["relu", "relu"]
    (bn,) = [i for i in dot.ids("batch_norm") if dot.box_of(i) == "" and "layer" not in dot.label(i)]
    assert dot.label(bn).endswith("\nbn1")


def test_a_constant_is_not_coloured_as_an_input_and_the_legend_says_so():
    x = tg.randn(2, 3, requires_grad=True)
    dot = Dot(draw_graph(x.mean()).source)
    (divisor,) = [i for i, (label, _, _) in dot.nodes.items() if label in ("6", "0.166667")]
    assert dot.nodes[divisor][1]["fillcolor"] == COLORS["constant"] != COLORS["input"]
    assert f'BGCOLOR="{COLORS["constant"]}"><FONT COLOR="black">constant<' in dot.label("legend")


def test_a_gradient_drawing_says_what_loss_the_gradients_are_of():
    model, x, _ = lenet_graph()
    y = model(x)
    F.cross_entropy(y, tg.tensor([3])).backward()
    named = draw_graph(y, params=model, show_grads=True, grads_of="L = cross_entropy(output, 3)")
    assert 'label="LeNet5\\n‖grad‖: gradient norms of L = cross_entropy(output, 3)"' in named.source
    model.zero_grad()
    loss = F.cross_entropy(model(x), tg.tensor([3]))
    loss.backward()
    assert "gradient norms of L = the output drawn (nll_loss mean)" in draw_graph(
        loss, params=model, show_grads=True).source


def test_lenet5_tensors_are_named_by_module_path_and_shape_and_feed_their_op():
    _, _, g = lenet_graph()
    dot = Dot(g.source)
    expected = {"conv1.weight (6,1,5,5)", "conv1.bias (6)", "conv2.weight (16,6,5,5)",
                "conv3.weight (120,16,5,5)", "fc1.weight (84,120)", "fc2.bias (10)"}
    labels = {label for label, _, _ in dot.nodes.values()}
    assert expected <= labels
    (w,) = dot.ids("conv1.weight")
    (conv1,) = [b for a, b in dot.edges if a == w]
    assert dot.label(conv1).startswith("conv2d k5") and dot.ids("input (1,1,32,32)")[0] in dot.parents(conv1)
    assert dot.nodes[w][1]["fillcolor"] == COLORS["parameter"]
    assert dot.nodes[dot.ids("input")[0]][1]["fillcolor"] == COLORS["input"]


def test_the_output_is_highlighted_and_fed_by_the_last_op():
    _, _, g = lenet_graph()
    dot = Dot(g.source)
    label, attrs, _ = dot.nodes["output"]
    assert label == "output (1,10)" and attrs["fillcolor"] == COLORS["output"] and attrs["penwidth"] == "2"
    assert [dot.label(p).split("\n")[0] for p in dot.parents("output")] == ["linear"]


def test_names_can_come_from_a_dict_of_tensors():
    tg.manual_seed(0)
    x = tg.randn(2, 3, 8, 8)
    w = tg.randn(4, 3, 3, 3, requires_grad=True)
    y = F.max_pool2d(F.relu(F.conv2d(x, w, stride=1, padding=1)), 2)
    dot = Dot(draw_graph(y, params={"stem.kernel": w}).source)
    assert dot.ids("stem.kernel (4,3,3,3)") and dot.ids("conv2d k3 s1 p1") and dot.ids("max_pool2d 2×2 s2")
    assert dot.label("output") == "output (2,4,4,4)"


def test_one_documented_legend_holds_every_colour():
    _, _, g = lenet_graph()
    legend = Dot(g.source).label("legend")
    for kind in ("parameter", "input", "op", "output"):
        assert f'BGCOLOR="{COLORS[kind]}"><FONT COLOR="black">{kind}<' in legend
    doc = draw_graph.__doc__.split("Colour legend:")[1].split("Returns:")[0]
    for kind in COLORS:
        assert kind in doc
    assert COLORS["module"] not in legend  # only drawn when depth collapses modules


def test_show_grads_writes_each_gradient_norm_and_colours_by_it():
    tg.manual_seed(0)
    model = LeNet5(activation="relu", pooling="max")
    loss = F.cross_entropy(model(tg.randn(2, 1, 32, 32)), tg.tensor([3, 1]))
    before = Dot(draw_graph(loss, params=model, show_grads=True).source)
    assert "‖grad‖ none" in before.label(before.ids("conv1.weight")[0])
    loss.backward()
    dot = Dot(draw_graph(loss, params=model, show_grads=True).source)
    norms = {name: float(np.linalg.norm(p.grad.detach().numpy().astype(np.float64)))
             for name, p in model.named_parameters()}
    scale = grad_scale(norms.values())
    colours = set()
    for name, norm in norms.items():
        (node,) = dot.ids(name + " ")
        assert dot.label(node).endswith(f"‖grad‖ {norm:.2e}")
        assert dot.nodes[node][1]["fillcolor"] == grad_color(grad_position(norm, scale))
        colours.add(dot.nodes[node][1]["fillcolor"])
    assert len(colours) > 3
    assert "gradient" in dot.label("legend") and "‖grad‖ 1e" in dot.label("legend")
    assert "‖grad‖" not in dot.label(dot.ids("input")[0])  # the image does not require grad


def test_grad_colours_run_from_dark_to_bright_on_a_log_scale():
    assert grad_scale([0.003, 0.2]) == (-3, 0)
    assert grad_position(1e-3, (-3, 0)) == 0 and grad_position(1.0, (-3, 0)) == 1
    assert grad_color(0) == "#440154" and grad_color(1) == "#fde725"
    assert grad_color(grad_position(0.03, (-3, 0))) not in ("#440154", "#fde725")


def test_a_basic_block_inside_resnet18_is_one_box_with_its_convs_bns_relus_and_the_add():
    tg.manual_seed(0)
    model = resnet18()
    dot = Dot(draw_graph(model(tg.randn(1, 3, 64, 64)), params=model).source)
    inside = sorted(label.split("\n")[0] for label in dot.in_box("layer1.1 · BasicBlock")
                    if "(" not in label.split("\n")[0])
    assert inside == ["add", "batch_norm train", "batch_norm train", "conv2d k3 s1 p1",
                      "conv2d k3 s1 p1", "relu", "relu"]
    assert "layer1.1.conv1.weight (64,64,3,3)" in dot.in_box("layer1.1 · BasicBlock")
    # The add sums bn2 (inside) and the block's input (the shortcut, from the block before).
    add = next(i for i in dot.ids("add") if dot.box_of(i) == "layer1.1 · BasicBlock")
    sources = sorted(dot.box_of(p) for p in dot.parents(add))
    assert sources == ["layer1.0 · BasicBlock", "layer1.1 · BasicBlock"]
    # A projection shortcut is a box of its own inside the block, inside the stage.
    assert dot.nodes[dot.ids("layer2.0.downsample.0.weight")[0]][2][:3] == (
        "cluster_layer2_0_downsample", "cluster_layer2_0", "cluster_layer2")
    assert dot.boxes["cluster_layer2_0_downsample"] == "layer2.0.downsample · Sequential"


def test_a_basic_block_drawn_alone_shows_the_shortcut_and_does_not_box_its_reused_relu():
    tg.manual_seed(0)
    block = BasicBlock(8, 8)
    dot = Dot(draw_graph(block(tg.randn(2, 8, 6, 6)), params=block).source)
    assert 'label=BasicBlock' in draw_graph(block(tg.randn(2, 8, 6, 6)), params=block).source
    kinds = sorted(label.split("\n")[0] for label, attrs, _ in dot.nodes.values()
                   if attrs.get("fillcolor") == COLORS["op"])
    assert kinds == ["add", "batch_norm train", "batch_norm train", "conv2d k3 s1 p1",
                     "conv2d k3 s1 p1", "relu", "relu"]
    (add,) = dot.ids("add")
    assert dot.ids("input (2,8,6,6)")[0] in dot.parents(add)
    # self.relu runs twice, before conv2 and after the add: one box around both would swallow
    # the block's whole middle, so a reused one-op module gets no box at all.
    assert dot.boxes == {}


def test_a_module_called_twice_gets_one_box_per_call():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = nn.Sequential(nn.Linear(4, 4), nn.ReLU())

        def forward(self, x):
            return self.block(self.block(x) * 2)

    model = Twice()
    y = model(tg.randn(3, 4))
    dot = Dot(draw_graph(y, params=model).source)
    assert sorted(dot.boxes.values()) == ["block · Sequential · call 1", "block · Sequential · call 2"]
    for box in dot.boxes.values():
        assert sorted(label.split("\n")[0] for label in dot.in_box(box)) == ["linear", "relu"]
    # The shared weight is used by both calls, so it sits outside both boxes.
    assert dot.box_of(dot.ids("block.0.weight")[0]) == ""
    collapsed = Dot(draw_graph(y, params=model, depth=1).source)
    calls = collapsed.ids("block: Sequential")
    assert [collapsed.label(c).split("\n")[0] for c in calls] == [
        "block: Sequential · call 1", "block: Sequential · call 2"]
    (mul,) = collapsed.ids("mul")
    assert collapsed.parents(mul)[0] == calls[0] and mul in collapsed.parents(calls[1])
    assert calls[1] not in collapsed.parents(calls[0])  # no cycle: each call is its own node
    (weight,) = collapsed.ids("block.0.weight")  # shared, so drawn once, feeding both calls
    assert [b for a, b in collapsed.edges if a == weight] == calls


def test_resnet18_at_depth_2_collapses_each_block_into_one_node_with_class_and_shape():
    tg.manual_seed(0)
    model = resnet18()
    dot = Dot(draw_graph(model(tg.randn(1, 3, 64, 64)), params=model, depth=2).source)
    blocks = dot.ids("layer")
    assert [dot.label(b) for b in blocks] == [
        "layer1.0: BasicBlock\n(1,64,16,16)", "layer1.1: BasicBlock\n(1,64,16,16)",
        "layer2.0: BasicBlock\n(1,128,8,8)", "layer2.1: BasicBlock\n(1,128,8,8)",
        "layer3.0: BasicBlock\n(1,256,4,4)", "layer3.1: BasicBlock\n(1,256,4,4)",
        "layer4.0: BasicBlock\n(1,512,2,2)", "layer4.1: BasicBlock\n(1,512,2,2)"]
    assert all(dot.nodes[b][1]["fillcolor"] == COLORS["module"] for b in blocks)
    assert [(a, b) for a, b in dot.edges if a in blocks and b in blocks] == list(zip(blocks, blocks[1:]))
    assert dot.box_of(blocks[2]) == "layer2 · Sequential"
    # Inside the blocks nothing is left: only the stem's conv and the blocks' own weights vanish.
    assert [dot.label(c).split("\n")[0] for c in dot.ids("conv2d")] == ["conv2d k7 s2 p3"]
    assert not dot.ids("layer1.0.conv1.weight") and dot.ids("conv1.weight (64,3,7,7)")
    assert f'BGCOLOR="{COLORS["module"]}"' in dot.label("legend")


def test_unet_skip_connections_are_long_edges_into_the_concat():
    tg.manual_seed(0)
    model = models.create("unet")
    dot = Dot(draw_graph(model(tg.randn(1, 1, 16, 16)), params=model).source)
    cats = dot.ids("cat dim1")
    assert len(cats) == model.levels - 1
    skip_boxes = []
    for k, cat in enumerate(cats):
        assert dot.box_of(cat) == f"up.{k} · Up"
        sources = [dot.label(p).split("\n")[0] for p in dot.parents(cat)]
        assert sorted(sources) == ["conv_transpose2d k2 s2 p0", "relu"]
        (relu,) = [p for p in dot.parents(cat) if dot.label(p).startswith("relu")]
        skip_boxes.append(dot.box_of(relu))
    # The deepest up level takes the deepest skip: the U's rungs, drawn as edges into the cats.
    assert skip_boxes == ["down.1.conv · DoubleConv", "down.0.conv · DoubleConv", "stem · DoubleConv"]
    assert dot.label("output") == "output (1,2,16,16)"


def test_options_shapes_boxes_direction_and_bad_values():
    tg.manual_seed(0)
    model = resnet18(width=8)
    y = model(tg.randn(1, 3, 64, 64))
    plain = draw_graph(y, params=model, show_shapes=False, group_modules=False, rankdir="LR",
                       legend=False).source
    assert "subgraph" not in plain and "(8,3,7,7)" not in plain and "rankdir=LR" in plain
    assert "conv1.weight" in plain and "legend" not in plain
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="depth"):
            draw_graph(y, depth=bad)
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(y, rankdir="XY")
    with pytest.raises(TypeError):
        draw_graph(y.detach().numpy())


def test_tracing_reads_only_the_public_node_record_and_drawing_only_the_trace():
    model, x, g = lenet_graph()
    y = model(x)
    tr = trace(y, model)
    assert graph_from_trace(tr).source == draw_graph(y, params=model).source
    # Hide everything but the public fields: the drawing must not change.
    stack = [y.grad_fn]
    while stack:
        node = stack.pop()
        node.ctx, node.function = None, None
        stack += [p.grad_fn for p in node.parents if p.grad_fn is not None]
    assert draw_graph(y, params=model).source == g.source


def test_the_dot_source_is_the_same_in_every_process():
    script = ("import tinygrad_cnn as tg; from models.resnet import resnet18; m = resnet18(width=8); "
              "tg.manual_seed(0); print(tg.viz.draw_graph(m(tg.randn(1, 3, 64, 64)), params=m).source)")
    sources = [subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                              env=dict(os.environ, PYTHONHASHSEED=seed), check=True).stdout
               for seed in ("1", "2")]
    assert sources[0] == sources[1] and "layer4.1 · BasicBlock" in sources[0]
