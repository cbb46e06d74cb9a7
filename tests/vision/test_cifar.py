"""vision.datasets.CIFAR10 / CIFAR100 on tiny fake copies of the archives' two layouts (python
pickles, also as Python 2 wrote them, and the binary records): values, labels, classes,
transforms, the restricted unpickler's refusals, and the errors for missing or damaged files."""
import os
import pickle
import struct

import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.vision as torchvision
from tinygrad_cnn.utils.data import DataLoader
from tinygrad_cnn.vision import _dataset_base, transforms
from tinygrad_cnn.vision.cifar import load_pickle

CIFAR10_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                 "truck"]


def _images(n, seed):
    return np.random.default_rng(seed).integers(0, 256, (n, 3072), dtype=np.uint8)


def _dump(path, obj, protocol=2):
    path.write_bytes(pickle.dumps(obj, protocol=protocol))


# Python 2's cPickle, which wrote the published files: numpy.core names and str (not bytes) data
def _py2_str(text: bytes) -> bytes:
    return (b"U" + bytes([len(text)]) + text) if len(text) < 256 else \
        (b"T" + struct.pack("<i", len(text)) + text)


def _py2_int(value: int) -> bytes:
    return b"J" + struct.pack("<i", value)


def _py2_pickle(entries: dict) -> bytes:
    out = b"\x80\x02}("                                     # PROTO 2, EMPTY_DICT, MARK
    for key, value in entries.items():
        out += _py2_str(key.encode())
        if isinstance(value, np.ndarray):                    # _reconstruct + BUILD, as numpy 1
            shape = b"".join(_py2_int(n) for n in value.shape)
            out += (b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n" + _py2_int(0)
                    + b"\x85" + _py2_str(b"b") + b"\x87R(" + _py2_int(1) + b"(" + shape + b"t"
                    + b"cnumpy\ndtype\n" + _py2_str(b"u1") + _py2_int(0) + _py2_int(1) + b"\x87R("
                    + _py2_int(3) + _py2_str(b"|") + b"NNN" + _py2_int(-1) + _py2_int(-1)
                    + _py2_int(0) + b"tb\x89" + _py2_str(value.tobytes()) + b"tb")
        else:                                                # a list of ints or of strs
            out += b"](" + b"".join(_py2_int(v) if isinstance(v, int) else _py2_str(v.encode())
                                    for v in value) + b"e"
    return out + b"u."


def make_cifar10_python(root, per_batch=3, py2=False, protocol=2):
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    batches = {}
    for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
        data = _images(per_batch, i)
        labels = [int(v) for v in np.random.default_rng(100 + i).integers(0, 10, per_batch)]
        entries = {"batch_label": name, "labels": labels, "data": data,
                   "filenames": [f"{name}_{j}.png" for j in range(per_batch)]}
        if py2:
            (folder / name).write_bytes(_py2_pickle(entries))
        else:
            _dump(folder / name, entries, protocol)
        batches[name] = (data, labels)
    meta = {"label_names": CIFAR10_NAMES, "num_cases_per_batch": per_batch, "num_vis": 3072}
    (folder / "batches.meta").write_bytes(_py2_pickle({"label_names": CIFAR10_NAMES}) if py2
                                          else pickle.dumps(meta, protocol=protocol))
    return batches


def _hwc(flat):
    return flat.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


@pytest.mark.parametrize("py2, protocol", [(True, 2), (False, 2), (False, 4), (False, 5)])
def test_cifar10_python_batches(tmp_path, py2, protocol):
    batches = make_cifar10_python(tmp_path, py2=py2, protocol=protocol)
    train = torchvision.datasets.CIFAR10(root=tmp_path, train=True, download=False)
    expected = np.concatenate([batches[f"data_batch_{k}"][0] for k in range(1, 6)])
    assert len(train) == 15 and train.data.shape == (15, 32, 32, 3) and train.data.dtype == np.uint8
    np.testing.assert_array_equal(train.data, _hwc(expected))
    assert train.targets == sum((batches[f"data_batch_{k}"][1] for k in range(1, 6)), [])
    assert train.classes == CIFAR10_NAMES and train.class_to_idx["truck"] == 9
    test = torchvision.datasets.CIFAR10(str(tmp_path), train=False)
    assert len(test) == 3 and test.targets == batches["test_batch"][1]
    assert "Split: Test" in repr(test) and "Number of datapoints: 3" in repr(test)


def test_samples_are_pil_images_or_arrays_and_transforms_apply(tmp_path, monkeypatch):
    batches = make_cifar10_python(tmp_path)
    dataset = torchvision.datasets.CIFAR10(tmp_path, train=False, transform=None,
                                           target_transform=lambda y: y + 100)
    image, target = dataset[1]
    assert target == batches["test_batch"][1][1] + 100
    np.testing.assert_array_equal(np.asarray(image), _hwc(batches["test_batch"][0])[1])
    if _dataset_base.Image is not None:
        assert type(image).__module__.startswith("PIL")
    monkeypatch.setattr(_dataset_base, "Image", None)        # as without Pillow
    image, _ = dataset[1]
    assert isinstance(image, np.ndarray) and image.shape == (32, 32, 3)
    dataset.transform = transforms.Compose([transforms.ToTensor(),
                                            transforms.Normalize((0.5,) * 3, (0.5,) * 3)])
    x, _ = next(iter(DataLoader(dataset, batch_size=3)))
    assert x.shape == (3, 3, 32, 32) and x.dtype == tg.float32
    assert -1.0 <= x.detach().numpy().min() and x.detach().numpy().max() <= 1.0


def _binary_records(n, label_columns, seed):
    rng = np.random.default_rng(seed)
    labels = [rng.integers(0, limit, n, dtype=np.uint8) for limit in label_columns]
    data = _images(n, seed)
    return np.concatenate([np.stack(labels, 1), data], axis=1), labels, data


def test_cifar10_binary_version(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    parts = []
    for k, name in enumerate([f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]):
        records, (labels,), data = _binary_records(2, [10], k)
        records.tofile(folder / name)
        parts.append((labels, data))
    (folder / "batches.meta.txt").write_text("\n".join(CIFAR10_NAMES) + "\n\n")
    train = torchvision.datasets.CIFAR10(tmp_path)
    assert train.targets == [int(v) for labels, _ in parts[:5] for v in labels]
    np.testing.assert_array_equal(train.data, _hwc(np.concatenate([d for _, d in parts[:5]])))
    assert train.classes == CIFAR10_NAMES
    test = torchvision.datasets.CIFAR10(folder, train=False)      # the folder itself works too
    assert test.targets == [int(v) for v in parts[5][0]]


def test_cifar100_python_and_binary_use_the_fine_labels(tmp_path):
    fine_names = [f"class{i:02d}" for i in range(100)]
    python = tmp_path / "py" / "cifar-100-python"
    python.mkdir(parents=True)
    data = _images(4, 0)
    fine, coarse = [3, 99, 0, 42], [1, 19, 0, 7]
    _dump(python / "train", {"data": data, "fine_labels": fine, "coarse_labels": coarse})
    _dump(python / "test", {"data": data[:1], "fine_labels": fine[:1], "coarse_labels": coarse[:1]})
    _dump(python / "meta", {"fine_label_names": fine_names, "coarse_label_names": ["c"] * 20})
    train = torchvision.datasets.CIFAR100(tmp_path / "py", train=True)
    assert train.targets == fine and train.classes == fine_names
    np.testing.assert_array_equal(train.data, _hwc(data))
    assert len(torchvision.datasets.CIFAR100(tmp_path / "py", train=False)) == 1

    binary = tmp_path / "bin" / "cifar-100-binary"
    binary.mkdir(parents=True)
    for name, seed in (("train.bin", 1), ("test.bin", 2)):
        records, (coarse_b, fine_b), data_b = _binary_records(3, [20, 100], seed)
        records.tofile(binary / name)
    test = torchvision.datasets.CIFAR100(tmp_path / "bin", train=False)
    assert test.targets == [int(v) for v in fine_b]
    np.testing.assert_array_equal(test.data, _hwc(data_b))
    assert test.classes == [str(i) for i in range(100)]             # no names file: indices


def test_missing_files_and_download_say_what_to_do(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted. You can use "
                                           "download=True"):
        torchvision.datasets.CIFAR10(tmp_path)
    with pytest.raises(RuntimeError, match="does not download .*cifar-10-batches-py"):
        torchvision.datasets.CIFAR10(tmp_path, download=True)
    with pytest.raises(RuntimeError, match="cifar-100-python"):
        torchvision.datasets.CIFAR100(tmp_path, train=False, download=True)
    make_cifar10_python(tmp_path)                                    # present: download is a no-op
    assert len(torchvision.datasets.CIFAR10(tmp_path, download=True)) == 15


class _RunsCode:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return os.mkdir, (self.target,)


def test_a_pickle_that_would_run_code_is_refused_before_it_runs(tmp_path):
    make_cifar10_python(tmp_path)
    marker = tmp_path / "code_ran"
    _dump(tmp_path / "cifar-10-batches-py" / "test_batch",
          {"data": _images(1, 0), "labels": [0], "x": _RunsCode(str(marker))})
    with pytest.raises(pickle.UnpicklingError, match="refused to load the global '(posix|nt).mkdir'"):
        torchvision.datasets.CIFAR10(tmp_path, train=False)
    assert not marker.exists()


@pytest.mark.parametrize("payload", [
    np.array([object()], dtype=object),                   # object arrays could carry anything
    np.zeros(2, dtype=[("a", "u1"), ("b", "f4")]),         # structured dtypes too
    np.ma.masked_array([1, 2]),                            # ndarray subclasses are refused
])
def test_only_plain_numeric_arrays_unpickle(tmp_path, payload):
    path = tmp_path / "batch"
    _dump(path, {"data": payload}, protocol=4)
    with pytest.raises(pickle.UnpicklingError, match="refused"):
        load_pickle(path)


def test_damaged_batches_are_reported_with_the_file(tmp_path):
    make_cifar10_python(tmp_path)
    batch = tmp_path / "cifar-10-batches-py" / "test_batch"
    _dump(batch, {"data": np.zeros((2, 100), np.uint8), "labels": [0, 1]})
    with pytest.raises(RuntimeError, match="test_batch: expected uint8 images"):
        torchvision.datasets.CIFAR10(tmp_path, train=False)
    _dump(batch, {"data": _images(2, 0), "labels": [0, 10]})
    with pytest.raises(RuntimeError, match="labels outside 0..9"):
        torchvision.datasets.CIFAR10(tmp_path, train=False)
    batch.write_bytes(pickle.dumps({"data": _images(2, 0), "labels": [0, 1]})[:100])
    with pytest.raises(RuntimeError, match="not a readable CIFAR batch"):
        torchvision.datasets.CIFAR10(tmp_path, train=False)
    binary = tmp_path / "cifar-10-batches-bin"
    binary.mkdir()
    for name in ["test_batch.bin"]:
        np.zeros(3074, np.uint8).tofile(binary / name)
    (tmp_path / "cifar-10-batches-py" / "test_batch").unlink()
    with pytest.raises(RuntimeError, match="not a whole number of 3073-byte records"):
        torchvision.datasets.CIFAR10(tmp_path, train=False)
