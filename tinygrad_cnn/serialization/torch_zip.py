"""Reading PyTorch checkpoints (the zip format `torch.save` writes since PyTorch 1.6) without torch.

The archive holds, under one top folder `<archive>/`:

    data.pkl          the object as a pickle; tensors appear as calls of
                      torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)
                      and storages as persistent ids ('storage', torch.FloatStorage, key, 'cpu', n)
    data/<key>        the raw little-endian bytes of storage <key> (n elements)
    byteorder         'little' or 'big'; version, .format_version, ... bookkeeping

A tensor is a strided view of its storage: element [i, j, ...] sits at
offset + i * stride[0] + j * stride[1] + ..., so two tensors can share one storage and a tensor
can be non-contiguous (a transpose, a slice). Each loaded tensor is copied out of its storage into
its own contiguous array, after checking that the view lies inside the storage. The pickle is run
by the weights-only interpreter of torch_pickle.py; every storage's size is checked against its
member's size before it is read, and the archive's total against the limit of limits.py.

Tensors are read as numpy arrays here (`load` hands them out as Tensors); a tensor saved with
requires_grad=True (a Parameter, say) is read as a Tensor that requires grad.
"""
from __future__ import annotations

import codecs
import zipfile
import zlib
from collections import Counter, OrderedDict

import numpy as np

from .. import dtypes
from ..size import Size
from ..tensor import Tensor
from .limits import check_unpacked_size, stream_size
from .torch_pickle import RefusedPickleError, WeightsOnlyUnpickler

# Storage class name -> numpy dtype of its elements ("bfloat16" has no numpy dtype: it is read
# as uint16 bit patterns and widened to float32, which holds every bfloat16 value exactly).
STORAGE_DTYPES = {
    "FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
    "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32",
    "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
    "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128",
    "UntypedStorage": "uint8",
}


class _Marker:
    """What GLOBAL pushes for a torch type that only serves as a tag (a storage class,
    torch.Tensor, bfloat16): it has a name and cannot be called."""

    def __init__(self, kind: str, name: str):
        self.kind, self.name = kind, name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


_BFLOAT16 = _Marker("dtype", "bfloat16")  # no numpy dtype; its tensors load as float32


class _Storage:
    def __init__(self, elements: np.ndarray, key: str):
        self.elements, self.key = elements, key


def _checked_ints(values, what: str) -> tuple:
    values = tuple(values)
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in values):
        raise ValueError(f"tensor {what} must be non-negative integers, got {values}")
    return values


def _view(storage, offset, size, stride, dtype=None) -> np.ndarray:
    """The tensor [offset; size; stride] of `storage`, copied into a contiguous array."""
    if not isinstance(storage, _Storage):
        raise ValueError(f"a tensor must be built on a storage, got {type(storage).__name__}")
    elements = storage.elements
    if dtype is not None:  # _rebuild_tensor_v3: an untyped (byte) storage read as `dtype`
        elements = _elements_as(elements, dtype)
    (offset,), size, stride = _checked_ints([offset], "offset"), _checked_ints(size, "size"), \
        _checked_ints(stride, "stride")
    if len(size) != len(stride):
        raise ValueError(f"tensor size {size} and stride {stride} differ in length")
    if 0 not in size:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= len(elements):
            raise ValueError(f"tensor of size {size}, stride {stride}, offset {offset} reaches "
                             f"element {last} of storage {storage.key} of {len(elements)}")
        item = elements.itemsize
        view = np.lib.stride_tricks.as_strided(elements[offset:], size,
                                               tuple(s * item for s in stride), writeable=False)
        return np.array(view)                     # contiguous, owning its memory
    return np.zeros(size, elements.dtype)


def _elements_as(byte_elements: np.ndarray, dtype) -> np.ndarray:
    raw = byte_elements.view(np.uint8)
    if isinstance(dtype, str) and dtype == "bfloat16":
        bits = raw[:len(raw) // 2 * 2].view("<u2").astype(np.uint32) << 16
        return bits.view(np.float32)
    return raw[:len(raw) // np.dtype(dtype).itemsize * np.dtype(dtype).itemsize].view(dtype)


def _tensor(array: np.ndarray, requires_grad):
    return Tensor(array, requires_grad=True) if requires_grad is True else array


def _rebuild_tensor(storage, offset, size, stride):
    return _view(storage, offset, size, stride)


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, hooks=None,
                       metadata=None):
    return _tensor(_view(storage, offset, size, stride), requires_grad)


def _rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype,
                       metadata=None):
    if dtype is _BFLOAT16:
        dtype = "bfloat16"
    elif isinstance(dtype, dtypes.dtype):
        dtype = dtypes.to_numpy(dtype)
    else:
        raise ValueError(f"_rebuild_tensor_v3 needs a torch dtype, got {dtype!r}")
    return _tensor(_view(storage, offset, size, stride, dtype), requires_grad)


def _rebuild_parameter(data, requires_grad, hooks=None, state=None):
    array = data.array if isinstance(data, Tensor) else data
    return Tensor(array, requires_grad=bool(requires_grad))


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor saved with extra Python attributes: rebuilt plainly (the attributes dropped),
    and only for torch.Tensor / Parameter themselves, never for a subclass."""
    if not isinstance(new_type, _Marker) or new_type.kind != "tensor type":
        raise RefusedPickleError(f"tensor subclass {new_type!r} is refused")
    if not callable(func) or not isinstance(args, tuple):
        raise ValueError("malformed _rebuild_from_type_v2 call")
    return func(*args)


def _device(kind, index=None) -> str:
    if not isinstance(kind, str) or not (index is None or isinstance(index, int)):
        raise ValueError(f"torch.device({kind!r}, {index!r}) is malformed")
    return kind if index is None else f"{kind}:{index}"


def _encode(text, encoding="utf-8"):
    """Protocol-2 pickles store bytes as _codecs.encode(text, 'latin1'); no other codec runs."""
    if not isinstance(text, str) or codecs.lookup(encoding).name not in ("latin-1", "iso8859-1",
                                                                        "utf-8"):
        raise ValueError(f"_codecs.encode is only admitted for text to latin1 / utf-8 bytes")
    return text.encode(encoding)


def _bytearray(data=b""):
    if not isinstance(data, (bytes, bytearray, list)):  # bytearray(10**12) would allocate
        raise ValueError(f"bytearray() of a {type(data).__name__} is not admitted")
    return bytearray(data)


def _allowed_globals() -> dict:
    """The table of torch_pickle.WeightsOnlyUnpickler: torch's weights-only set for tensors."""
    table = {
        "collections.OrderedDict": OrderedDict, "collections.Counter": Counter,
        "builtins.set": set, "builtins.frozenset": frozenset, "builtins.complex": complex,
        "builtins.bytearray": _bytearray, "_codecs.encode": _encode,
        "torch.Size": lambda sizes=(): Size(_checked_ints(sizes, "size")),
        "torch.device": _device,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch.Tensor": _Marker("tensor type", "Tensor"),
        "torch.nn.parameter.Parameter": _Marker("tensor type", "nn.Parameter"),
    }
    for name in STORAGE_DTYPES:
        table[f"torch.{name}"] = _Marker("storage", name)
    table["torch.storage.UntypedStorage"] = _Marker("storage", "UntypedStorage")
    for name, dtype in dtypes.NAMES.items():  # torch.float32 loads as tg.float32
        table[f"torch.{name}"] = dtype
    table["torch.bfloat16"] = _BFLOAT16
    return table


def _build(obj, state) -> None:
    """BUILD: an OrderedDict may take attributes (a state dict's `_metadata`); nothing else."""
    if type(obj) is OrderedDict and isinstance(state, dict) \
            and all(isinstance(k, str) and not k.startswith("__") for k in state):
        for key, value in state.items():
            setattr(obj, key, value)
    elif isinstance(obj, Tensor) and not state:
        return
    else:
        raise RefusedPickleError(f"BUILD of a {type(obj).__name__} is refused (only an "
                                 f"OrderedDict's attributes may be set)")


def top_folder(names: list[str]) -> str | None:
    """'<archive>/' if the names are those of a torch.save zip (an <archive>/data.pkl), else None."""
    for name in names:
        if name.endswith("/data.pkl") and name.count("/") == 1:
            return name[:-len("data.pkl")]
    return None


def read(handle, name: str, map_location=None, max_bytes=None):
    """Load the object of a torch.save zip from the binary stream `handle`."""
    size = stream_size(handle)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ValueError(f"{name}: truncated or corrupt PyTorch checkpoint ({err})") from err
    with archive:
        members = {m.filename: m for m in archive.infolist()}
        check_unpacked_size(name, sum(m.file_size for m in members.values()), size, max_bytes)
        prefix = top_folder(list(members))
        try:
            order = archive.read(prefix + "byteorder").decode() \
                if prefix + "byteorder" in members else "little"
            pickled = archive.read(prefix + "data.pkl")
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as err:
            raise ValueError(f"{name}: truncated or corrupt PyTorch checkpoint ({err})") from err
        if order not in ("little", "big"):
            raise ValueError(f"{name}: unknown byte order {order!r}")
        storages: dict[str, _Storage] = {}

        def persistent_load(pid):
            if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
                raise RefusedPickleError(f"{name}: unknown persistent id {pid!r}")
            _, kind, key, location, numel = pid
            if not isinstance(kind, _Marker) or kind.kind != "storage" or not isinstance(key, str):
                raise RefusedPickleError(f"{name}: malformed storage reference {pid!r}")
            if map_location is None and isinstance(location, str) \
                    and not location.startswith("cpu"):
                raise RuntimeError(f"{name}: a storage was saved on {location!r}; this library "
                                   f"runs on the CPU: pass map_location='cpu'")
            if key not in storages:
                storages[key] = _read_storage(archive, members, prefix, kind, key, numel, order,
                                              name)
            return storages[key]

        unpickler = WeightsOnlyUnpickler(pickled, _allowed_globals(), persistent_load, _build,
                                         name)
        return unpickler.load()


def _read_storage(archive, members, prefix, kind, key, numel, order, name) -> _Storage:
    dtype = STORAGE_DTYPES[kind.name]
    stored = np.dtype("uint16" if dtype == "bfloat16" else dtype)
    if order == "big":
        stored = stored.newbyteorder(">")
    member = members.get(f"{prefix}data/{key}")
    if member is None:
        raise ValueError(f"{name}: storage {key} is missing from the archive")
    if isinstance(numel, bool) or not isinstance(numel, int) \
            or member.file_size != numel * stored.itemsize:
        raise ValueError(f"{name}: storage {key} claims {numel!r} {kind.name} elements but its "
                         f"member holds {member.file_size:,} bytes; refusing it")
    try:
        raw = archive.read(member)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as err:
        raise ValueError(f"{name}: truncated or corrupt storage {key} ({err})") from err
    elements = np.frombuffer(raw, stored).astype(stored.newbyteorder("="), copy=False)
    if dtype == "bfloat16":
        elements = (elements.astype(np.uint32) << 16).view(np.float32)
    return _Storage(elements, key)
