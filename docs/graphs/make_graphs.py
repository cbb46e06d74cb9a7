"""Redraw the computation graphs shown in the documentation (the SVGs next to this file).

    python docs/graphs/make_graphs.py            # writes docs/graphs/*.svg (needs Graphviz's dot)
    python docs/graphs/make_graphs.py OUT_DIR    # somewhere else (the test suite does this)

Every picture comes from a fixed seed and a fixed input, so a rerun reproduces the files up to
the Graphviz version:

    lenet5.svg           LeNet-5 and its cross-entropy loss after one backward, tensors coloured
                         by gradient norm
    resnet_basicblock.svg  a ResNet BasicBlock that halves the size: the main path and the
                         projection shortcut meeting at the add
    resnet18_depth2.svg  ResNet-18 with every block collapsed into one node (depth=2)
    unet.svg             the small U-Net; the skip connections are the long edges into each cat
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import models  # noqa: E402
import tinygrad_cnn as tg  # noqa: E402
import tinygrad_cnn.nn.functional as F  # noqa: E402
from models.resnet import BasicBlock, conv1x1  # noqa: E402
from tinygrad_cnn import nn  # noqa: E402
from tinygrad_cnn.viz import draw_graph, render  # noqa: E402

HERE = Path(__file__).resolve().parent


def build_graphs() -> dict:
    """File stem -> graphviz.Digraph of each documented picture (no `dot` needed)."""
    graphs = {}
    tg.manual_seed(0)
    lenet = models.create("lenet5", activation="relu", pooling="max")
    loss = F.cross_entropy(lenet(tg.randn(4, 1, 32, 32)), tg.tensor([0, 1, 2, 3]))
    loss.backward()
    graphs["lenet5"] = draw_graph(loss, params=lenet, show_grads=True)

    tg.manual_seed(0)
    block = BasicBlock(16, 32, stride=2, downsample=nn.Sequential(conv1x1(16, 32, 2), nn.BatchNorm2d(32)))
    graphs["resnet_basicblock"] = draw_graph(block(tg.randn(1, 16, 16, 16)), params=block)

    tg.manual_seed(0)
    resnet = models.create("resnet18")
    graphs["resnet18_depth2"] = draw_graph(resnet(tg.randn(1, 3, 64, 64)), params=resnet, depth=2)

    tg.manual_seed(0)
    unet = models.create("unet")
    graphs["unet"] = draw_graph(unet(tg.randn(1, 1, 32, 32)), params=unet)
    return graphs


def main(out_dir=HERE) -> list:
    """Render every graph of build_graphs() to `out_dir`/<stem>.svg; returns the paths."""
    out_dir = Path(out_dir)
    paths = [render(graph, out_dir / f"{stem}.svg") for stem, graph in build_graphs().items()]
    for path in paths:
        print(f"wrote {os.path.relpath(path)}")
    return paths


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
