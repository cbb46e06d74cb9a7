"""torchvision.datasets.CIFAR10 and CIFAR100, read from the archives' standard layouts in `root`:

    python version   <root>/cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta}
                     <root>/cifar-100-python/{train, test, meta}
    binary version   <root>/cifar-10-batches-bin/{data_batch_1..5.bin, test_batch.bin,
                                                  batches.meta.txt}
                     <root>/cifar-100-binary/{train.bin, test.bin, fine_label_names.txt}

The python batches are pickles (a dict of a uint8 array (N, 3072) and a list of labels). A
pickle is a program that may import and call anything, so they are read by `_ArrayUnpickler`,
which resolves only the few globals a numpy array's pickle names, each to a guarded function
of ours (plain numeric dtypes only); any other global is refused before anything runs. The
binary batches are records of label byte(s) then 3072 pixel bytes (red, green, blue planes of
32 x 32), read with numpy alone.

Nothing is downloaded: `download=True` with the files missing says where to get and put them."""
from __future__ import annotations

import codecs
import os
import pickle
from pathlib import Path

import numpy as np

from ._dataset_base import VisionDataset, as_image

try:                                             # numpy >= 2 moved its core to numpy._core
    from numpy._core.multiarray import _reconstruct
except ImportError:                              # pragma: no cover - numpy 1.x
    from numpy.core.multiarray import _reconstruct

__all__ = ["CIFAR10", "CIFAR100"]

PIXELS = 3 * 32 * 32


# --- the restricted unpickler ---------------------------------------------------------------
class RefusedPickleError(pickle.UnpicklingError):
    """The file asked for something a CIFAR batch never holds; nothing of it was run."""


def _plain_dtype(spec, align=False, copy=False):
    """np.dtype for a plain number type ('u1', 'i8', 'f4', ...): no object or structured dtypes,
    whose pickles could carry arbitrary objects."""
    if not isinstance(spec, str):
        raise RefusedPickleError(f"refused dtype {spec!r}: only plain number types load")
    dtype = np.dtype(spec)
    if dtype.kind not in "biuf" or dtype.fields is not None:
        raise RefusedPickleError(f"refused dtype {spec!r}: only plain number types load")
    return dtype


class _NDArrayName:
    """Stands for `numpy.ndarray` in the pickle: only ever an argument of _reconstruct, so the
    class itself (a constructor taking a raw buffer) is never handed to the pickle."""


def _new_array(subtype, shape, dtype):
    """numpy's _reconstruct for plain ndarrays: an empty array that BUILD then fills from the
    pickled bytes (through ndarray.__setstate__, which checks their size)."""
    if subtype is not _NDArrayName:
        raise RefusedPickleError("refused to reconstruct anything but a numpy.ndarray")
    if isinstance(dtype, bytes):                 # numpy pickles a placeholder type code, b'b'
        dtype = dtype.decode("latin1")
    return _reconstruct(np.ndarray, shape, _plain_dtype(dtype if isinstance(dtype, str)
                                                        else getattr(dtype, "str", dtype)))


def _from_buffer(buffer, dtype, shape, order):
    """numpy's protocol-5 path: an array over the pickled bytes."""
    if not isinstance(dtype, np.dtype) or dtype.kind not in "biuf" or dtype.fields is not None:
        raise RefusedPickleError(f"refused dtype {dtype!r}: only plain number types load")
    return np.frombuffer(buffer, dtype=dtype).reshape(shape, order=order).copy()


def _latin1_bytes(text, encoding="latin1"):
    """Protocol 2 written by Python 3 stores bytes as _codecs.encode(text, 'latin1')."""
    if not isinstance(text, str) or encoding != "latin1":
        raise RefusedPickleError("refused _codecs.encode with anything but latin1 text")
    return codecs.encode(text, "latin1")


_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _new_array,
    ("numpy._core.multiarray", "_reconstruct"): _new_array,
    ("numpy.core.numeric", "_frombuffer"): _from_buffer,
    ("numpy._core.numeric", "_frombuffer"): _from_buffer,
    ("numpy", "ndarray"): _NDArrayName,
    ("numpy", "dtype"): _plain_dtype,
    ("_codecs", "encode"): _latin1_bytes,
}


class _ArrayUnpickler(pickle.Unpickler):
    """pickle.Unpickler whose globals are only the array-building functions above; anything else
    a file names (os.system, builtins.eval, a class with a __reduce__) raises UnpicklingError
    when the name is read, so no code from the file ever runs."""

    def find_class(self, module, name):
        found = _ALLOWED.get((module, name))
        if found is None:
            raise RefusedPickleError(
                f"refused to load the global '{module}.{name}': CIFAR batches hold only numpy "
                f"arrays and plain lists/dicts, so nothing else is allowed (nothing was run)")
        return found

    def persistent_load(self, pid):
        raise RefusedPickleError("refused a persistent id: CIFAR batches have none")


def load_pickle(path: Path):
    """The object a CIFAR python batch holds, read without running code. latin1 decodes the
    Python 2 strings of the original files (as torchvision reads them)."""
    with open(path, "rb") as handle:
        try:
            return _ArrayUnpickler(handle, encoding="latin1").load()
        except RefusedPickleError as err:
            raise RefusedPickleError(f"{path}: {err}") from None
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, IndexError,
                AttributeError, MemoryError) as err:
            raise RuntimeError(f"{path}: not a readable CIFAR batch ({err!r})") from None


# --- the two layouts ------------------------------------------------------------------------
def _checked(path, data, labels, num_classes):
    """(data (N, 32, 32, 3) uint8, labels list of ints), after checking shapes and ranges."""
    data, labels = np.asarray(data), np.asarray(labels)
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != PIXELS:
        raise RuntimeError(f"{path}: expected uint8 images (N, {PIXELS}), got {data.dtype} "
                           f"{data.shape}")
    if labels.shape != (len(data),) or labels.dtype.kind not in "iu":
        raise RuntimeError(f"{path}: expected {len(data)} integer labels, got {labels.dtype} "
                           f"{labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise RuntimeError(f"{path}: labels outside 0..{num_classes - 1}")
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), [int(v) for v in labels]


def _python_batch(path, label_key, num_classes):
    batch = load_pickle(path)
    if not isinstance(batch, dict) or "data" not in batch or label_key not in batch:
        raise RuntimeError(f"{path}: expected a dict with 'data' and {label_key!r}")
    return _checked(path, batch["data"], batch[label_key], num_classes)


def _binary_batch(path, label_bytes, label_offset, num_classes):
    raw = np.fromfile(path, dtype=np.uint8)
    record = label_bytes + PIXELS
    if raw.size == 0 or raw.size % record:
        raise RuntimeError(f"{path}: {raw.size} bytes is not a whole number of {record}-byte "
                           f"records")
    raw = raw.reshape(-1, record)
    return _checked(path, raw[:, label_bytes:], raw[:, label_offset].astype(np.int64), num_classes)


class CIFAR10(VisionDataset):
    """CIFAR-10: 50,000 training and 10,000 test colour images of 32 x 32 in 10 classes.

    Attributes as torchvision's: `data` uint8 array (N, 32, 32, 3), `targets` list of ints,
    `classes`, `class_to_idx`. A sample is (PIL image, or the (32, 32, 3) array without Pillow;
    class index), after `transform` / `target_transform`.

    Args:
        root: the directory holding cifar-10-batches-py (or cifar-10-batches-bin), or those
            files themselves.
        train: the five training batches, else the test batch.
        download: nothing is downloaded here; with the files missing the error says where to
            get them and where to put them.
    """

    archive = "cifar-10-python.tar.gz (or cifar-10-binary.tar.gz)"
    folders = ("cifar-10-batches-py", "cifar-10-batches-bin")
    python_files = ([f"data_batch_{i}" for i in range(1, 6)], ["test_batch"])
    python_meta = ("batches.meta", "label_names")
    label_key = "labels"
    binary_files = ([f"data_batch_{i}.bin" for i in range(1, 6)], ["test_batch.bin"])
    binary_meta = "batches.meta.txt"
    label_bytes, label_offset, num_classes = 1, 0, 10

    def __init__(self, root, train: bool = True, transform=None, target_transform=None,
                 download: bool = False):
        super().__init__(root, transform, target_transform)
        self.train = train
        folder, kind = self._find(download)
        names = (self.python_files if kind == "python" else self.binary_files)[0 if train else 1]
        parts = [self._read(folder / name, kind) for name in names]
        self.data = np.concatenate([data for data, _ in parts])
        self.targets = [label for _, labels in parts for label in labels]
        self.classes = self._classes(folder, kind)
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    def _candidates(self):
        base = Path(self.root).expanduser()
        return [base / name for name in self.folders] + [base]

    def _find(self, download: bool):
        """(folder, 'python' or 'binary'): the first place holding every file of the split."""
        for folder in self._candidates():
            for kind, files in (("python", self.python_files), ("binary", self.binary_files)):
                if all((folder / name).is_file() for name in files[0 if self.train else 1]):
                    return folder, kind
        tried = ", ".join(str(p) for p in self._candidates())
        where = (f"Put the extracted {self.folders[0]} (or {self.folders[1]}) folder of "
                 f"{self.archive} from https://www.cs.toronto.edu/~kriz/cifar.html in {self.root} "
                 f"(tar xzf <archive> -C {self.root}); looked in: {tried}")
        if download:
            raise RuntimeError(f"download=True: tinygrad_cnn.vision does not download (it makes "
                               f"no network calls). {where}")
        raise RuntimeError(f"Dataset not found or corrupted. You can use download=True to "
                           f"download it. ({where})")

    def _read(self, path: Path, kind: str):
        if kind == "python":
            return _python_batch(path, self.label_key, self.num_classes)
        return _binary_batch(path, self.label_bytes, self.label_offset, self.num_classes)

    def _classes(self, folder: Path, kind: str) -> list:
        """The class names from the meta file; class indices as names if it is missing."""
        if kind == "python" and (folder / self.python_meta[0]).is_file():
            meta = load_pickle(folder / self.python_meta[0])
            names = meta.get(self.python_meta[1]) if isinstance(meta, dict) else None
        elif kind == "binary" and (folder / self.binary_meta).is_file():
            lines = (folder / self.binary_meta).read_text(encoding="latin1").splitlines()
            names = [line.strip() for line in lines if line.strip()]
        else:
            names = None
        if not isinstance(names, list) or len(names) != self.num_classes or \
                not all(isinstance(n, str) for n in names):
            return [str(i) for i in range(self.num_classes)]
        return names

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index):
        return self._apply(as_image(self.data[index]), self.targets[index])

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"

    def __repr__(self) -> str:
        return (f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n"
                f"    Root location: {self.root}\n    {self.extra_repr()}")


class CIFAR100(CIFAR10):
    """CIFAR-100: CIFAR-10's layout with 100 fine classes (the targets, as torchvision's); the
    20 coarse superclasses are not used."""

    archive = "cifar-100-python.tar.gz (or cifar-100-binary.tar.gz)"
    folders = ("cifar-100-python", "cifar-100-binary")
    python_files = (["train"], ["test"])
    python_meta = ("meta", "fine_label_names")
    label_key = "fine_labels"
    binary_files = (["train.bin"], ["test.bin"])
    binary_meta = "fine_label_names.txt"
    label_bytes, label_offset, num_classes = 2, 1, 100
