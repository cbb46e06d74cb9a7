"""MNIST and Fashion-MNIST: find the IDX files on disk, or download and verify them.

Places tried, in order (each directory also as `<dir>/<name>` and torchvision's
`<dir>/<TorchName>/raw`; files may be raw or .gz):
  1. the `root` argument;
  2. the directory in the environment variable $TINYGRAD_CNN_DATA;
  3. where the Debian package `dataset-fashion-mnist` installs Fashion-MNIST
     (/usr/share/datasets/fashion-mnist; MNIST has no Debian package);
  4. the download cache (`root`, else $TINYGRAD_CNN_DATA, else ~/.cache/tinygrad_cnn), where
     `download=True` stores files fetched from the official mirrors.
Files found on disk are checked by structure (IDX header, dtype, 28x28 images, sample count,
labels 0..9): Debian recompresses the archives, so their bytes, and hashes, differ from the
mirrors' while the images are the same. Downloads are checked against the SHA-256 of the
published .gz archives before anything is written. When everything fails, one
`DatasetNotFoundError` lists every place tried and how to get the files.
"""
import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .idx import IDXError, read_idx

ENV_VAR = "TINYGRAD_CNN_DATA"


class DatasetNotFoundError(FileNotFoundError):
    """No usable copy of a data set was found on disk or downloaded.

    `unusable` lists the files that were found but could not be read (damaged or truncated), so a
    caller falling back to another data set can tell "not installed" from "installed but broken"."""

    def __init__(self, message: str, unusable=()):
        super().__init__(message)
        self.unusable = list(unusable)


@dataclass(frozen=True)
class IDXSource:
    """Where one IDX data set lives. `sha256` maps each .gz file name to its published hash."""
    name: str                  # sub-directory name, e.g. "fashion-mnist"
    torch_name: str            # torchvision's folder, e.g. "FashionMNIST"
    debian_dir: str | None     # where a Debian package installs the files
    mirrors: tuple             # base URLs ending in "/"
    sha256: dict
    classes: tuple


# SHA-256 of the .gz archives as the mirrors serve them. Upstream publishes only MD5s (the
# Fashion-MNIST README lists 8d4fb7e6..., 25c81989..., bef4ecab..., bb300cfd...), so these come
# from projects that download the files: the MNIST values agree across many of them, the
# Fashion-MNIST values across two. They could not be re-checked offline: the Debian copies
# are recompressed, so their archive hashes differ while the IDX contents are the same.
MNIST = IDXSource(
    name="mnist", torch_name="MNIST", debian_dir=None,
    mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",
             "https://storage.googleapis.com/cvdf-datasets/mnist/"),
    sha256={
        "train-images-idx3-ubyte.gz":
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz":
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz":
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz":
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
    classes=tuple(str(d) for d in range(10)),
)
FASHION_MNIST = IDXSource(
    name="fashion-mnist", torch_name="FashionMNIST",
    debian_dir="/usr/share/datasets/fashion-mnist",
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
             "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/"
             "data/fashion/"),
    sha256={
        "train-images-idx3-ubyte.gz":
            "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
        "train-labels-idx1-ubyte.gz":
            "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
        "t10k-images-idx3-ubyte.gz":
            "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
        "t10k-labels-idx1-ubyte.gz":
            "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
    },
    classes=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
)
FASHION_MNIST_CLASSES = FASHION_MNIST.classes


def _stems(train):
    """File names without .gz: (images, labels) of the split."""
    prefix = "train" if train else "t10k"
    return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


def _find(directory, source, stem):
    """The first existing file for `stem` under `directory`, or None."""
    for folder in (directory, directory / source.name, directory / source.torch_name / "raw"):
        for fname in (stem + ".gz", stem, stem.replace("-idx", ".idx")):
            if (folder / fname).is_file():
                return folder / fname
    return None


def _read_split(image_path, label_path, train):
    """Read and check one split: images uint8 (N, 1, 28, 28), labels int64 (N,)."""
    n = 60000 if train else 10000
    images = read_idx(image_path, dtype=np.uint8, ndim=3)
    labels = read_idx(label_path, dtype=np.uint8, ndim=1)
    if images.shape != (n, 28, 28):
        raise IDXError(f"{image_path}: images have shape {images.shape}, expected {(n, 28, 28)}")
    if labels.shape != (n,):
        raise IDXError(f"{label_path}: {labels.shape[0]} labels, expected {n}")
    if labels.max() > 9:
        raise IDXError(f"{label_path}: label {labels.max()} outside 0..9")
    return images[:, None], labels.astype(np.int64)


def _cache_dir(root, source):
    base = root or os.environ.get(ENV_VAR) \
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tinygrad_cnn"
    return Path(base) / source.name


def _download(source, directory, fname, timeout):
    """Fetch `fname` from the first mirror that serves it with the published SHA-256."""
    errors = []
    for mirror in source.mirrors:
        url = mirror + fname
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                payload = response.read()
        except OSError as e:                      # URLError, HTTPError, timeouts are OSErrors
            errors.append(f"{url}: {getattr(e, 'reason', e)}")
            continue
        digest = hashlib.sha256(payload).hexdigest()
        if digest != source.sha256[fname]:
            errors.append(f"{url}: SHA-256 {digest} differs from the published "
                          f"{source.sha256[fname]}; file rejected")
            continue
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
            os.replace(tmp, directory / fname)  # atomic: never a half-written file in place
        except BaseException:
            os.unlink(tmp)
            raise
        return directory / fname
    raise OSError("; ".join(errors))


def load_idx_dataset(source, root=None, train=True, download=True, timeout=30.0):
    """Load one split of an IDX data set described by `source` (see module docstring).

    Returns:
        images: uint8 (N, 1, 28, 28), values 0..255.
        labels: int64 (N,), class indices 0..9.
    """
    stems = _stems(train)
    places = []
    if root is not None:
        places.append(("root argument", Path(root)))
    if os.environ.get(ENV_VAR):
        places.append((f"${ENV_VAR}", Path(os.environ[ENV_VAR])))
    if source.debian_dir:
        places.append(("Debian package dataset-fashion-mnist", Path(source.debian_dir)))
    cache = _cache_dir(root, source)
    places.append(("download cache", cache))
    tried, unusable = [], []
    for label, directory in places:
        paths = [_find(directory, source, stem) for stem in stems]
        if None in paths:
            missing = [s for s, p in zip(stems, paths) if p is None]
            tried.append(f"{label} {directory}: no {' / '.join(missing)}[.gz]")
            continue
        try:
            return _read_split(*paths, train)
        except (IDXError, OSError) as e:
            tried.append(f"{label}: unusable file: {e}")
            unusable.append(f"{directory}: {e}")
    if download:
        try:
            paths = [_download(source, cache, stem + ".gz", timeout) for stem in stems]
            return _read_split(*paths, train)
        except (IDXError, OSError) as e:
            tried.append(f"download into {cache}: {e}")
    else:
        tried.append("download: skipped (download=False)")
    hint = ("sudo apt install dataset-fashion-mnist" if source.debian_dir else
            f"download the four {source.name} .gz files from {source.mirrors[0]}")
    raise DatasetNotFoundError(
        f"{source.name} ({'train' if train else 'test'} split) not found. Tried:\n  - "
        + "\n  - ".join(tried)
        + f"\nTo get the files: {hint}, or put {stems[0]}.gz and {stems[1]}.gz in a folder "
        f"and pass root=<folder> or set ${ENV_VAR}=<folder>.", unusable)


def load_mnist(root=None, train=True, download=True):
    """The MNIST handwritten digits: 60,000 training or 10,000 test images.

    Args:
        root: directory holding the IDX files (tried first).
        train: training split if True, else the test split.
        download: fetch from the official mirrors if no copy is found on disk.

    Returns:
        images: uint8 (N, 1, 28, 28), values 0..255.
        labels: int64 (N,), digits 0..9.
    """
    return load_idx_dataset(MNIST, root, train, download)


def load_fashion_mnist(root=None, train=True, download=True):
    """Fashion-MNIST (Zalando, MIT licence): 60,000 training or 10,000 test images.

    Args:
        root: directory holding the IDX files (tried first).
        train: training split if True, else the test split.
        download: fetch from the official mirrors if no copy is found on disk.

    Returns:
        images: uint8 (N, 1, 28, 28), values 0..255.
        labels: int64 (N,), classes 0..9 named in FASHION_MNIST_CLASSES.
    """
    return load_idx_dataset(FASHION_MNIST, root, train, download)
