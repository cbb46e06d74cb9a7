"""`.safetensors` through the optional safetensors package: written by suffix, recognised by
content, and a clear ImportError (with the pip command) where the package is missing."""
import sys

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn


def test_state_dict_round_trips_through_safetensors(tmp_path):
    pytest.importorskip("safetensors")
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    state = net.state_dict()
    tg.save(state, tmp_path / "m.safetensors")
    loaded = tg.load(tmp_path / "m.safetensors")
    assert sorted(loaded) == sorted(state)
    for key, value in state.items():
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape
        np.testing.assert_array_equal(loaded[key], value)
    fresh = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    fresh.load_state_dict(loaded, strict=True)


def test_files_written_by_the_safetensors_package_load_by_content(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    path = tmp_path / "weights.bin"
    safetensors_numpy.save_file({"b": np.arange(3, dtype=np.int64), "a": np.ones((2, 2))}, path)
    loaded = tg.load(path)
    assert list(loaded) == ["a", "b"] or list(loaded) == ["b", "a"]
    np.testing.assert_array_equal(loaded["b"], [0, 1, 2])


def test_safetensors_holds_only_a_flat_dict_of_arrays(tmp_path):
    pytest.importorskip("safetensors")
    with pytest.raises(TypeError, match="holds arrays only; 'epoch' is a int"):
        tg.save({"w": np.ones(2), "epoch": 3}, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="flat dict of arrays, got a list"):
        tg.save([np.ones(2)], tmp_path / "x.safetensors")
    assert list(tmp_path.iterdir()) == []


def test_missing_package_is_a_clear_import_error_before_any_file_is_written(tmp_path,
                                                                             monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)   # as if not installed
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r'pip install "tinygrad-cnn\[safetensors\]"'):
        tg.save({"w": np.ones(2)}, tmp_path / "x.safetensors")
    assert list(tmp_path.iterdir()) == []
