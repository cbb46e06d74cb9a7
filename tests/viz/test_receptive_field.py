"""tg.viz.receptive_field: the analytic size from layer geometry and the measured extent of the
nonzero input gradient agree on chains, on conv+pool combinations (random ones too), on residual
and concatenating branches, on LeNet-5, CaffeNet and VGG-16; three 3×3 convs see what one 7×7
conv sees with fewer weights (seed 003); the model comes back untouched."""
import importlib

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_cnn as tg
from models.alexnet import CaffeNet
from models.lenet import LeNet5, SeedNet
from models.vgg import VGG
from tinygrad_cnn import nn
from tinygrad_cnn.ops._windows import output_size
from tinygrad_cnn.viz.receptive_field import receptive_field


def assert_agree(rf, size):
    assert rf.size == (size, size)
    assert rf.region == rf.empirical_region, str(rf)
    assert rf.agree


# --- seed 003: "stack of three 3×3 kernels of stride 1 has the same effective receptive field as
# a single 7×7 kernel, but fewer parameters" -----------------------------------------------------
def test_three_stacked_3x3_convs_see_7x7_like_one_7x7_conv_with_fewer_weights():
    C = 8
    stack = nn.Sequential(*[nn.Sequential(nn.Conv2d(C, C, 3, bias=False), nn.ReLU())
                            for _ in range(3)])
    single = nn.Sequential(nn.Conv2d(C, C, 7, bias=False), nn.ReLU())
    for model in (stack, single):
        rf = receptive_field(model, (1, C, 15, 15))
        assert_agree(rf, 7)
        assert rf.empirical_size == (7, 7) and rf.jump == (1, 1)
    weights = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert (weights(stack), weights(single)) == (27 * C * C, 49 * C * C)


def test_the_receptive_field_grows_linearly_with_depth():
    sizes = [receptive_field(nn.Sequential(*[nn.Conv2d(1, 1, 3) for _ in range(depth)]),
                             (1, 1, 21, 21)).empirical_size[0] for depth in range(1, 6)]
    assert sizes == [3, 5, 7, 9, 11]


@pytest.mark.parametrize("layers, size, jump", [
    ([nn.Conv2d(1, 2, 3), nn.MaxPool2d(2), nn.Conv2d(2, 2, 3)], 8, 2),
    ([nn.AvgPool2d(2), nn.Conv2d(1, 1, 3)], 6, 2),
    ([nn.Conv2d(1, 2, 5, stride=2, padding=2), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1),
      nn.Conv2d(2, 2, 3, padding=2, dilation=2)], 25, 4),
    ([nn.Conv2d(1, 2, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, stride=2)], 19, 8),
    ([nn.Conv2d(1, 1, 3, padding=1), nn.BatchNorm2d(1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
      nn.Conv2d(1, 1, 3, padding=1)], 8, 2),
], ids=["conv-pool-conv", "avg-conv", "strided-padded-dilated", "alexnet-conv1-pool1", "bn-ceil"])
def test_conv_and_pool_combinations(layers, size, jump):
    rf = receptive_field(nn.Sequential(*layers), (1, 1, 41, 41))
    assert_agree(rf, size)
    assert rf.jump == (jump, jump)


@given(st.lists(st.tuples(st.sampled_from(["conv", "max", "avg"]), st.integers(1, 4),
                          st.integers(1, 3), st.integers(0, 2), st.integers(1, 2)),
                min_size=1, max_size=4),
       st.integers(12, 40))
def test_random_conv_pool_chains_measure_what_the_formula_says(specs, side):
    layers, h, size, jump = [], side, 1, 1
    for kind, k, s, p, d in specs:
        if kind == "avg":
            d = 1
        if kind != "conv":
            p = min(p, k // 2)               # pooling refuses more padding than half the window
        h = output_size(h, k, s, p, d)
        assume(h >= 1)
        if kind == "conv":
            layers += [nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d), nn.ReLU()]
        elif kind == "max":
            layers.append(nn.MaxPool2d(k, stride=s, padding=p, dilation=d))
        else:
            layers.append(nn.AvgPool2d(k, stride=s, padding=p))
        size, jump = size + (k - 1) * d * jump, jump * s
    rf = receptive_field(nn.Sequential(*layers), (1, 1, side, side))
    assert rf.size == (size, size) and rf.jump == (jump, jump)
    assert rf.region == rf.empirical_region, str(rf)


# --- branches -----------------------------------------------------------------------------------
class _Residual(nn.Module):
    """conv3-relu-conv3 + shortcut (a strided 1×1 projection when stride > 1), then relu."""

    def __init__(self, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 2, 3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(2, 2, 3, padding=1)
        self.relu = nn.ReLU()
        self.shortcut = nn.Conv2d(2, 2, 1, stride=stride) if stride > 1 else None

    def forward(self, x):
        out = self.conv2(self.relu(self.conv1(x)))
        return self.relu(out + (x if self.shortcut is None else self.shortcut(x)))


class _Inception(nn.Module):
    """1×1, 3×3 and 5×5 branches and a 3×3 max pool, concatenated along channels."""

    def __init__(self):
        super().__init__()
        self.b1 = nn.Conv2d(2, 1, 1)
        self.b3 = nn.Conv2d(2, 1, 3, padding=1)
        self.b5 = nn.Conv2d(2, 1, 5, padding=2)
        self.pool = nn.MaxPool2d(3, stride=1, padding=1)

    def forward(self, x):
        return tg.cat([self.b1(x), self.b3(x), self.b5(x), self.pool(x)], dim=1)


def test_residual_branches_take_the_widest_path():
    # stem 3×3 (3), block 3×3+3×3 (7), strided block: 3×3 s2 (9, jump 2) then 3×3 (13); the
    # strided 1×1 shortcut sees less and does not change the union.
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), _Residual(1), _Residual(2))
    rf = receptive_field(model, (1, 1, 33, 33))
    assert_agree(rf, 13)
    assert rf.jump == (2, 2)
    assert sorted(w.name for w in rf.layers) == ["0", "1.conv1", "1.conv2", "2.conv1", "2.conv2",
                                           "2.shortcut"]


def test_concatenated_branches_take_the_largest_window():
    rf = receptive_field(nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), _Inception()), (1, 1, 17, 17))
    assert_agree(rf, 7)


# --- the seed's networks ------------------------------------------------------------------------
def test_lenet5_units_see_the_whole_32x32_input():
    rf = receptive_field(LeNet5(), (1, 1, 32, 32))
    assert rf.feature_shape == (1, 120, 1, 1)
    assert_agree(rf, 32)
    assert rf.region == ((0, 31), (0, 31))
    assert [(w.name, w.size[0], w.jump[0]) for w in rf.layers] == [
        ("conv1", 5, 1), ("pool1", 6, 2), ("conv2", 14, 2), ("pool2", 16, 4), ("conv3", 32, 4)]
    assert_agree(receptive_field(LeNet5(), (1, 1, 32, 32), layer="pool2"), 16)


def test_lenet5_padded_for_mnist_is_clipped_to_the_28x28_digit():
    rf = receptive_field(LeNet5(padding=2, pooling="max", activation="relu"), (1, 1, 28, 28))
    assert rf.size == (32, 32) and rf.start == (-2, -2)
    assert rf.clipped_size == rf.empirical_size == (28, 28)


def test_seed_net_default_map_is_the_last_before_flattening():
    rf = receptive_field(SeedNet(), (4, 1, 28, 28))        # the batch is reduced to one image
    assert rf.feature_map == "pool2" and rf.feature_shape == (1, 64, 4, 4)
    assert rf.unit == (1, 1)
    assert_agree(rf, 16)
    assert rf.region == ((4, 19), (4, 19))


def test_caffenet_pool5_units_see_195_pixels():
    rf = receptive_field(CaffeNet(), (1, 3, 227, 227))
    assert rf.feature_map == "features.14" and rf.feature_shape == (1, 256, 6, 6)
    assert_agree(rf, 195)
    assert rf.jump == (32, 32)


def test_vgg16_pool5_units_see_212_pixels():
    # The geometry does not depend on the widths, so a thin VGG-16 keeps the test fast.
    rf = receptive_field(VGG("D", width=1 / 64, hidden=8), (1, 3, 224, 224), layer="features.30")
    assert_agree(rf, 212)
    assert rf.region == ((6, 217), (6, 217))
    convs = [w for w in rf.layers if w.op == "Conv2d"]
    assert len(convs) == 13 and all(w.kernel == (3, 3) for w in convs)


# --- why the measurement uses a geometric ramp --------------------------------------------------
def test_a_gentle_ramp_would_lose_the_padded_edge_to_max_pooling(monkeypatch):
    # Unit 0 of a padded strided conv misses 2 rows to padding; on a nearly flat input its
    # neighbour wins the max pool and rows 0-1 get no gradient. The geometric ramp fixes it.
    module = importlib.import_module("tinygrad_cnn.viz.receptive_field")
    model = nn.Sequential(nn.Conv2d(1, 1, 11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2))
    assert receptive_field(model, (1, 1, 23, 23)).empirical_region == ((0, 16), (0, 16))
    monkeypatch.setattr(module, "RAMP_RATIO", 0.999)
    rf = receptive_field(model, (1, 1, 23, 23))
    assert rf.region == ((0, 16), (0, 16)) and rf.empirical_region == ((2, 16), (2, 16))
    assert not rf.agree and "differs" in str(rf)


# --- restrictions, bad input, side effects ------------------------------------------------------
def test_a_leaky_relu_between_convs_keeps_the_geometry():
    # LeakyReLU is where(x > 0, x, slope * x): ops that declare themselves point-wise
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.LeakyReLU(0.1), nn.Conv2d(2, 1, 3))
    rf = receptive_field(model, (1, 1, 11, 11))
    assert rf.feature_map == "2"
    assert_agree(rf, 5)


class _Undeclared(tg.autograd.Function):
    """An op that says nothing about how its output positions read its input."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, dy):
        return dy


class _ConvUndeclaredConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3)

    def forward(self, x):
        return self.conv2(_Undeclared.apply(self.conv1(x)))


def test_an_op_that_declares_no_spatial_kind_is_refused_not_skipped():
    with pytest.raises(ValueError, match="cannot follow _Undeclared.*declares no spatial kind"):
        receptive_field(_ConvUndeclaredConv(), (1, 1, 11, 11))
    assert_agree(receptive_field(_ConvUndeclaredConv(), (1, 1, 11, 11), layer="conv1"), 3)


def test_every_primitive_declares_a_spatial_kind_the_geometry_follows():
    from tinygrad_cnn.ops import PRIMITIVES
    from tinygrad_cnn.viz._rf_geometry import _FOLLOW
    assert {op.__name__: op.spatial for op in PRIMITIVES if op.spatial not in _FOLLOW} == {}


def test_maps_behind_upsampling_are_refused_and_the_default_stops_before_them():
    model = nn.Sequential(nn.Conv2d(1, 1, 3), nn.AdaptiveAvgPool2d(5))   # 2×2 -> 5×5: not a window
    rf = receptive_field(model, (1, 1, 4, 4))
    assert rf.feature_map == "0" and rf.size == (3, 3)
    with pytest.raises(ValueError, match="cannot follow"):
        receptive_field(model, (1, 1, 4, 4), layer="1")


@pytest.mark.parametrize("bad, match", [((1, 28, 28), "N, C, H, W"), ((1, 1, 0, 28), "input_shape"),
                                        ("1,1,28,28", "input_shape")])
def test_bad_input_shapes_are_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        receptive_field(SeedNet(), bad)


def test_unknown_or_flat_layers_are_refused():
    with pytest.raises(ValueError, match="did not run"):
        receptive_field(SeedNet(), (1, 1, 28, 28), layer="conv9")
    with pytest.raises(ValueError, match="does not output"):
        receptive_field(SeedNet(), (1, 1, 28, 28), layer="fc1")


def test_the_model_comes_back_untouched():
    model = LeNet5(pooling="max", activation="relu")
    model.train()
    model.conv2.weight.requires_grad = False
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model(tg.randn(1, 1, 32, 32)).sum().backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    receptive_field(model, (1, 1, 32, 32))
    after = model.state_dict()
    assert all(after[k].dtype == np.float32 and np.array_equal(after[k], v)
               for k, v in before.items())
    assert all(p.grad is grads[name] for name, p in model.named_parameters())
    assert [p.requires_grad for p in model.parameters()] == [
        p is not model.conv2.weight for p in model.parameters()]
    assert all(m.training for m in model.modules())
    assert all("forward" not in vars(m) for m in model.modules())


def test_batch_norm_running_statistics_are_neutralised_and_restored():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Conv2d(2, 1, 3))
    model[1].running_mean.array[:] = 100.0      # would make every pre-activation negative
    rf = receptive_field(model, (1, 1, 11, 11))
    assert_agree(rf, 5)
    assert np.all(model[1].running_mean.array == 100.0)
