"""Small zoo networks against their PyTorch twins (runs only where torch is installed).

Each twin is written here in plain torch with the same state-dict keys; our weights (with
BatchNorm statistics moved away from their defaults) are copied across, and both networks run
in float64: eval-mode outputs, and in training mode the loss and every parameter gradient."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
tnn = torch.nn
TF = torch.nn.functional

import models  # noqa: E402
import tinygrad_cnn as tg  # noqa: E402
import tinygrad_cnn.nn.functional as F  # noqa: E402
from models.resnet import BasicBlock  # noqa: E402
from tinygrad_cnn import nn  # noqa: E402


class TorchLeNet5(tnn.Module):
    def __init__(self, activation, pooling):
        super().__init__()
        self.conv1, self.conv2, self.conv3 = tnn.Conv2d(1, 6, 5), tnn.Conv2d(6, 16, 5), \
            tnn.Conv2d(16, 120, 5)
        self.fc1, self.fc2 = tnn.Linear(120, 84), tnn.Linear(84, 10)
        self.act = torch.tanh if activation == "tanh" else torch.relu
        self.pool = TF.avg_pool2d if pooling == "avg" else TF.max_pool2d

    def forward(self, x):
        x = self.pool(self.act(self.conv1(x)), 2)
        x = self.pool(self.act(self.conv2(x)), 2)
        x = self.act(self.conv3(x)).flatten(1)
        return self.fc2(self.act(self.fc1(x)))


class TorchBasicBlock(tnn.Module):
    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = tnn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.conv2 = tnn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = tnn.Sequential(tnn.Conv2d(in_planes, planes, 1, stride, bias=False),
                                             tnn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(out + (x if self.downsample is None else self.downsample(x)))


def torch_double_conv(c_in, c_out):
    return tnn.Sequential(tnn.Conv2d(c_in, c_out, 3, padding=1, bias=False), tnn.BatchNorm2d(c_out),
                          tnn.ReLU(), tnn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
                          tnn.BatchNorm2d(c_out), tnn.ReLU())


class TorchDown(tnn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = torch_double_conv(c_in, c_out)

    def forward(self, x):
        return self.conv(TF.max_pool2d(x, 2))


class TorchUp(tnn.Module):
    def __init__(self, c_in, c_out, up_mode):
        super().__init__()
        if up_mode == "transpose":
            self.up = tnn.ConvTranspose2d(c_in, c_in // 2, 2, stride=2)
        else:
            self.up = tnn.Sequential(tnn.Upsample(scale_factor=2, mode="nearest"),
                                     tnn.Conv2d(c_in, c_in // 2, 3, padding=1))
        self.conv = torch_double_conv(c_in, c_out)

    def forward(self, x, skip):
        return self.conv(torch.cat([skip, self.up(x)], 1))


class TorchUNet(tnn.Module):
    def __init__(self, c_in, classes, levels, width, up_mode):
        super().__init__()
        w = [width * 2 ** i for i in range(levels)]
        self.stem = torch_double_conv(c_in, w[0])
        self.down = tnn.ModuleList(TorchDown(w[i], w[i + 1]) for i in range(levels - 1))
        self.up = tnn.ModuleList(TorchUp(w[i + 1], w[i], up_mode)
                                 for i in reversed(range(levels - 1)))
        self.head = tnn.Conv2d(w[0], classes, 1)

    def forward(self, x):
        skips = [self.stem(x)]
        for down in self.down:
            skips.append(down(skips[-1]))
        x = skips.pop()
        for up in self.up:
            x = up(x, skips.pop())
        return self.head(x)


def twin_of(net, twin):
    """Move BatchNorm statistics off their defaults, then give `twin` exactly `net`'s state."""
    rng = np.random.default_rng(3)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            for t, low, high in ((m.running_mean, -0.5, 0.5), (m.running_var, 0.5, 2.0),
                                 (m.weight, 0.5, 1.5), (m.bias, -0.3, 0.3)):
                t.array[...] = rng.uniform(low, high, t.shape)
    twin.double().load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in net.state_dict().items()})
    return twin


def assert_same_network(net, twin, shape, target_shape, classes):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    target = rng.integers(0, classes, target_shape)
    net.eval()
    twin.eval()
    with tg.no_grad(), torch.no_grad():
        np.testing.assert_allclose(net(tg.tensor(x, dtype=tg.float64)).detach().numpy(),
                                   twin(torch.tensor(x)).numpy(), rtol=1e-10, atol=1e-12)
    net.train()
    twin.train()
    loss = F.cross_entropy(net(tg.tensor(x, dtype=tg.float64)), tg.tensor(target))
    twin_loss = TF.cross_entropy(twin(torch.tensor(x)), torch.tensor(target))
    loss.backward()
    twin_loss.backward()
    assert loss.item() == pytest.approx(twin_loss.item(), rel=1e-10)
    twin_grads = dict(twin.named_parameters())
    for name, p in net.named_parameters():
        np.testing.assert_allclose(p.grad.detach().numpy(), twin_grads[name].grad.detach().numpy(), rtol=1e-8,
                                   atol=1e-11, err_msg=name)
    # Training mode updated the running statistics the same way in both.
    twin_state = twin.state_dict()
    for name, value in net.state_dict().items():
        np.testing.assert_allclose(value, twin_state[name].detach().numpy(), rtol=1e-10, err_msg=name)


@pytest.mark.parametrize("activation, pooling", [("tanh", "avg"), ("relu", "max")])
def test_lenet5_matches_torch(activation, pooling):
    tg.manual_seed(0)
    net = models.create("lenet5", activation=activation, pooling=pooling).double()
    twin = twin_of(net, TorchLeNet5(activation, pooling))
    assert_same_network(net, twin, (3, 1, 32, 32), (3,), 10)


class Head(nn.Module):
    """A block followed by global pooling and a classifier, so it can be given a loss."""

    def __init__(self, block, planes):
        super().__init__()
        self.block, self.fc = block, nn.Linear(planes, 4)

    def forward(self, x):
        return self.fc(F.adaptive_avg_pool2d(self.block(x), 1).flatten(1))


class TorchHead(tnn.Module):
    def __init__(self, block, planes):
        super().__init__()
        self.block, self.fc = block, tnn.Linear(planes, 4)

    def forward(self, x):
        return self.fc(TF.adaptive_avg_pool2d(self.block(x), 1).flatten(1))


@pytest.mark.parametrize("in_planes, planes, stride", [(8, 8, 1), (4, 8, 2)],
                         ids=["identity", "projection"])
def test_resnet_basic_block_matches_torch(in_planes, planes, stride):
    tg.manual_seed(0)
    downsample = None
    if stride != 1 or in_planes != planes:
        downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False),
                                   nn.BatchNorm2d(planes))
    net = Head(BasicBlock(in_planes, planes, stride, downsample), planes).double()
    twin = twin_of(net, TorchHead(TorchBasicBlock(in_planes, planes, stride), planes))
    assert_same_network(net, twin, (4, in_planes, 9, 9), (4,), 4)


@pytest.mark.parametrize("up_mode", ["transpose", "nearest"])
def test_unet_matches_torch(up_mode):
    tg.manual_seed(0)
    net = models.create("unet", in_channels=2, num_classes=3, levels=3, base_width=4,
                        up_mode=up_mode).double()
    twin = twin_of(net, TorchUNet(2, 3, 3, 4, up_mode))
    assert_same_network(net, twin, (2, 2, 16, 16), (2, 16, 16), 3)
