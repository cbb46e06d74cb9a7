"""tg.viz.summary against the course notes' tables (seed 003: the MNIST / CIFAR-10 net, LeNet-5,
AlexNet as CaffeNet, VGG-16, ResNet-34; seed 000: VGG-16's memory), the counting rules, the flag
for windows that do not tile, bad input, and the `summary` command."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import models
import tinygrad_cnn as tg
from models.alexnet import CaffeNet
from models.lenet import LeNet5, SeedNet
from models.vgg import VGG
from tinygrad_cnn import nn
from tinygrad_cnn.cli import main
from tinygrad_cnn.viz.summary import BYTES_PER_VALUE, summary

ROOT = Path(__file__).resolve().parents[2]


def assert_rows(table, expected):
    """expected: (layer name, parameters, operations, volume) rows copied from a seed table."""
    got = [(name, table.row(name).parameters, table.row(name).operations, table.row(name).volume)
           for name, *_ in expected]
    assert got == list(expected)


# --- seed 003, "convolutional network": MNIST and CIFAR10 columns (param, ops, volume) ----------
MNIST_TABLE = [
    ("conv1", 832, 479_232, 24 * 24 * 32),
    ("pool1", 0, 18_432, 12 * 12 * 32),
    ("conv2", 51_264, 3_280_896, 8 * 8 * 64),
    ("pool2", 0, 4_096, 4 * 4 * 64),
    ("fc1", 102_500, 102_500, 100),
    ("fc2", 1_010, 1_010, 10),
]
CIFAR_TABLE = [
    ("conv1", 2_432, 1_906_688, 28 * 28 * 32),
    ("pool1", 0, 25_088, 14 * 14 * 32),
    ("conv2", 51_264, 5_126_400, 10 * 10 * 64),
    ("pool2", 0, 6_400, 5 * 5 * 64),
    ("fc1", 160_100, 160_100, 100),
    ("fc2", 1_010, 1_010, 10),
]


@pytest.mark.parametrize("channels, side, table", [(1, 28, MNIST_TABLE), (3, 32, CIFAR_TABLE)],
                         ids=["mnist", "cifar10"])
def test_seed_net_matches_the_mnist_and_cifar10_columns(channels, side, table):
    s = summary(SeedNet(in_channels=channels, input_size=side), (1, channels, side, side))
    assert_rows(s, table)
    assert s.input_volume == side * side * channels
    assert s.parameters == sum(row[1] for row in table)


def test_seed_net_where_the_parameters_operations_and_memory_are():
    # The notes under the table: most parameters in the first fc layer, most operations in the
    # second conv layer, most memory in the first conv layer.
    s = summary(SeedNet(), (1, 1, 28, 28))
    assert max(s.rows, key=lambda r: r.parameters).name == "fc1"
    assert max(s.rows, key=lambda r: r.operations).name == "conv2"
    assert max((r for r in s.rows if r.stored), key=lambda r: r.volume).name == "conv1"


# --- seed 003, "LeNet-5" ------------------------------------------------------------------------
LENET_TABLE = [
    ("conv1", 156, 122_304, 28 * 28 * 6),
    ("pool1", 0, 4_704, 14 * 14 * 6),     # avg(2): the input volume
    ("conv2", 2_416, 241_600, 10 * 10 * 16),
    ("pool2", 0, 1_600, 5 * 5 * 16),
    ("conv3", 48_120, 48_120, 120),
    ("fc1", 10_164, 10_164, 84),
    ("fc2", 850, 850, 10),                # the paper's RBF(10) output, here a linear layer
]


def test_lenet5_matches_the_seed_table_and_has_61706_parameters():
    s = summary(LeNet5(), (1, 1, 32, 32))
    assert_rows(s, LENET_TABLE)
    assert s.parameters == 61_706 == sum(row[1] for row in LENET_TABLE)
    assert s.row("conv3").output_shape == (1, 120, 1, 1)
    assert all(r.tiles for r in s.rows)


def test_softmax_counts_one_operation_per_output_as_in_the_lenet_alexnet_vgg_tables():
    # LeNet-5: "softmax 0 10 10"; AlexNet and VGG-16: "softmax 0 1,000 1,000".
    s = summary(nn.Sequential(nn.Linear(84, 10), nn.Softmax(dim=1)), (1, 84))
    assert (s.row("1").parameters, s.row("1").operations, s.row("1").volume) == (0, 10, 10)


# --- seed 003, "AlexNet (CaffeNet)" -------------------------------------------------------------
CAFFENET_TABLE = [
    ("features.0", 34_944, 105_705_600, 55 * 55 * 96),        # conv(11, 96, s4)
    ("features.2", 0, 290_400, 27 * 27 * 96),                 # pool(3, 2)
    ("features.3", 0, 69_984, 27 * 27 * 96),                  # norm
    ("features.4", 614_656, 448_084_224, 27 * 27 * 256),      # conv(5, 256, p2)
    ("features.6", 0, 186_624, 13 * 13 * 256),                # pool(3, 2)
    ("features.7", 0, 43_264, 13 * 13 * 256),                 # norm
    ("features.8", 885_120, 149_585_280, 13 * 13 * 384),      # conv(3, 384, p1)
    ("features.10", 1_327_488, 224_345_472, 13 * 13 * 384),   # conv(3, 384, p1)
    ("features.12", 884_992, 149_563_648, 13 * 13 * 256),     # conv(3, 256, p1)
    ("features.14", 0, 43_264, 6 * 6 * 256),                  # pool(3, 2)
    ("classifier.0", 37_752_832, 37_752_832, 4_096),          # fc(4096)
    ("classifier.3", 16_781_312, 16_781_312, 4_096),          # fc(4096)
    ("classifier.6", 4_097_000, 4_097_000, 1_000),            # fc(1000)
]


@pytest.fixture(scope="module")
def caffenet_summary():
    return summary(CaffeNet(), (1, 3, 227, 227))


def test_caffenet_matches_every_row_of_the_seed_table(caffenet_summary):
    s = caffenet_summary
    assert_rows(s, CAFFENET_TABLE)
    assert s.input_volume == 227 * 227 * 3
    assert s.parameters == sum(row[1] for row in CAFFENET_TABLE) == 62_378_344
    # 227 was chosen so that every window tiles: (227 - 11)/4 + 1 = 55 exactly.
    assert all(r.tiles for r in s.rows)


def test_caffenet_relu_follows_each_conv_and_fc_and_costs_no_memory(caffenet_summary):
    kinds = [r.kind for r in caffenet_summary.rows]
    for i, kind in enumerate(kinds):
        if kind in ("Conv2d", "Linear") and i + 1 < len(kinds):
            assert kinds[i + 1] == "ReLU"
    relus = [r for r in caffenet_summary.rows if r.kind == "ReLU"]
    assert relus and not any(r.stored for r in relus)
    assert all(r.operations == r.volume for r in relus)


# --- seed 003, "VGG-16"; seed 000, its memory ---------------------------------------------------
VGG16_TABLE = [
    # The seed prints 89,915,390 operations for the first conv: an arithmetic slip, since
    # 1,792 parameters × 224·224 positions = 89,915,392.
    ("features.0", 1_792, 89_915_392, 224 * 224 * 64),
    ("features.2", 36_928, 1_852_899_328, 224 * 224 * 64),
    ("features.4", 0, 3_211_264, 112 * 112 * 64),
    ("features.5", 73_856, 926_449_664, 112 * 112 * 128),
    ("features.7", 147_584, 1_851_293_696, 112 * 112 * 128),
    ("features.9", 0, 1_605_632, 56 * 56 * 128),
    ("features.10", 295_168, 925_646_848, 56 * 56 * 256),
    ("features.12", 590_080, 1_850_490_880, 56 * 56 * 256),
    ("features.14", 590_080, 1_850_490_880, 56 * 56 * 256),
    ("features.16", 0, 802_816, 28 * 28 * 256),
    ("features.17", 1_180_160, 925_245_440, 28 * 28 * 512),
    ("features.19", 2_359_808, 1_850_089_472, 28 * 28 * 512),
    ("features.21", 2_359_808, 1_850_089_472, 28 * 28 * 512),
    ("features.23", 0, 401_408, 14 * 14 * 512),
    ("features.24", 2_359_808, 462_522_368, 14 * 14 * 512),
    ("features.26", 2_359_808, 462_522_368, 14 * 14 * 512),
    ("features.28", 2_359_808, 462_522_368, 14 * 14 * 512),
    ("features.30", 0, 100_352, 7 * 7 * 512),
    ("classifier.0", 102_764_544, 102_764_544, 4_096),
    ("classifier.3", 16_781_312, 16_781_312, 4_096),
    ("classifier.6", 4_097_000, 4_097_000, 1_000),
]

# Seed 000's VGG-16 memory column (values per image): input, then every CONV, POOL and FC output.
VGG16_MEMORY = ([224 * 224 * 3] + [224 * 224 * 64] * 2 + [112 * 112 * 64] + [112 * 112 * 128] * 2
                + [56 * 56 * 128] + [56 * 56 * 256] * 3 + [28 * 28 * 256] + [28 * 28 * 512] * 3
                + [14 * 14 * 512] * 4 + [7 * 7 * 512] + [4096, 4096, 1000])


@pytest.fixture(scope="module")
def vgg16_summary():
    return summary(VGG("D"), (1, 3, 224, 224))   # built and run once: a few seconds


def test_vgg16_matches_every_row_of_the_seed_table_and_has_138m_parameters(vgg16_summary):
    s = vgg16_summary
    assert_rows(s, VGG16_TABLE)
    assert s.parameters == sum(row[1] for row in VGG16_TABLE) == 138_357_544
    assert all(r.tiles for r in s.rows)


def test_vgg16_activation_memory_is_the_sum_of_the_seed_000_memory_column(vgg16_summary):
    s = vgg16_summary
    # torchvision's layout (kept by models/vgg.py) adds a 7×7 adaptive average pool that the
    # notes' table does not have; at 224×224 it copies the 7×7×512 map.
    assert s.row("avgpool").volume == 7 * 7 * 512
    assert s.activations - s.row("avgpool").volume == sum(VGG16_MEMORY) == 15_237_608
    # Seed 000 concludes "TOTAL memory: 24M * 4 bytes ~= 93MB / image (only forward! ~*2 for
    # bwd)", but its own per-layer column adds up to 15.2M values, i.e. about 61 MB: the 24M is a
    # slip. The factor 4 (float32) and the doubling for backward are kept.
    assert s.forward_bytes == s.activations * BYTES_PER_VALUE
    assert round(s.forward_bytes / 1e6) == 61
    assert s.training_bytes == 2 * s.forward_bytes


# --- seed 003, "ResNet-34": one row per stem, stage and block group --------------------------------
# (prefixes of our layer names, parameters, operations, volume) as printed in the seed. The seed
# counts each conv with a bias and no BatchNorm (BN folded into the conv): one value per output
# channel, i.e. half of BatchNorm's (gamma, beta).
RESNET34_TABLE = [
    (("conv1", "bn1"), 9_472, 118_816_768, 112 * 112 * 64),
    (("layer1.",), 221_568, 694_837_248, 56 * 56 * 64),                      # 3×
    (("layer2.0.",), 229_760, 180_182_016, 28 * 28 * 128),
    (("layer2.1.", "layer2.2.", "layer2.3."), 885_504, 694_235_136, 28 * 28 * 128),  # 3×
    (("layer3.0.",), 918_272, 180_006_400, 14 * 14 * 256),
    (tuple(f"layer3.{i}." for i in range(1, 6)), 5_900_800, 1_156_556_800, 14 * 14 * 256),  # 5×
    (("layer4.0.",), 3_671_552, 179_918_592, 7 * 7 * 512),
    (("layer4.1.", "layer4.2."), 9_439_232, 462_522_368, 7 * 7 * 512),      # 2×
]


def test_resnet34_matches_the_seed_table_with_batchnorm_folded_into_conv_biases():
    s = summary(models.create("resnet34"), (1, 3, 224, 224))
    for prefixes, parameters, operations, volume in RESNET34_TABLE:
        rows = [r for r in s.rows if r.name in prefixes or r.name.startswith(prefixes)]
        convs = [r for r in rows if r.kind == "Conv2d"]
        biases = [(r.parameters // 2, r.volume // r.output_shape[1])    # (channels, positions)
                  for r in rows if r.kind == "BatchNorm2d"]
        assert sum(r.parameters for r in convs) + sum(c for c, _ in biases) == parameters
        folded = sum(r.operations for r in convs) + sum(c * n for c, n in biases)
        # The first block of layers 2-4 (stride 2, projection shortcut) has, in the seed, one
        # more operation per input channel and output position than its convolutions perform.
        in_channels, positions = convs[0].input_shape[1], volume // rows[-1].output_shape[1]
        strided = prefixes[0].endswith(".0.") and prefixes[0] != "layer1.0."
        assert operations - folded == (in_channels * positions if strided else 0)
        assert rows[-1].volume == volume
    rows = [(r.name, r.parameters, r.operations, r.volume) for r in s.rows
            if r.name in ("maxpool", "avgpool", "fc")]
    assert rows == [("maxpool", 0, 802_816, 56 * 56 * 64), ("avgpool", 0, 25_088, 512),
                    ("fc", 513_000, 513_000, 1_000)]
    assert s.parameters == 21_797_672


# --- counting rules -----------------------------------------------------------------------------
class _Mixed(nn.Module):
    """One layer of each rule, and a conv called twice (its parameters count once in the total)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.relu = nn.ReLU()
        self.up = nn.ConvTranspose2d(4, 2, 2, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(2, 3)

    def forward(self, x):                       # (N, 4, 5, 5)
        x = self.relu(self.bn(self.conv(self.conv(x))))
        x = self.up(x)                          # (N, 2, 10, 10)
        return self.fc(self.drop(self.flatten(self.pool(x))))


def test_each_kind_of_layer_is_counted_by_its_rule():
    s = summary(_Mixed(), (2, 4, 5, 5))
    names = [r.name for r in s.rows]
    assert names == ["conv", "conv", "bn", "relu", "up", "pool", "flatten", "drop", "fc"]
    conv = s.rows[0]
    assert (conv.parameters, conv.operations, conv.volume) == (148, 148 * 25, 100)
    assert s.rows[1].operations == conv.operations
    assert (s.row("bn").parameters, s.row("bn").operations) == (8, 100)      # norm: output volume
    assert (s.row("relu").operations, s.row("relu").stored) == (100, False)  # in place
    # transposed conv: every weight meets every input position once, each bias every output.
    assert s.row("up").operations == 4 * 2 * 2 * 2 * 25 + 2 * 100
    assert s.row("up").output_shape == (2, 2, 10, 10)
    assert s.row("pool").operations == 200                                    # input volume
    for name in ("flatten", "drop"):
        assert (s.row(name).operations, s.row(name).stored) == (0, False)
    assert s.row("fc").operations == 9
    # Per example whatever the batch; the shared conv's parameters enter the total once.
    assert s.input_shape == (2, 4, 5, 5) and s.input_volume == 100
    assert s.parameters == 148 + 8 + 34 + 9
    assert s.operations == sum(r.operations for r in s.rows)
    assert s.activations == 100 + 100 + 100 + 100 + 200 + 2 + 3


def test_linear_on_a_sequence_counts_every_position():
    s = summary(nn.Linear(8, 4), (1, 5, 8))
    row = s.rows[0]
    assert (row.name, row.output_shape, row.operations) == ("Linear", (1, 5, 4), 36 * 5)


def test_frozen_parameters_are_reported_apart():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    model[0].weight.requires_grad = False
    s = summary(model, (1, 3))
    assert (s.parameters, s.trainable_parameters) == (11, 5)
    assert "(5 trainable)" in str(s)


# --- windows that do not tile -------------------------------------------------------------------
def test_the_seeds_stride_3_on_7x7_example_is_flagged_and_explained():
    # Seed 000/002: N = 7, F = 3, stride 3 => (7 - 3)/3 + 1 = 2.33.
    s = summary(nn.Conv2d(1, 1, 3, stride=3), (1, 1, 7, 7))
    row = s.rows[0]
    assert not row.tiles and row.output_shape == (1, 1, 2, 2)
    assert "(7 + 0 - 3)/3 + 1 = 2.33" in row.note
    text = str(s)
    assert "(1, 1, 2, 2)*" in text and "* windows do not tile" in text


@pytest.mark.parametrize("layer, side, tiles", [
    (nn.Conv2d(1, 1, 3, stride=2), 7, True),                  # (7 - 3)/2 + 1 = 3
    (nn.Conv2d(3, 64, 11, stride=4, padding=2), 224, False),  # torchvision AlexNet: 55.25
    (nn.Conv2d(1, 1, 3, padding="same"), 6, True),
    (nn.Conv2d(1, 1, 3, dilation=2, stride=2), 8, False),     # span 5: (8 - 5)/2 + 1 = 2.5
    (nn.MaxPool2d(2), 5, False),
    (nn.MaxPool2d(3, stride=2, padding=1), 7, True),          # (7 + 2 - 3)/2 + 1 = 4
    (nn.AvgPool2d(2), 8, True),
])
def test_tiling_is_detected_from_size_padding_dilation_and_stride(layer, side, tiles):
    channels = 3 if isinstance(layer, nn.Conv2d) and layer.in_channels == 3 else 1
    s = summary(layer, (1, channels, side, side))
    assert s.rows[0].tiles is tiles
    assert ("*" in str(s)) is not tiles


def test_ceil_mode_pooling_is_flagged_as_overhanging():
    row = summary(nn.MaxPool2d(2, ceil_mode=True), (1, 1, 5, 5)).rows[0]
    assert row.output_shape == (1, 1, 3, 3)
    assert "hangs over the edge" in row.note


# --- the table ----------------------------------------------------------------------------------
def test_the_printed_table_is_aligned_and_ends_with_totals():
    text = str(summary(SeedNet(), (1, 1, 28, 28)))
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    table = lines[rule - 1: rule + 14]                         # header, rules, 11 rows, total
    assert len({len(line) for line in table}) == 1             # right-aligned last column
    assert lines[rule + 1].split()[:2] == ["input", "(1,"]
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[1:] == ["155,606", "3,908,794"]
    assert "activations: 29,054 values" in text


# --- bad input and side effects -----------------------------------------------------------------
@pytest.mark.parametrize("bad", [(28,), (1, 0, 28, 28), (1, -1, 28, 28), "1,1,28,28",
                                 (1, 1.0, 28, 28), (True, 1, 28, 28), None])
def test_a_bad_input_shape_is_refused_naming_the_argument(bad):
    with pytest.raises(ValueError, match="input_shape"):
        summary(SeedNet(), bad)


def test_a_model_that_is_not_a_module_is_refused():
    with pytest.raises(TypeError, match="nn.Module"):
        summary(lambda x: x, (1, 1, 28, 28))


def test_summary_leaves_the_model_as_it_was_even_when_the_forward_fails():
    model = LeNet5()
    model.train()
    model.pool1.eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError):
        summary(model, (1, 1, 28, 28))            # LeNet-5 without padding needs 32×32
    summary(model, (1, 1, 32, 32))
    assert all("forward" not in vars(m) for m in model.modules())
    assert [m.training for m in model.modules()] == [m is not model.pool1 for m in model.modules()]
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())


def test_summary_records_through_forward_hooks_and_removes_them():
    model = LeNet5()
    own = model.conv1.register_forward_hook(lambda module, args, out: out * 2)  # the user's hook
    with pytest.raises(ValueError):
        summary(model, (1, 1, 28, 28))
    s = summary(model, (1, 1, 32, 32))
    left = {name: len(m._hook_table().post) + len(m._hook_table().pre)
            for name, m in model.named_modules()}
    assert {name: n for name, n in left.items() if n} == {"conv1": 1}   # only the user's hook
    assert s.row("conv1").output_shape == (1, 6, 28, 28)
    own.remove()


def test_float64_models_run_in_float64():
    s = summary(nn.Conv2d(1, 2, 3).double(), (1, 1, 5, 5))
    assert s.rows[0].output_shape == (1, 2, 3, 3)


# --- the command --------------------------------------------------------------------------------
def test_summary_command_prints_the_table(capsys):
    assert main(["summary", "seed_net_mnist", "--input-shape", "1,1,28,28"]) == 0
    out = capsys.readouterr().out
    for number in ("479,232", "3,280,896", "102,500", "155,606"):
        assert number in out


def test_summary_command_adds_the_receptive_field_on_request(capsys):
    assert main(["summary", "lenet5", "--input-shape", "1,1,32,32", "--receptive-field",
                 "--layer", "pool2"]) == 0
    out = capsys.readouterr().out
    assert "61,706" in out
    assert "analytic:  16 (jump 4" in out and "empirical: 16;" in out


def test_summary_command_reports_unknown_models_and_shapes_that_do_not_fit(capsys):
    with pytest.raises(SystemExit, match="unknown model"):
        main(["summary", "no_such_net", "--input-shape", "1,1,28,28"])
    with pytest.raises(SystemExit, match="input-shape 1,1,28,28"):
        main(["summary", "lenet5", "--input-shape", "1,1,28,28"])
    with pytest.raises(SystemExit, match="does not output a"):    # --layer alone asks for the field
        main(["summary", "seed_net_mnist", "--input-shape", "1,1,28,28", "--layer", "fc1"])


def test_python_m_tinygrad_cnn_summary_runs():
    done = subprocess.run([sys.executable, "-m", "tinygrad_cnn", "summary", "seed_net_cifar",
                           "--input-shape", "1,3,32,32"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "5,126,400" in done.stdout and "214,806" in done.stdout
