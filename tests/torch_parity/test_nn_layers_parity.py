"""nn layers and containers against torch.nn with the same weights: outputs, gradients, losses, reprs,
state-dict keys."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn

from tests.nn.test_parameter_containers import Holder


def test_layers_equal_torch_with_the_same_weights():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)  # fixed weights: the comparison must not depend on the draw
    rng = np.random.default_rng(0)

    def build(m):
        return m.Sequential(
            m.Conv2d(3, 6, 3, padding=1), m.BatchNorm2d(6), m.ReLU(), m.MaxPool2d(2),
            m.Conv2d(6, 8, 3, padding="same", groups=2), m.AvgPool2d(2),
            m.ConvTranspose2d(8, 4, 2, stride=2), m.Upsample(scale_factor=2),
            m.LocalResponseNorm(3), m.AdaptiveAvgPool2d((2, 2)), m.Flatten(), m.Linear(16, 5),
            m.BatchNorm1d(5), m.Tanh(), m.LogSoftmax(dim=1))

    ours, theirs = build(nn), build(torch.nn)
    ours.load_state_dict(theirs.state_dict())
    x = rng.standard_normal((4, 3, 8, 8)).astype(np.float32)
    for mode in ("train", "eval", "train"):
        getattr(ours, mode)(), getattr(theirs, mode)()
        np.testing.assert_allclose(ours(tg.tensor(x)).detach().numpy(),
                                   theirs(torch.tensor(x)).detach().numpy(), atol=1e-5)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.detach().numpy(), rtol=1e-5, err_msg=key)

    logits = rng.standard_normal((6, 4)).astype(np.float32)
    target = np.array([0, 1, 3, -100, 2, 2])
    weight = rng.random(4).astype(np.float32)
    for kwargs in ({}, {"label_smoothing": 0.1}, {"reduction": "sum"}, {"reduction": "none"}):
        a = nn.CrossEntropyLoss(weight, **kwargs)(tg.tensor(logits), tg.tensor(target))
        b = torch.nn.CrossEntropyLoss(torch.tensor(weight), **kwargs)(torch.tensor(logits),
                                                                      torch.tensor(target))
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5)
    y = rng.random((6, 4)).astype(np.float32)
    pos = rng.random(4).astype(np.float32) + 0.5
    a = nn.BCEWithLogitsLoss(pos_weight=pos)(tg.tensor(logits), tg.tensor(y))
    b = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos))(torch.tensor(logits),
                                                                  torch.tensor(y))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5)


def test_containers_behave_as_torch():
    torch = pytest.importorskip("torch")

    def ops(m):
        a, b, c = m.Linear(2, 2), m.ReLU(), m.Tanh()
        seq = m.Sequential(a, b, c)
        popped = seq.pop(0)
        return [repr(popped), repr(seq), repr(seq.insert(1, m.Sigmoid())),
                repr(m.Sequential(a) + m.Sequential(b) * 2), repr(m.ModuleList([c]) + [a])]

    assert ops(nn) == ops(torch.nn)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("kwargs", [dict(padding=(2, 1), stride=2), dict(padding="same", dilation=2),
                                    dict(padding="same", kernel_size=4)])
def test_conv_padding_modes_equal_torch(mode, kwargs):
    torch = pytest.importorskip("torch")
    kwargs = {"kernel_size": 3, **kwargs}
    theirs = torch.nn.Conv2d(2, 3, padding_mode=mode, **kwargs).double()
    ours = nn.Conv2d(2, 3, padding_mode=mode, **kwargs).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 2, 5, 6))
    xt, xo = torch.tensor(x, requires_grad=True), tg.Tensor(x, requires_grad=True)
    yt, yo = theirs(xt), ours(xo)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    yt.sum().backward()
    yo.sum().backward()
    np.testing.assert_allclose(xo.grad.detach().numpy(), xt.grad.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.detach().numpy(), theirs.weight.grad.detach().numpy(), rtol=1e-10)
    assert repr(ours) == repr(theirs)


def test_new_layers_equal_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 9)).astype(np.float32)

    def build(m):
        return m.Sequential(m.ZeroPad2d((1, 0, 2, 1)), m.ConstantPad2d(1, 0.5),
                            m.AdaptiveMaxPool2d((4, 3)), m.Flatten(), m.Unflatten(1, (3, 12)))

    np.testing.assert_array_equal(build(nn)(tg.tensor(x)).numpy(),
                                  build(torch.nn)(torch.tensor(x)).numpy())
    ours, theirs = nn.MaxPool2d(3, 2, 1, return_indices=True), torch.nn.MaxPool2d(3, 2, 1, return_indices=True)
    (y, i), (y_t, i_t) = ours(tg.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_array_equal(i.detach().numpy(), i_t.detach().numpy())
    np.testing.assert_array_equal(nn.MaxUnpool2d(3, 2, 1)(y, i, x.shape).detach().numpy(),
                                  torch.nn.MaxUnpool2d(3, 2, 1)(y_t, i_t, x.shape).detach().numpy())
    for ours, theirs in [(nn.ZeroPad2d(3), torch.nn.ZeroPad2d(3)),
                         (nn.ConstantPad2d((1, 2, 3, 4), 2.0), torch.nn.ConstantPad2d((1, 2, 3, 4), 2.0)),
                         (nn.Unflatten(1, (2, 3)), torch.nn.Unflatten(1, (2, 3))),
                         (nn.AdaptiveMaxPool2d((2, None)), torch.nn.AdaptiveMaxPool2d((2, None))),
                         (nn.MaxUnpool2d(2, 1), torch.nn.MaxUnpool2d(2, 1)),
                         (nn.Dropout2d(0.2), torch.nn.Dropout2d(0.2))]:
        assert repr(ours) == repr(theirs)


def test_keys_equal_torch():
    torch = pytest.importorskip("torch")

    class TorchHolder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(2, 2)
            self.plist = torch.nn.ParameterList([torch.ones(3), torch.zeros(2, 2)])
            self.pdict = torch.nn.ParameterDict({"scale": torch.ones(1), "shift": torch.zeros(4)})

    theirs = TorchHolder().state_dict()
    assert list(Holder().state_dict()) == list(theirs)
    ours = Holder()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.items()})
    np.testing.assert_array_equal(ours.fc.weight.array, theirs["fc.weight"].numpy())
