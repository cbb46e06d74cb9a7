"""The U-Net lesson runs end to end (its quick version), and a small U-Net really learns to
segment: a few seconds of training separate shapes from background on held-out images."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import models
import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import optim
from tinygrad_cnn.data.datasets import make_shapes

TUTORIAL = Path(__file__).resolve().parents[2] / "tutorials" / "05_unet_segmentation.py"


def test_quick_tutorial_runs_and_draws_the_overlay(tmp_path):
    env = dict(os.environ, TUTORIAL_QUICK="1", MPLBACKEND="Agg")
    result = subprocess.run([sys.executable, str(TUTORIAL)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "held-out mean IoU" in result.stdout
    assert (tmp_path / "unet_overlay.png").stat().st_size > 0


def test_small_unet_learns_foreground_from_background():
    tg.manual_seed(0)
    images, masks = make_shapes(96, 16, binary=True, seed=1)
    test_images, test_masks = make_shapes(32, 16, binary=True, seed=2)
    net = models.create("unet", num_classes=2, levels=2, base_width=8)
    opt = optim.Adam(net.parameters(), lr=0.01)
    for epoch in range(8):
        for i in range(0, len(images), 16):
            loss = F.cross_entropy(net(tg.tensor(images[i:i + 16])), tg.tensor(masks[i:i + 16]))
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    with tg.no_grad():
        predicted = net(tg.tensor(test_images)).detach().numpy().argmax(1)
    ious = [np.logical_and(predicted == c, test_masks == c).sum()
            / np.logical_or(predicted == c, test_masks == c).sum() for c in (0, 1)]
    assert np.mean(ious) > 0.9, ious
