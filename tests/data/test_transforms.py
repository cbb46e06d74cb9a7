"""Transforms: exact numbers for the deterministic ones, properties for the random ones."""
import numpy as np
import pytest

from tinygrad_cnn.data import DataLoader, TensorDataset
from tinygrad_cnn.data.transforms import (Compose, Normalize, RandomCrop, RandomHorizontalFlip,
                                          ToFloat)


def test_to_float_scales_to_unit_range():
    x = np.array([[[0, 51, 255]]], dtype=np.uint8)
    np.testing.assert_allclose(ToFloat()(x), [[[0.0, 0.2, 1.0]]])
    assert ToFloat()(x).dtype == np.float32
    np.testing.assert_allclose(ToFloat(16)(np.array([[[8, 16]]])), [[[0.5, 1.0]]])


def test_normalize_per_channel_chw_and_nchw():
    x = np.stack([np.full((2, 2), 1.0), np.full((2, 2), 4.0)]).astype(np.float32)  # (2, 2, 2)
    y = Normalize(mean=[1.0, 2.0], std=[0.5, 4.0])(x)
    np.testing.assert_allclose(y[0], 0.0)
    np.testing.assert_allclose(y[1], 0.5)
    assert y.dtype == np.float32
    batch = np.stack([x, 2 * x])                                               # (2, 2, 2, 2)
    yb = Normalize([1.0, 2.0], [0.5, 4.0])(batch)
    np.testing.assert_allclose(yb[1, 0], 2.0)
    np.testing.assert_allclose(yb[1, 1], 1.5)
    np.testing.assert_allclose(Normalize(0.5, 0.25)(x)[1], 14.0)              # one value for all
    with pytest.raises(ValueError, match="3 values for 2 channels"):
        Normalize([0, 0, 0], [1, 1, 1])(x)
    with pytest.raises(ValueError, match="non-zero"):
        Normalize(0, [1, 0])
    with pytest.raises(ValueError, match="expected a numpy array"):
        Normalize(0, 1)(np.zeros((4, 4)))


def test_random_crop_without_padding_or_change_is_identity():
    x = np.random.default_rng(0).random((3, 1, 5, 5)).astype(np.float32)
    np.testing.assert_array_equal(RandomCrop(5, generator=0)(x), x)


def test_random_crop_picks_padded_windows_per_image():
    n = 200
    x = np.ones((n, 2, 4, 4), np.float32)
    out = RandomCrop(4, padding=1, generator=0)(x)                  # zero border of width 1
    assert out.shape == (n, 2, 4, 4)
    # Each crop is the 6x6 padded image shifted by (dy, dx) in -1..1; the number of zero
    # rows and columns tells the shift, and every channel of an image shares it.
    zero_rows = (out[:, 0].sum(axis=2) == 0).sum(axis=1)
    zero_cols = (out[:, 0].sum(axis=1) == 0).sum(axis=1)
    assert set(zero_rows) == {0, 1} and set(zero_cols) == {0, 1}
    np.testing.assert_array_equal(out[:, 0], out[:, 1])
    assert out.sum() == pytest.approx(np.sum((4 - zero_rows) * (4 - zero_cols)) * 2)
    # every window position occurs (3 x 3 of them)
    single = RandomCrop(2, padding=0, generator=1)
    img = np.arange(16, dtype=np.float32).reshape(1, 4, 4)
    corners = {single(img)[0, 0, 0] for _ in range(300)}
    assert corners == {0, 1, 2, 4, 5, 6, 8, 9, 10}


def test_random_crop_is_seeded_and_validates():
    x = np.random.default_rng(1).random((8, 1, 6, 6))
    a = RandomCrop((4, 5), padding=2, generator=7)(x)
    b = RandomCrop((4, 5), padding=2, generator=7)(x)
    assert a.shape == (8, 1, 4, 5)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="larger than padded"):
        RandomCrop(9, padding=1)(x)
    with pytest.raises(ValueError, match="padding_mode"):
        RandomCrop(4, padding_mode="wrap")
    edge = RandomCrop(6, padding=3, padding_mode="edge", generator=0)(x)
    assert edge.shape == x.shape and set(np.unique(edge)) <= set(np.unique(x))


def test_horizontal_flip_probability_and_exactness():
    x = np.arange(1000 * 3, dtype=np.float32).reshape(1000, 1, 1, 3)
    out = RandomHorizontalFlip(p=0.5, generator=0)(x)
    flipped = (out[:, 0, 0] == x[:, 0, 0, ::-1]).all(axis=1)
    kept = (out == x).all(axis=(1, 2, 3))
    assert (flipped ^ kept).all() and 400 < flipped.sum() < 600
    np.testing.assert_array_equal(RandomHorizontalFlip(p=1.0)(x[0]), x[0][..., ::-1])
    np.testing.assert_array_equal(RandomHorizontalFlip(p=0.0)(x), x)
    assert RandomHorizontalFlip(p=1.0)(x) is not x


def test_compose_inside_tensor_dataset_runs_on_batches():
    x = np.full((10, 1, 4, 4), 255, dtype=np.uint8)
    t = Compose([ToFloat(), Normalize(0.5, 0.5), RandomCrop(4, padding=1, generator=0)])
    ds = TensorDataset(x, np.zeros(10, np.int64), transform=t)
    xb, yb = next(iter(DataLoader(ds, batch_size=10)))
    assert xb.shape == (10, 1, 4, 4) and xb.dtype == np.float32
    assert set(np.unique(xb.array)) <= {0.0, 1.0}                    # 1 inside, 0 from padding
    assert ds[0][0].shape == (1, 4, 4)                              # per-item path too
    assert "Normalize" in repr(t)


def test_random_crop_padding_forms_and_pad_if_needed_as_torchvision():
    x = np.ones((1, 2, 3), dtype=np.float32)                        # (C, H=2, W=3)
    # (left/right, top/bottom) = (2, 1): width 3 + 4, height 2 + 2; a full-size crop keeps it all
    out = RandomCrop((4, 7), padding=(2, 1), generator=0)(x)
    assert out.shape == (1, 4, 7) and out.sum() == 6 and out[0, 1:3, 2:5].sum() == 6
    # (left, top, right, bottom) = (1, 0, 0, 2)
    out = RandomCrop((4, 4), padding=(1, 0, 0, 2), generator=0)(x)
    np.testing.assert_array_equal(out[0, :2, 1:], np.ones((2, 3)))
    assert out[0, :, 0].sum() == 0 and out[0, 2:].sum() == 0
    grown = RandomCrop((4, 5), pad_if_needed=True, generator=0)(x)  # 2x3 grows to 4x5
    assert grown.shape == (1, 4, 5) and grown.sum() == 6
    with pytest.raises(ValueError, match="sequence of 2 or 4"):
        RandomCrop(2, padding=(1, 2, 3))


def test_reprs_follow_torchvision():
    t = Compose([Normalize((0.5,), (0.25,)), RandomCrop(32, padding=4)])
    assert repr(t) == ("Compose(\n    Normalize(mean=(0.5,), std=(0.25,))\n"
                       "    RandomCrop(size=(32, 32), padding=4)\n)")
