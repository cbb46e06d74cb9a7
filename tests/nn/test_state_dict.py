"""Module.state_dict / load_state_dict: PyTorch's keys and order, copies, dtype casts, and
all-or-nothing loading with errors that list every problem."""
import copy
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn
from tinygrad_cnn.nn import Module


class Net(Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU())
        self.fc = nn.Linear(2, 3)

    def forward(self, x):
        return self.fc(self.features(x).mean((2, 3)))


def test_state_dict_values_are_detached_tensors_sharing_memory_as_pytorchs():
    model = Net()
    sd = model.state_dict()
    assert isinstance(sd, OrderedDict)
    weight = sd["fc.weight"]
    assert isinstance(weight, tg.Tensor) and not weight.requires_grad and weight.size() == (3, 2)
    with tg.no_grad():
        model.fc.weight.fill_(7)
    assert (weight.array == 7).all()                     # shares memory: copy to keep a snapshot
    assert weight._version == model.fc.weight._version   # and the version counter (detach)
    snapshot = copy.deepcopy(model.state_dict())
    with tg.no_grad():
        model.fc.weight.fill_(1)
    assert (snapshot["fc.weight"].array == 7).all()
    assert model.state_dict(keep_vars=True)["fc.weight"] is model.fc.weight


def test_load_state_dict_round_trip_and_dtype_cast():
    a, b = Net(), Net()
    sd = {k: v.double() if v.dtype == np.float32 else v for k, v in a.state_dict().items()}
    result = b.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.fc.weight.dtype == np.float32
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values()):
        np.testing.assert_array_equal(va, vb, err_msg=k)


def test_load_state_dict_accepts_tensors():
    a, b = Net(), Net()
    b.load_state_dict(a.state_dict(keep_vars=True))
    np.testing.assert_array_equal(a.fc.bias.array, b.fc.bias.array)


def test_load_state_dict_error_lists_everything_and_changes_nothing():
    model = Net()
    before = model.state_dict()
    sd = model.state_dict()
    del sd["fc.bias"]
    sd["fc.extra"] = np.zeros(1)
    sd["features.0.weight"] = np.zeros((2, 1, 5, 5), dtype=np.float32)
    sd["fc.weight"] = np.zeros_like(sd["fc.weight"])  # valid, but must not be applied
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(sd)
    message = str(info.value)
    assert "Error(s) in loading state_dict for Net" in message
    assert 'Missing key(s) in state_dict: "fc.bias"' in message
    assert 'Unexpected key(s) in state_dict: "fc.extra"' in message
    assert ("size mismatch for features.0.weight: copying a param with shape torch.Size([2, 1, 5, 5]) from "
            "checkpoint, the shape in current model is torch.Size([2, 1, 3, 3])") in message
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k], err_msg=k)


def test_load_state_dict_non_strict_reports_keys_but_still_checks_shapes():
    model = Net()
    sd = model.state_dict()
    del sd["fc.bias"]
    sd["other"] = np.zeros(1)
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["fc.bias"] and result.unexpected_keys == ["other"]
    sd["fc.weight"] = np.zeros((1, 1))
    with pytest.raises(RuntimeError, match="size mismatch for fc.weight"):
        model.load_state_dict(sd, strict=False)


def test_load_state_dict_rejects_non_numeric_values():
    model = nn.Linear(1, 1)
    with pytest.raises(RuntimeError, match="not numeric"):
        model.load_state_dict({"weight": np.array([["a"]]), "bias": np.zeros(1)})
    with pytest.raises(TypeError, match="dict-like"):
        model.load_state_dict([1, 2])
