"""ParameterList and ParameterDict: names found by the attribute walk, list/dict behaviour,
Tensors wrapped into Parameters, state_dict round trips (keys equal to torch's:
tests/torch_parity/test_nn_layers_parity.py)."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn


class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.plist = nn.ParameterList([nn.Parameter(tg.ones(3)), nn.Parameter(tg.zeros(2, 2))])
        self.pdict = nn.ParameterDict({"scale": nn.Parameter(tg.ones(1)), "shift": tg.zeros(4)})


def test_parameters_are_named_by_index_and_key():
    names = [n for n, _ in Holder().named_parameters()]
    assert names == ["fc.weight", "fc.bias", "plist.0", "plist.1", "pdict.scale", "pdict.shift"]
    assert list(Holder().state_dict()) == names


def test_state_dict_round_trips():
    a, b = Holder(), Holder()
    for p in a.parameters():
        p.array[...] = np.random.default_rng(0).standard_normal(p.shape)
    b.load_state_dict(a.state_dict())
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.array, q.array, err_msg=name)


def test_parameter_list_behaviour():
    plist = nn.ParameterList()
    plist.append(tg.ones(2))                 # a plain Tensor becomes a trained Parameter
    plist.extend([nn.Parameter(tg.zeros(3)), nn.Parameter(tg.zeros(1))])
    assert len(plist) == 3 and isinstance(plist[0], nn.Parameter) and plist[0].requires_grad
    assert [p.shape for p in plist] == [(2,), (3,), (1,)]
    del plist[0]
    assert [n for n, _ in plist.named_parameters()] == ["0", "1"]
    assert isinstance(plist[:1], nn.ParameterList) and len(plist[:1]) == 1
    plist[1] = nn.Parameter(tg.ones(5))
    assert plist[-1].shape == (5,)
    assert repr(plist) == ("ParameterList(\n  (0): Parameter containing: [torch.float32 of size 3]\n"
                           "  (1): Parameter containing: [torch.float32 of size 5]\n)")
    with pytest.raises(TypeError, match="ParameterList: Linear is not a Parameter"):
        plist.append(nn.Linear(1, 1))


def test_parameter_dict_behaviour():
    pdict = nn.ParameterDict()
    pdict["a"] = nn.Parameter(tg.ones(1))
    pdict.update({"b": tg.zeros(2)})
    assert pdict.keys() == ["a", "b"] and "b" in pdict and list(pdict) == ["a", "b"]
    assert isinstance(pdict["b"], nn.Parameter)
    assert pdict.pop("a").shape == (1,) and len(pdict) == 1
    with pytest.raises(KeyError, match="already exists"):
        pdict["training"] = nn.Parameter(tg.ones(1))
    with pytest.raises(KeyError, match="without '.'"):
        pdict["a.b"] = nn.Parameter(tg.ones(1))


def test_an_optimizer_trains_listed_parameters():
    model = Holder()
    opt = tg.optim.SGD(model.parameters(), lr=0.5)
    loss = (model.plist[0] * 2).sum() + model.pdict["scale"].sum()
    loss.backward()
    opt.step()
    np.testing.assert_allclose(model.plist[0].array, np.zeros(3))
    np.testing.assert_allclose(model.pdict["scale"].array, [0.5])
