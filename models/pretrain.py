"""Reproduce the pretrained weights shipped in models/weights/, one command per file.

    python -m models.pretrain                         # every recipe below, one after another
    python -m models.pretrain lenet5 fashion_mnist    # one of them

Each run seeds everything, trains with plain SGD + momentum, measures the test accuracy and writes
`models/weights/<model>_<data>.npz` (a `tg.save` checkpoint: {"state_dict", "meta"}; readable with
`np.load(..., allow_pickle=False)`). The accuracy, the command and the input preparation go into
"meta", so `models.create(name, weights=data)` can tell a user what the weights expect. BLAS is
limited to one thread (with threadpoolctl, where installed) so a run never takes over a shared
machine.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


@dataclass(frozen=True)
class Recipe:
    """How one weight file is made."""
    model: str
    data: str                      # "fashion_mnist" or "digits"
    kwargs: dict = field(default_factory=dict)
    epochs: int = 3
    lr: float = 0.05
    batch_size: int = 64
    seed: int = 0


RECIPES = {
    ("lenet5", "fashion_mnist"): Recipe("lenet5", "fashion_mnist",
                                        dict(activation="relu", pooling="max", padding=2),
                                        epochs=10, lr=0.05),
    ("lenet5", "digits"): Recipe("lenet5", "digits", dict(activation="relu", pooling="max"),
                                 epochs=20, lr=0.05),
    ("seed_net_mnist", "fashion_mnist"): Recipe("seed_net_mnist", "fashion_mnist", epochs=6,
                                                lr=0.02),
    ("seed_net_mnist", "digits"): Recipe("seed_net_mnist", "digits", epochs=20, lr=0.02),
}


def prepared_data(data: str, side: int):
    """(train_x, train_y, test_x, test_y, meta): float32 images (N, 1, side, side) scaled to
    [0, 1] and normalised with the training set's mean and std, int64 labels."""
    from tinygrad_cnn.data.datasets import FASHION_MNIST_CLASSES, load_digits, load_fashion_mnist
    if data == "fashion_mnist":
        (train_x, train_y), (test_x, test_y) = (load_fashion_mnist(train=t, download=False)
                                                for t in (True, False))
        scale, classes = 255.0, list(FASHION_MNIST_CLASSES)
        source = "Fashion-MNIST 28×28, pixels / 255"
    elif data == "digits":
        train_x, train_y = load_digits(train=True, upsample=True)
        test_x, test_y = load_digits(train=False, upsample=True)
        scale, classes = 16.0, [str(d) for d in range(10)]
        source = "bundled 8×8 digits enlarged ×4 to 32×32, pixels / 16"
    else:
        raise ValueError(f"unknown data {data!r}; choose fashion_mnist or digits")
    crop = (train_x.shape[-1] - side) // 2                  # 32 -> 28: drop a 2-pixel border
    if crop:
        train_x, test_x = (x[..., crop:crop + side, crop:crop + side] for x in (train_x, test_x))
        source += f", centre {side}×{side} crop"
    train_x, test_x = train_x.astype(np.float32) / scale, test_x.astype(np.float32) / scale
    mean, std = float(train_x.mean()), float(train_x.std())
    meta = {"classes": classes, "input_shape": [1, side, side], "mean": round(mean, 4),
            "std": round(std, 4), "preprocessing": source + ", then (x - mean) / std"}
    norm = lambda x: ((x - meta["mean"]) / meta["std"]).astype(np.float32)  # noqa: E731
    return norm(train_x), train_y.astype(np.int64), norm(test_x), test_y.astype(np.int64), meta


def accuracy(model, images, labels, batch_size=500) -> float:
    import tinygrad_cnn as tg
    model.eval()
    correct = 0
    with tg.no_grad():
        for start in range(0, len(images), batch_size):
            logits = model(tg.tensor(images[start:start + batch_size]))
            correct += int((logits.argmax(1).numpy() == labels[start:start + batch_size]).sum())
    return correct / len(images)


def side_of(model_name: str, data: str) -> int:
    """The input side the recipe trains at: LeNet-5 takes the digits at 32×32 (padding 0) and
    Fashion-MNIST at 28×28 (padding 2); the seed net is built for 28×28."""
    return 32 if (model_name, data) == ("lenet5", "digits") else 28


def run(recipe: Recipe, out_dir: Path = WEIGHTS_DIR, log=print) -> dict:
    """Train one recipe, write its weight file, return its meta."""
    import models
    import tinygrad_cnn as tg
    from tinygrad_cnn import optim
    from tinygrad_cnn.data import DataLoader, TensorDataset
    from tinygrad_cnn.nn import functional as F

    train_x, train_y, test_x, test_y, meta = prepared_data(recipe.data,
                                                           side_of(recipe.model, recipe.data))
    tg.manual_seed(recipe.seed)
    np.random.seed(recipe.seed)
    model = models.create(recipe.model, **recipe.kwargs)
    optimizer = optim.SGD(model.parameters(), lr=recipe.lr, momentum=0.9)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=recipe.epochs)
    loader = DataLoader(TensorDataset(train_x, train_y), batch_size=recipe.batch_size,
                        shuffle=True)
    started = time.time()
    for epoch in range(recipe.epochs):
        model.train()
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scheduler.step()
        log(f"{recipe.model} on {recipe.data}: epoch {epoch + 1}/{recipe.epochs} "
            f"loss {loss.item():.3f} test accuracy {accuracy(model, test_x, test_y):.4f} "
            f"({time.time() - started:.0f} s)")
    meta.update(model=recipe.model, data=recipe.data, kwargs=dict(recipe.kwargs),
                test_accuracy=round(accuracy(model, test_x, test_y), 4),
                test_images=int(len(test_y)), epochs=recipe.epochs,
                command=f"python -m models.pretrain {recipe.model} {recipe.data}")
    out_dir.mkdir(parents=True, exist_ok=True)
    tg.save({"state_dict": model.state_dict(), "meta": meta},
            out_dir / f"{recipe.model}_{recipe.data}.npz")
    log(f"wrote {out_dir / f'{recipe.model}_{recipe.data}.npz'}: "
        f"test accuracy {meta['test_accuracy']:.4f}")
    return meta


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.pretrain", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", choices=sorted({m for m, _ in RECIPES}))
    parser.add_argument("data", nargs="?", choices=sorted({d for _, d in RECIPES}))
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help="folder for the .npz files")
    args = parser.parse_args(argv)
    chosen = [r for key, r in RECIPES.items()
              if args.model in (None, key[0]) and args.data in (None, key[1])]
    try:  # one BLAS thread (numpy is loaded already, so environment variables come too late)
        from threadpoolctl import threadpool_limits
        threads = threadpool_limits(1)
    except ImportError:
        threads = None
    try:
        for recipe in chosen:
            run(recipe, args.out)
    finally:
        if threads is not None:
            threads.restore_original_limits()
    return 0


if __name__ == "__main__":
    sys.exit(main())
