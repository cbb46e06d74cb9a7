"""torchvision.datasets with torchvision's constructor signatures: MNIST, FashionMNIST,
CIFAR10 and CIFAR100 (in cifar.py), ImageFolder and FakeData. Samples are (image, target): the
image a PIL image when Pillow is installed (as torchvision), otherwise a numpy array laid out
as PIL's (H, W[, C]); the transforms in tinygrad_cnn.vision.transforms accept both.

These classes never download (CIFAR: see cifar.py): MNIST and FashionMNIST read the IDX files from `root` (also in
torchvision's `<root>/MNIST/raw` layout), $TINYGRAD_CNN_DATA, or the Debian package
dataset-fashion-mnist; `download=True` explains where to put the files instead of waiting on a
network. (tinygrad_cnn.data.datasets.load_mnist(download=True) fetches and checks them.)"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..data.datasets import mnist as idx_sources
from ..tensor import Tensor
from ._dataset_base import VisionDataset as _VisionDataset, as_image as _as_image
from ._images import require_pillow
from .cifar import CIFAR10, CIFAR100
from ..unsupported import namespace_getattr

__all__ = ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "ImageFolder", "FakeData",
           "IMG_EXTENSIONS"]

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


class MNIST(_VisionDataset):
    """The MNIST digits: `data` uint8 (N, 28, 28), `targets` int64 (N,), `classes`.

    Args:
        root: directory with the IDX files (raw or .gz), directly or in `MNIST/raw`.
        train: the 60,000 training images, else the 10,000 test images.
        transform, target_transform: applied to each image / label.
        download: no network access here: when the files are missing, the error says where
            to put them and how to fetch them.
    """

    source = idx_sources.MNIST

    def __init__(self, root, train: bool = True, transform=None, target_transform=None,
                 download: bool = False):
        super().__init__(root, transform, target_transform)
        self.train = train
        try:
            images, labels = idx_sources.load_idx_dataset(self.source, self.root, train,
                                                           download=False)
        except idx_sources.DatasetNotFoundError as err:
            if not download:
                raise RuntimeError(f"Dataset not found. You can use download=True to download "
                                   f"it (here: {err})") from None
            raise RuntimeError(f"download=True: tinygrad_cnn.vision does not download (it "
                               f"makes no network calls); {err}\nOr fetch and verify the files "
                               f"once with tinygrad_cnn.data.datasets.load_mnist(root, "
                               f"download=True) / load_fashion_mnist(...).") from None
        self.data = Tensor(images[:, 0])                    # (N, 28, 28) uint8
        self.targets = Tensor(labels)                       # (N,) int64
        self.classes = list(self.source.classes)
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __len__(self) -> int:
        return len(self.targets.array)

    def __getitem__(self, index):
        image = self.data.array[index]
        return self._apply(_as_image(image), int(self.targets.array[index]))


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST, MNIST's layout (also found in the Debian package)."""

    source = idx_sources.FASHION_MNIST


def _default_loader(path: str):
    """Pillow for image files (RGB, as torchvision); .npy files load as arrays without it."""
    if path.endswith(".npy"):
        return np.load(path)
    pil = require_pillow(f"ImageFolder reading {path}")
    with open(path, "rb") as handle:
        return pil.open(handle).convert("RGB")


class ImageFolder(_VisionDataset):
    """Images sorted into one sub-directory per class (root/dog/x.png -> class 'dog').

    Classes are the sub-directory names in sorted order; `samples` lists (path, class index)
    and `targets` the class indices. Files with IMG_EXTENSIONS (or .npy arrays) are read, or
    those `is_valid_file(path)` accepts."""

    def __init__(self, root, transform=None, target_transform=None, loader=None,
                 is_valid_file=None, allow_empty: bool = False):
        super().__init__(root, transform, target_transform)
        folder = Path(self.root)
        if not folder.is_dir():
            raise FileNotFoundError(f"ImageFolder: {self.root} is not a directory")
        self.classes = sorted(entry.name for entry in os.scandir(folder) if entry.is_dir())
        if not self.classes:
            raise FileNotFoundError(f"Couldn't find any class folder in {self.root}.")
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}
        valid = is_valid_file or (lambda p: p.lower().endswith(IMG_EXTENSIONS + (".npy",)))
        self.samples = []
        for name in self.classes:
            found = [(os.fspath(p), self.class_to_idx[name])
                     for p in sorted((folder / name).rglob("*")) if p.is_file() and valid(os.fspath(p))]
            if not found and not allow_empty:
                raise FileNotFoundError(f"Found no valid file for the class {name}. Supported "
                                        f"extensions are: {', '.join(IMG_EXTENSIONS)}, .npy")
            self.samples += found
        self.imgs = self.samples
        self.targets = [target for _, target in self.samples]
        self.loader = loader or _default_loader

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index):
        path, target = self.samples[index]
        return self._apply(self.loader(path), target)


class FakeData(_VisionDataset):
    """`size` random images of `image_size` (C, H, W) with random targets; image i is the same
    on every read (drawn from seed i + random_offset)."""

    def __init__(self, size: int = 1000, image_size=(3, 224, 224), num_classes: int = 10,
                 transform=None, target_transform=None, random_offset: int = 0):
        super().__init__(None, transform, target_transform)
        if len(image_size) != 3:
            raise ValueError(f"FakeData: image_size must be (C, H, W), got {image_size}")
        self.size, self.image_size = int(size), tuple(image_size)
        self.num_classes, self.random_offset = int(num_classes), int(random_offset)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int):
        if not -self.size <= index < self.size:
            raise IndexError(f"FakeData index {index} out of range for {self.size} images")
        rng = np.random.default_rng((index % self.size) + self.random_offset)
        chw = rng.integers(0, 256, size=self.image_size, dtype=np.uint8)
        target = int(rng.integers(0, self.num_classes))
        hwc = chw.transpose(1, 2, 0)
        return self._apply(_as_image(hwc[:, :, 0] if hwc.shape[2] == 1 else hwc), target)


__getattr__ = namespace_getattr("torchvision.datasets")
