"""VGG [Simonyan and Zisserman 2014]: configurations A, B, D, E = VGG-11, 13, 16, 19.

Stacks of 3×3 convolutions (stride 1, padding 1: the size is kept) separated by 2×2 max
pooling (the size halves), then three fully connected layers. Three stacked 3×3 convs see a
7×7 window, like one 7×7 conv, with 27·C² instead of 49·C² weights.

Keys and shapes follow torchvision (`features.N`, `classifier.N`), so VGG-16 has
138,357,544 parameters and pretrained weights load unchanged. `width` and `hidden` shrink the
network for quick experiments (the defaults give the paper's sizes).
"""
from tinygrad_cnn import nn

from .registry import register

# Output channels of each 3×3 conv; "M" is a 2×2 max pooling. The paper's table, column by column.
CONFIGS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
          512, 512, 512, 512, "M"],
}


def make_features(config: list, batch_norm: bool = False, in_channels: int = 3,
                  width: float = 1.0) -> nn.Sequential:
    """The convolutional part: conv3-C (+ BatchNorm) + ReLU for each number, max pool for 'M'."""
    layers = []
    for item in config:
        if item == "M":
            layers.append(nn.MaxPool2d(2, stride=2))
            continue
        channels = max(1, int(item * width))
        layers.append(nn.Conv2d(in_channels, channels, 3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        layers.append(nn.ReLU())
        in_channels = channels
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """VGG network from a configuration list.

    Args:
        config: a list as in CONFIGS, or one of the letters 'A', 'B', 'D', 'E'.
        batch_norm: insert BatchNorm2d after every conv (torchvision's vgg16_bn).
        num_classes: outputs of the last layer.
        dropout: drop probability after the first two fc layers.
        width: multiplier of every conv's channels (1.0 = the paper).
        hidden: width of the two hidden fc layers (4096 in the paper).
        in_channels: channels of the input image.
        init_weights: torchvision's initialisation (below); False keeps each layer's default.

    Shape:
        input (N, in_channels, H, W), nominally 224×224 -> output (N, num_classes).
        The features end at H/32 × W/32; adaptive pooling brings them to 7×7.
    """

    def __init__(self, config="D", batch_norm: bool = False, num_classes: int = 1000,
                 dropout: float = 0.5, width: float = 1.0, hidden: int = 4096,
                 in_channels: int = 3, init_weights: bool = True):
        super().__init__()
        config = CONFIGS[config] if isinstance(config, str) else config
        self.features = make_features(config, batch_norm, in_channels, width)
        last = max(1, int([c for c in config if c != "M"][-1] * width))
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Linear(last * 7 * 7, hidden),   # 0  fc6
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),         # 3  fc7
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),    # 6  fc8
        )
        # torchvision's initialisation: He-normal convs (fan_out), small Gaussian fc weights
        # (BatchNorm keeps its default gamma = 1, beta = 0).
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    nn.init.zeros_(m.bias)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0.0, 0.01)
                    nn.init.zeros_(m.bias)

    def forward(self, x):              # (N, 3, 224, 224)
        x = self.features(x)           # (N, 512, 7, 7)
        x = self.avgpool(x)            # (N, 512, 7, 7); other input sizes are pooled to 7×7
        x = self.flatten(x)            # (N, 25088)
        return self.classifier(x)      # (N, num_classes) logits


def _builder(name: str, letter: str, batch_norm: bool):
    def build(**kwargs) -> VGG:
        return VGG(letter, batch_norm, **kwargs)
    build.__name__ = name
    build.__doc__ = f"VGG configuration {letter}{' with BatchNorm' if batch_norm else ''}."
    return register(name)(build)


vgg11 = _builder("vgg11", "A", False)
vgg13 = _builder("vgg13", "B", False)
vgg16 = _builder("vgg16", "D", False)
vgg19 = _builder("vgg19", "E", False)
vgg11_bn = _builder("vgg11_bn", "A", True)
vgg13_bn = _builder("vgg13_bn", "B", True)
vgg16_bn = _builder("vgg16_bn", "D", True)
vgg19_bn = _builder("vgg19_bn", "E", True)
