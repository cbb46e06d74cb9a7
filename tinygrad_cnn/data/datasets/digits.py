"""The 8x8 handwritten digits, shipped inside the package (no download).

1,797 images of the digits 0-9 from the UCI "Optical Recognition of Handwritten Digits" data
set (Alpaydin & Kaynak, 1998, CC BY 4.0; see _files/DIGITS_LICENSE.txt). Each pixel counts
the "on" pixels of a 4x4 block of a 32x32 bitmap, so values run 0..16.
"""
from pathlib import Path

import numpy as np

from ..dataset import stratified_split

DIGITS_FILE = Path(__file__).parent / "_files" / "digits.npz"
DIGITS_MAX = 16          # brightest pixel value; divide by it to scale to [0, 1]
CLASSES = tuple(str(d) for d in range(10))


def load_digits(train=None, *, upsample=False, test_fraction=0.2, seed=0):
    """Load the bundled digits, optionally one part of a stratified train/test split.

    Args:
        train: None for all 1,797 images; True / False for the training / test part of a
            split that keeps each digit's share in both parts.
        upsample: enlarge each image x4 (nearest neighbour) to 32x32, the input size of LeNet-5.
        test_fraction: share of every class in the test part (0.2 gives 80/20: 1,438 / 359).
        seed: seed of the split; the same seed always gives the same parts.

    Returns:
        images: uint8 (N, 1, 8, 8), or (N, 1, 32, 32) with `upsample`; values 0..16.
        labels: int64 (N,), digits 0..9.
    """
    with np.load(DIGITS_FILE, allow_pickle=False) as archive:
        images, labels = archive["images"], archive["labels"].astype(np.int64)
    if train is not None:
        train_idx, test_idx = stratified_split(labels, test_fraction, seed)
        keep = train_idx if train else test_idx
        images, labels = images[keep], labels[keep]
    images = images[:, None]                                    # (N, 1, 8, 8)
    if upsample:
        images = images.repeat(4, axis=2).repeat(4, axis=3)     # (N, 1, 32, 32)
    return images, labels
