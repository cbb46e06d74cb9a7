"""tg.load reads checkpoints written by torch.save without torch: committed fixture files (so CI
without torch tests the reader), and every crafted malicious pickle is refused before any of it
runs. Files torch writes now: tests/torch_parity/test_serialization_parity.py."""
import io
import os
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn, optim
from tinygrad_cnn.serialization import RefusedPickleError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "torch"


@pytest.fixture(scope="module")
def expected():
    with np.load(FIXTURES / "expected.npz", allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def leaves(obj, path=""):
    if isinstance(obj, (np.ndarray, tg.Tensor)):
        yield path, obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from leaves(value, f"{path}/{key}")
    elif isinstance(obj, list) or (isinstance(obj, tuple) and path != "/size"):
        for i, value in enumerate(obj):
            yield from leaves(value, f"{path}/{i}")


@pytest.mark.parametrize("name", ["state_dict", "views_and_dtypes", "optimizer", "nested"])
def test_committed_torch_files_load_every_tensor_exactly(name, expected):
    loaded = tg.load(FIXTURES / f"{name}.pt")
    found = {f"{name}{path}": value for path, value in leaves(loaded)}
    wanted = {key: value for key, value in expected.items() if key.startswith(name + "/")}
    assert sorted(found) == sorted(wanted)
    for key, value in found.items():
        array = value.array if isinstance(value, tg.Tensor) else value
        assert array.dtype == wanted[key].dtype and array.shape == wanted[key].shape, key
        np.testing.assert_array_equal(array, wanted[key], err_msg=key)


def test_state_dict_file_keeps_order_metadata_and_int64_counter():
    loaded = tg.load(FIXTURES / "state_dict.pt")
    assert isinstance(loaded, OrderedDict)
    assert list(loaded) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                            "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"]
    assert loaded["1.num_batches_tracked"].dtype == np.int64 and loaded["1.num_batches_tracked"] == 1
    assert loaded._metadata["1"] == {"version": 2}
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    net.load_state_dict(loaded, strict=True)
    np.testing.assert_array_equal(net[3].weight.array, loaded["3.weight"])


def test_shared_storage_views_and_non_contiguous_tensors_are_read_by_their_strides():
    loaded = tg.load(FIXTURES / "views_and_dtypes.pt")
    base = np.arange(24.0).reshape(4, 6)
    np.testing.assert_array_equal(loaded["transposed"], base.T)
    np.testing.assert_array_equal(loaded["window"], base[1:, 2:5])
    np.testing.assert_array_equal(loaded["every_other"], base[:, ::2])
    np.testing.assert_array_equal(loaded["expanded"], [[1, 1, 1], [2, 2, 2]])
    loaded["transposed"][0, 0] = 99.0   # each tensor owns its memory once loaded
    assert loaded["base"][0, 0] == 0.0
    assert loaded["bfloat16"].dtype == np.float32 and loaded["bfloat16"][2] > 2.9e38
    assert isinstance(loaded["parameter"], tg.Tensor) and loaded["parameter"].requires_grad
    assert loaded["scalar"].shape == () and loaded["empty"].shape == (0, 3)


def test_optimizer_state_and_plain_values_come_back_as_python_values():
    state = tg.load(FIXTURES / "optimizer.pt")
    group = state["param_groups"][0]
    assert group["betas"] == (0.8, 0.9) and group["lr"] == 0.01 and group["params"] == [0, 1]
    assert set(state["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    adam = optim.Adam(nn.Linear(3, 2).parameters(), lr=0.5)
    adam.load_state_dict(state)                      # torch's layout is ours: training resumes
    assert adam.param_groups[0]["lr"] == 0.01 and adam.param_groups[0]["betas"] == (0.8, 0.9)
    nested = tg.load(FIXTURES / "nested.pt")
    assert nested["epoch"] == 7 and nested["best"] == float("inf") and nested["name"] == "run-ü"
    assert nested["big"] == 2 ** 70 and nested["flags"] == (True, False) and nested["none"] is None
    assert nested["size"] == (2, 3) and nested["dtype"] is tg.float32


def test_torch_files_are_recognised_by_content_not_name(tmp_path):
    renamed = tmp_path / "weights.bin"
    renamed.write_bytes((FIXTURES / "state_dict.pt").read_bytes())
    assert list(tg.load(renamed))[0] == "0.weight"
    with open(FIXTURES / "state_dict.pt", "rb") as handle:
        assert list(tg.load(io.BytesIO(handle.read())))[0] == "0.weight"


def test_gpu_storage_needs_map_location_as_in_torch(tmp_path):
    data = (FIXTURES / "state_dict.pt").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {i.filename: source.read(i) for i in source.infolist()}
    pickled = members["state_dict/data.pkl"]          # the location string 'cpu', memoised once
    members["state_dict/data.pkl"] = pickled.replace(b"X\x03\x00\x00\x00cpu",
                                                     b"X\x06\x00\x00\x00cuda:0")
    path = tmp_path / "gpu.pt"
    with zipfile.ZipFile(path, "w") as target:
        for name, payload in members.items():
            target.writestr(name, payload)
    with pytest.raises(RuntimeError, match="map_location='cpu'"):
        tg.load(path)
    assert list(tg.load(path, map_location="cpu"))[0] == "0.weight"


# --- nothing a file holds ever runs -------------------------------------------------------------
class MakesMarker:
    """Unpickling this creates the file `path` (a stand-in for any code an attacker wants run)."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return os.system, (f"touch '{self.path}'",)


def torch_like_zip(pickled: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", pickled)
        archive.writestr("archive/byteorder", "little")
        archive.writestr("archive/version", "3\n")
    return buffer.getvalue()


@pytest.mark.parametrize("protocol", [2, 4], ids=["GLOBAL", "STACK_GLOBAL"])
def test_malicious_pickle_in_a_torch_zip_is_refused_and_the_marker_never_appears(tmp_path,
                                                                                   protocol):
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"w": MakesMarker(marker)}, protocol=protocol)
    pickle.loads(payload)               # the payload is live: plain pickle runs it
    assert marker.exists()
    marker.unlink()
    path = tmp_path / "evil.pt"
    path.write_bytes(torch_like_zip(payload))
    with pytest.raises(RefusedPickleError, match=r"evil.pt: refused to load the global "
                                                 r"'(posix|os|nt)\.system'"):
        tg.load(path)
    with pytest.raises(pickle.UnpicklingError):      # what torch.load raises, and a ValueError
        tg.load(path)
    assert not marker.exists()


@pytest.mark.parametrize("global_name", ["builtins.eval", "builtins.getattr", "torch.load",
                                         "numpy.core.multiarray._reconstruct",
                                         "torch.nn.modules.linear.Linear", "subprocess.Popen"])
def test_every_global_outside_the_weights_only_set_is_refused_by_name(tmp_path, global_name):
    module, name = global_name.rsplit(".", 1)
    pickled = b"\x80\x02c" + f"{module}\n{name}\n".encode() + b")R."
    path = tmp_path / "x.pt"
    path.write_bytes(torch_like_zip(pickled))
    with pytest.raises(RefusedPickleError, match=f"'{global_name}'"):
        tg.load(path)


def test_raw_pickle_and_legacy_torch_files_are_never_unpickled(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(MakesMarker(marker)))
    with pytest.raises(ValueError, match="looks like a pickle, which is never loaded"):
        tg.load(path)
    assert not marker.exists()


@pytest.mark.parametrize("pickled, match", [
    (b"\x80\x02(\x8c\x03abcI1\n.", "refused pickle opcode b'I'"),   # protocol-0 INT
    (b"\x80\x02]K\x01.", "malformed pickle stack"),                 # two items left at STOP
    (b"\x80\x02X\xff\xff\xff\x7fab.", "truncated"),                 # a string longer than the file
    (b"\x80\x02h\x05.", "memo key 5 not found"),
])
def test_malformed_pickles_are_clear_errors(tmp_path, pickled, match):
    path = tmp_path / "bad.pt"
    path.write_bytes(torch_like_zip(pickled))
    with pytest.raises(pickle.UnpicklingError, match=match):
        tg.load(path)


def test_storage_claiming_more_elements_than_its_member_holds_is_refused(tmp_path):
    data = (FIXTURES / "state_dict.pt").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {i.filename: source.read(i) for i in source.infolist()}
    members["state_dict/data/0"] = members["state_dict/data/0"][:8]   # 18 floats claimed
    path = tmp_path / "short.pt"
    with zipfile.ZipFile(path, "w") as target:
        for name, payload in members.items():
            target.writestr(name, payload)
    with pytest.raises(ValueError, match="storage 0 claims 18 FloatStorage elements but its "
                                         "member holds 8 bytes"):
        tg.load(path)
