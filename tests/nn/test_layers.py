"""Layers: parameter shapes, default initialisation, argument checks, behaviour, containers."""
import math
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn
from tinygrad_cnn.random import get_rng


# -- parameter shapes and default initialisation ----------------------------------------------------
@pytest.mark.parametrize("make, shapes", [
    (lambda: nn.Linear(20, 30), {"weight": (30, 20), "bias": (30,)}),
    (lambda: nn.Linear(4, 2, bias=False), {"weight": (2, 4)}),
    (lambda: nn.Conv2d(6, 16, 5), {"weight": (16, 6, 5, 5), "bias": (16,)}),
    (lambda: nn.Conv2d(4, 8, (3, 1), groups=2, bias=False), {"weight": (8, 2, 3, 1)}),
    (lambda: nn.ConvTranspose2d(8, 6, 2, groups=2), {"weight": (8, 3, 2, 2), "bias": (6,)}),
    (lambda: nn.BatchNorm2d(5), {"weight": (5,), "bias": (5,)}),
    (lambda: nn.BatchNorm2d(5, affine=False), {}),
])
def test_parameter_shapes(make, shapes):
    assert {n: p.shape for n, p in make().named_parameters()} == shapes


def test_parameters_are_float32_unless_dtype_given():
    assert nn.Linear(2, 2).weight.dtype == np.float32
    assert nn.Conv2d(1, 1, 3, dtype=np.float64).bias.dtype == np.float64
    with pytest.raises(TypeError, match="dtype"):
        nn.Linear(2, 2, dtype=np.int32)


@pytest.mark.parametrize("make, fan_in", [
    (lambda: nn.Linear(300, 200), 300),
    (lambda: nn.Conv2d(12, 63, 3, groups=3), 4 * 9),
    (lambda: nn.ConvTranspose2d(64, 30, 3, groups=2), 15 * 9),  # fan_in from weight dim 1
])
def test_default_init_is_uniform_in_one_over_sqrt_fan_in(make, fan_in):
    tg.manual_seed(0)
    layer = make()
    bound = 1 / math.sqrt(fan_in)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.array).max() <= bound
    w = layer.weight.array
    assert np.abs(w).max() > 0.95 * bound               # the whole range is used
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound  # std of U(-b, b) is b/sqrt(3)
    assert abs(w.mean()) < 0.05 * bound


def test_init_is_reproducible_with_manual_seed():
    tg.manual_seed(3)
    a = nn.Conv2d(3, 4, 3).weight.array.copy()
    tg.manual_seed(3)
    np.testing.assert_array_equal(a, nn.Conv2d(3, 4, 3).weight.array)


def test_batchnorm_initial_state():
    bn = nn.BatchNorm2d(3)
    sd = bn.state_dict()
    assert sd["weight"].tolist() == [1, 1, 1] and sd["bias"].tolist() == [0, 0, 0]
    assert sd["running_mean"].tolist() == [0, 0, 0] and sd["running_var"].tolist() == [1, 1, 1]
    assert sd["num_batches_tracked"].shape == () and sd["num_batches_tracked"] == 0
    assert list(nn.BatchNorm2d(3, track_running_stats=False).state_dict()) == ["weight", "bias"]
    assert list(nn.BatchNorm2d(3, bias=False).state_dict())[:2] == ["weight", "running_mean"]


# -- argument validation, before any parameter is created -------------------------------------------
@pytest.mark.parametrize("make, error, match", [
    (lambda: nn.Conv2d(4, 6, 3, groups=3), ValueError, "Conv2d: groups=3 must divide in_channels=4"),
    (lambda: nn.Conv2d(6, 4, 3, groups=3), ValueError, "groups=3 must divide out_channels=4"),
    (lambda: nn.Conv2d(1, 1, 0), RuntimeError, "kernel_size=0"),
    (lambda: nn.Conv2d(1, 1, (3, 3, 3)), RuntimeError, "kernel_size must be an int or a pair"),
    (lambda: nn.Conv2d(1, 1, 3, stride=0), RuntimeError, "stride=0"),
    (lambda: nn.Conv2d(1, 1, 3, padding=-1), RuntimeError, "padding=-1"),
    (lambda: nn.Conv2d(1, 1, 3, padding="full"), ValueError, "padding='full'"),
    (lambda: nn.Conv2d(1, 1, 3, stride=2, padding="same"), ValueError, "strided"),
    (lambda: nn.Conv2d(1, 1, 3, padding_mode="mirror"), ValueError, "padding_mode='mirror'"),
    (lambda: nn.Conv2d(1.5, 1, 3), TypeError, "in_channels must be an int"),
    (lambda: nn.Conv2d(0, 1, 3), ValueError, "in_channels=0"),
    (lambda: nn.ConvTranspose2d(1, 1, 3, stride=2, output_padding=2), RuntimeError, "output_padding"),
    (lambda: nn.ConvTranspose2d(1, 1, 3, padding="same"), ValueError, "padding must be an int"),
    (lambda: nn.Linear(0, 3), ValueError, "Linear: in_features=0"),
    (lambda: nn.Linear(3, True), TypeError, "out_features must be an int"),
    (lambda: nn.MaxPool2d(2, padding=2), RuntimeError, "at most half"),
    (lambda: nn.AvgPool2d(0), RuntimeError, "AvgPool2d: kernel_size=0"),
    (lambda: nn.AdaptiveAvgPool2d((1, 2, 3)), RuntimeError, "output_size"),
    (lambda: nn.BatchNorm2d(0), ValueError, "num_features=0"),
    (lambda: nn.BatchNorm2d(3, momentum=2.0), ValueError, "momentum=2.0"),
    (lambda: nn.Dropout(1.5), ValueError, "Dropout: p=1.5 must be between 0.0 and 1.0"),
    (lambda: nn.Upsample(), ValueError, "exactly one of size and scale_factor"),
    (lambda: nn.Upsample(scale_factor=2, mode="bicubic"), ValueError, "mode='bicubic'"),
    (lambda: nn.Upsample(scale_factor=-1), ValueError, "scale_factor"),
    (lambda: nn.LocalResponseNorm(0), ValueError, "size=0"),
    (lambda: nn.CrossEntropyLoss(reduction="avg"), ValueError, "reduction='avg'"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=1.5), ValueError, "label_smoothing=1.5"),
    (lambda: nn.MSELoss(reduction=None), ValueError, "reduction=None"),
    (lambda: nn.Sequential(nn.ReLU(), "relu"), TypeError, "str is not a Module"),
])
def test_bad_arguments_raise_before_drawing_any_random_number(make, error, match):
    state = get_rng().bit_generator.state
    with pytest.raises(error, match=match):
        make()
    assert get_rng().bit_generator.state == state


# -- behaviour --------------------------------------------------------------------------------------
@pytest.mark.parametrize("layer, shape, out", [
    (nn.Conv2d(1, 6, 5, padding=2), (2, 1, 28, 28), (2, 6, 28, 28)),
    (nn.Conv2d(3, 4, 3, padding="same", dilation=2), (1, 3, 7, 6), (1, 4, 7, 6)),
    (nn.Conv2d(3, 4, 3, padding="valid", stride=2), (1, 3, 7, 7), (1, 4, 3, 3)),
    (nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), (1, 8, 5, 5), (1, 4, 10, 10)),
    (nn.MaxPool2d(3, stride=2, ceil_mode=True), (1, 2, 8, 8), (1, 2, 4, 4)),
    (nn.AvgPool2d(2), (1, 2, 9, 9), (1, 2, 4, 4)),
    (nn.AdaptiveAvgPool2d((3, None)), (1, 2, 7, 5), (1, 2, 3, 5)),
    (nn.Flatten(), (2, 3, 4, 5), (2, 60)),
    (nn.Flatten(0, 1), (2, 3, 4), (6, 4)),
    (nn.Upsample(size=(6, 9)), (1, 1, 2, 3), (1, 1, 6, 9)),
    (nn.LocalResponseNorm(3), (2, 5, 3, 3), (2, 5, 3, 3)),
])
def test_output_shapes(layer, shape, out):
    assert layer(tg.randn(*shape)).shape == out


def test_batchnorm_updates_running_stats_in_train_and_uses_them_in_eval():
    bn = nn.BatchNorm2d(2)
    x = tg.tensor(np.arange(2 * 2 * 3 * 3, dtype=np.float32).reshape(2, 2, 3, 3))
    bn(x)
    values = x.detach().numpy().transpose(1, 0, 2, 3).reshape(2, -1)
    np.testing.assert_allclose(bn.running_mean.array, 0.1 * values.mean(1), rtol=1e-6)
    np.testing.assert_allclose(bn.running_var.array, 0.9 + 0.1 * values.var(1, ddof=1), rtol=1e-6)
    assert bn.num_batches_tracked.array == 1
    bn.eval()
    y = bn(x).detach().numpy()
    expected = (x.detach().numpy() - bn.running_mean.array[:, None, None]) / np.sqrt(
        bn.running_var.array[:, None, None] + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=1e-5)
    assert bn.num_batches_tracked.array == 1  # eval leaves the statistics alone


def test_batchnorm_momentum_none_is_a_cumulative_average():
    bn = nn.BatchNorm2d(1, momentum=None)
    for value in (1.0, 3.0, 8.0):
        bn(tg.full((2, 1, 2, 2), value))
    np.testing.assert_allclose(bn.running_mean.array, [4.0])


def test_batchnorm_rejects_wrong_rank():
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(tg.randn(2, 3))
    assert nn.BatchNorm1d(3)(tg.randn(4, 3)).shape == (4, 3)


def test_dropout_train_and_eval():
    tg.manual_seed(0)
    drop = nn.Dropout(0.25)
    y = drop(tg.ones(10000)).detach().numpy()
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.75], rtol=1e-6)
    assert abs((y == 0).mean() - 0.25) < 0.02
    np.testing.assert_array_equal(drop.eval()(tg.ones(5)).numpy(), np.ones(5))


def test_activations_and_softmax_default_dim():
    x = tg.tensor([[-1.0, 0.0, 2.0]])
    np.testing.assert_allclose(nn.ReLU()(x).numpy(), [[0, 0, 2]])
    np.testing.assert_allclose(nn.Sigmoid()(x).numpy(), 1 / (1 + np.exp(-x.detach().numpy())), rtol=1e-6)
    np.testing.assert_allclose(nn.Tanh()(x).numpy(), np.tanh(x.detach().numpy()), rtol=1e-6)
    np.testing.assert_allclose(nn.Softmax()(x).numpy().sum(1), [1.0], rtol=1e-6)  # 2-d: dim 1
    np.testing.assert_allclose(nn.Softmax()(tg.randn(3, 2, 2)).numpy().sum(0), np.ones((2, 2)),
                               rtol=1e-6)  # 3-d: dim 0, as PyTorch
    np.testing.assert_allclose(np.exp(nn.LogSoftmax(dim=1)(x).detach().numpy()).sum(), 1.0, rtol=1e-6)


def test_identity_ignores_arguments():
    x = tg.randn(2)
    assert nn.Identity(3, unused=True)(x) is x


def test_loss_layers_match_hand_values():
    logits = tg.tensor([[0.0, 0.0], [0.0, 0.0]])
    assert nn.CrossEntropyLoss()(logits, tg.tensor([0, 1])).item() == pytest.approx(math.log(2))
    assert nn.CrossEntropyLoss(ignore_index=1)(logits, tg.tensor([0, 1])).item() == \
        pytest.approx(math.log(2))
    assert nn.NLLLoss(reduction="sum")(tg.tensor([[-1.0, -2.0]]), tg.tensor([1])).item() == 2.0
    assert nn.MSELoss()(tg.tensor([1.0, 3.0]), tg.tensor([0.0, 0.0])).item() == 5.0
    assert nn.BCEWithLogitsLoss()(tg.tensor([0.0]), tg.tensor([1.0])).item() == \
        pytest.approx(math.log(2))


# -- containers -------------------------------------------------------------------------------------
def test_sequential_list_behaviour_and_renumbering():
    a, b, c = nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 3)
    seq = nn.Sequential(a, b)
    seq.append(c)
    assert len(seq) == 3 and list(seq) == [a, b, c] and seq[-1] is c
    assert isinstance(seq[1:], nn.Sequential) and list(seq[1:]) == [b, c]
    del seq[0]
    assert [n for n, _ in seq.named_children()] == ["0", "1"]
    assert [n for n, _ in seq.named_parameters()] == ["1.weight", "1.bias"]
    seq.insert(0, a)
    seq[1] = nn.Tanh()
    assert [type(m).__name__ for m in seq] == ["Linear", "Tanh", "Linear"]
    assert seq(tg.randn(4, 2)).shape == (4, 3)
    with pytest.raises(IndexError, match="out of range"):
        seq[3]


def test_sequential_from_ordered_dict_keeps_names():
    seq = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU())]))
    assert [n for n, _ in seq.named_parameters()] == ["conv.weight", "conv.bias"]
    assert seq.conv is seq[0]
    with pytest.raises(KeyError, match="already exists"):
        nn.Sequential(OrderedDict([("forward", nn.ReLU())]))


def test_module_list_and_dict():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
    layers += [nn.ReLU()]
    layers.extend([nn.Tanh()])
    assert len(layers) == 4 and isinstance(layers[:2], nn.ModuleList)
    assert repr(layers).startswith("ModuleList(\n  (0-1): 2 x Linear(")

    heads = nn.ModuleDict({"cls": nn.Linear(2, 3)})
    heads["box"] = nn.Linear(2, 4)
    assert heads.keys() == ["cls", "box"] and "box" in heads and list(heads) == ["cls", "box"]
    assert [n for n, _ in heads.named_parameters()] == ["cls.weight", "cls.bias", "box.weight",
                                                        "box.bias"]
    assert isinstance(heads.pop("cls"), nn.Linear) and len(heads) == 1
    with pytest.raises(KeyError, match="already exists"):
        heads["training"] = nn.ReLU()


def test_sequential_pop_add_mul_and_module_list_add_pop():
    a, b, c = nn.Linear(2, 2), nn.ReLU(), nn.Tanh()
    seq = nn.Sequential(a, b, c)
    assert seq.pop(1) is b and list(seq) == [a, c] and [n for n, _ in seq.named_children()] == ["0", "1"]
    assert seq.insert(0, b) is seq                    # insert returns the Sequential, as PyTorch
    joined = nn.Sequential(a) + nn.Sequential(b, c)
    assert list(joined) == [a, b, c] and [n for n, _ in joined.named_children()] == ["0", "1", "2"]
    assert list(nn.Sequential(a, b) * 2) == [a, b, a, b] and list(2 * nn.Sequential(b)) == [b, b]
    with pytest.raises(ValueError, match="only objects of Sequential"):
        nn.Sequential(a) + nn.ModuleList([b])
    with pytest.raises(ValueError, match="Non-positive"):
        nn.Sequential(a) * 0
    layers = nn.ModuleList([a]) + nn.ModuleList([b, c])
    assert isinstance(layers, nn.ModuleList) and list(layers) == [a, b, c]
    assert layers.pop() is c and len(layers) == 2
    assert layers.insert(0, c) is None and layers[0] is c  # ModuleList.insert returns None


def test_factory_arguments_in_pytorch_order_accept_the_cpu():
    # PyTorch: (..., device=None, dtype=None), positional too; BatchNorm's bias is keyword-only.
    assert nn.Linear(2, 3, True, "cpu", np.float64).weight.dtype == np.float64
    assert nn.Conv2d(1, 2, 3, device="cpu").weight.shape == (2, 1, 3, 3)
    assert nn.ConvTranspose2d(1, 2, 3, device=tg.device("cpu")).weight.shape == (1, 2, 3, 3)
    bn = nn.BatchNorm2d(3, 1e-5, 0.1, True, True, None, np.float64, bias=False)
    assert bn.weight.dtype == np.float64 and bn.bias is None
    with pytest.raises(AssertionError, match="Linear: Torch not compiled with CUDA enabled"):
        nn.Linear(2, 3, device="cuda")


def test_repr_keeps_numbers_as_written_and_shows_silu_inplace():
    assert repr(nn.LocalResponseNorm(5, 1e-3, 0.5, 2)) == "LocalResponseNorm(5, alpha=0.001, beta=0.5, k=2)"
    assert repr(nn.Dropout(0)) == "Dropout(p=0, inplace=False)"
    assert repr(nn.SiLU(inplace=True)) == "SiLU(inplace=True)" and repr(nn.SiLU()) == "SiLU()"


def test_batchnorm_bad_batch_changes_no_state():
    for bn, x in ((nn.BatchNorm1d(3), tg.zeros(1, 3)), (nn.BatchNorm2d(3), tg.zeros(1, 3, 1, 1)),
                  (nn.BatchNorm2d(3), tg.zeros(2, 4, 2, 2))):
        with pytest.raises(ValueError, match=r"more than 1 value per channel|expected 3 channels"):
            bn(x)
        assert int(bn.num_batches_tracked.array) == 0
        np.testing.assert_array_equal(bn.running_mean.array, np.zeros(3))
    assert nn.BatchNorm1d(3).eval()(tg.zeros(1, 3)).shape == (1, 3)  # one sample is fine in eval


def test_upsample_nearest_exact_and_recompute_scale_factor():
    x = tg.tensor(np.arange(5, dtype=np.float32).reshape(1, 1, 5))
    # out = 8: 'nearest' takes floor(i / 1.6) = 0 0 1 1 2 3 3 4; nearest-exact floor((i + .5) / 1.6)
    np.testing.assert_array_equal(nn.Upsample(scale_factor=1.6)(x).detach().numpy()[0, 0], [0, 0, 1, 1, 2, 3, 3, 4])
    np.testing.assert_array_equal(nn.Upsample(scale_factor=1.6, mode="nearest-exact")(x).detach().numpy()[0, 0],
                                  [0, 0, 1, 2, 2, 3, 4, 4])
    # recomputed: floor(i * 5 / 8) = 0 0 1 1 2 3 3 4 (the same here); the flag is kept
    assert nn.Upsample(scale_factor=1.6, recompute_scale_factor=True).recompute_scale_factor


def test_loss_layers_take_pytorchs_positional_order_and_legacy_flags():
    x, y = tg.tensor([1.0, 3.0]), tg.tensor([0.0, 0.0])
    assert nn.MSELoss(None, None, "sum")(x, y).item() == 10.0        # reduction is 3rd, as torch
    with pytest.warns(UserWarning, match="size_average and reduce"):
        assert nn.MSELoss(size_average=False)(x, y).item() == 10.0   # legacy: sum
    with pytest.warns(UserWarning):
        assert nn.L1Loss(reduce=False)(x, y).detach().numpy().tolist() == [1.0, 3.0]  # legacy: none
    with pytest.warns(UserWarning):
        assert nn.MSELoss(size_average=True, reduce=True).reduction == "mean"
    ce = nn.CrossEntropyLoss(None, None, 1)                            # ignore_index is 3rd
    assert ce.ignore_index == 1 and ce.reduction == "mean"
    assert nn.BCEWithLogitsLoss(None, None, None, "sum").reduction == "sum"


@pytest.mark.parametrize("mode, out, grad", [
    # x = [1, 2, 3] padded by 1 on the left and right, then summed over windows of 3
    ("reflect", [5, 6, 7], [2, 5, 2]),      # border [2 | 1 2 3 | 2]
    ("replicate", [4, 6, 8], [3, 3, 3]),    # border [1 | 1 2 3 | 3]
    ("circular", [6, 6, 6], [3, 3, 3]),     # border [3 | 1 2 3 | 1]
])
def test_conv_padding_modes_by_hand(mode, out, grad):
    conv = nn.Conv2d(1, 1, (1, 3), padding=(0, 1), bias=False, padding_mode=mode)
    conv.weight.array[...] = 1
    x = tg.tensor([[[[1.0, 2.0, 3.0]]]], requires_grad=True)
    y = conv(x)
    y.sum().backward()
    assert y.detach().numpy().ravel().tolist() == out and x.grad.detach().numpy().ravel().tolist() == grad
    assert repr(conv).endswith(f"bias=False, padding_mode={mode})")


def test_conv_padding_mode_checks():
    with pytest.raises(ValueError, match="padding < the input width 3"):
        nn.Conv2d(1, 1, 3, padding=3, padding_mode="reflect")(tg.zeros(1, 1, 5, 3))
    with pytest.raises(ValueError, match='only "zeros" padding mode'):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="padding_mode='mirror' is not one of"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")


def test_upsample_interpolates_in_the_modes_of_f_interpolate():
    x = tg.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    up = nn.Upsample(size=3, mode="bilinear", align_corners=True)
    np.testing.assert_allclose(up(x).numpy()[0, 0], [[0, .5, 1], [1, 1.5, 2], [2, 2.5, 3]])
    assert repr(up) == "Upsample(size=3, mode='bilinear')"
    with pytest.raises(ValueError, match="align_corners"):
        nn.Upsample(scale_factor=2, mode="nearest", align_corners=True)
