"""save / load: checkpoints as .npz files that never contain pickles.

A checkpoint holds a model's state dict (name -> array), an optimizer's or scheduler's state dict,
or any nesting of dicts, lists and tuples whose leaves are arrays, Tensors, numbers, strings,
booleans or None. Arrays are stored as .npy members (a flat state dict keeps its own names, so
`np.load(path)["fc.weight"]` works); the structure is stored as JSON text in one uint8 member.
Loading uses `allow_pickle=False`, so reading a file can never run code.
"""
import json
import os
import secrets
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from .device import use_device
from .tensor import Tensor

_MANIFEST = "__tinygrad_cnn__"
_FORMAT = {"format": "tinygrad_cnn checkpoint", "version": 1}


def save(obj, f) -> None:
    """Write `obj` to `f` (a path or a binary file object), atomically for a path.

    The file is written to a temporary file in the same directory, flushed to disk (fsync), then
    renamed over `f`, so a crash never leaves a half-written checkpoint. The name is used as
    given (no '.npz' appended).

    Example:
        >>> import tempfile, os, tinygrad_cnn as tg
        >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
        >>> tg.save({"w": np.ones(2, np.float32), "epoch": 3}, path)
        >>> tg.load(path)["epoch"]
        3
    """
    arrays: dict[str, np.ndarray] = {}
    manifest = dict(_FORMAT, root=_encode(obj, (), arrays))
    arrays[_MANIFEST] = np.frombuffer(json.dumps(manifest).encode("utf-8"), dtype=np.uint8)
    if hasattr(f, "write"):
        np.savez(f, **arrays)
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never reuse an existing file; mode 0o666 lets the umask decide, as open() would.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX); skipped where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _encode(obj, path: tuple, arrays: dict):
    """The JSON node for `obj`; arrays go into `arrays` under a readable member name."""
    where = "/".join(map(str, path)) or "<root>"
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):  # before float: np.float64 is a float
        array = np.asarray(obj.data if isinstance(obj, Tensor) else obj)
        if array.dtype.hasobject:
            raise TypeError(f"save: cannot store an object array at {where} (it would need pickle)")
        name = where.replace("/", ".") if path else "array"
        if name in arrays or name == _MANIFEST or name.startswith("__"):
            name = f"__array_{len(arrays)}"
        arrays[name] = array
        kind = "tensor" if isinstance(obj, Tensor) else "scalar" if isinstance(obj, np.generic) \
            else "array"
        node = {"t": kind, "key": name}
        if isinstance(obj, Tensor):
            node["requires_grad"] = obj.requires_grad
        return node
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj  # JSON keeps int / float / bool / None / str apart
    if isinstance(obj, dict):
        for key in obj:
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise TypeError(f"save: dict keys must be str or int, got {key!r} at {where}")
        kind = "odict" if isinstance(obj, OrderedDict) else "dict"
        return {"t": kind, "items": [[k, _encode(v, path + (k,), arrays)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        kind = "tuple" if isinstance(obj, tuple) else "list"
        return {"t": kind, "items": [_encode(v, path + (i,), arrays) for i, v in enumerate(obj)]}
    raise TypeError(f"save: cannot store a {type(obj).__name__} at {where}; use arrays, Tensors, "
                    f"numbers, strings, None, and dicts / lists / tuples of them")


def load(f, map_location=None, *, weights_only=None, mmap=None):
    """Read a checkpoint written by `save` (or a plain .npz of arrays, returned as an OrderedDict).

    Args:
        f: a path or a binary file object.
        map_location: accepted as in torch.load so `load(path, map_location="cpu")` (or a
            device) runs unchanged; everything loads into CPU memory, other devices are refused.
        weights_only, mmap: accepted as in torch.load; a checkpoint never holds pickles, so
            loading is always as safe as weights_only=True, and arrays are read into memory.

    Raises:
        ValueError: naming the file, if it is truncated, corrupt, not an .npz archive, or holds
            anything that would need pickle to read.
    """
    if map_location is not None and not callable(map_location) \
            and not isinstance(map_location, dict):
        use_device(map_location)  # the CPU, or the error a CPU-only PyTorch raises
    if hasattr(f, "read"):
        return _load_from(f, getattr(f, "name", repr(f)))
    with open(os.fspath(f), "rb") as handle:
        return _load_from(handle, os.fspath(f))


def _load_from(handle, name: str):
    start = handle.tell()
    magic = handle.read(4)
    if magic != b"PK\x03\x04":
        hint = "; it looks like a pickle, which is never loaded" if magic[:1] == b"\x80" else ""
        raise ValueError(f"{name}: not a tinygrad_cnn checkpoint (not an .npz/zip archive{hint})")
    handle.seek(start)
    try:
        with np.load(handle, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, KeyError) as err:
        raise ValueError(f"{name}: truncated or corrupt checkpoint ({err})") from err
    except ValueError as err:
        if "allow_pickle" in str(err):  # np.load refuses object arrays, which need pickle
            raise ValueError(f"{name}: refused to load a pickled member ({err})") from err
        raise ValueError(f"{name}: truncated or corrupt checkpoint ({err})") from err
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray):
            raise ValueError(f"{name}: not a tinygrad_cnn checkpoint (member {key!r} is not an array)")
    if _MANIFEST not in arrays:
        return OrderedDict(arrays)
    try:
        manifest = json.loads(arrays.pop(_MANIFEST).tobytes().decode("utf-8"))
        if manifest.get("format") != _FORMAT["format"] or manifest.get("version") != 1:
            raise ValueError(f"unknown format {manifest.get('format')!r} "
                             f"version {manifest.get('version')!r}")
        return _decode(manifest["root"], arrays)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as err:
        raise ValueError(f"{name}: corrupt checkpoint manifest ({err})") from err


def _decode(node, arrays: dict):
    if not isinstance(node, dict):
        return node
    kind = node["t"]
    if kind in ("array", "scalar", "tensor"):
        array = arrays[node["key"]]
        if kind == "scalar":
            return array[()]
        return Tensor(array, requires_grad=node["requires_grad"]) if kind == "tensor" else array
    if kind in ("dict", "odict"):
        pairs = [(key, _decode(value, arrays)) for key, value in node["items"]]
        return OrderedDict(pairs) if kind == "odict" else dict(pairs)
    if kind in ("list", "tuple"):
        items = [_decode(value, arrays) for value in node["items"]]
        return tuple(items) if kind == "tuple" else items
    raise ValueError(f"unknown node type {kind!r}")
