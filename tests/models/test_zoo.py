"""Every zoo model: output shape at its nominal input size, one SGD step lowers the loss,
train()/eval() switch BatchNorm and Dropout, and a save/load round trip reproduces the outputs.

Where the full network is too slow for the suite, the same architecture runs at reduced width
(`width`, `hidden`, `growth_rate`, `base_width`) — the layer structure and strides are unchanged,
so the shapes exercised are the real ones."""
import numpy as np
import pytest

import models
import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import nn, optim

SMALL_VGG = {"width": 1 / 16, "hidden": 16}
SMALL_DENSE = {"growth_rate": 8, "num_init_features": 16}

# (name, kwargs, input shape at the nominal size, expected output shape)
NOMINAL = [
    ("lenet5", {}, (1, 1, 32, 32), (1, 10)),
    ("lenet5", {"padding": 2, "activation": "relu", "pooling": "max"}, (1, 1, 28, 28), (1, 10)),
    ("seed_net_mnist", {}, (1, 1, 28, 28), (1, 10)),
    ("seed_net_cifar", {}, (1, 3, 32, 32), (1, 10)),
    ("caffenet", {"hidden": 16}, (1, 3, 227, 227), (1, 1000)),
    ("alexnet", {"hidden": 16}, (1, 3, 224, 224), (1, 1000)),
    *[(f"vgg{d}{bn}", SMALL_VGG, (1, 3, 224, 224), (1, 1000))
      for d in (11, 13, 16, 19) for bn in ("", "_bn")],
    *[(f"resnet{d}", {"width": 8}, (1, 3, 224, 224), (1, 1000)) for d in (18, 34, 50, 101, 152)],
    ("resnet18", {"width": 8, "cifar_stem": True, "num_classes": 10}, (1, 3, 32, 32), (1, 10)),
    ("googlenet", {}, (1, 3, 64, 64), (1, 1000)),
    ("densenet121", SMALL_DENSE, (1, 3, 224, 224), (1, 1000)),
    *[(f"densenet{d}", {**SMALL_DENSE, "num_init_features": 24 if d == 161 else 16,
                        "growth_rate": 12 if d == 161 else 8}, (1, 3, 64, 64), (1, 1000))
      for d in (169, 201, 161)],
    ("unet", {}, (1, 1, 128, 128), (1, 2, 128, 128)),
    ("unet", {"up_mode": "nearest", "levels": 2, "in_channels": 3, "num_classes": 5},
     (1, 3, 128, 128), (1, 5, 128, 128)),
]


def ident(case):
    name, kwargs, shape = case[:3]
    return f"{name}-{shape[-1]}" + "".join(f"-{k}" for k in kwargs if k not in SMALL_DENSE)


@pytest.mark.parametrize("case", NOMINAL, ids=map(ident, NOMINAL))
def test_output_shape_at_nominal_size(case):
    name, kwargs, in_shape, out_shape = case
    tg.manual_seed(0)
    net = models.create(name, **kwargs).eval()
    with tg.no_grad():
        y = net(tg.randn(*in_shape))
    assert y.shape == out_shape
    assert np.isfinite(y.detach().numpy()).all()


# Small versions that train in a fraction of a second: (name, kwargs, input shape).
SMALL = [
    ("lenet5", {}, (4, 1, 32, 32)),
    ("lenet5", {"padding": 2, "activation": "relu", "pooling": "max"}, (4, 1, 28, 28)),
    ("seed_net_mnist", {}, (4, 1, 28, 28)),
    ("seed_net_cifar", {}, (4, 3, 32, 32)),
    ("caffenet", {"hidden": 32, "num_classes": 10}, (2, 3, 227, 227)),
    ("alexnet", {"hidden": 32, "num_classes": 10}, (4, 3, 64, 64)),
    ("vgg11_bn", {**SMALL_VGG, "num_classes": 10}, (4, 3, 32, 32)),
    ("vgg16", {**SMALL_VGG, "num_classes": 10}, (4, 3, 32, 32)),
    ("resnet18", {"width": 8, "num_classes": 10}, (4, 3, 64, 64)),
    ("resnet50", {"width": 8, "num_classes": 10}, (4, 3, 64, 64)),
    ("resnet34", {"width": 8, "num_classes": 10, "cifar_stem": True, "plain": True},
     (4, 3, 32, 32)),
    ("googlenet", {"num_classes": 10}, (4, 3, 32, 32)),
    ("googlenet", {"num_classes": 10, "aux_logits": True}, (2, 3, 64, 64)),
    ("densenet121", {**SMALL_DENSE, "num_classes": 10, "drop_rate": 0.2}, (4, 3, 32, 32)),
    ("unet", {"levels": 3, "base_width": 8, "num_classes": 3}, (4, 1, 32, 32)),
    ("unet", {"levels": 2, "base_width": 4, "num_classes": 3, "up_mode": "nearest",
              "batch_norm": False}, (4, 1, 16, 16)),
]


def make_batch(name, kwargs, shape):
    rng = np.random.default_rng(1)
    x = tg.tensor(rng.standard_normal(shape).astype(np.float32))
    classes = kwargs.get("num_classes", 10)
    target_shape = (shape[0], *shape[2:]) if name == "unet" else (shape[0],)
    return x, tg.tensor(rng.integers(0, classes, target_shape))


def build(name, kwargs, seed=0):
    tg.manual_seed(seed)
    return models.create(name, **kwargs)


def loss_of(net, x, target):
    out = net(x)
    if isinstance(out, tuple):  # GoogLeNet in training mode: (logits, aux2, aux1)
        logits, aux2, aux1 = out
        return F.cross_entropy(logits, target) + 0.3 * (F.cross_entropy(aux1, target)
                                                        + F.cross_entropy(aux2, target))
    return F.cross_entropy(out, target)


def has(net, kind) -> bool:
    return any(isinstance(m, kind) and (kind is not nn.Dropout or m.p > 0) for m in net.modules())


@pytest.mark.parametrize("case", SMALL, ids=map(ident, SMALL))
def test_one_sgd_step_lowers_the_loss(case):
    name, kwargs, shape = case
    net = build(name, kwargs)
    x, target = make_batch(name, kwargs, shape)
    tg.manual_seed(7)  # the same dropout masks before and after the step
    before = loss_of(net, x, target)
    opt = optim.SGD(net.parameters(), lr=0.01)
    opt.zero_grad()
    before.backward()
    assert all(p.grad is not None for p in net.parameters()), "a parameter got no gradient"
    opt.step()
    tg.manual_seed(7)
    with tg.no_grad():
        after = loss_of(net, x, target)
    assert after.item() < before.item()


@pytest.mark.parametrize("case", SMALL, ids=map(ident, SMALL))
def test_train_and_eval_modes(case):
    name, kwargs, shape = case
    net = build(name, kwargs)
    x, _ = make_batch(name, kwargs, shape)
    bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    with tg.no_grad():
        net.eval()
        first, second = net(x).detach().numpy(), net(x).detach().numpy()
        np.testing.assert_array_equal(first, second)  # eval is deterministic
        assert all(np.array_equal(b.running_mean.array, 0 * b.running_mean.array) for b in bns)
        net.train()
        trained = net(x)
    if isinstance(trained, tuple):  # auxiliary heads exist only in training mode
        assert len(trained) == 3 and all(t.shape == first.shape for t in trained)
        trained = trained[0]
    if has(net, nn.BatchNorm2d) or has(net, nn.Dropout):
        assert not np.allclose(trained.detach().numpy(), first)
    else:
        np.testing.assert_array_equal(trained.detach().numpy(), first)
    # Training-mode BatchNorm moves its running statistics; eval mode read them only.
    assert all(not np.array_equal(b.running_mean.array, 0 * b.running_mean.array) for b in bns)


@pytest.mark.parametrize("case", SMALL, ids=map(ident, SMALL))
def test_save_load_round_trip_reproduces_outputs(case, tmp_path):
    name, kwargs, shape = case
    net = build(name, kwargs, seed=0)
    x, target = make_batch(name, kwargs, shape)
    opt = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss = loss_of(net, x, target)  # one step, so BatchNorm buffers are no longer at their init
    opt.zero_grad()
    loss.backward()
    opt.step()
    path = tmp_path / "model.npz"
    tg.save(net.state_dict(), path)
    fresh = build(name, kwargs, seed=1)
    fresh.load_state_dict(tg.load(path))
    net.eval()
    fresh.eval()
    with tg.no_grad():
        np.testing.assert_array_equal(fresh(x).numpy(), net(x).detach().numpy())
