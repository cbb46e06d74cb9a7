"""LeNet-5 [LeCun et al. 1998] and the small convolutional net of the course notes (seed 003).

Both read top-down like the tables they come from. Sizes are (N, C, H, W).

LeNet-5 (seed 003, 32×32×1 input; 61,706 parameters):

    conv(5, 6)   -> 28×28×6      156 params
    avg(2)       -> 14×14×6
    conv(5, 16)  -> 10×10×16   2,416 params (every C3 map sees all 6 S2 maps, as in the table)
    avg(2)       -> 5×5×16
    conv(5, 120) -> 1×1×120   48,120 params
    fc(84)       -> 84        10,164 params
    fc(10)       -> 10           850 params (the paper's RBF output, here a linear layer)

The paper's trainable subsampling and scaled tanh are replaced by plain pooling and
tanh/ReLU, as is usual today. For 28×28 MNIST digits pass padding=2 (the first conv then
pads the digit to the paper's 32×32).

The small net (seed 003 "convolutional network", MNIST 28×28×1 and CIFAR-10 32×32×3):

    conv(5, 32) - pool(2) - conv(5, 64) - pool(2) - fc(100) - fc(10)
"""
from tinygrad_cnn import nn

from .registry import register

_ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}
_POOLINGS = {"avg": nn.AvgPool2d, "max": nn.MaxPool2d}


def _choose(kind: str, value: str, table: dict):
    if value not in table:
        raise ValueError(f"{kind} must be one of {sorted(table)}, got {value!r}")
    return table[value]


class LeNet5(nn.Module):
    """LeNet-5 as in the seed-003 table.

    Args:
        num_classes: outputs of the last layer (10 digits).
        in_channels: channels of the input image (1 for grey digits).
        activation: 'tanh' (the paper) or 'relu'.
        pooling: 'avg' (the paper's subsampling) or 'max'.
        padding: zero padding of the first conv; 0 for 32×32 input, 2 for 28×28 MNIST.

    Shape:
        input (N, in_channels, 32 - 2*padding, 32 - 2*padding) -> output (N, num_classes).
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1, activation: str = "tanh",
                 pooling: str = "avg", padding: int = 0):
        super().__init__()
        Act = _choose("activation", activation, _ACTIVATIONS)
        Pool = _choose("pooling", pooling, _POOLINGS)
        self.conv1 = nn.Conv2d(in_channels, 6, 5, padding=padding)  # C1
        self.act1 = Act()
        self.pool1 = Pool(2)                                         # S2
        self.conv2 = nn.Conv2d(6, 16, 5)                             # C3
        self.act2 = Act()
        self.pool2 = Pool(2)                                         # S4
        self.conv3 = nn.Conv2d(16, 120, 5)                           # C5
        self.act3 = Act()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(120, 84)                                # F6
        self.act4 = Act()
        self.fc2 = nn.Linear(84, num_classes)                        # output

    def forward(self, x):                      # (N, C, 32, 32)
        x = self.pool1(self.act1(self.conv1(x)))  # (N, 6, 14, 14)
        x = self.pool2(self.act2(self.conv2(x)))  # (N, 16, 5, 5)
        x = self.flatten(self.act3(self.conv3(x)))  # (N, 120)
        x = self.act4(self.fc1(x))             # (N, 84)
        return self.fc2(x)                     # (N, num_classes) logits


class SeedNet(nn.Module):
    """The seed-003 small net: conv(5,32)-pool(2)-conv(5,64)-pool(2)-fc(100)-fc(10), ReLU
    after each conv and the first fc, max pooling.

    Args:
        in_channels: 1 for MNIST, 3 for CIFAR-10.
        input_size: height = width of the input (28 for MNIST, 32 for CIFAR-10).
        num_classes: outputs of the last layer.

    Shape:
        input (N, in_channels, input_size, input_size) -> output (N, num_classes).
        Spatial sizes: s -> s-4 -> (s-4)//2 -> (s-4)//2-4 -> ((s-4)//2-4)//2.
    """

    def __init__(self, in_channels: int = 1, input_size: int = 28, num_classes: int = 10):
        super().__init__()
        side = ((input_size - 4) // 2 - 4) // 2  # spatial side after the second pooling
        if side < 1:
            raise ValueError(f"SeedNet: input_size={input_size} is too small (needs >= 16)")
        self.conv1 = nn.Conv2d(in_channels, 32, 5)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(32, 64, 5)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(64 * side * side, 100)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(100, num_classes)

    def forward(self, x):                          # (N, C, 28, 28)  | CIFAR (N, 3, 32, 32)
        x = self.pool1(self.relu1(self.conv1(x)))  # (N, 32, 12, 12) | (N, 32, 14, 14)
        x = self.pool2(self.relu2(self.conv2(x)))  # (N, 64, 4, 4)   | (N, 64, 5, 5)
        x = self.relu3(self.fc1(self.flatten(x)))  # (N, 100)
        return self.fc2(x)                         # (N, num_classes) logits


@register("lenet5")
def lenet5(**kwargs) -> LeNet5:
    """LeNet-5 (61,706 parameters at the defaults)."""
    return LeNet5(**kwargs)


@register("seed_net_mnist")
def seed_net_mnist(**kwargs) -> SeedNet:
    """The seed-003 net for 28×28×1 MNIST digits (155,606 parameters)."""
    return SeedNet(**{"in_channels": 1, "input_size": 28, **kwargs})


@register("seed_net_cifar")
def seed_net_cifar(**kwargs) -> SeedNet:
    """The seed-003 net for 32×32×3 CIFAR-10 images (214,806 parameters)."""
    return SeedNet(**{"in_channels": 3, "input_size": 32, **kwargs})
