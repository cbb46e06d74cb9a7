"""`.safetensors` files through the `safetensors` package (its NumPy API; an optional extra:
`pip install "tinygrad-cnn[safetensors]"`).

The format holds one flat mapping name -> array: an 8-byte little-endian header length, a JSON
header (dtype, shape and byte range of every tensor) and the raw bytes. It cannot hold nesting,
numbers or strings, so only a flat state dict is written. Reading checks that the header's byte
ranges fit the file (the package does) and never unpickles anything.
"""
from __future__ import annotations

import json
import struct
from collections import OrderedDict

import numpy as np

from ..tensor import Tensor

_INSTALL_HINT = ('.safetensors files need the optional "safetensors" package: '
                 'pip install "tinygrad-cnn[safetensors]" (or pip install safetensors)')


def _numpy_api():
    try:
        from safetensors import numpy as safetensors_numpy
    except ImportError as err:
        raise ImportError(_INSTALL_HINT) from err
    return safetensors_numpy


def looks_like_safetensors(head: bytes, file_size: int) -> bool:
    """Does a file start like a safetensors file: a header length that fits, then '{'?"""
    if len(head) < 9:
        return False
    (length,) = struct.unpack("<Q", head[:8])
    return head[8:9] == b"{" and 8 + length <= file_size


def write(obj, handle) -> None:
    """Write the flat mapping `obj` (str -> array or Tensor) to the binary stream `handle`."""
    if not isinstance(obj, dict):
        raise TypeError(f"save: a .safetensors file holds a flat dict of arrays, got a "
                        f"{type(obj).__name__}")
    arrays = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"save: .safetensors keys must be str, got {key!r}")
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"save: .safetensors holds arrays only; {key!r} is a "
                            f"{type(value).__name__}")
        arrays[key] = np.asarray(value.array if isinstance(value, Tensor) else value, order="C")
    handle.write(_numpy_api().save(arrays))


def read(handle, name: str):
    """The arrays of a .safetensors file, in the file's header order, as an OrderedDict."""
    data = handle.read()
    api = _numpy_api()
    try:
        arrays = api.load(data)
        (length,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8:8 + length])
    except Exception as err:  # the package raises its own SafetensorError for bad files
        raise ValueError(f"{name}: corrupt .safetensors file ({err})") from err
    order = sorted((k for k in header if k != "__metadata__"),
                   key=lambda k: header[k]["data_offsets"][0])
    return OrderedDict((key, np.array(arrays[key])) for key in order)
