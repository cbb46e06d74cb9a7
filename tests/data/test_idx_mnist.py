"""IDX reader on small hand-made files; MNIST / Fashion-MNIST lookup, download and errors."""
import dataclasses
import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from tinygrad_cnn.data.datasets import mnist
from tinygrad_cnn.data.datasets.idx import IDXError, parse_idx, read_idx
from tinygrad_cnn.data.datasets.mnist import (DatasetNotFoundError, load_fashion_mnist,
                                              load_idx_dataset)


def idx_bytes(array, type_code=0x08):
    """IDX encoding of `array`, written from the format description."""
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.asarray(array, dtype=dtype[type_code]).tobytes()


@pytest.mark.parametrize("code, values", [
    (0x08, np.arange(24, dtype=np.uint8).reshape(2, 3, 4)),
    (0x09, np.array([-128, 0, 127], dtype=np.int8)),
    (0x0B, np.array([[-300, 300]], dtype=np.int16)),
    (0x0C, np.array([1 << 30, -5], dtype=np.int32)),
    (0x0D, np.array([1.5, -2.25], dtype=np.float32)),
    (0x0E, np.array([[np.pi]], dtype=np.float64))])
def test_round_trip_every_type_raw_and_gz(tmp_path, code, values):
    raw, gz = tmp_path / "a-idx", tmp_path / "a-idx.gz"
    raw.write_bytes(idx_bytes(values, code))
    gz.write_bytes(gzip.compress(idx_bytes(values, code)))
    for path in (raw, gz):
        out = read_idx(path)
        assert out.dtype == values.dtype and out.dtype.isnative
        np.testing.assert_array_equal(out, values)
        out[...] = 0                                              # writable, owns its memory


def test_bad_magic_and_foreign_files(tmp_path):
    bad = bytearray(idx_bytes(np.zeros(4, np.uint8)))
    bad[1] = 7
    with pytest.raises(IDXError, match="magic"):
        parse_idx(bytes(bad))
    png = tmp_path / "image.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    with pytest.raises(IDXError, match="not an IDX file"):
        read_idx(png)
    with pytest.raises(IDXError, match="type byte 0x07"):
        parse_idx(bytes([0, 0, 7, 1, 0, 0, 0, 1, 5]))
    with pytest.raises(IDXError, match="0 dimensions"):
        parse_idx(bytes([0, 0, 8, 0]))
    with pytest.raises(IDXError, match="too short"):
        parse_idx(b"\x00\x00")


def test_truncated_and_padded_files(tmp_path):
    data = idx_bytes(np.ones((3, 28, 28), np.uint8))
    with pytest.raises(IDXError, match=r"truncated: shape \(3, 28, 28\) of uint8 needs 2352"):
        parse_idx(data[:-1])
    with pytest.raises(IDXError, match="truncated header"):
        parse_idx(data[:10])
    with pytest.raises(IDXError, match="trailing bytes"):
        parse_idx(data + b"\x00")
    gz = tmp_path / "cut.gz"
    gz.write_bytes(gzip.compress(data)[:-10])
    with pytest.raises(IDXError, match="gzip"):
        read_idx(gz)
    huge = bytes([0, 0, 8, 3]) + struct.pack(">3I", 2**32 - 1, 2**32 - 1, 2**32 - 1)
    with pytest.raises(IDXError, match="truncated"):                # no overflow, no alloc
        parse_idx(huge)


def test_expected_dtype_and_ndim(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(idx_bytes(np.zeros((2, 2), np.float32), 0x0D))
    with pytest.raises(IDXError, match="expected uint8"):
        read_idx(path, dtype=np.uint8)
    with pytest.raises(IDXError, match="expected 3"):
        read_idx(path, ndim=2 + 1)


def write_split(folder, n, train=True, gz=True, label_max=9):
    """A fake MNIST split of `n` samples in `folder`; returns the file paths."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = "train" if train else "t10k"
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, label_max + 1, size=n, dtype=np.uint8)
    paths = []
    for stem, arr in ((f"{prefix}-images-idx3-ubyte", images),
                      (f"{prefix}-labels-idx1-ubyte", labels)):
        data = idx_bytes(arr)
        path = folder / (stem + ".gz" if gz else stem)
        path.write_bytes(gzip.compress(data) if gz else data)
        paths.append(path)
    return images, labels, paths


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No env var, no Debian copy, an empty cache, mirrors that refuse connections."""
    monkeypatch.delenv(mnist.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = dataclasses.replace(mnist.FASHION_MNIST, debian_dir=str(tmp_path / "no-debian"),
                                 mirrors=("http://127.0.0.1:9/",))
    return source


def test_loads_from_root_env_and_torchvision_layout(offline, tmp_path, monkeypatch):
    images, labels, _ = write_split(tmp_path / "r", 10000, train=False, gz=False)
    x, y = load_idx_dataset(offline, root=tmp_path / "r", train=False, download=False)
    assert x.shape == (10000, 1, 28, 28) and x.dtype == np.uint8 and y.dtype == np.int64
    np.testing.assert_array_equal(x[:, 0], images)
    np.testing.assert_array_equal(y, labels)
    write_split(tmp_path / "env" / "FashionMNIST" / "raw", 10000, train=False)
    monkeypatch.setenv(mnist.ENV_VAR, str(tmp_path / "env"))
    x2, _ = load_idx_dataset(offline, train=False, download=False)
    np.testing.assert_array_equal(x2, x)


def test_every_failure_is_listed_in_one_error(offline, tmp_path, monkeypatch):
    write_split(tmp_path / "r", 60000 - 1, train=True)              # wrong sample count
    monkeypatch.setenv(mnist.ENV_VAR, str(tmp_path / "empty"))
    with pytest.raises(DatasetNotFoundError) as err:
        load_idx_dataset(offline, root=tmp_path / "r", train=True, download=True, timeout=5)
    text = str(err.value)
    for expected in ("root argument", "expected (60000, 28, 28)", "$TINYGRAD_CNN_DATA",
                     "Debian package dataset-fashion-mnist", "download cache",
                     "http://127.0.0.1:9/train-images-idx3-ubyte.gz",
                     "apt install dataset-fashion-mnist", "TINYGRAD_CNN_DATA=<folder>"):
        assert expected in text
    assert isinstance(err.value, FileNotFoundError)


def test_labels_out_of_range_are_rejected(offline, tmp_path):
    write_split(tmp_path, 10000, train=False, label_max=12)
    with pytest.raises(DatasetNotFoundError, match="outside 0..9"):
        load_idx_dataset(offline, root=tmp_path, train=False, download=False)


def test_download_verifies_sha256_and_writes_atomically(offline, tmp_path):
    images, labels, paths = write_split(tmp_path / "mirror", 10000, train=False)
    sums = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    source = dataclasses.replace(offline, mirrors=("http://127.0.0.1:9/",
                                                   (tmp_path / "mirror").as_uri() + "/"),
                                 sha256=sums)
    x, y = load_idx_dataset(source, root=tmp_path / "dl", train=False)
    np.testing.assert_array_equal(y, labels)
    saved = sorted(p.name for p in (tmp_path / "dl" / "fashion-mnist").iterdir())
    assert saved == sorted(sums)                                     # no .part files left
    tampered = dataclasses.replace(source, sha256={k: "0" * 64 for k in sums})
    with pytest.raises(DatasetNotFoundError, match="differs from the published"):
        load_idx_dataset(tampered, root=tmp_path / "dl2", train=False)


DEBIAN = Path(mnist.FASHION_MNIST.debian_dir)


@pytest.mark.skipif(not (DEBIAN / "t10k-labels-idx1-ubyte.gz").exists(),
                    reason="Fashion-MNIST not installed (apt install dataset-fashion-mnist)")
@pytest.mark.parametrize("train, n", [(True, 60000), (False, 10000)])
def test_real_fashion_mnist(train, n, monkeypatch):
    monkeypatch.delenv(mnist.ENV_VAR, raising=False)
    x, y = load_fashion_mnist(train=train, download=False)
    assert x.shape == (n, 1, 28, 28) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [n // 10] * 10                 # balanced classes
    assert x.max() == 255 and x.min() == 0
    assert 0.28 < x.mean() / 255 < 0.29                              # published mean 0.286
