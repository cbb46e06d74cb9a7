"""The torchvision families (AlexNet, VGG, ResNet, GoogLeNet, DenseNet) against PyTorch twins
(runs only where torch is installed; torchvision itself is not needed).

Each twin is written here in plain torch after torchvision's layout: the same modules under the
same names, so the state dicts must agree key by key, in order, shape by shape. Our weights (He-
scaled, so that every layer matters, with BatchNorm statistics and affine moved away from their
defaults) are copied across and both networks run in float64 at reduced size: eval-mode outputs;
in training mode (dropout off) every output, every parameter and input gradient, and the running
statistics after the step."""
from collections import OrderedDict

import numpy as np
import pytest

torch = pytest.importorskip("torch")
tnn = torch.nn
TF = torch.nn.functional

import tinygrad_cnn as tg  # noqa: E402
from models.densenet import DenseNet  # noqa: E402
from models.googlenet import GoogLeNet, Inception, InceptionAux  # noqa: E402
from models.resnet import BasicBlock, Bottleneck, ResNet  # noqa: E402
from models.alexnet import AlexNet  # noqa: E402
from models.vgg import CONFIGS, VGG  # noqa: E402
from tinygrad_cnn import nn  # noqa: E402


# --- the twins ----------------------------------------------------------------------------------
class TorchAlexNet(tnn.Module):
    def __init__(self, hidden, classes):
        super().__init__()
        conv = tnn.Conv2d
        self.features = tnn.Sequential(
            conv(3, 64, 11, 4, 2), tnn.ReLU(), tnn.MaxPool2d(3, 2),
            conv(64, 192, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(3, 2),
            conv(192, 384, 3, padding=1), tnn.ReLU(), conv(384, 256, 3, padding=1), tnn.ReLU(),
            conv(256, 256, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(3, 2))
        self.avgpool = tnn.AdaptiveAvgPool2d((6, 6))
        self.classifier = tnn.Sequential(
            tnn.Dropout(0.0), tnn.Linear(256 * 36, hidden), tnn.ReLU(),
            tnn.Dropout(0.0), tnn.Linear(hidden, hidden), tnn.ReLU(), tnn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


class TorchVGG(tnn.Module):
    def __init__(self, config, batch_norm, width, hidden, classes):
        super().__init__()
        layers, c_in = [], 3
        for item in config:
            if item == "M":
                layers.append(tnn.MaxPool2d(2, 2))
                continue
            c_out = int(item * width)
            layers.append(tnn.Conv2d(c_in, c_out, 3, padding=1))
            layers += [tnn.BatchNorm2d(c_out), tnn.ReLU()] if batch_norm else [tnn.ReLU()]
            c_in = c_out
        self.features = tnn.Sequential(*layers)
        self.avgpool = tnn.AdaptiveAvgPool2d((7, 7))
        self.classifier = tnn.Sequential(
            tnn.Linear(c_in * 49, hidden), tnn.ReLU(), tnn.Dropout(0.0),
            tnn.Linear(hidden, hidden), tnn.ReLU(), tnn.Dropout(0.0), tnn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


def torch_projection(c_in, c_out, stride):
    return tnn.Sequential(tnn.Conv2d(c_in, c_out, 1, stride, bias=False), tnn.BatchNorm2d(c_out))


class TorchBasic(tnn.Module):
    expansion = 1

    def __init__(self, c_in, planes, stride, downsample):
        super().__init__()
        self.conv1 = tnn.Conv2d(c_in, planes, 3, stride, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.conv2 = tnn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(out + (x if self.downsample is None else self.downsample(x)))


class TorchBottleneck(tnn.Module):
    """ResNet v1.5: the stride sits on the 3×3 conv."""
    expansion = 4

    def __init__(self, c_in, planes, stride, downsample):
        super().__init__()
        self.conv1 = tnn.Conv2d(c_in, planes, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.conv2 = tnn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.conv3 = tnn.Conv2d(planes, 4 * planes, 1, bias=False)
        self.bn3 = tnn.BatchNorm2d(4 * planes)
        self.downsample = downsample

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = torch.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return torch.relu(out + (x if self.downsample is None else self.downsample(x)))


class TorchResNet(tnn.Module):
    def __init__(self, block, layers, width, classes):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = tnn.BatchNorm2d(width)
        self.maxpool = tnn.MaxPool2d(3, 2, 1)
        c_in = width
        for i, blocks in enumerate(layers):
            planes, stride = width * 2 ** i, 1 if i == 0 else 2
            c_out = planes * block.expansion
            down = torch_projection(c_in, c_out, stride) if stride != 1 or c_in != c_out else None
            stage = [block(c_in, planes, stride, down)]
            stage += [block(c_out, planes, 1, None) for _ in range(1, blocks)]
            setattr(self, f"layer{i + 1}", tnn.Sequential(*stage))
            c_in = c_out
        self.fc = tnn.Linear(c_in, classes)

    def forward(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(TF.adaptive_avg_pool2d(x, 1).flatten(1))


class TorchBasicConv2d(tnn.Module):
    def __init__(self, c_in, c_out, kernel, stride=1, padding=0):
        super().__init__()
        self.conv = tnn.Conv2d(c_in, c_out, kernel, stride, padding, bias=False)
        self.bn = tnn.BatchNorm2d(c_out, eps=0.001)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class TorchInception(tnn.Module):
    def __init__(self, c_in, c1, c3r, c3, c5r, c5, pool_proj):
        super().__init__()
        self.branch1 = TorchBasicConv2d(c_in, c1, 1)
        self.branch2 = tnn.Sequential(TorchBasicConv2d(c_in, c3r, 1),
                                      TorchBasicConv2d(c3r, c3, 3, padding=1))
        self.branch3 = tnn.Sequential(TorchBasicConv2d(c_in, c5r, 1),   # torchvision's 3×3
                                      TorchBasicConv2d(c5r, c5, 3, padding=1))
        self.branch4 = tnn.Sequential(tnn.MaxPool2d(3, 1, 1, ceil_mode=True),
                                      TorchBasicConv2d(c_in, pool_proj, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class TorchInceptionAux(tnn.Module):
    def __init__(self, c_in, classes):
        super().__init__()
        self.conv = TorchBasicConv2d(c_in, 128, 1)
        self.fc1 = tnn.Linear(2048, 1024)
        self.fc2 = tnn.Linear(1024, classes)

    def forward(self, x):
        x = self.conv(TF.adaptive_avg_pool2d(x, (4, 4))).flatten(1)
        return self.fc2(TF.dropout(torch.relu(self.fc1(x)), 0.0, self.training))


class TorchGoogLeNet(tnn.Module):
    def __init__(self, classes, transform_input):
        super().__init__()
        self.transform_input = transform_input
        self.conv1 = TorchBasicConv2d(3, 64, 7, 2, 3)
        self.maxpool1 = tnn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = TorchBasicConv2d(64, 64, 1)
        self.conv3 = TorchBasicConv2d(64, 192, 3, padding=1)
        self.maxpool2 = tnn.MaxPool2d(3, 2, ceil_mode=True)
        self.inception3a = TorchInception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = TorchInception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = tnn.MaxPool2d(3, 2, ceil_mode=True)
        self.inception4a = TorchInception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = TorchInception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = TorchInception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = TorchInception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = TorchInception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = tnn.MaxPool2d(2, 2, ceil_mode=True)
        self.inception5a = TorchInception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = TorchInception(832, 384, 192, 384, 48, 128, 128)
        self.aux1 = TorchInceptionAux(512, classes)
        self.aux2 = TorchInceptionAux(528, classes)
        self.fc = tnn.Linear(1024, classes)

    def forward(self, x):
        if self.transform_input:
            x = torch.cat([x[:, 0:1] * (0.229 / 0.5) + (0.485 - 0.5) / 0.5,
                           x[:, 1:2] * (0.224 / 0.5) + (0.456 - 0.5) / 0.5,
                           x[:, 2:3] * (0.225 / 0.5) + (0.406 - 0.5) / 0.5], 1)
        x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
        x = self.inception4a(self.maxpool3(self.inception3b(self.inception3a(x))))
        aux1 = self.aux1(x) if self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.training else None
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        logits = self.fc(TF.adaptive_avg_pool2d(x, 1).flatten(1))   # dropout p=0 before fc
        return (logits, aux2, aux1) if self.training else logits


class TorchDenseLayer(tnn.Module):
    def __init__(self, c_in, growth, bn_size):
        super().__init__()
        self.norm1 = tnn.BatchNorm2d(c_in)
        self.conv1 = tnn.Conv2d(c_in, bn_size * growth, 1, bias=False)
        self.norm2 = tnn.BatchNorm2d(bn_size * growth)
        self.conv2 = tnn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

    def forward(self, features):
        x = self.conv1(torch.relu(self.norm1(torch.cat(features, 1))))
        return self.conv2(torch.relu(self.norm2(x)))


class TorchDenseNet(tnn.Module):
    def __init__(self, growth, blocks, c_init, bn_size, classes):
        super().__init__()
        stages = [("conv0", tnn.Conv2d(3, c_init, 7, 2, 3, bias=False)),
                  ("norm0", tnn.BatchNorm2d(c_init)), ("relu0", tnn.ReLU()),
                  ("pool0", tnn.MaxPool2d(3, 2, 1))]
        c = c_init
        for i, n in enumerate(blocks):
            block = tnn.ModuleDict({f"denselayer{j + 1}": TorchDenseLayer(c + j * growth, growth,
                                                                          bn_size)
                                    for j in range(n)})
            stages.append((f"denseblock{i + 1}", block))
            c += n * growth
            if i != len(blocks) - 1:
                stages.append((f"transition{i + 1}", tnn.Sequential(OrderedDict(
                    norm=tnn.BatchNorm2d(c), relu=tnn.ReLU(),
                    conv=tnn.Conv2d(c, c // 2, 1, bias=False), pool=tnn.AvgPool2d(2, 2)))))
                c //= 2
        stages.append(("norm5", tnn.BatchNorm2d(c)))
        self.features = tnn.ModuleDict(dict(stages))
        self.classifier = tnn.Linear(c, classes)

    def forward(self, x):
        for name, stage in self.features.items():
            if name.startswith("denseblock"):
                features = [x]
                for layer in stage.values():
                    features.append(layer(features))
                x = torch.cat(features, 1)
            else:
                x = stage(x)
        return self.classifier(TF.adaptive_avg_pool2d(torch.relu(x), 1).flatten(1))


# --- the comparison -----------------------------------------------------------------------------
def twin_of(net, twin):
    """He-scale our conv/fc weights, move BatchNorm off its defaults, give `twin` the same state
    (after checking that the keys, their order and the shapes agree)."""
    rng = np.random.default_rng(3)
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight.array[0].size
            m.weight.array[...] = rng.standard_normal(m.weight.shape) * np.sqrt(2 / fan_in)
        elif isinstance(m, nn.BatchNorm2d):
            for t, low, high in ((m.running_mean, -0.5, 0.5), (m.running_var, 0.5, 2.0),
                                 (m.weight, 0.5, 1.5), (m.bias, -0.3, 0.3)):
                t.array[...] = rng.uniform(low, high, t.shape)
    state = net.state_dict()
    assert [(k, tuple(v.shape)) for k, v in state.items()] == \
        [(k, tuple(v.shape)) for k, v in twin.state_dict().items()]
    twin.double().load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in state.items()})
    return twin


def assert_same_network(net, twin, shape, outputs=1, gradients=True):
    """Eval outputs; training outputs, gradients (parameters and input; unless gradients=False)
    and running statistics."""
    x = np.random.default_rng(0).standard_normal(shape)
    net.eval()
    twin.eval()
    with tg.no_grad(), torch.no_grad():
        ours, theirs = net(tg.tensor(x, dtype=tg.float64)).detach().numpy(), twin(torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9 * np.abs(theirs).max())
    net.train()
    twin.train()
    x_ours, x_theirs = tg.tensor(x, dtype=tg.float64, requires_grad=True), \
        torch.tensor(x, requires_grad=True)
    ours, theirs = net(x_ours), twin(x_theirs)
    ours, theirs = (ours, theirs) if outputs > 1 else ((ours,), (theirs,))
    assert len(ours) == len(theirs) == outputs
    loss, twin_loss = 0, 0
    for i, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9,
                                   atol=1e-9 * b.detach().abs().max().item())
        w = np.random.default_rng(i + 1).standard_normal(tuple(b.shape))
        loss = loss + (a * tg.tensor(w, dtype=tg.float64)).sum()
        twin_loss = twin_loss + (b * torch.tensor(w)).sum()
    if gradients:
        loss.backward()
        twin_loss.backward()
        grads = dict(twin.named_parameters())
        scale = max(g.grad.abs().max().item() for g in grads.values())
        for name, p in net.named_parameters():  # a conv bias before BatchNorm: gradient ~0
            np.testing.assert_allclose(p.grad.detach().numpy(), grads[name].grad.detach().numpy(), rtol=1e-8,
                                       atol=1e-10 * scale, err_msg=name)
        np.testing.assert_allclose(x_ours.grad.detach().numpy(), x_theirs.grad.detach().numpy(), rtol=1e-8,
                                   atol=1e-10 * x_theirs.grad.abs().max().item())
    twin_state = twin.state_dict()
    for name, value in net.state_dict().items():
        np.testing.assert_allclose(value, twin_state[name].detach().numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=name)


# --- the families -------------------------------------------------------------------------------
@pytest.mark.parametrize("side", [(63, 63), (100, 75)], ids=["smallest", "non-square"])
def test_alexnet_matches_torchvision_layout(side):
    # 63×63 leaves a 1×1 map that the adaptive pool spreads to 6×6; 100×75 pools 2×1 to 6×6.
    tg.manual_seed(0)
    net = AlexNet(num_classes=5, dropout=0.0, hidden=16).double()
    twin = twin_of(net, TorchAlexNet(16, 5))
    assert [type(m).__name__ for m in net.classifier] == \
        [type(m).__name__ for m in twin.classifier]   # dropout before fc6 and fc7
    assert_same_network(net, twin, (2, 3) + side)


@pytest.mark.parametrize("batch_norm, side", [(False, 32), (True, 96)], ids=["vgg11", "vgg11_bn"])
def test_vgg_matches_torchvision_layout(batch_norm, side):
    # 32×32 ends at 1×1 (copied to 7×7); 96×96 ends at 3×3 (overlapping windows to 7×7).
    tg.manual_seed(0)
    net = VGG("A", batch_norm, num_classes=5, dropout=0.0, width=0.125, hidden=16).double()
    twin = twin_of(net, TorchVGG(CONFIGS["A"], batch_norm, 0.125, 16, 5))
    assert [type(m).__name__ for m in net.classifier] == \
        [type(m).__name__ for m in twin.classifier]   # dropout after the relu of fc6 and fc7
    assert_same_network(net, twin, (2, 3, side, side))


@pytest.mark.parametrize("block, twin_block, layers", [
    (BasicBlock, TorchBasic, [2, 1, 1, 1]),
    (Bottleneck, TorchBottleneck, [2, 1, 2, 1]),
], ids=["basic", "bottleneck"])
def test_resnet_matches_torchvision_layout(block, twin_block, layers):
    # Bottleneck: layer1 projects 8 -> 32 channels at stride 1; the later stages stride on the 3×3.
    tg.manual_seed(0)
    net = ResNet(block, layers, num_classes=5, width=8).double()
    twin = twin_of(net, TorchResNet(twin_block, layers, 8, 5))
    assert_same_network(net, twin, (2, 3, 48, 40))


def test_googlenet_matches_torchvision_with_aux_heads_and_transform_input():
    # 64×64: every ceil_mode pooling overhangs (32 -> 16 -> 8 -> 4 -> 2); training returns
    # (logits, aux2, aux1), eval the logits alone. Outputs only: the gradients are compared
    # module by module below, at a fraction of the cost of 13M parameters.
    tg.manual_seed(0)
    net = GoogLeNet(num_classes=5, aux_logits=True, dropout=0.0, dropout_aux=0.0,
                    transform_input=True).double()
    twin = twin_of(net, TorchGoogLeNet(5, transform_input=True))
    assert_same_network(net, twin, (2, 3, 64, 64), outputs=3, gradients=False)
    outputs = net.train()(tg.zeros(2, 3, 64, 64, dtype=tg.float64))
    assert outputs._fields == ("logits", "aux_logits2", "aux_logits1")


def test_inception_module_matches_torchvision():
    tg.manual_seed(0)
    net = Inception(6, 4, 3, 5, 2, 3, 4).double()
    assert_same_network(net, twin_of(net, TorchInception(6, 4, 3, 5, 2, 3, 4)), (2, 6, 7, 5))


def test_googlenet_aux_head_pools_14x14_to_4x4_as_torchvision():
    # At 224×224 the heads see 14×14 maps: adaptive windows of 4 or 5 rows that overlap.
    tg.manual_seed(0)
    net = InceptionAux(6, 5, dropout=0.0).double()
    assert_same_network(net, twin_of(net, TorchInceptionAux(6, 5)), (2, 6, 14, 14))


def test_densenet_matches_torchvision_layout():
    tg.manual_seed(0)
    net = DenseNet(growth_rate=4, block_config=(2, 3), num_init_features=8, bn_size=2,
                   num_classes=5).double()
    twin = twin_of(net, TorchDenseNet(4, (2, 3), 8, 2, 5))
    assert_same_network(net, twin, (2, 3, 32, 24))
