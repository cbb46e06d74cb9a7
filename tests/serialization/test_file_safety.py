"""Saving and loading files safely (issue 15, items 3 and 4): a killed save's temporary is cleaned
up by the next save to its folder, re-saving keeps a file's permissions and writes through a
symlink, and loading is bounded - .npy headers are checked against their member's size before
anything is allocated, and a documented, overridable limit refuses decompression bombs."""
import io
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn.serialization import atomic, limits

ROOT = Path(__file__).resolve().parents[2]


# --- temporaries --------------------------------------------------------------------------------
def start_a_save_that_hangs(folder: Path) -> subprocess.Popen:
    """A process that writes half a checkpoint to its temporary file, then waits to be killed."""
    code = textwrap.dedent(f"""
        import time
        from tinygrad_cnn.serialization.atomic import write_atomically
        def write(handle):
            handle.write(b"half a checkpoint"); handle.flush()
            print("writing", flush=True)
            time.sleep(60)
        write_atomically({str(folder / "ckpt.npz")!r}, write)
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env,
                               text=True)
    assert process.stdout.readline().strip() == "writing"
    return process


def temporaries(folder: Path) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.skipif(os.name == "nt", reason="POSIX process ids and SIGKILL")
def test_temporary_of_a_save_killed_with_sigkill_is_removed_by_the_next_save(tmp_path):
    tg.save({"epoch": 1}, tmp_path / "ckpt.npz")
    process = start_a_save_that_hangs(tmp_path)
    assert len(temporaries(tmp_path)) == 1
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert len(temporaries(tmp_path)) == 1                 # kill -9 leaves it behind
    assert tg.load(tmp_path / "ckpt.npz") == {"epoch": 1}  # the old checkpoint is intact
    tg.save({"epoch": 2}, tmp_path / "other.npz")          # any later save to that folder
    assert temporaries(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == ["ckpt.npz", "other.npz"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX process ids")
def test_temporary_of_a_save_still_running_is_left_alone(tmp_path):
    process = start_a_save_that_hangs(tmp_path)
    try:
        before = temporaries(tmp_path)
        tg.save({"epoch": 2}, tmp_path / "other.npz")
        assert temporaries(tmp_path) == before and len(before) == 1
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def test_files_that_only_look_like_temporaries_are_never_removed(tmp_path):
    keep = [".notes.txt", "a.123-abcdefabcdef.tmp", ".x.npz.12-short.tmp", ".x.npz.abc-0123456789ab.tmp"]
    for name in keep:
        (tmp_path / name).write_text("mine")
    (tmp_path / ".dir.npz.999999999-0123456789ab.tmp").mkdir()
    tg.save({"a": 1}, tmp_path / "x.npz")
    assert sorted(os.listdir(tmp_path)) == sorted(keep + [".dir.npz.999999999-0123456789ab.tmp",
                                                          "x.npz"])


# --- permissions and symlinks --------------------------------------------------------------------
@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
@pytest.mark.parametrize("suffix", [".npz", ".pth"])
def test_resaving_a_private_checkpoint_keeps_it_private(tmp_path, suffix):
    path = tmp_path / f"ckpt{suffix}"
    tg.save({"w": np.ones(2)}, path)
    path.chmod(0o600)
    tg.save({"w": np.zeros(2)}, path)
    assert path.stat().st_mode & 0o777 == 0o600
    np.testing.assert_array_equal(tg.load(path)["w"], np.zeros(2))


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_saving_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path):
    real_dir = tmp_path / "store"
    real_dir.mkdir()
    target = real_dir / "real.npz"
    tg.save({"version": 1}, target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    tg.save({"version": 2}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert tg.load(target) == {"version": 2}
    dangling = tmp_path / "new.npz"
    dangling.symlink_to(real_dir / "created.npz")          # as open(link, "wb") would create it
    tg.save({"version": 3}, dangling)
    assert dangling.is_symlink() and tg.load(real_dir / "created.npz") == {"version": 3}


# --- bounded loading ----------------------------------------------------------------------------
def npz_with_member(name: str, payload: bytes, compress=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


def npy_header(shape, descr="<f8") -> bytes:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": descr, "fortran_order": False,
                                                  "shape": shape})
    return header.getvalue()


def test_fake_header_claiming_10_to_the_12_elements_raises_value_error_not_memory_error(tmp_path):
    path = tmp_path / "fake.npz"
    path.write_bytes(npz_with_member("w.npy", npy_header((10 ** 12,)) + bytes(80)))
    with pytest.raises(ValueError, match=r"fake.npz: member 'w.npy' claims shape \(1000000000000,\) "
                                         r"of float64 \(8,000,000,000,000 bytes\) but holds 80 bytes"):
        tg.load(path)


def test_header_claiming_fewer_elements_than_stored_is_refused_too(tmp_path):
    path = tmp_path / "odd.npz"
    path.write_bytes(npz_with_member("w.npy", npy_header((2, 2)) + bytes(8 * 5)))
    with pytest.raises(ValueError, match="claims shape"):
        tg.load(path)


def zip_bomb(megabytes: int) -> bytes:
    """A valid .npz whose one member inflates to `megabytes` MiB of float64 zeros. Built from one
    deflated MiB repeated (a full flush makes every repeat byte-identical), so it costs
    milliseconds instead of compressing the whole payload."""
    header, chunk = npy_header((megabytes * 2 ** 20 // 8,)), bytes(2 ** 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(header) + deflate.flush(zlib.Z_FULL_FLUSH)
    repeat = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    data = head + repeat * megabytes + deflate.flush()
    crc = zlib.crc32(header)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    size, name = len(header) + megabytes * 2 ** 20, b"w.npy"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size,
                        len(name), 0) + name
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size,
                          len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central),
                      len(local) + len(data), 0)
    return local + data + central + end


def test_half_megabyte_zip_bomb_is_refused_by_the_default_limit(tmp_path):
    path = tmp_path / "bomb.npz"
    path.write_bytes(zip_bomb(537))
    assert path.stat().st_size < 600_000
    with zipfile.ZipFile(path) as archive:               # a well-formed archive
        assert archive.infolist()[0].file_size > 537 * 2 ** 20
    started = time.perf_counter()
    with pytest.raises(ValueError, match=r"bomb.npz: would unpack to 563,085,440 bytes .* over the "
                                         r"limit .* pass max_bytes="):
        tg.load(path)
    assert time.perf_counter() - started < 1.0           # refused before inflating anything


def test_size_limit_is_overridable_per_call(tmp_path):
    path = tmp_path / "zeros.npz"
    path.write_bytes(zip_bomb(4))
    assert tg.load(path)["w"].nbytes == 4 * 2 ** 20     # under the default 256 MiB floor
    with pytest.raises(ValueError, match="over the limit of 1,048,576 bytes"):
        tg.load(path, max_bytes=2 ** 20)
    assert tg.load(path, max_bytes=float("inf"))["w"].shape == (2 ** 19,)
    with pytest.raises(ValueError, match="max_bytes must be a non-negative number"):
        tg.load(path, max_bytes=-1)


def test_default_limit_is_the_documented_formula():
    assert limits.unpack_limit(1000) == limits.MIN_LIMIT_BYTES == 256 * 2 ** 20
    assert limits.unpack_limit(10 ** 9) == limits.EXPANSION_LIMIT * 10 ** 9 == 16 * 10 ** 9


def test_torch_checkpoints_are_bounded_by_the_same_limit(tmp_path):
    path = tmp_path / "w.pth"
    tg.save({"w": np.zeros(2 ** 18)}, path)
    with pytest.raises(ValueError, match="w.pth: would unpack to"):
        tg.load(path, max_bytes=2 ** 20)
    assert tg.load(path)["w"].shape == (2 ** 18,)


def test_orphan_cleanup_reports_what_it_removed(tmp_path):
    dead = tmp_path / ".x.npz.999999999-0123456789ab.tmp"   # no such process id
    dead.write_bytes(b"partial")
    assert atomic.remove_orphan_temporaries(str(tmp_path)) == [str(dead)]
    assert not dead.exists()
