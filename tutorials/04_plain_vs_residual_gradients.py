"""Lesson 4: why shortcuts help — the gradient reaching each layer, plain network vs ResNet.

Two networks with exactly the same convolutions, BatchNorms and ReLUs (the ResNet-34 layout of
3, 4, 6 and 3 blocks, 8 channels wide, a 3×3 stem for small images): one is a ResNet, the other
the same stack with every shortcut removed (`plain=True`, the "plain network" of He et al. 2016).
Both see the same batch of bundled handwritten digits. After `loss.backward()` each weight's
`.grad` tells how strongly the loss pulls on that layer; its norm, layer by layer from the input
to the output, is the picture this lesson draws.

What to look for in grad_norms.png (bars on a log scale, input layer on the left). The numbers
are those of the full run on this project's machine:

  * plain, at initialisation: the norm changes by a roughly constant factor per layer, so over
    33 convolutions it spans more than an order of magnitude (52× from the largest to the
    smallest). With BatchNorm in training mode it *grows* towards the input here; without
    BatchNorm it would shrink (the classic vanishing gradient). Either way one learning rate
    cannot suit the first and the last layers at once.
  * residual, at initialisation: each block adds its input back (y = F(x) + x), so
    dL/dx = dL/dy (1 + dF/dx): every layer has a direct path to the loss, and the main-path
    convolutions stay within a narrower band (8×).
  * after 25 SGD steps the plain network's first layers get about 6× less gradient than its last ones
    (the early layers learn slowest), while the ResNet's bars are nearly flat (2×) and its loss
    is lower (1.74 against 1.99).

    python tutorials/04_plain_vs_residual_gradients.py     # about 90 s on 2 cores
    TUTORIAL_QUICK=1 python tutorials/04_plain_vs_residual_gradients.py   # seconds

Writes grad_norms.png into the current folder (needs matplotlib: pip install tinygrad-cnn[viz]).
"""
import os

import numpy as np

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from models.resnet import BasicBlock, ResNet
from tinygrad_cnn import optim
from tinygrad_cnn.train import load
from tinygrad_cnn.viz.plots import layer_grad_norms, plot_grad_norms

QUICK = os.environ.get("TUTORIAL_QUICK") == "1"  # the test suite's short run
LAYERS = [1, 1, 1, 1] if QUICK else [3, 4, 6, 3]
BATCH, STEPS = (8, 2) if QUICK else (32, 25)


def build(plain: bool) -> ResNet:
    tg.manual_seed(0)  # the same initial weights for the layers the two networks share
    return ResNet(BasicBlock, LAYERS, num_classes=10, in_channels=1, width=8, cifar_stem=True,
                  plain=plain)


def gradients(model, x, y) -> dict:
    """Layer name -> a copy of its weight gradient, for one batch."""
    model.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    return {name[:-len(".weight")]: p.grad.numpy().copy() for name, p in model.named_parameters()
            if name.endswith(".weight") and p.ndim >= 2}


def spread(grads: dict) -> str:
    """How far apart the largest and smallest gradient norms are along the main path (the
    convolutions both networks share, so the residual net's 1×1 shortcut convs are left out)."""
    main_path = {name: g for name, g in grads.items() if "downsample" not in name and name != "fc"}
    norms = np.array(list(layer_grad_norms(main_path).values()))
    return (f"{norms.max() / norms.min():6.1f}×  (first conv {norms[0]:.3g}, "
            f"last conv {norms[-1]:.3g})")


def main():
    data = load("digits", seed=0)
    images, labels = data.train.tensors
    x, y = tg.tensor(images[:BATCH]), tg.tensor(labels[:BATCH])
    nets = {"plain": build(plain=True), "residual": build(plain=False)}
    depth = sum(1 for _ in gradients(nets["plain"], x, y))
    print(f"a plain network of {depth} weight layers and the same with shortcuts; "
          f"one batch of {BATCH} digits {tuple(x.shape)}")

    panels = {}
    for name, net in nets.items():
        panels[f"{name}, at initialisation"] = gradients(net, x, y)
        print(f"{name:>8} at start: max/min layer gradient norm {spread(panels[f'{name}, at initialisation'])}")

    for name, net in nets.items():
        optimizer = optim.SGD(net.parameters(), lr=0.02, momentum=0.9)
        for step in range(STEPS):
            start = (step * BATCH) % (len(images) - BATCH)
            xb, yb = tg.tensor(images[start:start + BATCH]), tg.tensor(labels[start:start + BATCH])
            loss = F.cross_entropy(net(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        panels[f"{name}, after {STEPS} steps"] = gradients(net, x, y)
        print(f"{name:>8} after {STEPS} SGD steps: loss {loss.item():.3f}; max/min "
              f"{spread(panels[f'{name}, after {STEPS} steps'])}")

    plot_grad_norms(panels, save="grad_norms.png")
    print("wrote grad_norms.png: one panel per network and moment, input layer on the left")


if __name__ == "__main__":
    main()
