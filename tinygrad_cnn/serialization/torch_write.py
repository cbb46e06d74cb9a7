"""Writing PyTorch checkpoints (the `torch.save` zip format) without torch, for `.pt` / `.pth`.

The pickle is emitted instruction by instruction (protocol 2, as torch.save writes it), because
Python's pickler would have to import `torch._utils` to name `_rebuild_tensor_v2`. Only what
`torch.load(path, weights_only=True)` accepts is written: every array or Tensor becomes a torch
tensor on its own contiguous storage (float16/32/64, int8/16/32/64, uint8, bool, complex), dicts
(OrderedDict stays OrderedDict), lists, tuples, str, int, float, bool and None pass as they are,
and numpy scalars become Python numbers. Storages are stored uncompressed and aligned to 64 bytes,
as torch aligns them, so torch can also memory-map the file (`torch.load(..., mmap=True)`).
"""
from __future__ import annotations

import struct
import zipfile
from collections import OrderedDict

import numpy as np

from ..tensor import Tensor

_STORAGE_OF_DTYPE = {"float32": "FloatStorage", "float64": "DoubleStorage",
                     "float16": "HalfStorage", "int64": "LongStorage", "int32": "IntStorage",
                     "int16": "ShortStorage", "int8": "CharStorage", "uint8": "ByteStorage",
                     "bool": "BoolStorage", "complex64": "ComplexFloatStorage",
                     "complex128": "ComplexDoubleStorage"}
_ALIGNMENT = 64


class _PickleWriter:
    """Protocol-2 pickle instructions for `obj`; arrays are collected in `storages`."""

    def __init__(self):
        self.out = bytearray(b"\x80\x02")                 # PROTO 2
        self.storages: list[np.ndarray] = []

    def emit(self, obj, where: str = "<root>") -> None:
        out = self.out
        if isinstance(obj, (Tensor, np.ndarray)):
            self._tensor(obj, where)
        elif isinstance(obj, np.generic):
            if obj.dtype.hasobject:
                raise TypeError(f"save: cannot store an object scalar at {where}")
            self.emit(obj.item(), where)
        elif obj is None:
            out += b"N"
        elif isinstance(obj, bool):
            out += b"\x88" if obj else b"\x89"
        elif isinstance(obj, int):
            if -2 ** 31 <= obj < 2 ** 31:
                out += b"J" + struct.pack("<i", obj)                      # BININT
            else:
                data = obj.to_bytes((obj.bit_length() + 8) // 8, "little", signed=True)
                out += b"\x8a" + bytes([len(data)]) + data                # LONG1
        elif isinstance(obj, float):
            out += b"G" + struct.pack(">d", obj)                          # BINFLOAT
        elif isinstance(obj, complex):
            self._global("builtins", "complex")
            self.emit((obj.real, obj.imag), where)
            out += b"R"
        elif isinstance(obj, str):
            data = obj.encode("utf-8", "surrogatepass")
            out += b"X" + struct.pack("<I", len(data)) + data             # BINUNICODE
        elif isinstance(obj, dict):
            if type(obj) is OrderedDict:
                self._global("collections", "OrderedDict")
                out += b")R"                                              # OrderedDict()
            else:
                out += b"}"
            if obj:
                out += b"("                                               # MARK
                for key, value in obj.items():
                    if isinstance(key, bool) or not isinstance(key, (str, int)):
                        raise TypeError(f"save: dict keys must be str or int, got {key!r} at "
                                        f"{where}")
                    self.emit(key, where)
                    self.emit(value, f"{where}/{key}" if where != "<root>" else str(key))
                out += b"u"                                               # SETITEMS
        elif isinstance(obj, (list, tuple)):
            out += b"]" if isinstance(obj, list) else b""
            if isinstance(obj, tuple) and not obj:
                out += b")"
                return
            out += b"("
            for i, value in enumerate(obj):
                self.emit(value, f"{where}/{i}" if where != "<root>" else str(i))
            out += b"e" if isinstance(obj, list) else b"t"                # APPENDS / TUPLE
        else:
            raise TypeError(f"save: cannot store a {type(obj).__name__} at {where} in a PyTorch "
                            f"checkpoint; use arrays, Tensors, numbers, strings, None, and dicts "
                            f"/ lists / tuples of them")

    def _global(self, module: str, name: str) -> None:
        self.out += b"c" + f"{module}\n{name}\n".encode()

    def _tensor(self, obj, where: str) -> None:
        array = np.asarray(obj.array if isinstance(obj, Tensor) else obj)
        storage = _STORAGE_OF_DTYPE.get(array.dtype.name)
        if storage is None:
            raise TypeError(f"save: a {array.dtype} array at {where} has no PyTorch storage type; "
                            f"use one of {', '.join(_STORAGE_OF_DTYPE)}")
        array = np.asarray(array, dtype=array.dtype.newbyteorder("<"), order="C")  # keeps 0-d
        key = str(len(self.storages))
        self.storages.append(array)
        strides = tuple(s // array.itemsize for s in array.strides) if array.size else \
            _contiguous_strides(array.shape)
        # torch._utils._rebuild_tensor_v2(storage, 0, size, stride, requires_grad, OrderedDict())
        self._global("torch._utils", "_rebuild_tensor_v2")
        self.out += b"(("                                                 # args, storage id
        self.emit("storage")
        self._global("torch", storage)
        self.emit(key)
        self.emit("cpu")
        self.emit(int(array.size))
        self.out += b"tQ"                                                 # TUPLE, BINPERSID
        self.emit(0)
        self.emit(tuple(int(n) for n in array.shape))
        self.emit(strides)
        self.emit(bool(isinstance(obj, Tensor) and obj.requires_grad))
        self._global("collections", "OrderedDict")
        self.out += b")RtR"                                               # hooks; call


def _contiguous_strides(shape) -> tuple:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(int(n), 1)
    return tuple(reversed(strides))


def write(obj, handle, archive_name: str = "archive") -> None:
    """Write `obj` to the seekable binary stream `handle` in torch.save's zip layout."""
    pickler = _PickleWriter()
    pickler.emit(obj)
    pickler.out += b"."                                                   # STOP
    records = [("data.pkl", bytes(pickler.out)), (".format_version", b"1"),
               (".storage_alignment", str(_ALIGNMENT).encode()), ("byteorder", b"little")]
    records += [(f"data/{i}", array.tobytes()) for i, array in enumerate(pickler.storages)]
    records += [("version", b"3\n")]
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
        for record, payload in records:
            _write_aligned(archive, handle, f"{archive_name}/{record}", payload)


def _write_aligned(archive: zipfile.ZipFile, handle, name: str, payload: bytes) -> None:
    """One stored member whose bytes start at a multiple of 64 in the file: the local header
    (30 bytes + name + extra field) gets an extra field of padding, as PyTorch's writer does."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    start = handle.tell() + 30 + len(name.encode("utf-8")) + 4
    padding = -start % _ALIGNMENT
    info.extra = struct.pack("<HH", 0x4246, padding) + b"Z" * padding   # id "FB", as torch
    archive.writestr(info, payload)
