"""tg.save(..., "x.pt" / "x.pth") writes PyTorch's zip format: torch.load(weights_only=True) reads
the same values (where torch is installed), and tg.load reads it back everywhere."""
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn, optim


def small_net():
    tg.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    net(tg.randn(4, 1, 4, 4))
    return net


def test_pth_suffix_writes_a_torch_zip_that_we_read_back_exactly(tmp_path):
    state = small_net().state_dict()
    tg.save(state, tmp_path / "m.pth")
    with zipfile.ZipFile(tmp_path / "m.pth") as archive:
        names = archive.namelist()
        assert names[0] == "m/data.pkl" and "m/version" in names and "m/byteorder" in names
        for info in archive.infolist():               # storages aligned as torch aligns them
            if "/data/" in info.filename:
                assert (info.header_offset + 30 + len(info.filename) + len(info.extra)) % 64 == 0
    loaded = tg.load(tmp_path / "m.pth")
    assert isinstance(loaded, OrderedDict) and list(loaded) == list(state)
    for key, value in state.items():
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape
        np.testing.assert_array_equal(loaded[key], value)


def test_nested_values_round_trip_through_the_torch_format(tmp_path):
    obj = {"epoch": 3, "big": 2 ** 40, "lr": 0.1, "name": "ü", "none": None, "flag": True,
           "betas": (0.9, 0.999), "list": [np.float32(1.5), np.int64(7)], "empty": (),
           "scalar": np.array(5, np.int16), "zero_size": np.zeros((0, 3)),
           "transposed": np.arange(6.0).reshape(2, 3).T, "bool": np.array([True, False]),
           "grad": tg.tensor([1.0, 2.0], requires_grad=True), 1: "int key",
           "uint16": np.array([1, 65535], np.uint16), "uint64": np.array([2 ** 64 - 1], np.uint64)}
    tg.save(obj, tmp_path / "x.pt")
    back = tg.load(tmp_path / "x.pt")
    assert back["list"] == [1.5, 7] and back["betas"] == (0.9, 0.999) and back[1] == "int key"
    assert back["scalar"].shape == () and back["scalar"].dtype == np.int16
    np.testing.assert_array_equal(back["transposed"], obj["transposed"])
    assert isinstance(back["grad"], tg.Tensor) and back["grad"].requires_grad
    for key in ("uint16", "uint64"):
        assert back[key].dtype == obj[key].dtype
        np.testing.assert_array_equal(back[key], obj[key])
    for key in ("epoch", "big", "lr", "name", "none", "flag", "empty"):
        assert back[key] == obj[key]


def test_unsupported_values_fail_before_any_file_is_written(tmp_path):
    with pytest.raises(TypeError, match="<U1 array at w has no PyTorch dtype"):
        tg.save({"w": np.array(["a"])}, tmp_path / "x.pth")
    with pytest.raises(TypeError, match="cannot store a set at a"):
        tg.save({"a": {1}}, tmp_path / "x.pth")
    assert list(tmp_path.iterdir()) == []


def test_format_argument_overrides_the_suffix(tmp_path):
    tg.save({"w": np.ones(2)}, tmp_path / "x.pth", format="npz")
    with np.load(tmp_path / "x.pth") as archive:
        assert "w" in archive.files
    tg.save({"w": np.ones(2)}, tmp_path / "y.bin", format="torch")
    assert tg.load(tmp_path / "y.bin")["w"].shape == (2,)
    with pytest.raises(ValueError, match="format must be one of"):
        tg.save({}, tmp_path / "z", format="pickle")


# --- torch reads what we write ------------------------------------------------------------------
def test_torch_load_weights_only_reads_our_state_dict_into_torchs_twin(tmp_path):
    torch = pytest.importorskip("torch")
    net = small_net().double()
    tg.save(net.state_dict(), tmp_path / "m.pth")
    state = torch.load(tmp_path / "m.pth", weights_only=True)
    assert list(state) == list(net.state_dict())
    assert state["1.num_batches_tracked"].dtype == torch.int64
    twin = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2),
                               torch.nn.Flatten(), torch.nn.Linear(8, 3)).double()
    twin.load_state_dict(state, strict=True)
    x = np.random.default_rng(0).standard_normal((3, 1, 4, 4))
    net.eval(), twin.eval()
    with tg.no_grad(), torch.no_grad():
        np.testing.assert_allclose(net(tg.tensor(x, dtype=tg.float64)).detach().numpy(),
                                   twin(torch.tensor(x)).numpy(),
                                   rtol=1e-12, atol=1e-12)
    mapped = torch.load(tmp_path / "m.pth", weights_only=True, mmap=True)
    assert torch.equal(mapped["0.weight"], state["0.weight"])


def test_torch_load_reads_our_optimizer_state_and_nested_values(tmp_path):
    torch = pytest.importorskip("torch")
    net = nn.Linear(3, 2)
    opt = optim.Adam(net.parameters(), lr=0.01)
    net(tg.randn(4, 3)).sum().backward()
    opt.step()
    obj = {"optimizer": opt.state_dict(), "epoch": 4, "huge": 2 ** 70, "scalar": np.float64(2.5),
           "grad": tg.tensor([1.0], requires_grad=True), "half": np.ones(2, np.float16),
           "uint16": np.array([3, 65535], np.uint16), "size": tg.Size([2, 3]), "dtype": tg.int64}
    tg.save(obj, tmp_path / "c.pt")
    theirs = torch.load(tmp_path / "c.pt", weights_only=True)
    assert theirs["epoch"] == 4 and theirs["huge"] == 2 ** 70 and theirs["scalar"] == 2.5
    assert theirs["grad"].requires_grad and theirs["half"].dtype == torch.float16
    assert theirs["uint16"].dtype == torch.uint16 and theirs["uint16"].tolist() == [3, 65535]
    assert theirs["size"] == torch.Size([2, 3]) and type(theirs["size"]) is torch.Size
    assert theirs["dtype"] is torch.int64
    back = tg.load(tmp_path / "c.pt")
    assert type(back["size"]) is tg.Size and back["dtype"] is tg.int64
    ours = opt.state_dict()
    assert theirs["optimizer"]["param_groups"][0]["betas"] == ours["param_groups"][0]["betas"]
    for index, state in ours["state"].items():
        for key, value in state.items():
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(theirs["optimizer"]["state"][index][key].detach().numpy(),
                                              value)
            else:
                assert theirs["optimizer"]["state"][index][key] == value
