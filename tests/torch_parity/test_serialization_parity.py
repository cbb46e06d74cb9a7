"""tinygrad_cnn.serialization against torch.save / torch.load: files torch writes now load equal (and
malicious ones are refused); torch.load(weights_only=True) reads what tg.save writes."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn, optim
from tinygrad_cnn.serialization import RefusedPickleError

from tests.serialization.test_torch_reader import MakesMarker, leaves
from tests.serialization.test_torch_writer import small_net


# --- files torch writes now ---------------------------------------------------------------------
def test_torch_checkpoint_loads_through_the_weights_only_reader(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, path)  # a zip archive whose payload is a pickle
    np.testing.assert_array_equal(tg.load(path)["w"], np.ones(2, np.float32))


def test_files_torch_saves_now_load_equal(tmp_path):
    torch = pytest.importorskip("torch")
    base = torch.randn(5, 7, dtype=torch.float64)
    obj = {"a": base, "b": base[:, 1::3].t(), "c": [base[2], torch.arange(4)],
           "d": torch.randn(3, dtype=torch.float16), "e": torch.tensor(2.5)}
    torch.save(obj, tmp_path / "x.pt")
    loaded = tg.load(tmp_path / "x.pt")
    for (path, ours), (_, theirs) in zip(leaves(loaded), leaves(obj)):
        assert ours.dtype == theirs.detach().numpy().dtype and ours.shape == tuple(theirs.shape), path
        np.testing.assert_array_equal(ours, theirs.detach().numpy())


def test_malicious_object_saved_by_torch_itself_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    marker = tmp_path / "pwned"
    torch.save({"w": torch.ones(2), "evil": MakesMarker(marker)}, tmp_path / "evil.pth")
    with pytest.raises(RefusedPickleError, match="system"):
        tg.load(tmp_path / "evil.pth")
    assert not marker.exists()


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
