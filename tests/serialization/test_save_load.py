"""save / load: exact round trips of state dicts and nested structures, atomic writes, and clear
errors for truncated, foreign or pickled files (never unpickled)."""
import io
import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn, optim


def _assert_same(a, b):
    """Equal values and equal types, all the way down (dtypes included). `a` is what was saved,
    `b` what loaded: a saved numpy array loads as a Tensor, as torch.load returns tensors."""
    if isinstance(a, np.ndarray) and not isinstance(b, np.ndarray):
        assert type(b) is tg.Tensor and not b.requires_grad, type(b)
        b = b.array
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, tg.Tensor):
        assert a.requires_grad == b.requires_grad
        _assert_same(a.array, b.array)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


def test_model_state_dict_round_trip(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    model(tg.randn(2, 1, 4, 4))
    path = tmp_path / "model.npz"
    tg.save(model.state_dict(), path)
    loaded = tg.load(path)
    _assert_same(model.state_dict(), loaded)
    assert isinstance(loaded, OrderedDict) and loaded["1.num_batches_tracked"].dtype == np.int64
    fresh = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    fresh.load_state_dict(loaded)
    _assert_same(model.state_dict(), fresh.state_dict())
    with np.load(path) as archive:  # a flat state dict keeps readable member names
        np.testing.assert_array_equal(archive["3.weight"], model[3].weight.array)


def test_nested_structures_round_trip(tmp_path):
    obj = {
        "model": OrderedDict([("w", np.arange(6, dtype=np.float64).reshape(2, 3))]),
        "optimizer": {"state": {0: {"step": 3.0, "exp_avg": np.ones(2, np.float32)}},
                      "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "amsgrad": False,
                                        "params": [0, 1]}]},
        "epoch": 7, "best": float("inf"), "nan": float("nan"), "note": "ünïcode", "none": None,
        "scalars": [np.float32(1.5), np.int64(-3), np.bool_(True), np.float64(0.1)],
        "arrays": [np.array(5, dtype=np.uint8), np.zeros((0, 3), np.int16), np.array([True])],
        "tensor": tg.tensor([1.0, 2.0], requires_grad=True),
        "empty": {}, "tuple": (), "collide": {"w": np.ones(1)}, "model.w": np.zeros(1),
    }
    path = tmp_path / "nested.ckpt"
    tg.save(obj, path)
    _assert_same(obj, tg.load(path))


def test_optimizer_and_scheduler_state_round_trip(tmp_path):
    model = nn.Linear(3, 2)
    opt = optim.Adam(model.parameters(), lr=0.1)
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt)
    model(tg.randn(4, 3)).sum().backward()
    opt.step()
    sched.step(1.0)
    tg.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, tmp_path / "c.npz")
    loaded = tg.load(tmp_path / "c.npz")
    _assert_same(opt.state_dict(), loaded["optimizer"])
    _assert_same(sched.state_dict(), loaded["scheduler"])
    opt2 = optim.Adam(model.parameters())
    opt2.load_state_dict(loaded["optimizer"])
    assert opt2.param_groups[0]["betas"] == (0.9, 0.999)


def test_file_objects(tmp_path):
    buffer = io.BytesIO()
    tg.save({"a": np.ones(3)}, buffer)
    buffer.seek(0)
    _assert_same({"a": np.ones(3)}, tg.load(buffer))


def test_unsupported_values_are_refused_before_writing(tmp_path):
    path = tmp_path / "x.npz"
    with pytest.raises(TypeError, match="cannot store a set at a/b"):
        tg.save({"a": {"b": {1, 2}}}, path)
    with pytest.raises(TypeError, match="object array at w"):
        tg.save({"w": np.array([None, 1], dtype=object)}, path)
    with pytest.raises(TypeError, match="dict keys must be str or int"):
        tg.save({(1, 2): 3}, path)
    assert not path.exists() and os.listdir(tmp_path) == []


def test_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    tg.save({"version": 1}, path)

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        tg.save({"version": 2}, path)
    monkeypatch.undo()
    assert tg.load(path) == {"version": 1}  # the old checkpoint survives intact
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # and no temporary file is left behind


def test_truncated_file_is_a_clear_error(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"w": np.arange(1000.0)}, path)
    data = path.read_bytes()
    for size in (len(data) // 2, len(data) - 10, 30):
        path.write_bytes(data[:size])
        with pytest.raises(ValueError, match="ckpt.npz: truncated or corrupt"):
            tg.load(path)


@pytest.mark.parametrize("content, match", [
    (b"", "not an .npz/zip archive"),
    (b"hello world", "not an .npz/zip archive"),
    (pickle.dumps({"w": 1}), "looks like a pickle"),
])
def test_foreign_files_are_refused(tmp_path, content, match):
    path = tmp_path / "foreign.bin"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match) as info:
        tg.load(path)
    assert "foreign.bin" in str(info.value)


def test_npz_holding_a_pickle_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, w=np.array([{"x": 1}], dtype=object))  # numpy pickles object arrays
    with pytest.raises(ValueError, match="evil.npz: refused to load a pickled member"):
        tg.load(path)


def test_corrupt_manifest_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, __tinygrad_cnn__=np.frombuffer(b'{"format": "other"}', dtype=np.uint8))
    with pytest.raises(ValueError, match="bad.npz: corrupt checkpoint manifest"):
        tg.load(path)


def test_plain_npz_of_arrays_loads_as_a_state_dict(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, **{"fc.weight": np.ones((2, 2), np.float32), "fc.bias": np.zeros(2)})
    loaded = tg.load(path)
    assert list(loaded) == ["fc.weight", "fc.bias"] and loaded["fc.weight"].dtype == np.float32


def test_saved_file_has_ordinary_permissions(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"a": 1}, path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # as open(path, "wb") would give


def test_load_accepts_torch_load_arguments(tmp_path):
    path = tmp_path / "w.npz"
    tg.save({"w": np.ones(2, np.float32)}, path)
    for kwargs in (dict(map_location="cpu"), dict(map_location=tg.device("cpu")),
                   dict(weights_only=True), dict(map_location=lambda storage, loc: storage)):
        np.testing.assert_array_equal(tg.load(path, **kwargs)["w"], np.ones(2))
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        tg.load(path, map_location="cuda:0")
