"""ColorJitter, RandomGrayscale, RandomRotation, GaussianBlur, RandomErasing and the random
wrappers: torchvision's parameter rules, the formulas (written out again here in numpy, with
colorsys for the hue), agreement with Pillow's rotate, and every image form kept."""
import colorsys
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_cnn as tg
from tinygrad_cnn.vision import _color, transforms as T

try:
    from PIL import Image
except ImportError:                                          # pragma: no cover
    Image = None
needs_pillow = pytest.mark.skipif(Image is None, reason="needs Pillow")


def _rgb(h=6, w=7, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _grey_u8(chw):
    return (0.2989 * chw[0] + 0.587 * chw[1] + 0.114 * chw[2]).astype(np.float32).astype(np.uint8)


# --- ColorJitter ------------------------------------------------------------------------------
def test_color_jitter_ranges_follow_torchvision():
    jitter = T.ColorJitter(brightness=0.4, contrast=(0.5, 1.5), saturation=1.5, hue=0.1)
    assert jitter.brightness == (0.6, 1.4) and jitter.contrast == (0.5, 1.5)
    assert jitter.saturation == (0.0, 2.5) and jitter.hue == (-0.1, 0.1)
    assert T.ColorJitter().brightness is None and T.ColorJitter(hue=0).hue is None
    assert repr(T.ColorJitter(0.2)) == ("ColorJitter(brightness=(0.8, 1.2), contrast=None, "
                                        "saturation=None, hue=None)")
    with pytest.raises(ValueError, match="If brightness is a single number, it must be non negative"):
        T.ColorJitter(brightness=-0.1)
    with pytest.raises(ValueError, match="hue values should be between"):
        T.ColorJitter(hue=0.6)
    with pytest.raises(TypeError, match="contrast should be a single number or a list/tuple"):
        T.ColorJitter(contrast=(1, 2, 3))


def test_brightness_contrast_saturation_are_torchvisions_blends():
    chw = _rgb().transpose(2, 0, 1)
    x = chw.astype(np.float32)
    np.testing.assert_array_equal(_color.adjust_brightness(chw, 1.3),
                                  np.clip(1.3 * x, 0, 255).astype(np.uint8))
    mean = _grey_u8(chw).astype(np.float32).mean()
    np.testing.assert_array_equal(_color.adjust_contrast(chw, 0.6),
                                  np.clip(0.6 * x + 0.4 * mean, 0, 255).astype(np.uint8))
    np.testing.assert_array_equal(_color.adjust_saturation(chw, 1.7),
                                  np.clip(1.7 * x - 0.7 * _grey_u8(chw), 0, 255).astype(np.uint8))
    floats = chw / 255.0
    np.testing.assert_allclose(_color.adjust_brightness(floats, 2.0), np.clip(2 * floats, 0, 1))
    assert _color.adjust_saturation(floats, 0.0).std(axis=0).max() < 1e-12   # all grey


@given(seed=st.integers(0, 2**16), factor=st.floats(-0.5, 0.5))
@settings(max_examples=25)
def test_hue_shift_equals_colorsys(seed, factor):
    rgb = np.random.default_rng(seed).random((3, 4, 5))
    out = _color.adjust_hue(rgb, factor)
    for i in range(4):
        for j in range(5):
            h, s, v = colorsys.rgb_to_hsv(*rgb[:, i, j])
            np.testing.assert_allclose(out[:, i, j], colorsys.hsv_to_rgb((h + factor) % 1.0, s, v),
                                       atol=1e-12)


def test_hsv_round_trip_and_uint8_hue():
    rgb = np.random.default_rng(1).random((2, 3, 8, 8))          # a batch too
    np.testing.assert_allclose(_color.hsv_to_rgb(_color.rgb_to_hsv(rgb)), rgb, atol=1e-12)
    chw = _rgb().transpose(2, 0, 1)
    unchanged = _color.adjust_hue(chw, 0.0)
    assert unchanged.dtype == np.uint8 and np.abs(unchanged.astype(int) - chw).max() <= 1
    with pytest.raises(ValueError, match=r"hue_factor \(0.7\) is not in \[-0.5, 0.5\]"):
        _color.adjust_hue(chw, 0.7)


def test_jitter_applies_the_drawn_factors_in_the_drawn_order():
    image = _rgb()
    jitter = T.ColorJitter(0.5, 0.5, 0.5, 0.2)
    tg.manual_seed(3)
    order, b, c, s, h = jitter.get_params(jitter.brightness, jitter.contrast, jitter.saturation,
                                          jitter.hue)
    assert sorted(order.tolist()) == [0, 1, 2, 3] and 0.5 <= b <= 1.5 and -0.2 <= h <= 0.2
    chw = image.transpose(2, 0, 1)
    steps = {0: lambda a: _color.adjust_brightness(a, b), 1: lambda a: _color.adjust_contrast(a, c),
             2: lambda a: _color.adjust_saturation(a, s), 3: lambda a: _color.adjust_hue(a, h)}
    for index in order:
        chw = steps[int(index)](chw)
    tg.manual_seed(3)
    np.testing.assert_array_equal(jitter(image), chw.transpose(1, 2, 0))


@pytest.mark.parametrize("form", ["array", "tensor", "pil", "grey", "batch"])
def test_new_transforms_keep_the_input_form(form):
    image = _rgb(10, 12)
    if form == "tensor":
        image = tg.tensor(image.transpose(2, 0, 1))
    elif form == "batch":
        image = tg.Tensor(np.stack([_rgb(10, 12, 0), _rgb(10, 12, 1)]).transpose(0, 3, 1, 2) / 255.0)
    elif form == "grey":
        image = image[:, :, 0]
    elif form == "pil":
        if Image is None:
            pytest.skip("needs Pillow")
        image = Image.fromarray(image)
    tg.manual_seed(0)
    for t in (T.ColorJitter(0.4, 0.4, 0.4, 0.1), T.RandomGrayscale(1.0), T.RandomRotation(30),
              T.RandomRotation(20, interpolation=T.InterpolationMode.BILINEAR, fill=5),
              T.GaussianBlur(3, sigma=(0.1, 2.0)), T.RandomApply([T.RandomRotation(10)], p=1.0),
              T.RandomChoice([T.Grayscale(3), T.ColorJitter(0.1)]), T.RandomOrder([T.Pad(0)])):
        if form == "grey" and isinstance(t, T.RandomChoice):
            continue                                        # Grayscale(3) adds channels
        out = t(image)
        assert type(out) is type(image), t
        if form == "pil":
            assert out.size == image.size and out.mode == image.mode, t
        else:
            assert out.shape == image.shape and out.dtype == image.dtype, t


# --- RandomGrayscale, RandomRotation, GaussianBlur ----------------------------------------------
def test_random_grayscale_keeps_the_channel_count():
    out = T.RandomGrayscale(p=1.0)(_rgb())
    assert out.shape == (6, 7, 3) and (out[..., 0] == out[..., 2]).all()
    np.testing.assert_array_equal(out[..., 0], _grey_u8(_rgb().transpose(2, 0, 1)))
    assert T.RandomGrayscale(p=0.0)(_rgb()) is not None


def test_rotation_turns_counter_clockwise():
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    np.testing.assert_array_equal(T.RandomRotation((90, 90), expand=True)(image), np.rot90(image))
    np.testing.assert_array_equal(T.RandomRotation((180, 180))(image), image[::-1, ::-1])
    corner_fill = T.RandomRotation((45, 45), fill=255)(np.zeros((9, 9), np.uint8))
    assert corner_fill[0, 0] == 255 and corner_fill[4, 4] == 0
    with pytest.raises(ValueError, match="it must be positive"):
        T.RandomRotation(-5)
    with pytest.raises(ValueError, match="interpolation 'lanczos' is not supported"):
        T.RandomRotation(5, interpolation=T.InterpolationMode.LANCZOS)


@needs_pillow
@pytest.mark.parametrize("angle", [90.0, 30.0, -45.0, 13.7, 200.0])
@pytest.mark.parametrize("kwargs", [{}, {"expand": True}, {"center": (2.5, 1), "expand": True},
                                    {"center": (7, 3)}, {"fill": (10, 20, 30)}])
def test_array_rotation_equals_pillows(angle, kwargs):
    image = _rgb(20, 24)
    rotate = T.RandomRotation((angle, angle), **kwargs)
    ours, pillows = rotate(image), np.asarray(rotate(Image.fromarray(image)))
    assert ours.shape == pillows.shape
    # nearest neighbour: a sample exactly between two pixels may round either way
    assert (ours == pillows).all(axis=-1).mean() > 0.97


def test_gaussian_blur_is_the_separable_reflect_padded_kernel():
    image = np.random.default_rng(0).random((1, 9, 11))
    tg.manual_seed(0)
    blurred = T.GaussianBlur((5, 3), sigma=1.2)(tg.Tensor(image)).numpy()
    kx, ky = _geom_kernel(5, 1.2), _geom_kernel(3, 1.2)
    padded = np.pad(image[0], ((1, 1), (2, 2)), mode="reflect")
    expected = np.array([[(padded[i:i + 3, j:j + 5] * np.outer(ky, kx)).sum() for j in range(11)]
                         for i in range(9)])
    np.testing.assert_allclose(blurred[0], expected, rtol=1e-12)
    with pytest.raises(ValueError, match="odd and positive"):
        T.GaussianBlur(4)
    with pytest.raises(ValueError, match="sigma values should be positive"):
        T.GaussianBlur(3, sigma=(2.0, 1.0))


def _geom_kernel(size, sigma):
    x = np.arange(size) - (size - 1) / 2
    k = np.exp(-x ** 2 / (2 * sigma ** 2))
    return k / k.sum()


# --- RandomErasing and the wrappers -------------------------------------------------------------
def test_random_erasing_overwrites_one_rectangle_of_a_tensor():
    x = tg.ones(3, 16, 16)
    tg.manual_seed(1)
    out = T.RandomErasing(p=1.0, value=(0.1, 0.2, 0.3))(x)
    erased = out.detach().numpy() != 1
    assert x.detach().numpy().min() == 1.0 and erased.any()                # input untouched
    rows, cols = np.nonzero(erased[0])
    area = (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
    assert erased[0].sum() == area and 0.02 * 256 <= area <= 0.33 * 256 * 1.3
    np.testing.assert_allclose(out.detach().numpy()[:, rows[0], cols[0]], [0.1, 0.2, 0.3], rtol=1e-6)
    noise = T.RandomErasing(p=1.0, value="random")(x)
    assert (noise.detach().numpy() != 1).sum() > 0
    same = T.RandomErasing(p=1.0, inplace=True)
    assert same(x) is x
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        T.RandomErasing()(_rgb())
    with pytest.raises(ValueError, match="either a single value or 3"):
        T.RandomErasing(p=1.0, value=(1, 2))(tg.ones(3, 8, 8))
    with pytest.raises(ValueError, match="If value is str, it should be 'random'"):
        T.RandomErasing(value="noise")


def test_random_apply_choice_and_order():
    add_one = T.Lambda(lambda v: v + 1)
    double = T.Lambda(lambda v: v * 2)
    assert T.RandomApply([add_one, double], p=1.0)(1) == 4
    assert T.RandomApply([add_one], p=0.0)(1) == 1
    tg.manual_seed(0)
    assert {T.RandomChoice([add_one, double])(5) for _ in range(40)} == {6, 10}
    assert T.RandomChoice([add_one, double], p=[0, 1])(5) == 10
    assert {T.RandomOrder([add_one, double])(1) for _ in range(40)} == {3, 4}
    assert "p=0.3" in repr(T.RandomApply([add_one], p=0.3))
    with pytest.raises(TypeError, match="should be a sequence"):
        T.RandomApply(add_one)


def test_simclr_style_pipeline_runs_on_pil_or_arrays():
    pipeline = T.Compose([
        T.RandomResizedCrop(24), T.RandomHorizontalFlip(),
        T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8), T.RandomGrayscale(p=0.2),
        T.GaussianBlur(3), T.RandomRotation(15), T.ToTensor(),
        T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)), T.RandomErasing()])
    image = _rgb(32, 32) if Image is None else Image.fromarray(_rgb(32, 32))
    tg.manual_seed(0)
    x = pipeline(image)
    assert x.shape == (3, 24, 24) and x.dtype == tg.float32
    assert math.isfinite(float(x.detach().numpy().sum()))


def test_what_is_still_missing_says_so():
    import tinygrad_cnn.vision as torchvision
    from tinygrad_cnn.unsupported import HINTS, NotSupportedError
    with pytest.raises(NotSupportedError, match="not supported in tinygrad_cnn: "
                                                "torchvision.transforms.AutoAugment .*ColorJitter"):
        T.AutoAugment()
    assert not any(name in HINTS for name in ("torchvision.datasets.CIFAR10",
                                              "torchvision.transforms.ColorJitter"))
    assert torchvision.datasets.CIFAR100 is not None and T.ColorJitter is not None
