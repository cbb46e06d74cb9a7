"""Reader for the IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed.

Layout (big-endian): two zero bytes, a type byte, the number of dimensions D, then D uint32
sizes, then the values in C order. Every field is checked, so a truncated, padded or foreign
file gives an `IDXError` naming the file and what is wrong, never a wrong-shaped array.
"""
import gzip
import math
import zlib

import numpy as np

# type byte -> big-endian numpy dtype
IDX_DTYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_GZIP_MAGIC = b"\x1f\x8b"


class IDXError(ValueError):
    """The bytes are not a well-formed IDX file of the expected kind."""


def _read_bytes(path):
    """The file's bytes, gunzipped when they start with the gzip magic number."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as e:
        raise IDXError(f"{path}: damaged or truncated gzip data ({e})") from None


def parse_idx(data, name="<bytes>"):
    """Decode IDX bytes into a numpy array (native byte order, writable).

    Args:
        data: the uncompressed file contents.
        name: how errors refer to the data (usually the file path).

    Returns:
        ndarray with the dtype of the type byte and the shape given by the header.
    """
    if len(data) < 4:
        raise IDXError(f"{name}: {len(data)} bytes is too short for an IDX header")
    if data[0] != 0 or data[1] != 0:
        raise IDXError(f"{name}: bad magic number {data[:4].hex()} (IDX files start with "
                       "two zero bytes); not an IDX file")
    type_code, ndim = data[2], data[3]
    if type_code not in IDX_DTYPES:
        raise IDXError(f"{name}: unknown IDX type byte 0x{type_code:02x}")
    if ndim == 0:
        raise IDXError(f"{name}: IDX header declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXError(f"{name}: truncated header ({len(data)} of {header} bytes)")
    shape = tuple(int(v) for v in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize               # exact: no int64 overflow
    found = len(data) - header
    if found != expected:
        what = "truncated" if found < expected else "has trailing bytes"
        raise IDXError(f"{name}: {what}: shape {shape} of {dtype.name} needs {expected} "
                       f"data bytes, found {found}")
    values = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))              # native order, owns its memory


def read_idx(path, *, dtype=None, ndim=None):
    """Read an IDX file (raw or .gz, detected from its first bytes).

    Args:
        path: file path.
        dtype: if given, the numpy dtype the file must hold (e.g. np.uint8).
        ndim: if given, the number of dimensions the file must have.

    Returns:
        ndarray in native byte order.

    Raises:
        IDXError: malformed, truncated or unexpected content; OSError if unreadable.
    """
    array = parse_idx(_read_bytes(path), str(path))
    if dtype is not None and array.dtype != np.dtype(dtype):
        raise IDXError(f"{path}: holds {array.dtype}, expected {np.dtype(dtype)}")
    if ndim is not None and array.ndim != ndim:
        raise IDXError(f"{path}: has {array.ndim} dimensions {array.shape}, expected {ndim}")
    return array
