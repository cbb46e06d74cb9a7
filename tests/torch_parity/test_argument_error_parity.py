"""A bad window argument raises the exception kind PyTorch raises, from a layer (built, then
called: PyTorch checks some only at the call, tinygrad_cnn when the layer is built) and from F:
TypeError for a wrong type, RuntimeError for a wrong length or a window value out of range,
ValueError where PyTorch's layers raise it (groups, padding strings)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_cnn as tg  # noqa: E402
import tinygrad_cnn.nn.functional as F  # noqa: E402

OURS = (tg.nn, F, lambda *shape: tg.zeros(*shape))
THEIRS = (torch.nn, torch.nn.functional, lambda *shape: torch.zeros(*shape))


def _conv_transpose(nn, F, zeros, **kwargs):
    return F.conv_transpose2d(zeros(1, 1, 4, 4), zeros(1, 1, 3, 3), **kwargs)


CASES = {
    # layers: build and call
    "Conv2d kernel_size 3-tuple": lambda nn, F, zeros: nn.Conv2d(1, 1, (3, 3, 3))(zeros(1, 1, 8, 8)),
    "Conv2d kernel_size 0": lambda nn, F, zeros: nn.Conv2d(1, 1, 0)(zeros(1, 1, 8, 8)),
    "Conv2d kernel_size float": lambda nn, F, zeros: nn.Conv2d(1, 1, 2.5)(zeros(1, 1, 8, 8)),
    "Conv2d stride 0": lambda nn, F, zeros: nn.Conv2d(1, 1, 3, stride=0)(zeros(1, 1, 8, 8)),
    "Conv2d stride 3-tuple": lambda nn, F, zeros: nn.Conv2d(1, 1, 3, stride=(1, 1, 1))(
        zeros(1, 1, 8, 8)),
    "Conv2d padding -1": lambda nn, F, zeros: nn.Conv2d(1, 1, 3, padding=-1)(zeros(1, 1, 8, 8)),
    "Conv2d dilation 0": lambda nn, F, zeros: nn.Conv2d(1, 1, 3, dilation=0)(zeros(1, 1, 8, 8)),
    "Conv2d groups 0": lambda nn, F, zeros: nn.Conv2d(1, 1, 3, groups=0),
    "Conv2d padding 'full'": lambda nn, F, zeros: nn.Conv2d(1, 1, 3, padding="full"),
    "Conv2d strided 'same'": lambda nn, F, zeros: nn.Conv2d(1, 1, 3, stride=2, padding="same"),
    "ConvTranspose2d output_padding 2": lambda nn, F, zeros: nn.ConvTranspose2d(
        1, 1, 3, stride=2, output_padding=2)(zeros(1, 1, 4, 4)),
    "MaxPool2d kernel_size 3-tuple": lambda nn, F, zeros: nn.MaxPool2d((2, 2, 2))(
        zeros(1, 1, 8, 8)),
    "MaxPool2d padding over half": lambda nn, F, zeros: nn.MaxPool2d(2, padding=2)(
        zeros(1, 1, 8, 8)),
    "AvgPool2d kernel_size 3-tuple": lambda nn, F, zeros: nn.AvgPool2d((2, 2, 2))(
        zeros(1, 1, 8, 8)),
    "AdaptiveAvgPool2d 3 sizes": lambda nn, F, zeros: nn.AdaptiveAvgPool2d((1, 2, 3))(
        zeros(1, 1, 8, 8)),
    # functions
    "conv2d stride 0": lambda nn, F, zeros: F.conv2d(zeros(1, 1, 8, 8), zeros(1, 1, 3, 3),
                                                     stride=0),
    "conv2d stride float": lambda nn, F, zeros: F.conv2d(zeros(1, 1, 8, 8), zeros(1, 1, 3, 3),
                                                         stride=1.5),
    "conv2d padding 3-tuple": lambda nn, F, zeros: F.conv2d(zeros(1, 1, 8, 8), zeros(1, 1, 3, 3),
                                                            padding=(1, 1, 1)),
    "conv2d padding -1": lambda nn, F, zeros: F.conv2d(zeros(1, 1, 8, 8), zeros(1, 1, 3, 3),
                                                       padding=-1),
    "conv2d groups float": lambda nn, F, zeros: F.conv2d(zeros(1, 1, 8, 8), zeros(1, 1, 3, 3),
                                                         groups=1.5),
    "conv_transpose2d output_padding -1": lambda nn, F, zeros: _conv_transpose(
        nn, F, zeros, output_padding=-1),
    "conv_transpose2d output_padding 3-tuple": lambda nn, F, zeros: _conv_transpose(
        nn, F, zeros, stride=2, output_padding=(1, 1, 1)),
    "conv_transpose2d output_padding >= stride": lambda nn, F, zeros: _conv_transpose(
        nn, F, zeros, stride=2, output_padding=2),
    "max_pool2d kernel_size 3-tuple": lambda nn, F, zeros: F.max_pool2d(zeros(1, 1, 8, 8),
                                                                        (2, 2, 2)),
    "max_pool2d kernel_size float": lambda nn, F, zeros: F.max_pool2d(zeros(1, 1, 8, 8), 2.5),
    "max_pool2d kernel_size bool": lambda nn, F, zeros: F.max_pool2d(zeros(1, 1, 8, 8), True),
    "max_pool2d kernel_size -1": lambda nn, F, zeros: F.max_pool2d(zeros(1, 1, 8, 8), -1),
    "max_pool2d stride -1": lambda nn, F, zeros: F.max_pool2d(zeros(1, 1, 8, 8), 2, stride=-1),
    "max_pool2d dilation 0": lambda nn, F, zeros: F.max_pool2d(zeros(1, 1, 8, 8), 2, dilation=0),
    "max_pool2d padding 3-tuple": lambda nn, F, zeros: F.max_pool2d(zeros(1, 1, 8, 8), 3,
                                                                    padding=(1, 1, 1)),
    "max_pool2d padding over half": lambda nn, F, zeros: F.max_pool2d(zeros(1, 1, 8, 8), 2,
                                                                      padding=2),
    "avg_pool2d kernel_size 0": lambda nn, F, zeros: F.avg_pool2d(zeros(1, 1, 8, 8), 0),
    "avg_pool2d padding over half": lambda nn, F, zeros: F.avg_pool2d(zeros(1, 1, 8, 8), 2,
                                                                      padding=2),
    "adaptive_avg_pool2d 3 sizes": lambda nn, F, zeros: F.adaptive_avg_pool2d(zeros(1, 1, 8, 8),
                                                                              (1, 2, 3)),
    "adaptive_avg_pool2d size -1": lambda nn, F, zeros: F.adaptive_avg_pool2d(zeros(1, 1, 8, 8),
                                                                              -1),
    "adaptive_max_pool2d size str": lambda nn, F, zeros: F.adaptive_max_pool2d(zeros(1, 1, 8, 8),
                                                                               "2"),
}


def _raised(call, namespace):
    try:
        call(*namespace)
    except Exception as error:  # noqa: BLE001 - the kind is what is compared
        return type(error)
    return None


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_window_argument_raises_what_torch_raises(name):
    theirs = _raised(CASES[name], THEIRS)
    assert theirs in (TypeError, ValueError, RuntimeError), f"torch accepted {name}"
    assert _raised(CASES[name], OURS) is theirs


def test_a_one_element_window_argument_serves_both_axes_as_in_torch():
    x = np.random.default_rng(0).standard_normal((1, 1, 8, 8))
    ours = F.max_pool2d(tg.tensor(x), (2,), stride=(1,), padding=(1,))
    theirs = torch.nn.functional.max_pool2d(torch.tensor(x), (2,), stride=(1,), padding=(1,))
    np.testing.assert_allclose(ours.array, theirs.detach().numpy(), rtol=1e-6)
