"""The colour adjustments and GaussianBlur against the same computations in torch, written as
torchvision writes them for tensors (its _blend, rgb_to_grayscale and reflect-padded conv2d):
this pins the uint8 truncations and the blur's padding and kernel orientation."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn.vision import _color, transforms as T

torch = pytest.importorskip("torch")


def _blend(img1, img2, ratio):
    bound = 1.0 if img1.is_floating_point() else 255.0
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def _grey(img):
    r, g, b = img.unbind(dim=-3)
    return (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(dim=-3)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("factor", [0.0, 0.35, 1.0, 1.8])
def test_blends_equal_torch(dtype, factor):
    chw = np.random.default_rng(4).integers(0, 256, (2, 3, 6, 5)).astype(np.uint8)
    chw = chw if dtype == np.uint8 else (chw / 255.0).astype(np.float32)
    t = torch.from_numpy(chw.copy())
    mean = torch.mean(_grey(t).to(t.dtype if t.is_floating_point() else torch.float32),
                      dim=(-3, -2, -1), keepdim=True)
    expected = {
        _color.adjust_brightness: _blend(t, torch.zeros_like(t), factor),
        _color.adjust_contrast: _blend(t, mean, factor),
        _color.adjust_saturation: _blend(t, _grey(t), factor),
    }
    for fn, theirs in expected.items():
        np.testing.assert_allclose(fn(chw, factor), theirs.numpy(), atol=1e-6 if dtype != np.uint8 else 0,
                                   err_msg=fn.__name__)


def test_gaussian_blur_equals_torch_conv2d_with_reflect_padding():
    image = np.random.default_rng(5).random((2, 3, 10, 12))
    tg.manual_seed(0)
    ours = T.GaussianBlur((5, 3), sigma=0.9)(tg.Tensor(image)).numpy()
    x = torch.arange(5, dtype=torch.float64) - 2
    y = torch.arange(3, dtype=torch.float64) - 1
    kx = torch.exp(-0.5 * (x / 0.9) ** 2); kx = kx / kx.sum()
    ky = torch.exp(-0.5 * (y / 0.9) ** 2); ky = ky / ky.sum()
    kernel = (ky[:, None] * kx[None, :]).expand(3, 1, 3, 5)
    padded = torch.nn.functional.pad(torch.from_numpy(image), (2, 2, 1, 1), mode="reflect")
    theirs = torch.nn.functional.conv2d(padded, kernel, groups=3)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12)
