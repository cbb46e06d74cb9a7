"""U-Net [Ronneberger et al. 2015]: an encoder-decoder for per-pixel classification.

The encoder halves the resolution and doubles the channels at each level; the decoder climbs
back, and at each level concatenates the encoder's feature map of the same size (the skip
connection), so fine detail lost by pooling is available again when drawing the boundaries.
A 1×1 conv turns the last feature map into one score per class and pixel.

With levels=4 and base_width=w (the paper has 5 levels and w=64):

    stem     conv3-w  - conv3-w                             H × W × w        (skip 1)
    down1    maxpool(2) - conv3-2w - conv3-2w               H/2 × W/2 × 2w   (skip 2)
    down2    maxpool(2) - conv3-4w - conv3-4w               H/4 × W/4 × 4w   (skip 3)
    down3    maxpool(2) - conv3-8w - conv3-8w               H/8 × W/8 × 8w   (bottom)
    up1      up(2) to 4w, cat skip 3 - conv3-4w - conv3-4w  H/4 × W/4 × 4w
    up2      up(2) to 2w, cat skip 2 - conv3-2w - conv3-2w  H/2 × W/2 × 2w
    up3      up(2) to w,  cat skip 1 - conv3-w  - conv3-w   H × W × w
    head     conv1-num_classes                              H × W × num_classes

Differences from the paper, as in most modern re-implementations: the 3×3 convs are padded, so
the output has the input's size and skips need no cropping; BatchNorm follows each conv
(optional). "up(2)" is either a learned 2×2 transposed conv with stride 2 (`up_mode="transpose"`,
the paper's up-convolution) or nearest-neighbour upsampling then a 3×3 conv
(`up_mode="nearest"`, which avoids the checkerboard patterns transposed convs can print).
"""
from tinygrad_cnn import cat, nn

from .registry import register

_UP_MODES = ("transpose", "nearest")


class DoubleConv(nn.Sequential):
    """(conv3×3 - [BatchNorm] - ReLU) twice, keeping the spatial size.

    Shape:
        (N, in_channels, H, W) -> (N, out_channels, H, W)
    """

    def __init__(self, in_channels: int, out_channels: int, batch_norm: bool = True):
        layers = []
        for c_in in (in_channels, out_channels):
            # BatchNorm's shift makes a conv bias redundant.
            layers.append(nn.Conv2d(c_in, out_channels, 3, padding=1, bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm2d(out_channels))
            layers.append(nn.ReLU())
        super().__init__(*layers)


class Down(nn.Module):
    """One encoder level: max pooling halves the size, a DoubleConv sets the channels.

    Shape:
        (N, in_channels, H, W) -> (N, out_channels, H/2, W/2)
    """

    def __init__(self, in_channels: int, out_channels: int, batch_norm: bool = True):
        super().__init__()
        self.pool = nn.MaxPool2d(2)
        self.conv = DoubleConv(in_channels, out_channels, batch_norm)

    def forward(self, x):              # (N, C_in, H, W)
        x = self.pool(x)               # (N, C_in, H/2, W/2)
        return self.conv(x)            # (N, C_out, H/2, W/2)


class Up(nn.Module):
    """One decoder level: double the size, concatenate the skip, then a DoubleConv.

    Args:
        in_channels: channels of the coarser input; the skip has in_channels // 2.
        out_channels: channels of the output.
        up_mode: 'transpose' (2×2 transposed conv, stride 2) or 'nearest' (upsample + 3×3 conv).
        batch_norm: BatchNorm inside the DoubleConv.

    Shape:
        x (N, in_channels, H, W), skip (N, in_channels/2, 2H, 2W) -> (N, out_channels, 2H, 2W)
    """

    def __init__(self, in_channels: int, out_channels: int, up_mode: str = "transpose",
                 batch_norm: bool = True):
        super().__init__()
        if up_mode not in _UP_MODES:
            raise ValueError(f"up_mode must be one of {_UP_MODES}, got {up_mode!r}")
        half = in_channels // 2
        if up_mode == "transpose":
            self.up = nn.ConvTranspose2d(in_channels, half, 2, stride=2)
        else:
            self.up = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                                    nn.Conv2d(in_channels, half, 3, padding=1))
        self.conv = DoubleConv(2 * half, out_channels, batch_norm)

    def forward(self, x, skip):        # (N, C, H, W), skip (N, C/2, 2H, 2W)
        x = self.up(x)                 # (N, C/2, 2H, 2W)
        x = cat([skip, x], 1)          # (N, C, 2H, 2W): fine detail beside coarse context
        return self.conv(x)            # (N, C_out, 2H, 2W)


class UNet(nn.Module):
    """A U-Net with a configurable number of levels and width.

    Args:
        in_channels: channels of the input image.
        num_classes: output channels, one score map per class (use F.cross_entropy with a
            (N, H, W) integer mask).
        levels: resolutions the network works at (>= 2); H and W must be divisible by
            2**(levels - 1). The paper uses 5.
        base_width: channels at full resolution, doubled at every level down (paper: 64;
            16 by default keeps the network small enough to train on a CPU).
        up_mode: 'transpose' or 'nearest', see the module docstring.
        batch_norm: BatchNorm after every 3×3 conv.

    Shape:
        input (N, in_channels, H, W) -> output (N, num_classes, H, W).

    Example:
        >>> import tinygrad_cnn as tg
        >>> UNet(1, 3, levels=3, base_width=8)(tg.randn(2, 1, 32, 32)).shape
        (2, 3, 32, 32)
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 2, levels: int = 4,
                 base_width: int = 16, up_mode: str = "transpose", batch_norm: bool = True):
        super().__init__()
        if levels < 2:
            raise ValueError(f"UNet: levels must be at least 2, got {levels}")
        if base_width < 2:
            raise ValueError(f"UNet: base_width must be at least 2, got {base_width}")
        self.levels = levels
        widths = [base_width * 2 ** i for i in range(levels)]  # channels per level, top down
        self.stem = DoubleConv(in_channels, widths[0], batch_norm)
        self.down = nn.ModuleList(Down(widths[i], widths[i + 1], batch_norm)
                                  for i in range(levels - 1))
        self.up = nn.ModuleList(Up(widths[i + 1], widths[i], up_mode, batch_norm)
                                for i in reversed(range(levels - 1)))
        self.head = nn.Conv2d(widths[0], num_classes, 1)

    def forward(self, x):                  # (N, C_in, H, W)
        factor = 2 ** (self.levels - 1)
        if x.ndim != 4 or x.shape[2] % factor or x.shape[3] % factor:
            raise ValueError(f"UNet with {self.levels} levels needs (N, C, H, W) input with H and "
                             f"W divisible by {factor}, got shape {x.shape}")
        skips = [self.stem(x)]             # [(N, w, H, W)]
        for down in self.down:
            skips.append(down(skips[-1]))  # level i: (N, w·2^i, H/2^i, W/2^i)
        x = skips.pop()                    # bottom: (N, w·2^(L-1), H/2^(L-1), W/2^(L-1))
        for up in self.up:
            x = up(x, skips.pop())         # one level up: channels halve, size doubles
        return self.head(x)                # (N, num_classes, H, W) per-pixel scores


@register("unet")
def unet(**kwargs) -> UNet:
    """A small U-Net (defaults: 1 input channel, 2 classes, 4 levels, base width 16)."""
    return UNet(**kwargs)
