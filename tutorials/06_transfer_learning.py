"""Lesson 6: transfer learning — reuse a network trained on one task for a task with few examples.

The course notes end on model zoos: someone trains a network on a large data set; you keep its
convolutional layers, which have learned to detect strokes, edges and their combinations, put a
new classifier ("head") on top and train on your small data set. This lesson measures when that
pays off. The source task is to tell the handwritten digits 0-4 apart (about 720 training images,
bundled with tinygrad_cnn); the target task is the digits 5-9, of which we pretend to have only
a few labelled images per class. Three ways to train LeNet-5 on the target set are compared:

  scratch    a freshly initialised network, every weight trained (lr 0.05)
  frozen     the pretrained network with `requires_grad_(False)`, a new last layer `fc2`, and an
             optimizer over the head's parameters only: a linear classifier on fixed features
  finetune   the pretrained network with a new head, every weight trained with a 5× smaller
             learning rate (lr 0.01), so the features adapt without being overwritten

for a few target-set sizes (images per class), each over several seeds (the average and the
spread are printed). Every run takes the same number of SGD steps, so small sets are not
short-changed. The idioms are PyTorch's, line for line:

    model.requires_grad_(False)              # freeze everything ...
    model.fc2 = nn.Linear(84, 5)             # ... a new head is trainable again
    optimizer = optim.SGD(model.fc2.parameters(), lr=0.05, momentum=0.9)

    python tutorials/06_transfer_learning.py                   # about 2 minutes on 2 cores
    TUTORIAL_QUICK=1 python tutorials/06_transfer_learning.py  # seconds (the tests)

Prints the table and draws it into transfer.png (needs matplotlib: pip install tinygrad-cnn[viz]).
The pretrained weights of the model zoo work the same way: models.create("lenet5",
weights="fashion_mnist") is a LeNet-5 trained on 60,000 Fashion-MNIST images, ready to be frozen.
"""
import os

import numpy as np

import tinygrad_cnn as tg
from models.lenet import LeNet5
from tinygrad_cnn import nn, optim
from tinygrad_cnn.data.datasets import load_digits
from tinygrad_cnn.nn import functional as F

QUICK = os.environ.get("TUTORIAL_QUICK") == "1"  # the test suite's short run
SIZES = [5, 20] if QUICK else [2, 5, 20, 100]     # target images per class
SEEDS = [0] if QUICK else [0, 1, 2]
STEPS = 20 if QUICK else 150                      # SGD steps per target run
PRETRAIN_EPOCHS = 2 if QUICK else 15
METHODS = ("scratch", "frozen", "finetune")


def digits(train: bool, classes: range):
    """Images (N, 1, 32, 32) scaled to [0, 1] and normalised, labels renumbered 0..4."""
    images, labels = load_digits(train=train, upsample=True)
    keep = np.isin(labels, list(classes))
    images = (images[keep].astype(np.float32) / 16.0 - 0.3) / 0.35
    return images, labels[keep] - classes.start


def new_lenet() -> LeNet5:
    return LeNet5(num_classes=5, activation="relu", pooling="max")


def train(model, parameters, images, labels, lr, steps, seed):
    """`steps` SGD steps on random batches of at most 32 images."""
    rng = np.random.default_rng(seed)
    optimizer = optim.SGD(parameters, lr=lr, momentum=0.9)
    model.train()
    batch = min(32, len(images))
    for _ in range(steps):
        pick = rng.choice(len(images), batch, replace=False)
        loss = F.cross_entropy(model(tg.tensor(images[pick])), tg.tensor(labels[pick]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def accuracy(model, images, labels) -> float:
    model.eval()
    with tg.no_grad():
        predicted = model(tg.tensor(images)).argmax(1).numpy()
    return float((predicted == labels).mean())


def pretrain():
    """LeNet-5 trained on the digits 0-4: the 'large data set' of this lesson."""
    tg.manual_seed(0)
    images, labels = digits(True, range(0, 5))
    model = new_lenet()
    steps = PRETRAIN_EPOCHS * (len(images) // 32)
    train(model, model.parameters(), images, labels, lr=0.05, steps=steps, seed=0)
    test_images, test_labels = digits(False, range(0, 5))
    print(f"pretrained on digits 0-4 ({len(images)} images): test accuracy "
          f"{accuracy(model, test_images, test_labels):.3f}")
    return model.state_dict()


def target_model(method: str, pretrained_state):
    """The network and the parameters its optimizer updates, for one method."""
    model = new_lenet()
    if method == "scratch":
        return model, model.parameters(), 0.05
    model.load_state_dict(pretrained_state)
    if method == "frozen":
        model.requires_grad_(False)                  # the features stay as pretrained
        model.fc2 = nn.Linear(84, 5)                 # a new head (trainable: a new Parameter)
        return model, model.fc2.parameters(), 0.05
    model.fc2 = nn.Linear(84, 5)
    return model, model.parameters(), 0.01           # fine-tune everything, gently


def subset(images, labels, per_class: int, seed: int):
    rng = np.random.default_rng(1000 + seed)
    pick = np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
                           for c in range(5)])
    return images[pick], labels[pick]


def main():
    pretrained_state = pretrain()
    pool_images, pool_labels = digits(True, range(5, 10))
    test_images, test_labels = digits(False, range(5, 10))
    results = {}                                     # (size, method) -> accuracies over seeds
    for size in SIZES:
        for seed in SEEDS:
            images, labels = subset(pool_images, pool_labels, size, seed)
            for method in METHODS:
                tg.manual_seed(seed)
                model, parameters, lr = target_model(method, pretrained_state)
                train(model, parameters, images, labels, lr, STEPS, seed)
                results.setdefault((size, method), []).append(
                    accuracy(model, test_images, test_labels))
    print(f"\ntarget: digits 5-9, test accuracy on {len(test_labels)} images "
          f"(mean ± std over {len(SEEDS)} seed{'s' * (len(SEEDS) > 1)}, {STEPS} steps each)")
    print(f"{'per class':>9} | " + " | ".join(f"{m:>13}" for m in METHODS))
    print("-" * 10 + ("+" + "-" * 15) * len(METHODS))
    for size in SIZES:
        cells = [f"{np.mean(results[size, m]):.3f} ± {np.std(results[size, m]):.3f}"
                 for m in METHODS]
        print(f"{size:>9} | " + " | ".join(f"{c:>13}" for c in cells))
    draw(results)


def draw(results, path="transfer.png"):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install 'tinygrad-cnn[viz]'): no plot drawn")
        return
    figure, axes = plt.subplots(figsize=(6, 4))
    for method in METHODS:
        means = [np.mean(results[size, method]) for size in SIZES]
        spreads = [np.std(results[size, method]) for size in SIZES]
        axes.errorbar(SIZES, means, yerr=spreads, marker="o", capsize=3, label=method)
    axes.set_xscale("log")
    axes.set_xticks(SIZES, [str(s) for s in SIZES])
    axes.set_xlabel("target training images per class")
    axes.set_ylabel("test accuracy (digits 5-9)")
    axes.set_title("LeNet-5 pretrained on digits 0-4, moved to 5-9")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    print(f"drew {path}")


if __name__ == "__main__":
    main()
