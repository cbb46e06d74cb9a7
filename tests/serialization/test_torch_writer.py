"""tg.save(..., "x.pt" / "x.pth") writes PyTorch's zip format, and tg.load reads it back everywhere
(that torch.load(weights_only=True) reads the same values: tests/torch_parity/test_serialization_parity.py)."""
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn


def small_net():
    tg.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    net(tg.randn(4, 1, 4, 4))
    return net


def test_pth_suffix_writes_a_torch_zip_that_we_read_back_exactly(tmp_path):
    state = small_net().state_dict()
    tg.save(state, tmp_path / "m.pth")
    with zipfile.ZipFile(tmp_path / "m.pth") as archive:
        names = archive.namelist()
        assert names[0] == "m/data.pkl" and "m/version" in names and "m/byteorder" in names
        for info in archive.infolist():               # storages aligned as torch aligns them
            if "/data/" in info.filename:
                assert (info.header_offset + 30 + len(info.filename) + len(info.extra)) % 64 == 0
    loaded = tg.load(tmp_path / "m.pth")
    assert isinstance(loaded, OrderedDict) and list(loaded) == list(state)
    for key, value in state.items():
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape
        np.testing.assert_array_equal(loaded[key], value)


def test_nested_values_round_trip_through_the_torch_format(tmp_path):
    obj = {"epoch": 3, "big": 2 ** 40, "lr": 0.1, "name": "ü", "none": None, "flag": True,
           "betas": (0.9, 0.999), "list": [np.float32(1.5), np.int64(7)], "empty": (),
           "scalar": np.array(5, np.int16), "zero_size": np.zeros((0, 3)),
           "transposed": np.arange(6.0).reshape(2, 3).T, "bool": np.array([True, False]),
           "grad": tg.tensor([1.0, 2.0], requires_grad=True), 1: "int key",
           "uint16": np.array([1, 65535], np.uint16), "uint64": np.array([2 ** 64 - 1], np.uint64)}
    tg.save(obj, tmp_path / "x.pt")
    back = tg.load(tmp_path / "x.pt")
    assert back["list"] == [1.5, 7] and back["betas"] == (0.9, 0.999) and back[1] == "int key"
    assert back["scalar"].shape == () and back["scalar"].dtype == np.int16
    np.testing.assert_array_equal(back["transposed"], obj["transposed"])
    assert isinstance(back["grad"], tg.Tensor) and back["grad"].requires_grad
    for key in ("uint16", "uint64"):
        assert back[key].dtype == obj[key].dtype
        np.testing.assert_array_equal(back[key], obj[key])
    for key in ("epoch", "big", "lr", "name", "none", "flag", "empty"):
        assert back[key] == obj[key]


def test_unsupported_values_fail_before_any_file_is_written(tmp_path):
    with pytest.raises(TypeError, match="<U1 array at w has no PyTorch dtype"):
        tg.save({"w": np.array(["a"])}, tmp_path / "x.pth")
    with pytest.raises(TypeError, match="cannot store a set at a"):
        tg.save({"a": {1}}, tmp_path / "x.pth")
    assert list(tmp_path.iterdir()) == []


def test_format_argument_overrides_the_suffix(tmp_path):
    tg.save({"w": np.ones(2)}, tmp_path / "x.pth", format="npz")
    with np.load(tmp_path / "x.pth") as archive:
        assert "w" in archive.files
    tg.save({"w": np.ones(2)}, tmp_path / "y.bin", format="torch")
    assert tg.load(tmp_path / "y.bin")["w"].shape == (2,)
    with pytest.raises(ValueError, match="format must be one of"):
        tg.save({}, tmp_path / "z", format="pickle")
