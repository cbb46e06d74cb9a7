"""GoogLeNet [Szegedy et al. 2015]: a stack of inception modules.

An inception module runs four branches side by side on the same input and concatenates their
channels: a 1×1 conv; a 1×1 reduction then a 3×3 conv; a 1×1 reduction then a "5×5" conv; a
3×3 max pooling then a 1×1 projection. `InceptionNaive` is the first idea without the 1×1
reductions, which shows why they are needed (its channel count only grows).

Keys follow torchvision (conv1.conv, conv1.bn, inception3a.branch1.conv, inception3a.branch2.0.conv,
aux1.fc1, fc) and so does one known quirk: torchvision's "5×5" branch uses a 3×3 kernel, a slip
kept there for its pretrained weights. `branch3_kernel=3` (the default) reproduces it, giving
6,624,904 parameters without the auxiliary heads; `branch3_kernel=5` builds the paper's module.

    (transform_input: ImageNet-normalised input -> the [-1, 1] scaling of Google's weights)
    conv(7, 64, s2) - maxpool - conv(1, 64) - conv(3, 192) - maxpool      224 -> 28
    inception 3a, 3b - maxpool                                              28 -> 14
    inception 4a, 4b, 4c, 4d, 4e - maxpool      (aux heads after 4a and 4d)  14 -> 7
    inception 5a, 5b - global average pool - dropout - fc(1000)
"""
from typing import NamedTuple

from tinygrad_cnn import Tensor, cat, nn

from .registry import register

# The per-channel statistics of ImageNet that torchvision's input normalisation uses.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class GoogLeNetOutputs(NamedTuple):
    """What a GoogLeNet with auxiliary heads returns in training mode (torchvision's names)."""

    logits: Tensor        # (N, num_classes), the main head
    aux_logits2: Tensor   # (N, num_classes), the head after inception 4d
    aux_logits1: Tensor   # (N, num_classes), the head after inception 4a


class BasicConv2d(nn.Module):
    """conv (no bias) - BatchNorm (eps 0.001) - ReLU: GoogLeNet's unit, as in torchvision."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride,
                              padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class InceptionNaive(nn.Module):
    """1×1, 3×3 and 5×5 convs and a 3×3 max pooling in parallel, concatenated.

    Shape:
        (N, C, H, W) -> (N, ch1x1 + ch3x3 + ch5x5 + C, H, W): the pooling branch alone keeps all
        C input channels, so stacking these modules only ever widens the network.
    """

    def __init__(self, in_channels: int, ch1x1: int, ch3x3: int, ch5x5: int):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, 1)
        self.branch2 = BasicConv2d(in_channels, ch3x3, 3, padding=1)
        self.branch3 = BasicConv2d(in_channels, ch5x5, 5, padding=2)
        self.branch4 = nn.MaxPool2d(3, stride=1, padding=1)

    def forward(self, x):
        branches = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return cat(branches, 1)


class Inception(nn.Module):
    """The inception module with 1×1 reductions (the paper's figure 2b).

    Args:
        in_channels: input channels.
        ch1x1: 1×1 branch output.
        ch3x3red, ch3x3: reduction and output of the 3×3 branch.
        ch5x5red, ch5x5: reduction and output of the 5×5 branch.
        pool_proj: 1×1 projection after the 3×3 max pooling.
        branch3_kernel: 3 (torchvision) or 5 (the paper) for the "5×5" branch.

    Shape:
        (N, in_channels, H, W) -> (N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W)
    """

    def __init__(self, in_channels: int, ch1x1: int, ch3x3red: int, ch3x3: int,
                 ch5x5red: int, ch5x5: int, pool_proj: int, branch3_kernel: int = 3):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, 1)
        self.branch2 = nn.Sequential(BasicConv2d(in_channels, ch3x3red, 1),
                                     BasicConv2d(ch3x3red, ch3x3, 3, padding=1))
        self.branch3 = nn.Sequential(BasicConv2d(in_channels, ch5x5red, 1),
                                     BasicConv2d(ch5x5red, ch5x5, branch3_kernel,
                                                 padding=branch3_kernel // 2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
                                     BasicConv2d(in_channels, pool_proj, 1))

    def forward(self, x):
        branches = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return cat(branches, 1)  # channels side by side


class InceptionAux(nn.Module):
    """Auxiliary classifier: avg pool to 4×4 - conv(1, 128) - fc(1024) - dropout(0.7) - fc.

    Shape:
        (N, in_channels, 14, 14) -> (N, num_classes)
    """

    def __init__(self, in_channels: int, num_classes: int, dropout: float = 0.7):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d((4, 4))
        self.conv = BasicConv2d(in_channels, 128, 1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(2048, 1024)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(dropout)
        self.fc2 = nn.Linear(1024, num_classes)

    def forward(self, x):                          # (N, C, 14, 14)
        x = self.conv(self.pool(x))                # (N, 128, 4, 4)
        x = self.relu(self.fc1(self.flatten(x)))   # (N, 1024)
        return self.fc2(self.dropout(x))           # (N, num_classes)


class GoogLeNet(nn.Module):
    """GoogLeNet (Inception v1) with torchvision's layout and keys.

    Args:
        num_classes: outputs of fc.
        aux_logits: build the two auxiliary heads; in training mode forward then returns
            GoogLeNetOutputs(logits, aux_logits2, aux_logits1), a tuple as in torchvision; in
            eval mode only the logits. Off by default (torchvision's class defaults to on) so
            that a plain training loop gets one output.
        dropout: drop probability before fc (torchvision's 0.2).
        dropout_aux: drop probability inside the auxiliary heads.
        branch3_kernel: kernel of the "5×5" branches (3 as torchvision, 5 as the paper).
        transform_input: first map each channel from ImageNet normalisation, (x - mean) / std,
            to the (x - 0.5) / 0.5 scaling that Google's original weights expect, as
            torchvision does (its default is False unless it loads pretrained weights).
        init_weights: draw conv and fc weights from N(0, 0.01²) as torchvision does; False
            keeps the layers' default initialisation.

    Shape:
        input (N, 3, H, W), nominally 224×224 -> output (N, num_classes).
    """

    def __init__(self, num_classes: int = 1000, aux_logits: bool = False, dropout: float = 0.2,
                 dropout_aux: float = 0.7, branch3_kernel: int = 3, transform_input: bool = False,
                 init_weights: bool = True):
        super().__init__()
        k = {"branch3_kernel": branch3_kernel}
        self.aux_logits = aux_logits
        self.transform_input = transform_input
        self.conv1 = BasicConv2d(3, 64, 7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, 1)
        self.conv3 = BasicConv2d(64, 192, 3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        #                            in  1×1 3×3red 3×3 5×5red 5×5 pool
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32, **k)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64, **k)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64, **k)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64, **k)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64, **k)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64, **k)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128, **k)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128, **k)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128, **k)
        if aux_logits:
            self.aux1 = InceptionAux(512, num_classes, dropout_aux)
            self.aux2 = InceptionAux(528, num_classes, dropout_aux)
        else:
            self.aux1 = self.aux2 = None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(1024, num_classes)
        # torchvision draws conv and fc weights from N(0, 0.01²) truncated at ±2; at 200σ the
        # truncation never bites, so a plain normal is the same distribution.
        if init_weights:
            for m in self.modules():
                if isinstance(m, (nn.Conv2d, nn.Linear)):
                    nn.init.normal_(m.weight, 0.0, 0.01)

    def _transform_input(self, x):                 # (N, 3, H, W)
        # from x_c = (v - mean_c) / std_c to (v - 0.5) / 0.5 = x_c·std_c/0.5 + (mean_c - 0.5)/0.5
        channels = [x[:, c:c + 1] * (std / 0.5) + (mean - 0.5) / 0.5
                    for c, (mean, std) in enumerate(zip(IMAGENET_MEAN, IMAGENET_STD))]
        return cat(channels, 1)                    # (N, 3, H, W)

    def forward(self, x):                          # (N, 3, 224, 224)
        if self.transform_input:
            x = self._transform_input(x)           # (N, 3, 224, 224)
        x = self.maxpool1(self.conv1(x))           # (N, 64, 56, 56)
        x = self.maxpool2(self.conv3(self.conv2(x)))  # (N, 192, 28, 28)
        x = self.inception3b(self.inception3a(x))  # (N, 480, 28, 28)
        x = self.inception4a(self.maxpool3(x))     # (N, 512, 14, 14)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))  # (N, 528, 14, 14)
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        x = self.maxpool4(self.inception4e(x))     # (N, 832, 7, 7)
        x = self.inception5b(self.inception5a(x))  # (N, 1024, 7, 7)
        x = self.flatten(self.avgpool(x))          # (N, 1024)
        logits = self.fc(self.dropout(x))          # (N, num_classes)
        if aux1 is not None:
            return GoogLeNetOutputs(logits, aux2, aux1)
        return logits


@register("googlenet")
def googlenet(**kwargs) -> GoogLeNet:
    """GoogLeNet; 6,624,904 parameters without the auxiliary heads."""
    return GoogLeNet(**kwargs)
