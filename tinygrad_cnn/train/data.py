"""The data sets the command line can train on, prepared the same way for every model:
pixels scaled to [0, 1], then normalised with the training set's mean and standard deviation."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import TensorDataset
from ..data.datasets import (DatasetNotFoundError, load_digits, load_fashion_mnist, load_mnist,
                             make_xo)

DATASETS = ("fashion_mnist", "mnist", "digits", "xo", "auto")


class DatasetDamagedError(ValueError):
    """A data set's files exist but cannot be read, so 'auto' does not silently pick another."""


@dataclass
class Prepared:
    """Train and test sets as TensorDatasets of float32 images (N, C, H, W) and int64 labels."""
    name: str
    train: TensorDataset
    test: TensorDataset
    num_classes: int
    mean: float
    std: float

    @property
    def image_shape(self) -> tuple[int, ...]:
        return tuple(self.train.tensors[0].shape[1:])


def _normalised(name, train_x, train_y, test_x, test_y, max_value, num_classes):
    train_x = train_x.astype(np.float32) / max_value
    test_x = test_x.astype(np.float32) / max_value
    mean, std = float(train_x.mean()), float(train_x.std())
    train_x = (train_x - mean) / std
    test_x = (test_x - mean) / std
    return Prepared(name, TensorDataset(train_x, train_y.astype(np.int64)),
                    TensorDataset(test_x, test_y.astype(np.int64)), num_classes, mean, std)


def load(name: str, seed: int = 0, limit: int | None = None) -> Prepared:
    """Load data set `name` (one of DATASETS; 'auto' = Fashion-MNIST if its files are on this
    machine, else the bundled digits). `limit` keeps only the first images of each split."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if name == "auto":
        try:
            return load("fashion_mnist", seed, limit)
        except DatasetNotFoundError as missing:
            if missing.unusable:  # installed but damaged: falling back would hide it
                raise DatasetDamagedError(
                    "Fashion-MNIST is installed but unreadable (" + "; ".join(missing.unusable)
                    + "); repair or remove the file, or pass --dataset digits") from None
            return load("digits", seed, limit)
    if name in ("fashion_mnist", "mnist"):
        loader = load_fashion_mnist if name == "fashion_mnist" else load_mnist
        download = name == "mnist"  # Fashion-MNIST: only files already on the machine
        (train_x, train_y), (test_x, test_y) = (loader(train=t, download=download) for t in (True, False))
        max_value, classes = 255.0, 10
    elif name == "digits":
        train_x, train_y = load_digits(train=True, upsample=True, seed=seed)
        test_x, test_y = load_digits(train=False, upsample=True, seed=seed)
        max_value, classes = 16.0, 10
    else:
        train_x, train_y = make_xo(2000, seed=seed)
        test_x, test_y = make_xo(500, seed=seed + 1)
        train_x, test_x = (train_x + 1) / 2, (test_x + 1) / 2  # +-1 pixels to [0, 1]
        max_value, classes = 1.0, 2
    if limit:
        train_x, train_y, test_x, test_y = train_x[:limit], train_y[:limit], test_x[:limit], test_y[:limit]
    return _normalised(name, train_x, train_y, test_x, test_y, max_value, classes)
