"""Lesson 3: see inside a CNN — what LeNet-5 learns, what it computes, and how backprop flows.

A trained network is not a black box: every number in it can be looked at. This lesson trains
LeNet-5 briefly on the handwritten digits bundled with tinygrad_cnn (8×8 images enlarged to
32×32) and then draws four pictures and one table:

  filters_untrained.png, filters.png
      the six 5×5 kernels of the first convolution before and after training. Random at first;
      after training, smooth strokes, edges and blobs: the local patterns worth detecting.
  feature_maps.png
      one test digit after conv1 + ReLU: each of the six maps lights up where its kernel's
      pattern occurs, which is all the next layer gets to see.
  curves.png
      loss and accuracy per epoch, training and test, from the run's metrics.csv.
  graph.svg (graph.dot without Graphviz)
      the computation graph of one batch's loss, every op labelled with its hyper-parameters,
      every weight coloured by the norm of its gradient after `loss.backward()`.
  the printed backward table
      `tg.viz.explain_backward(loss)`: the nodes in the order backward visits them, with the
      shapes they took and produced and the norm of the gradient each passes on — the table
      you would write by hand when doing backprop on paper.

    python tutorials/03_see_inside_a_cnn.py                    # 15 epochs, about 15 s on 2 cores
    TUTORIAL_QUICK=1 python tutorials/03_see_inside_a_cnn.py   # seconds

The pictures go into the current folder (they need matplotlib: pip install tinygrad-cnn[viz]);
the training run's metrics.csv and checkpoint go into ./lesson03_run/.
"""
import os

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from models.lenet import LeNet5
from tinygrad_cnn import optim
from tinygrad_cnn.train import fit, load
from tinygrad_cnn.viz import dot_available, draw_graph, explain_backward, render
from tinygrad_cnn.viz.plots import (plot_feature_maps, plot_filters, plot_training_curves)

QUICK = os.environ.get("TUTORIAL_QUICK") == "1"  # the test suite's short run
EPOCHS, LIMIT = (2, 192) if QUICK else (15, None)


def main():
    tg.manual_seed(0)
    data = load("digits", seed=0, limit=LIMIT)
    print(f"{len(data.train)} training and {len(data.test)} test digits of shape {data.image_shape}")
    model = LeNet5(activation="relu", pooling="max")
    untrained = model.conv1.weight.detach().numpy().copy()  # drawn after training, on the same scale

    # 1. Train, keeping the per-epoch numbers in lesson03_run/metrics.csv.
    history = fit(model, optim.SGD(model.parameters(), lr=0.01, momentum=0.9), data.train,
                  data.test, epochs=EPOCHS, batch_size=64, seed=0, out_dir="lesson03_run",
                  overwrite=True,  # a re-run of the lesson replaces its own earlier run
                  show_progress=False)
    print(f"test accuracy after {EPOCHS} epochs: {history.last['test_acc']:.1%}")

    # 2. What it learned and what it computes.
    scale = float(max(abs(untrained).max(), abs(model.conv1.weight.detach().numpy()).max()))
    plot_filters(untrained, save="filters_untrained.png", vmax=scale)  # one colour scale for both,
    plot_filters(model, save="filters.png", vmax=scale)                # so the change is visible
    image, label = data.test[0]
    plot_feature_maps(model, image, "act1", save="feature_maps.png")
    plot_training_curves("lesson03_run/metrics.csv", save="curves.png")
    print(f"wrote filters_untrained.png, filters.png, feature_maps.png (a test digit {int(label)}) "
          f"and curves.png")

    # 3. Backprop on one batch, as a table and as a picture.
    images, labels = data.test.tensors
    x, y = tg.tensor(images[:8]), tg.tensor(labels[:8])
    model.zero_grad()
    loss = F.cross_entropy(model(x), y)
    table = explain_backward(loss, params=model)  # runs loss.backward() and records each step
    print("\nthe backward pass of one batch, step by step:\n")
    print(table)
    graph = draw_graph(loss, params=model, show_grads=True)
    if dot_available():
        render(graph, "graph.svg")
        print("\nwrote graph.svg: the computation, weights coloured by gradient norm")
    else:
        with open("graph.dot", "w") as f:
            f.write(graph.source)
        print("\nwrote graph.dot (install Graphviz to draw it: `dot -Tsvg graph.dot -o graph.svg`)")


if __name__ == "__main__":
    main()
