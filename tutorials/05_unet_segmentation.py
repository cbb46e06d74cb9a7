"""Lesson 05: segmenting shapes with a U-Net.

What this lesson teaches:

1. Segmentation is classification of every pixel. The network outputs one score map per class,
   (N, C, H, W); the target is an integer mask (N, H, W); `F.cross_entropy` takes both as they
   are and averages the loss over every pixel of the batch.
2. A U-Net (models/unet.py) gets both context and precision: its encoder pools the image down
   to coarse, wide feature maps that know *what* is there, its decoder upsamples them back, and
   the skip connections concatenate the encoder's full-resolution maps so that the decoder
   knows exactly *where* the edges are.
3. How to measure it. Pixel accuracy is misleading when most pixels are background, so we
   report the mean intersection over union (mIoU), defined here as follows. For each class c
   (background, disc, square, triangle), count over ALL pixels of ALL held-out images
       IoU_c = |predicted c AND true c| / |predicted c OR true c|,
   then average the four IoU_c with equal weight (background counts as one class of four).
   A class absent from both the predictions and the masks is left out of the average.
4. How to look at the result: the held-out images with the true and predicted masks side by
   side, saved as unet_overlay.png in the current directory.

The data are the synthetic `shapes` images of tinygrad_cnn.data.datasets: 1 to 3 bright discs,
squares and triangles on a dark, noisy background, 32×32 pixels; each pixel's label is the
shape drawn there (0 background, 1 disc, 2 square, 3 triangle). Telling a disc from a square
needs the whole shape, not one pixel: that is what the encoder's context is for.

Run it from the repository root:

    python tutorials/05_unet_segmentation.py                  # full run: about a minute
    TUTORIAL_QUICK=1 python tutorials/05_unet_segmentation.py # a tiny run in seconds (the tests)
"""
import os
import time

import numpy as np

import models
import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import optim
from tinygrad_cnn.data import DataLoader, TensorDataset
from tinygrad_cnn.data.datasets import make_shapes
from tinygrad_cnn.data.datasets.shapes import CLASSES

QUICK = os.environ.get("TUTORIAL_QUICK") == "1"

# Step 0: the recipe. On a 2-core machine the full run takes about a minute and ends near a
# held-out mIoU of 0.94 (0.945 after 64–81 s on the 2-core machine); the quick one only checks
# that every step runs.
SIZE = 32                                  # image side; divisible by 2**(LEVELS-1)
LEVELS = 3                                 # resolutions: 32, 16, 8
BASE_WIDTH = 4 if QUICK else 16            # channels at full resolution (doubling per level)
N_TRAIN, N_TEST = (64, 16) if QUICK else (1000, 200)
EPOCHS = 1 if QUICK else 8
BATCH_SIZE = 16
LR = 3e-3


def make_data():
    """Step 1: training and held-out images from two different seeds, so no image is shared."""
    train_images, train_masks = make_shapes(N_TRAIN, SIZE, seed=1)   # (N, 1, H, W), (N, H, W)
    test_images, test_masks = make_shapes(N_TEST, SIZE, seed=2)
    return (train_images, train_masks), (test_images, test_masks)


def build_model():
    """Step 2: the U-Net; one output channel per class."""
    return models.create("unet", in_channels=1, num_classes=len(CLASSES), levels=LEVELS,
                         base_width=BASE_WIDTH, up_mode="transpose")


def predict(net, images, batch_size=50):
    """Most likely class of every pixel: (N, 1, H, W) floats -> (N, H, W) ints."""
    net.eval()  # BatchNorm now uses its running statistics: a prediction must not depend on
    with tg.no_grad():  # which other images share the batch
        scores = [net(tg.tensor(images[i:i + batch_size])).numpy()
                  for i in range(0, len(images), batch_size)]
    net.train()
    return np.concatenate(scores).argmax(axis=1)      # (N, C, H, W) -> (N, H, W)


def iou_per_class(predictions, masks, num_classes):
    """Step 3: IoU of each class, counted over all pixels of all images (NaN if absent)."""
    ious = np.full(num_classes, np.nan)
    for c in range(num_classes):
        predicted, true = predictions == c, masks == c
        union = np.logical_or(predicted, true).sum()
        if union > 0:
            ious[c] = np.logical_and(predicted, true).sum() / union
    return ious


def train(net, train_data, test_data):
    """Step 4: Adam on the per-pixel cross-entropy, halving the step size every 3 epochs."""
    loader = DataLoader(TensorDataset(*train_data), batch_size=BATCH_SIZE, shuffle=True, seed=0)
    optimizer = optim.Adam(net.parameters(), lr=LR)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    for epoch in range(1, EPOCHS + 1):
        total, seen = 0.0, 0
        for images, masks in loader:                   # (B, 1, H, W), (B, H, W)
            scores = net(images)                       # (B, 4, H, W)
            loss = F.cross_entropy(scores, masks)      # mean over B·H·W pixels
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, seen = total + loss.item() * len(images), seen + len(images)
        scheduler.step()
        ious = iou_per_class(predict(net, test_data[0]), test_data[1], len(CLASSES))
        print(f"epoch {epoch}: train loss {total / seen:.4f}, held-out mIoU {np.nanmean(ious):.3f}")


def save_overlay(images, masks, predictions, path="unet_overlay.png"):
    """Step 5: draw a few held-out images with their true and predicted masks."""
    try:
        from tinygrad_cnn.viz.plots import plot_segmentation
        figure = plot_segmentation(images, masks, predictions)
    except ModuleNotFoundError as error:
        if error.name != "matplotlib" and not (error.name or "").startswith("matplotlib."):
            raise
        print("matplotlib is not installed (pip install 'tinygrad-cnn[viz]'): no overlay drawn")
        return
    figure.savefig(path, dpi=100)
    print(f"overlay of {len(images)} held-out images saved to {path}")


def main():
    tg.manual_seed(0)
    train_data, test_data = make_data()
    net = build_model()
    n_params = sum(p.array.size for p in net.parameters())
    print(f"U-Net: {LEVELS} levels, base width {BASE_WIDTH}, {n_params:,} parameters; "
          f"{N_TRAIN} training and {N_TEST} held-out {SIZE}×{SIZE} images")
    start = time.perf_counter()
    train(net, train_data, test_data)
    seconds = time.perf_counter() - start

    predictions = predict(net, test_data[0])
    ious = iou_per_class(predictions, test_data[1], len(CLASSES))
    print("held-out IoU per class: "
          + ", ".join(f"{name} {iou:.3f}" for name, iou in zip(CLASSES, ious)))
    print(f"held-out mean IoU {np.nanmean(ious):.3f} after {EPOCHS} epochs in {seconds:.0f} s")
    save_overlay(test_data[0][:4], test_data[1][:4], predictions[:4])
    return float(np.nanmean(ious))


if __name__ == "__main__":
    main()
