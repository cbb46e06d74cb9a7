"""The default format: an .npz archive that never contains a pickle.

A checkpoint holds a model's state dict (name -> array), an optimizer's or scheduler's state dict,
or any nesting of dicts, lists and tuples whose leaves are arrays, Tensors, numbers, strings,
booleans or None. Arrays are stored as .npy members (a flat state dict keeps its own names, so
`np.load(path)["fc.weight"]` works); the structure is stored as JSON text in one uint8 member.

Reading never unpickles, and is bounded: each member's .npy header (dtype and shape) is checked
against the member's size in the archive before any array is allocated, and the archive's total
unpacked size against the limit of limits.py.
"""
from __future__ import annotations

import json
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from ..tensor import Tensor
from .limits import check_unpacked_size, stream_size

MANIFEST = "__tinygrad_cnn__"
_FORMAT = {"format": "tinygrad_cnn checkpoint", "version": 1}


def write(obj, handle) -> None:
    """Write `obj` as an .npz archive to the binary file object `handle`."""
    arrays: dict[str, np.ndarray] = {}
    manifest = dict(_FORMAT, root=_encode(obj, (), arrays))
    arrays[MANIFEST] = np.frombuffer(json.dumps(manifest).encode("utf-8"), dtype=np.uint8)
    np.savez(handle, **arrays)


def _encode(obj, path: tuple, arrays: dict):
    """The JSON node for `obj`; arrays go into `arrays` under a readable member name."""
    where = "/".join(map(str, path)) or "<root>"
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):  # before float: np.float64 is a float
        array = np.asarray(obj.array if isinstance(obj, Tensor) else obj)
        if array.dtype.hasobject:
            raise TypeError(f"save: cannot store an object array at {where} (it would need pickle)")
        name = where.replace("/", ".") if path else "array"
        if name in arrays or name == MANIFEST or name.startswith("__"):
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


def read(handle, name: str, max_bytes=None):
    """Read an .npz from `handle`: a `save` checkpoint, or a plain archive of arrays (returned as
    an OrderedDict). ValueError naming `name` for anything corrupt, pickled or too large."""
    try:
        size = stream_size(handle)
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            check_unpacked_size(name, sum(m.file_size for m in members), size, max_bytes)
            arrays = {}
            for member in members:
                key = member.filename[:-4] if member.filename.endswith(".npy") else member.filename
                arrays[key] = _read_member(archive, member, name)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, KeyError) as err:
        raise ValueError(f"{name}: truncated or corrupt checkpoint ({err})") from err
    if MANIFEST not in arrays:
        return OrderedDict(arrays)
    try:
        manifest = json.loads(arrays.pop(MANIFEST).tobytes().decode("utf-8"))
        if manifest.get("format") != _FORMAT["format"] or manifest.get("version") != 1:
            raise ValueError(f"unknown format {manifest.get('format')!r} "
                             f"version {manifest.get('version')!r}")
        return _decode(manifest["root"], arrays)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as err:
        raise ValueError(f"{name}: corrupt checkpoint manifest ({err})") from err


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> np.ndarray:
    """One .npy member, after checking that its header's shape fits the member's size."""
    with archive.open(member) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
            else:
                raise ValueError(f".npy format version {version} is not supported")
        except ValueError as err:
            raise ValueError(f"{name}: member {member.filename!r} is not a valid .npy array "
                             f"({err})") from err
        if dtype.hasobject:  # numpy would need pickle to read it
            raise ValueError(f"{name}: refused to load a pickled member {member.filename!r} "
                             f"(object arrays need allow_pickle, which is never used)")
        count = int(np.prod(shape, dtype=object))
        claimed = stream.tell() + count * dtype.itemsize
        if claimed != member.file_size:
            raise ValueError(f"{name}: member {member.filename!r} claims shape {shape} of "
                             f"{dtype} ({count * dtype.itemsize:,} bytes) but holds "
                             f"{member.file_size - stream.tell():,} bytes; refusing it")
    with archive.open(member) as stream:
        return np.lib.format.read_array(stream, allow_pickle=False)


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
