"""nn.Module against torch.nn.Module: repr, state-dict keys and shapes, parameter and module names."""
from collections import OrderedDict

import numpy as np
import pytest

from tinygrad_cnn import nn


def test_repr_equals_torch():
    torch = pytest.importorskip("torch")

    def build(m):
        return m.Sequential(
            m.Conv2d(1, 6, 5, padding=2), m.ReLU(inplace=True), m.MaxPool2d(2, 2),
            m.Conv2d(6, 16, 3, stride=2, padding=1, dilation=2, groups=2, bias=False),
            m.Conv2d(3, 3, 3, padding="same"), m.BatchNorm2d(16, momentum=None, affine=False),
            m.AvgPool2d(3, stride=1, padding=1), m.AdaptiveAvgPool2d((1, 1)), m.Flatten(),
            m.Dropout(0.3), m.Linear(16, 10, bias=False), m.Softmax(dim=1), m.LogSoftmax(dim=-1),
            m.Sigmoid(), m.Tanh(), m.Identity(), m.Upsample(scale_factor=2), m.Upsample(size=(4, 5)),
            m.LocalResponseNorm(5), m.ConvTranspose2d(4, 8, 3, stride=2, output_padding=1),
            m.CrossEntropyLoss(), m.NLLLoss(), m.MSELoss(), m.BCEWithLogitsLoss(),
            m.ModuleList([m.Linear(2, 2), m.Linear(2, 2), m.ReLU(), m.Linear(2, 2)]),
            m.ModuleDict({"a": m.Tanh()}), m.Sequential())

    assert repr(build(nn)) == repr(build(torch.nn))


def test_state_dict_keys_and_shapes_equal_torch():
    torch = pytest.importorskip("torch")

    def build(m):
        return m.Sequential(OrderedDict(
            stem=m.Sequential(m.Conv2d(3, 8, 3, bias=False), m.BatchNorm2d(8), m.ReLU()),
            blocks=m.ModuleList([m.Conv2d(8, 8, 3, groups=2), m.ConvTranspose2d(8, 4, 2, stride=2)]),
            heads=m.ModuleDict({"cls": m.Linear(4, 10), "bn": m.BatchNorm1d(10, affine=False)}),
            loss=m.CrossEntropyLoss(weight=np.ones(10, np.float32) if m is nn else torch.ones(10))))

    ours, theirs = build(nn), build(torch.nn)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [tuple(v.shape) for v in ours.state_dict().values()] == \
        [tuple(v.shape) for v in theirs.state_dict().values()]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    ours.load_state_dict(theirs.state_dict())  # torch tensors convert through np.asarray
    np.testing.assert_array_equal(ours.heads["cls"].weight.array,
                                  theirs.heads["cls"].weight.detach().numpy())
