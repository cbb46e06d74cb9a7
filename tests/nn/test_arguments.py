"""One rule per argument mistake: a layer and the F function it calls raise the same exception
kind for the same bad window argument (PyTorch's kind: tests/torch_parity compares them), and
viz reads the same padding rule."""
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import nn
from tinygrad_cnn.nn.arguments import int_or_pair
from tinygrad_cnn.nn.window_args import adaptive_output_size, conv_padding, pool_padding
from tinygrad_cnn.viz import summary

X = tg.zeros(1, 1, 8, 8)
W = tg.zeros(1, 1, 3, 3)

# (mistake, exception, layer call, function call)
MISTAKES = [
    ("kernel_size of 3 values", RuntimeError,  # F takes the kernel from the weight: two layers
     lambda: nn.Conv2d(1, 1, (3, 3, 3)), lambda: nn.ConvTranspose2d(1, 1, (3, 3, 3))),
    ("stride of 3 values", RuntimeError,
     lambda: nn.Conv2d(1, 1, 3, stride=(1, 1, 1)), lambda: F.conv2d(X, W, stride=(1, 1, 1))),
    ("stride 0", RuntimeError,
     lambda: nn.Conv2d(1, 1, 3, stride=0), lambda: F.conv2d(X, W, stride=0)),
    ("float stride", TypeError,
     lambda: nn.Conv2d(1, 1, 3, stride=1.5), lambda: F.conv2d(X, W, stride=1.5)),
    ("negative padding", RuntimeError,
     lambda: nn.Conv2d(1, 1, 3, padding=-1), lambda: F.conv2d(X, W, padding=-1)),
    ("dilation 0", RuntimeError,
     lambda: nn.Conv2d(1, 1, 3, dilation=0), lambda: F.conv2d(X, W, dilation=0)),
    ("unknown padding string", ValueError,
     lambda: nn.Conv2d(1, 1, 3, padding="full"), lambda: F.conv2d(X, W, padding="full")),
    ("'same' with a stride", ValueError,
     lambda: nn.Conv2d(1, 1, 3, stride=2, padding="same"),
     lambda: F.conv2d(X, W, stride=2, padding="same")),
    ("output_padding not below the stride", RuntimeError,
     lambda: nn.ConvTranspose2d(1, 1, 3, stride=2, output_padding=2),
     lambda: F.conv_transpose2d(X, W, stride=2, output_padding=2)),
    ("pool kernel_size of 3 values", RuntimeError,
     lambda: nn.MaxPool2d((2, 2, 2)), lambda: F.max_pool2d(X, (2, 2, 2))),
    ("pool kernel_size 0", RuntimeError, lambda: nn.AvgPool2d(0), lambda: F.avg_pool2d(X, 0)),
    ("pool padding over half the kernel", RuntimeError,
     lambda: nn.MaxPool2d(2, padding=2), lambda: F.max_pool2d(X, 2, padding=2)),
    ("adaptive output_size of 3 values", RuntimeError,
     lambda: nn.AdaptiveAvgPool2d((1, 2, 3)), lambda: F.adaptive_avg_pool2d(X, (1, 2, 3))),
    ("adaptive output_size of the wrong type", TypeError,
     lambda: nn.AdaptiveMaxPool2d("2"), lambda: F.adaptive_max_pool2d(X, "2")),
]


@pytest.mark.parametrize("mistake, error, layer, function", MISTAKES,
                         ids=[m[0] for m in MISTAKES])
def test_a_layer_and_its_function_raise_the_same_kind(mistake, error, layer, function):
    with pytest.raises(error):
        layer()
    with pytest.raises(error):
        function()


def test_an_int_or_a_one_element_sequence_serves_both_axes():
    assert int_or_pair("f", "stride", 2) == int_or_pair("f", "stride", (2,)) == (2, 2)
    assert int_or_pair("f", "padding", [0, 1], minimum=0) == (0, 1)
    with pytest.raises(TypeError, match="f: stride must be an int or a pair of ints"):
        int_or_pair("f", "stride", True)


def test_same_padding_puts_the_odd_pixel_at_the_bottom_right():
    assert conv_padding("f", "same", (4, 3), (1, 2), (1, 1)) == ((1, 2), (2, 2))
    assert conv_padding("f", "valid", (4, 3), (1, 1), (2, 2)) == ((0, 0), (0, 0))
    assert conv_padding("f", (1, 2), (3, 3), (1, 1), (2, 2)) == ((1, 1), (2, 2))
    assert pool_padding("f", 1, (3, 2)) == (1, 1)
    assert adaptive_output_size("f", (None, 3)) == (None, 3)


def test_summary_reads_the_same_same_padding_rule():
    # a 'same' conv on 7 rows with a 4-row kernel pads 3 (1 above, 2 below): it tiles exactly
    model = nn.Sequential(nn.Conv2d(1, 1, (4, 3), padding="same"), nn.MaxPool2d(2))
    rows = summary(model, (1, 1, 7, 7)).rows
    assert rows[0].output_shape == (1, 1, 7, 7) and rows[0].tiles
    assert not rows[1].tiles and "(7 + 0 - 2)/2 + 1 = 3.50" in rows[1].note
