"""AlexNet [Krizhevsky et al. 2012] in two forms.

`CaffeNet` follows the seed-003 table "AlexNet (CaffeNet)": 227×227×3 input, local response
normalisation after pooling (CaffeNet swapped pool and norm), conv2 ungrouped (62,378,344
parameters). `grouped=True` restores the paper's two-GPU split of conv2, conv4 and conv5.

    conv(11, 96, s4)  -> 55×55×96        pool(3, 2) -> 27×27×96     norm
    conv(5, 256, p2)  -> 27×27×256       pool(3, 2) -> 13×13×256    norm
    conv(3, 384, p1)  -> 13×13×384
    conv(3, 384, p1)  -> 13×13×384
    conv(3, 256, p1)  -> 13×13×256       pool(3, 2) -> 6×6×256
    fc(4096) - fc(4096) - fc(1000), ReLU after every conv and fc, dropout before fc7 and fc8

`AlexNet` is the common single-tower variant (torchvision's layout and state_dict keys: 64-192-
384-256-256 channels, no LRN, adaptive average pooling to 6×6; 61,100,840 parameters).
"""
from tinygrad_cnn import nn

from .registry import register


class CaffeNet(nn.Module):
    """AlexNet as in the seed table (CaffeNet ordering: pool, then LRN).

    Args:
        num_classes: outputs of fc8.
        dropout: drop probability before fc7 and fc8 (the paper's 0.5).
        grouped: split conv2, conv4, conv5 into 2 groups, as the paper's two GPUs did.
        hidden: width of fc6 and fc7 (4096 in the paper; smaller for quick experiments).

    Shape:
        input (N, 3, 227, 227) -> output (N, num_classes).
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5, grouped: bool = False,
                 hidden: int = 4096):
        super().__init__()
        g = 2 if grouped else 1
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 11, stride=4),               # 0  conv1
            nn.ReLU(),
            nn.MaxPool2d(3, stride=2),                    # 2  pool1
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1.0),  # 3 norm1
            nn.Conv2d(96, 256, 5, padding=2, groups=g),   # 4  conv2
            nn.ReLU(),
            nn.MaxPool2d(3, stride=2),                    # 6  pool2
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1.0),  # 7 norm2
            nn.Conv2d(256, 384, 3, padding=1),            # 8  conv3
            nn.ReLU(),
            nn.Conv2d(384, 384, 3, padding=1, groups=g),  # 10 conv4
            nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1, groups=g),  # 12 conv5
            nn.ReLU(),
            nn.MaxPool2d(3, stride=2),                    # 14 pool5
        )
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Linear(256 * 6 * 6, hidden),               # 0  fc6
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),                    # 3  fc7
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),               # 6  fc8
        )

    def forward(self, x):                  # (N, 3, 227, 227)
        x = self.features(x)               # (N, 256, 6, 6)
        x = self.flatten(x)                # (N, 9216)
        return self.classifier(x)          # (N, num_classes) logits


class AlexNet(nn.Module):
    """Single-tower AlexNet with torchvision's layers and state_dict keys.

    Args:
        num_classes: outputs of the last layer.
        dropout: drop probability before the first two fc layers.
        hidden: width of the two hidden fc layers (4096 as torchvision).

    Shape:
        input (N, 3, H, W), nominally 224×224 (>= 63) -> output (N, num_classes).
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5, hidden: int = 4096):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, stride=4, padding=2),    # 0
            nn.ReLU(),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(64, 192, 5, padding=2),             # 3
            nn.ReLU(),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(192, 384, 3, padding=1),            # 6
            nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1),            # 8
            nn.ReLU(),
            nn.Conv2d(256, 256, 3, padding=1),            # 10
            nn.ReLU(),
            nn.MaxPool2d(3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(256 * 6 * 6, hidden),               # 1
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),                    # 4
            nn.ReLU(),
            nn.Linear(hidden, num_classes),               # 6
        )

    def forward(self, x):                  # (N, 3, 224, 224)
        x = self.features(x)               # (N, 256, 6, 6)
        x = self.avgpool(x)                # (N, 256, 6, 6) for any input >= 63×63
        x = self.flatten(x)                # (N, 9216)
        return self.classifier(x)          # (N, num_classes) logits


@register("caffenet")
def caffenet(**kwargs) -> CaffeNet:
    """AlexNet as in the seed table (CaffeNet, 227×227 input, 62,378,344 parameters)."""
    return CaffeNet(**kwargs)


@register("alexnet")
def alexnet(**kwargs) -> AlexNet:
    """Single-tower AlexNet, torchvision layout (61,100,840 parameters)."""
    return AlexNet(**kwargs)
