"""DenseNet [Huang et al. 2017]: every layer of a block sees the feature maps of all earlier ones.

    stem         conv(7, 2k', s2) - bn - relu - maxpool(3, s2)             224 -> 56
    denseblock1  L1 dense layers, each adding k (growth rate) channels       56
    transition1  bn - relu - conv1x1 (halve the channels) - avgpool(2)       56 -> 28
    denseblock2 / transition2 / denseblock3 / transition3 / denseblock4      28 -> 14 -> 7
    head         bn (norm5) - relu - global average pool - fc(num_classes)

A dense layer is BN-ReLU-conv1x1(bn_size·k) - BN-ReLU-conv3x3(k) on the concatenation of its
block's input and every earlier layer's output. Keys follow torchvision
(features.denseblock1.denselayer1.norm1, features.transition1.conv, features.norm5,
classifier): DenseNet-121 has 7,978,856 parameters.
"""
from collections import OrderedDict

from tinygrad_cnn import cat, nn

from .registry import register


class DenseLayer(nn.Module):
    """BN - ReLU - conv1x1 - BN - ReLU - conv3x3 on the concatenated earlier feature maps.

    Args:
        in_channels: channels of the concatenated input.
        growth_rate: k, the channels this layer adds.
        bn_size: the bottleneck has bn_size * k channels.
        drop_rate: dropout on the new features.

    Shape:
        list of (N, C_i, H, W) with sum C_i = in_channels -> (N, growth_rate, H, W)
    """

    def __init__(self, in_channels: int, growth_rate: int, bn_size: int, drop_rate: float):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(in_channels, bn_size * growth_rate, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU()
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, 3, padding=1, bias=False)
        self.dropout = nn.Dropout(drop_rate)

    def forward(self, features):
        x = cat(features, 1)                               # (N, in_channels, H, W)
        x = self.conv1(self.relu1(self.norm1(x)))          # (N, bn_size·k, H, W)
        x = self.conv2(self.relu2(self.norm2(x)))          # (N, k, H, W)
        return self.dropout(x) if self.dropout.p > 0 else x


class DenseBlock(nn.Module):
    """num_layers dense layers; the output concatenates the input and every layer's output.

    Shape:
        (N, C, H, W) -> (N, C + num_layers * growth_rate, H, W)
    """

    def __init__(self, num_layers: int, in_channels: int, bn_size: int, growth_rate: int,
                 drop_rate: float):
        super().__init__()
        for i in range(num_layers):
            layer = DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size, drop_rate)
            self.add_module(f"denselayer{i + 1}", layer)

    def forward(self, x):
        features = [x]
        for layer in self.children():
            features.append(layer(features))
        return cat(features, 1)


class Transition(nn.Sequential):
    """BN - ReLU - conv1x1 - avgpool(2): shrink channels and halve the size between blocks.

    Shape:
        (N, in_channels, H, W) -> (N, out_channels, H/2, W/2)
    """

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__(OrderedDict([
            ("norm", nn.BatchNorm2d(in_channels)),
            ("relu", nn.ReLU()),
            ("conv", nn.Conv2d(in_channels, out_channels, 1, bias=False)),
            ("pool", nn.AvgPool2d(2, stride=2)),
        ]))


class DenseNet(nn.Module):
    """DenseNet-BC.

    Args:
        growth_rate: k, channels added per dense layer (32; 48 for DenseNet-161).
        block_config: dense layers per block, e.g. (6, 12, 24, 16) for DenseNet-121.
        num_init_features: channels of the stem conv.
        bn_size: bottleneck multiplier (bottleneck width = bn_size * k).
        drop_rate: dropout after each dense layer.
        num_classes: outputs of the classifier.
        in_channels: channels of the input image.

    Shape:
        input (N, in_channels, H, W), nominally 224×224 -> output (N, num_classes).
    """

    def __init__(self, growth_rate: int = 32, block_config=(6, 12, 24, 16),
                 num_init_features: int = 64, bn_size: int = 4, drop_rate: float = 0.0,
                 num_classes: int = 1000, in_channels: int = 3):
        super().__init__()
        stages = [
            ("conv0", nn.Conv2d(in_channels, num_init_features, 7, stride=2, padding=3,
                                bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU()),
            ("pool0", nn.MaxPool2d(3, stride=2, padding=1)),
        ]
        channels = num_init_features
        for i, num_layers in enumerate(block_config):
            stages.append((f"denseblock{i + 1}",
                           DenseBlock(num_layers, channels, bn_size, growth_rate, drop_rate)))
            channels += num_layers * growth_rate
            if i != len(block_config) - 1:
                stages.append((f"transition{i + 1}", Transition(channels, channels // 2)))
                channels //= 2
        stages.append(("norm5", nn.BatchNorm2d(channels)))
        self.features = nn.Sequential(OrderedDict(stages))
        self.relu = nn.ReLU()
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten()
        self.classifier = nn.Linear(channels, num_classes)
        for m in self.modules():  # torchvision's choice: He-normal convs, zero fc bias
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, x):                      # (N, 3, 224, 224)
        x = self.features(x)                   # (N, C_final, 7, 7)   C_final = 1024 for -121
        x = self.flatten(self.avgpool(self.relu(x)))  # (N, C_final)
        return self.classifier(x)              # (N, num_classes) logits


_CONFIGS = {  # name: (growth_rate, block_config, num_init_features)
    "densenet121": (32, (6, 12, 24, 16), 64),
    "densenet169": (32, (6, 12, 32, 32), 64),
    "densenet201": (32, (6, 12, 48, 32), 64),
    "densenet161": (48, (6, 12, 36, 24), 96),
}


def _builder(name: str):
    growth_rate, block_config, num_init_features = _CONFIGS[name]

    def build(**kwargs) -> DenseNet:
        args = {"growth_rate": growth_rate, "block_config": block_config,
                "num_init_features": num_init_features, **kwargs}
        return DenseNet(**args)
    build.__name__ = name
    build.__doc__ = f"{name}: growth {growth_rate}, blocks {block_config} (see DenseNet)."
    return register(name)(build)


densenet121 = _builder("densenet121")
densenet169 = _builder("densenet169")
densenet201 = _builder("densenet201")
densenet161 = _builder("densenet161")
