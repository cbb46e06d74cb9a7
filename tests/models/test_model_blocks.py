"""The building blocks behave as their papers say: residual and plain blocks, projection
shortcuts, dense layers and transitions, inception modules, U-Net levels, LeNet options."""
import numpy as np
import pytest

import models
import tinygrad_cnn as tg
from models.densenet import DenseBlock, DenseLayer, Transition
from models.googlenet import Inception, InceptionNaive
from models.resnet import BasicBlock, Bottleneck
from models.unet import UNet
from tinygrad_cnn import nn


def zero_convs(module):
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.zeros_(m.weight)


def test_basic_block_with_a_dead_branch_passes_its_input_through_the_shortcut():
    # With every conv at zero, eval-mode BatchNorm outputs its bias (0), so only the shortcut
    # remains: relu(x) for the residual block, 0 for the plain one.
    x = tg.randn(2, 8, 6, 6)
    residual, plain = BasicBlock(8, 8).eval(), BasicBlock(8, 8, plain=True).eval()
    zero_convs(residual)
    zero_convs(plain)
    with tg.no_grad():
        np.testing.assert_array_equal(residual(x).numpy(), np.maximum(x.detach().numpy(), 0))
        np.testing.assert_array_equal(plain(x).numpy(), np.zeros((2, 8, 6, 6), np.float32))


def test_stages_downsample_with_stride_two_and_project_the_shortcut():
    net = models.create("resnet18", width=8)
    assert net.layer1[0].downsample is None                  # 8 -> 8, stride 1: identity
    projection = net.layer2[0].downsample                    # 8 -> 16, stride 2
    assert projection[0].stride == (2, 2) and projection[0].kernel_size == (1, 1)
    assert net.layer2[0].conv1.stride == (2, 2) and net.layer2[1].downsample is None
    x = tg.randn(1, 8, 16, 16)
    with tg.no_grad():
        assert net.layer2.eval()(x).shape == (1, 16, 8, 8)


def test_bottleneck_strides_its_3x3_and_expands_by_four():
    block = Bottleneck(16, 4, stride=2, downsample=nn.Sequential(
        nn.Conv2d(16, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16)))
    assert block.conv1.stride == (1, 1) and block.conv2.stride == (2, 2)
    assert block(tg.randn(2, 16, 8, 8)).shape == (2, 16, 4, 4)
    net = models.create("resnet50", width=8)
    assert net.layer1[0].downsample is not None  # 8 -> 32 channels even at stride 1
    assert net.fc.in_features == 8 * 8 * 4


def test_plain_network_has_no_shortcuts():
    residual = models.create("resnet18", width=8)
    plain = models.create("resnet18", width=8, plain=True)
    assert not [k for k in plain.state_dict() if "downsample" in k]
    projections = sum(v.numel() for k, v in residual.state_dict().items()
                      if "downsample" in k and not k.endswith(("running_mean", "running_var",
                                                               "num_batches_tracked")))
    count = lambda net: sum(p.array.size for p in net.parameters())  # noqa: E731
    assert count(residual) - count(plain) == projections


def test_cifar_stem_keeps_32x32_resolution_into_layer1():
    net = models.create("resnet18", width=8, cifar_stem=True)
    assert net.conv1.kernel_size == (3, 3) and net.conv1.stride == (1, 1)
    assert isinstance(net.maxpool, nn.Identity)


def test_zero_init_residual_zeroes_the_last_batchnorm_of_each_block():
    net = models.create("resnet50", width=8, zero_init_residual=True)
    assert all(not b.bn3.weight.array.any() for layer in (net.layer1, net.layer4) for b in layer)
    assert net.bn1.weight.array.all()


def test_dense_layer_block_and_transition_shapes():
    layer = DenseLayer(12, growth_rate=4, bn_size=2, drop_rate=0.0)
    assert layer([tg.randn(2, 5, 6, 6), tg.randn(2, 7, 6, 6)]).shape == (2, 4, 6, 6)
    block = DenseBlock(3, 12, bn_size=2, growth_rate=4, drop_rate=0.0)
    x = tg.randn(2, 12, 6, 6)
    y = block(x)
    assert y.shape == (2, 12 + 3 * 4, 6, 6)
    np.testing.assert_array_equal(y.detach().numpy()[:, :12], x.detach().numpy())  # the input is kept as is
    assert block.denselayer3.conv1.in_channels == 12 + 2 * 4      # each sees all before it
    assert Transition(24, 12)(y).shape == (2, 12, 3, 3)


def test_naive_inception_only_widens_while_reductions_set_the_width():
    x = tg.randn(1, 32, 8, 8)
    assert InceptionNaive(32, 8, 16, 4)(x).shape == (1, 8 + 16 + 4 + 32, 8, 8)
    module = Inception(32, 8, 4, 16, 2, 4, 6)
    assert module(x).shape == (1, 8 + 16 + 4 + 6, 8, 8)
    count = lambda m: sum(p.array.size for p in m.parameters())  # noqa: E731
    assert count(module) < count(InceptionNaive(32, 8, 16, 4))


def test_googlenet_aux_heads_only_in_training_mode():
    net = models.create("googlenet", num_classes=5, aux_logits=True)
    x = tg.randn(2, 3, 32, 32)
    with tg.no_grad():
        assert isinstance(net.train()(x), tuple)
        assert net.eval()(x).shape == (2, 5)


def test_init_weights_false_keeps_each_layers_default_initialisation():
    # torchvision's VGG init zeroes the conv biases and GoogLeNet's draws weights with std 0.01;
    # without it, the layers keep PyTorch's default: uniform in ±1/sqrt(fan_in), biases included.
    tg.manual_seed(0)
    vgg = models.create("vgg11", width=0.125, hidden=8, init_weights=False)
    assert np.any(vgg.features[0].bias.array != 0)
    assert not np.any(models.create("vgg11", width=0.125, hidden=8).features[0].bias.array)
    googlenet = models.create("googlenet", num_classes=5, init_weights=False)
    bound = 1 / np.sqrt(3 * 7 * 7)
    weight = googlenet.conv1.conv.weight.array
    assert np.abs(weight).max() <= bound and weight.std() > 0.5 * bound / np.sqrt(3)


@pytest.mark.parametrize("levels", [2, 3, 4])
@pytest.mark.parametrize("up_mode", ["transpose", "nearest"])
def test_unet_levels_and_decoders(levels, up_mode):
    net = UNet(in_channels=2, num_classes=3, levels=levels, base_width=4, up_mode=up_mode)
    assert len(net.down) == len(net.up) == levels - 1
    bottom = net.down[-1].conv[0].out_channels
    assert bottom == 4 * 2 ** (levels - 1)
    # Each decoder conv reads the upsampled map and the skip side by side: twice its output.
    assert [up.conv[0].in_channels for up in net.up] == [
        2 * 4 * 2 ** i for i in reversed(range(levels - 1))]
    size = 2 ** levels
    assert net(tg.randn(2, 2, size, size)).shape == (2, 3, size, size)


def test_unet_skip_connections_carry_fine_detail():
    # The last decoder level sees the stem's full-resolution features directly: the gradient of
    # one output pixel reaches the input pixel under it. Seeded and eight channels wide so that
    # no draw leaves every ReLU on that short path dead.
    tg.manual_seed(0)
    net = UNet(1, 2, levels=3, base_width=8).eval()
    x = tg.randn(1, 1, 16, 16, requires_grad=True)
    net(x)[0, 1, 5, 9].backward()
    assert x.grad.detach().numpy()[0, 0, 5, 9] != 0


def test_unet_rejects_bad_configuration_and_input():
    with pytest.raises(ValueError, match="up_mode"):
        UNet(up_mode="bilinear")
    with pytest.raises(ValueError, match="levels"):
        UNet(levels=1)
    with pytest.raises(ValueError, match="divisible by 4"):
        UNet(levels=3, base_width=4)(tg.randn(1, 1, 18, 16))


def test_lenet_options():
    net = models.create("lenet5", activation="relu", pooling="max")
    assert isinstance(net.act1, nn.ReLU) and isinstance(net.pool1, nn.MaxPool2d)
    paper = models.create("lenet5")
    assert isinstance(paper.act1, nn.Tanh) and isinstance(paper.pool1, nn.AvgPool2d)
    with pytest.raises(ValueError, match="activation"):
        models.create("lenet5", activation="sigmoid")
    with pytest.raises(ValueError, match="pooling"):
        models.create("lenet5", pooling="min")
    with pytest.raises(ValueError, match="too small"):
        models.create("seed_net_mnist", input_size=12)


def test_vgg_configs_have_the_papers_depths():
    for name, convs in [("vgg11", 8), ("vgg13", 10), ("vgg16", 13), ("vgg19", 16)]:
        net = models.create(name, width=1 / 16, hidden=8)
        assert sum(isinstance(m, nn.Conv2d) for m in net.features) == convs
        assert sum(isinstance(m, nn.MaxPool2d) for m in net.features) == 5
    assert sum(isinstance(m, nn.BatchNorm2d) for m in models.create("vgg16_bn", width=1 / 16,
                                                                    hidden=8).features) == 13
