"""Atomic file replacement: a crash or kill at any moment leaves either the old file or the new one.

The bytes go to a temporary file in the target's own directory (so the final rename never crosses
file systems), are flushed to disk, and the temporary is renamed over the target. Beyond that:

- a symlink is written through (its target is replaced; the link stays a link), as open(path, "wb");
- a file that already exists keeps its permission bits (a private 0600 checkpoint stays private;
  the temporary is 0600 while it is written), a new file gets 0666 minus the umask, as open() gives;
- a save killed with SIGKILL cannot clean up after itself, so every save first removes the
  temporaries that dead processes left in that directory. The writing process's id is part of a
  temporary's name (`.<name>.<pid>-<random>.tmp`); a temporary is an orphan when that process no
  longer runs. Only regular files owned by the current user and named that way are ever removed.
"""
from __future__ import annotations

import os
import re
import secrets
import stat
from typing import BinaryIO, Callable

_TEMPORARY = re.compile(r"^\..+\.(?P<pid>\d+)-[0-9a-f]{12}\.tmp$")


def temporary_name(target: str) -> str:
    """Where the bytes for `target` are written before the rename."""
    directory, name = os.path.split(target)
    return os.path.join(directory, f".{name}.{os.getpid()}-{secrets.token_hex(6)}.tmp")


def write_atomically(path, write: Callable[[BinaryIO], None]) -> None:
    """Call `write(handle)` on a temporary file, then move it over `path` in one rename."""
    target = os.path.realpath(os.fspath(path))       # through symlinks, to the real file
    directory = os.path.dirname(target)
    remove_orphan_temporaries(directory)
    try:
        keep_mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        keep_mode = None
    tmp = temporary_name(target)
    # O_EXCL: never reuse an existing file. A new file: 0o666 and the umask decide, as open()
    # would; replacing one: private while written, its old mode set before the rename.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666 if keep_mode is None else 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if keep_mode is not None:
            os.chmod(tmp, keep_mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    _fsync_directory(directory)


def remove_orphan_temporaries(directory: str) -> list[str]:
    """Delete the temporaries in `directory` whose writing process is gone; returns their paths."""
    removed = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if not match or _process_running(int(match.group("pid"))):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != _user_id(info.st_uid):
                continue
            os.remove(entry.path)
            removed.append(entry.path)
        except OSError:  # gone already, or not ours to remove
            continue
    return removed


def _user_id(default: int) -> int:
    return os.geteuid() if hasattr(os, "geteuid") else default


def _process_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there: assume it runs
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True       # someone else's process (or an id we cannot ask about): leave it
    return True


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
