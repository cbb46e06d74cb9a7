"""save / load: checkpoints in three formats, none of which can run code when loaded.

    format        written for               read                      module
    .npz          any other name (default)  always                    npz.py
    PyTorch zip   a .pt / .pth name         files from torch.save     torch_zip.py, torch_write.py
    safetensors   a .safetensors name       always (needs the package) safetensors_io.py

`save` picks the format by the file's suffix (or `format=`); `load` recognises it by content, so
a PyTorch checkpoint loads whatever its name. Saves to a path are atomic (atomic.py); loads are
bounded in memory (limits.py).
"""
from __future__ import annotations

import os
import zipfile

import numpy as np

from ..device import use_device
from ..tensor import Tensor
from . import npz, safetensors_io, torch_write, torch_zip
from .atomic import write_atomically
from .limits import EXPANSION_LIMIT, MIN_LIMIT_BYTES, stream_size
from .torch_pickle import RefusedPickleError

FORMATS = ("npz", "torch", "safetensors")
_SUFFIX_FORMATS = {".pt": "torch", ".pth": "torch", ".safetensors": "safetensors"}

__all__ = ["save", "load", "FORMATS", "RefusedPickleError", "EXPANSION_LIMIT", "MIN_LIMIT_BYTES"]


def save(obj, f, *, format: str | None = None) -> None:  # noqa: A002  (torch-like keyword)
    """Write `obj` to `f` (a path or a binary file object), atomically for a path.

    Args:
        obj: a state dict, an optimizer / scheduler state dict, or any nesting of dicts, lists and
            tuples of arrays, Tensors, numbers, strings and None (a .safetensors file: a flat dict
            of arrays).
        f: a path or a writable binary file object. The name is used as given.
        format: "npz", "torch" or "safetensors"; by default ".pt" / ".pth" mean "torch" (a file
            `torch.load(f, weights_only=True)` reads), ".safetensors" means "safetensors", and
            anything else (and a file object) "npz".

    A path is written to a temporary file in the same directory, flushed to disk (fsync), then
    renamed over `f`, so a crash never leaves a half-written checkpoint; an existing file keeps
    its permissions and a symlink is written through (see atomic.py).

    Example:
        >>> import tempfile, os, numpy as np, tinygrad_cnn as tg
        >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
        >>> tg.save({"w": np.ones(2, np.float32), "epoch": 3}, path)
        >>> tg.load(path)["epoch"]
        3
    """
    is_path = not hasattr(f, "write")
    if format is None:
        suffix = os.path.splitext(os.fspath(f))[1].lower() if is_path else ""
        format = _SUFFIX_FORMATS.get(suffix, "npz")
    if format not in FORMATS:
        raise ValueError(f"save: format must be one of {FORMATS}, got {format!r}")
    if format == "torch":
        stem = os.path.splitext(os.path.basename(os.fspath(f)))[0] if is_path else "archive"
        writer = lambda handle: torch_write.write(obj, handle, stem or "archive")  # noqa: E731
    elif format == "safetensors":
        safetensors_io._numpy_api()                      # a clear ImportError before any file
        writer = lambda handle: safetensors_io.write(obj, handle)  # noqa: E731
    else:
        writer = lambda handle: npz.write(obj, handle)  # noqa: E731
    if is_path:  # an unsupported value fails before the rename: the old file stays as it was
        write_atomically(f, writer)
    else:
        writer(f)


def load(f, map_location=None, *, weights_only=None, mmap=None, max_bytes=None):
    """Read a checkpoint: a `save` .npz (or a plain .npz of arrays, returned as an OrderedDict),
    a PyTorch zip written by torch.save, or a .safetensors file - recognised by content.

    Args:
        f: a path or a binary file object.
        map_location: accepted as in torch.load so `load(path, map_location="cpu")` (or a
            device) runs unchanged; everything loads into CPU memory, other devices are refused.
            A PyTorch file saved from a GPU needs map_location="cpu", as in torch.
        weights_only, mmap: accepted as in torch.load. Loading is always weights-only: a PyTorch
            pickle is run by a restricted interpreter that admits only tensors, storages, dtypes
            and containers, and refuses anything else before it runs; arrays are read into memory.
        max_bytes: the most bytes loading may unpack; by default
            max(256 MiB, 16 x the file's size) (limits.py), which stops decompression bombs.

    Returns:
        The saved object, its arrays as Tensors (as torch.load returns tensors; a tensor saved
        with requires_grad=True comes back requiring grad).

    Raises:
        ValueError: naming the file, if it is truncated, corrupt, of an unknown format, holds
            anything that would need pickle to read, or would unpack to more than `max_bytes`.
            A refused global in a PyTorch pickle raises RefusedPickleError, which is both a
            ValueError and a pickle.UnpicklingError (what torch.load raises).
        ImportError: a .safetensors file without the safetensors package.
    """
    if map_location is not None and not callable(map_location) \
            and not isinstance(map_location, dict):
        use_device(map_location)  # the CPU, or the error a CPU-only PyTorch raises
    if hasattr(f, "read"):
        return _as_tensors(_load_from(f, getattr(f, "name", repr(f)), map_location, max_bytes))
    with open(os.fspath(f), "rb") as handle:
        return _as_tensors(_load_from(handle, os.fspath(f), map_location, max_bytes))


def _as_tensors(value):
    """Arrays inside what was loaded come back as Tensors, as torch.load returns tensors
    (containers keep their type and attributes: an OrderedDict state dict stays one)."""
    if isinstance(value, np.ndarray):
        return Tensor(value)
    if isinstance(value, (dict, list)):      # in place: a state dict keeps its _metadata
        for key in (value.keys() if isinstance(value, dict) else range(len(value))):
            value[key] = _as_tensors(value[key])
        return value
    if type(value) is tuple:
        return tuple(_as_tensors(item) for item in value)
    return value


def _load_from(handle, name: str, map_location, max_bytes):
    start = handle.tell()
    head = handle.read(16)
    handle.seek(start)
    if head[:4] == b"PK\x03\x04":
        if _is_torch_zip(handle):
            return torch_zip.read(handle, name, map_location, max_bytes)
        return npz.read(handle, name, max_bytes)
    if safetensors_io.looks_like_safetensors(head, stream_size(handle)):
        return safetensors_io.read(handle, name)
    if head[:1] == b"\x80":
        raise ValueError(f"{name}: not a tinygrad_cnn checkpoint (it looks like a pickle, which "
                         f"is never loaded; a PyTorch file from torch.save(..., "
                         f"_use_new_zipfile_serialization=False) must be re-saved by torch in "
                         f"its default zip format)")
    raise ValueError(f"{name}: not a tinygrad_cnn checkpoint (not an .npz/zip archive, a PyTorch "
                     f"checkpoint or a .safetensors file)")


def _is_torch_zip(handle) -> bool:
    start = handle.tell()
    try:
        with zipfile.ZipFile(handle) as archive:
            return torch_zip.top_folder(archive.namelist()) is not None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False               # npz.read reports the damage
    finally:
        handle.seek(start)
