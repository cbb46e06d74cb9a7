"""ResNet [He et al. 2016]: residual blocks y = relu(F(x) + shortcut(x)).

    stem      conv(7, 64, s2) - bn - relu - maxpool(3, s2)           224 -> 56
    layer1    blocks at 64 planes                                     56
    layer2    blocks at 128 planes, the first with stride 2           28
    layer3    blocks at 256 planes, the first with stride 2           14
    layer4    blocks at 512 planes, the first with stride 2            7
    head      global average pool - fc(num_classes)

A BasicBlock is two 3×3 convs (ResNet-18/34); a Bottleneck is 1×1 (reduce) - 3×3 - 1×1 (expand
×4) (ResNet-50/101/152; the stride sits on the 3×3, as in torchvision). The shortcut is the
identity when shapes agree and a projection (1×1 conv with the block's stride + BatchNorm,
`downsample`) when they do not. Keys follow torchvision (conv1, bn1, layer1.0.conv1,
layer2.0.downsample.0, fc): ResNet-18 has 11,689,512 parameters, ResNet-50 25,557,032.

Options: `cifar_stem` replaces the stem by one 3×3 conv without pooling, for 32×32 images;
`plain=True` builds the same stack without any shortcut (the seeds' degradation experiment);
`width` sets the planes of layer1 (64 in the paper) for small experiments.
"""
from tinygrad_cnn import nn

from .registry import register


def conv3x3(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_planes, out_planes, 3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_planes, out_planes, 1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """conv3x3(stride) - bn - relu - conv3x3 - bn, plus the shortcut, then relu.

    Args:
        in_planes: input channels.
        planes: output channels (expansion 1).
        stride: stride of the first conv (2 halves the size).
        downsample: the projection shortcut, or None for the identity.
        plain: drop the shortcut altogether.

    Shape:
        (N, in_planes, H, W) -> (N, planes, H/stride, W/stride)
    """

    expansion = 1

    def __init__(self, in_planes: int, planes: int, stride: int = 1, downsample=None,
                 plain: bool = False):
        super().__init__()
        self.conv1 = conv3x3(in_planes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU()
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.plain = plain

    def forward(self, x):                          # (N, in_planes, H, W)
        out = self.relu(self.bn1(self.conv1(x)))   # (N, planes, H/s, W/s)
        out = self.bn2(self.conv2(out))            # (N, planes, H/s, W/s)
        if not self.plain:
            identity = x if self.downsample is None else self.downsample(x)
            out = out + identity                   # the residual connection
        return self.relu(out)


class Bottleneck(nn.Module):
    """conv1x1 - bn - relu - conv3x3(stride) - bn - relu - conv1x1(×4) - bn, + shortcut, relu.

    Args: as BasicBlock; the output has planes * 4 channels.

    Shape:
        (N, in_planes, H, W) -> (N, 4*planes, H/stride, W/stride)
    """

    expansion = 4

    def __init__(self, in_planes: int, planes: int, stride: int = 1, downsample=None,
                 plain: bool = False):
        super().__init__()
        self.conv1 = conv1x1(in_planes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU()
        self.downsample = downsample
        self.plain = plain

    def forward(self, x):                          # (N, in_planes, H, W)
        out = self.relu(self.bn1(self.conv1(x)))   # (N, planes, H, W)
        out = self.relu(self.bn2(self.conv2(out)))  # (N, planes, H/s, W/s)
        out = self.bn3(self.conv3(out))            # (N, 4*planes, H/s, W/s)
        if not self.plain:
            identity = x if self.downsample is None else self.downsample(x)
            out = out + identity
        return self.relu(out)


class ResNet(nn.Module):
    """A ResNet from a block type and the number of blocks per stage.

    Args:
        block: BasicBlock or Bottleneck.
        layers: blocks in layer1..layer4, e.g. [2, 2, 2, 2] for ResNet-18.
        num_classes: outputs of fc.
        in_channels: channels of the input image.
        width: planes of layer1 (doubling at each stage); 64 in the paper.
        cifar_stem: 3×3 stride-1 first conv and no max pooling, for 32×32 input.
        plain: no shortcuts anywhere (and so no projection convs).
        zero_init_residual: start each block's last BatchNorm at gamma = 0, so each block
            begins as the identity.

    Shape:
        input (N, in_channels, H, W), nominally 224×224 (32×32 with cifar_stem)
        -> output (N, num_classes).
    """

    def __init__(self, block, layers, num_classes: int = 1000, in_channels: int = 3,
                 width: int = 64, cifar_stem: bool = False, plain: bool = False,
                 zero_init_residual: bool = False):
        super().__init__()
        self.in_planes = width
        self.plain = plain
        if cifar_stem:
            self.conv1 = conv3x3(in_channels, width)
        else:
            self.conv1 = nn.Conv2d(in_channels, width, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        self.maxpool = nn.Identity() if cifar_stem else nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(width * 8 * block.expansion, num_classes)
        self._init_weights(zero_init_residual)

    def _make_layer(self, block, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        downsample = None
        out_planes = planes * block.expansion
        if not self.plain and (stride != 1 or self.in_planes != out_planes):
            downsample = nn.Sequential(conv1x1(self.in_planes, out_planes, stride),
                                       nn.BatchNorm2d(out_planes))
        layers = [block(self.in_planes, planes, stride, downsample, self.plain)]
        self.in_planes = out_planes
        layers += [block(out_planes, planes, plain=self.plain) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def _init_weights(self, zero_init_residual: bool) -> None:
        # torchvision's choice: He-normal convs (fan_out, for ReLU), BatchNorm at gamma=1, beta=0.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if zero_init_residual:  # a second pass: the loop above visits each block before its BNs
            for m in self.modules():
                if isinstance(m, (BasicBlock, Bottleneck)):
                    nn.init.zeros_(m.bn3.weight if isinstance(m, Bottleneck) else m.bn2.weight)

    def forward(self, x):                             # (N, 3, 224, 224)
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))  # (N, 64, 56, 56)
        x = self.layer1(x)                            # (N, 64·e, 56, 56)   e = expansion
        x = self.layer2(x)                            # (N, 128·e, 28, 28)
        x = self.layer3(x)                            # (N, 256·e, 14, 14)
        x = self.layer4(x)                            # (N, 512·e, 7, 7)
        x = self.flatten(self.avgpool(x))             # (N, 512·e)
        return self.fc(x)                             # (N, num_classes) logits


_DEPTHS = {
    "resnet18": (BasicBlock, [2, 2, 2, 2]),
    "resnet34": (BasicBlock, [3, 4, 6, 3]),
    "resnet50": (Bottleneck, [3, 4, 6, 3]),
    "resnet101": (Bottleneck, [3, 4, 23, 3]),
    "resnet152": (Bottleneck, [3, 8, 36, 3]),
}


def _builder(name: str):
    block, layers = _DEPTHS[name]

    def build(**kwargs) -> ResNet:
        return ResNet(block, layers, **kwargs)
    build.__name__ = name
    build.__doc__ = f"{name}: {block.__name__} × {layers} (see ResNet for the options)."
    return register(name)(build)


resnet18 = _builder("resnet18")
resnet34 = _builder("resnet34")
resnet50 = _builder("resnet50")
resnet101 = _builder("resnet101")
resnet152 = _builder("resnet152")
