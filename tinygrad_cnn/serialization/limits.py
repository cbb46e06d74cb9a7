"""How much memory loading one file may take: the guard against decompression bombs.

A zip member can claim any size, and a few hundred kilobytes of deflated zeros unpack to
gigabytes. Before anything is read, every loader adds up the sizes the archive declares and
compares the total with the limit:

    limit = max(MIN_LIMIT_BYTES, EXPANSION_LIMIT * size of the file)

so an ordinary checkpoint (stored uncompressed, as np.savez and torch.save write them, or
compressed a little) always loads, while a file that would unpack to more than 256 MiB *and*
more than 16 times its own size is refused with a ValueError saying how to allow it:
`tg.load(path, max_bytes=...)` sets the limit in bytes for one call (float("inf") for none).
"""
from __future__ import annotations

MIN_LIMIT_BYTES = 256 * 2 ** 20
EXPANSION_LIMIT = 16


def unpack_limit(file_size: int, max_bytes=None) -> float:
    """The most bytes loading a file of `file_size` bytes may unpack."""
    if max_bytes is not None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, float)) \
                or max_bytes < 0:
            raise ValueError(f"max_bytes must be a non-negative number of bytes, got {max_bytes!r}")
        return max_bytes
    return max(MIN_LIMIT_BYTES, EXPANSION_LIMIT * file_size)


def check_unpacked_size(name: str, unpacked: int, file_size: int, max_bytes=None) -> None:
    """Raise ValueError if `unpacked` bytes are more than loading `name` may take."""
    limit = unpack_limit(file_size, max_bytes)
    if unpacked > limit:
        raise ValueError(
            f"{name}: would unpack to {unpacked:,} bytes from a {file_size:,}-byte file, over the "
            f"limit of {int(limit):,} bytes (a decompression bomb?); if you trust the file, "
            f"pass max_bytes={unpacked} (or float('inf')) to load")


def stream_size(handle) -> int:
    """Bytes from the current position of a seekable binary stream to its end."""
    start = handle.tell()
    end = handle.seek(0, 2)
    handle.seek(start)
    return end - start
