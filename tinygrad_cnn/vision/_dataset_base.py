"""What every vision data set shares: the root, the transform pair, and the sample's image type
(a PIL image when Pillow is installed, as torchvision gives, else the (H, W[, C]) array)."""
from __future__ import annotations

import os

import numpy as np

from ..data.dataset import Dataset
from ._images import Image


def as_image(array: np.ndarray):
    """A PIL image when Pillow is there (torchvision's sample type), else the array itself."""
    return Image.fromarray(array) if Image is not None else array


class VisionDataset(Dataset):
    def __init__(self, root, transform=None, target_transform=None):
        self.root = None if root is None else os.fspath(root)
        self.transform, self.target_transform = transform, target_transform

    def _apply(self, image, target):
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target
