"""Parameter counts equal the published torchvision / seed-table numbers, and state_dict keys and
shapes follow torchvision, so pretrained weights load unchanged.

Building the big networks allocates their weights (a second or two each); nothing runs forward."""
import pytest

import models


def count(net) -> int:
    return sum(p.array.size for p in net.parameters())


# Numbers published with torchvision's weights (and the seed-003 tables for LeNet-5, CaffeNet
# and the small nets). Each pair is (name, kwargs, parameters).
REFERENCE_COUNTS = [
    ("lenet5", {}, 61_706),
    ("lenet5", {"activation": "relu", "pooling": "max", "padding": 2}, 61_706),
    ("seed_net_mnist", {}, 832 + 51_264 + 102_500 + 1_010),
    ("seed_net_cifar", {}, 2_432 + 51_264 + 160_100 + 1_010),
    ("caffenet", {}, 62_378_344),
    ("alexnet", {}, 61_100_840),
    ("vgg16", {}, 138_357_544),
    ("resnet18", {}, 11_689_512),
    ("resnet34", {}, 21_797_672),
    ("resnet50", {}, 25_557_032),
    ("resnet101", {}, 44_549_160),
    ("resnet152", {}, 60_192_808),
    ("densenet121", {}, 7_978_856),
    ("densenet169", {}, 14_149_480),
    ("densenet201", {}, 20_013_928),
    ("densenet161", {}, 28_681_000),
    ("googlenet", {}, 6_624_904),
    ("googlenet", {"aux_logits": True}, 13_004_888),
]


@pytest.mark.parametrize("name, kwargs, expected", REFERENCE_COUNTS,
                         ids=["-".join([n, *k]) for n, k, _ in REFERENCE_COUNTS])
def test_parameter_count_matches_reference(name, kwargs, expected):
    assert count(models.create(name, **kwargs)) == expected


# The other published VGG counts. Their 4096-wide fc layers (123.6M parameters, the same in
# every configuration) take seconds to fill, so the networks are built with hidden=8 and the
# full-width classifier is added by formula; VGG-16 above is built at full width.
VGG_COUNTS = [("vgg11", 132_863_336), ("vgg13", 133_047_848), ("vgg19", 143_667_240),
              ("vgg16_bn", 138_365_992)]
FULL_CLASSIFIER = (512 * 7 * 7 + 1) * 4096 + (4096 + 1) * 4096 + (4096 + 1) * 1000


@pytest.mark.parametrize("name, expected", VGG_COUNTS, ids=[n for n, _ in VGG_COUNTS])
def test_vgg_parameter_counts_match_torchvision(name, expected):
    net = models.create(name, hidden=8)
    assert count(net.classifier) == (512 * 7 * 7 + 1) * 8 + (8 + 1) * 8 + (8 + 1) * 1000
    assert count(net) - count(net.classifier) + FULL_CLASSIFIER == expected


def test_caffenet_layers_match_seed_table():
    # The seed table lists parameters layer by layer; ungrouped conv2 gives 614,656.
    net = models.create("caffenet")
    convs = [m for m in net.features if isinstance(m, models.alexnet.nn.Conv2d)]
    fcs = [m for m in net.classifier if isinstance(m, models.alexnet.nn.Linear)]
    per_layer = [count(m) for m in convs + fcs]
    assert per_layer == [34_944, 614_656, 885_120, 1_327_488, 884_992,
                         37_752_832, 16_781_312, 4_097_000]


def test_grouped_caffenet_halves_the_grouped_convs():
    plain, grouped = models.create("caffenet"), models.create("caffenet", grouped=True)
    saved = (614_400 + 1_327_104 + 884_736) // 2  # half of conv2, conv4, conv5 weights
    assert count(plain) - count(grouped) == saved


def test_lenet5_layers_match_seed_table():
    net = models.create("lenet5")
    assert [count(m) for m in (net.conv1, net.conv2, net.conv3, net.fc1, net.fc2)] == \
        [156, 2_416, 48_120, 10_164, 850]


def key_shapes(net) -> dict:
    return {k: tuple(v.shape) for k, v in net.state_dict().items()}


def test_resnet_keys_follow_torchvision():
    keys = key_shapes(models.create("resnet18"))
    assert keys["conv1.weight"] == (64, 3, 7, 7)
    assert keys["bn1.running_mean"] == (64,)
    assert keys["bn1.num_batches_tracked"] == ()
    assert keys["layer1.0.conv1.weight"] == (64, 64, 3, 3)
    assert keys["layer2.0.downsample.0.weight"] == (128, 64, 1, 1)
    assert keys["layer2.0.downsample.1.running_var"] == (128,)
    assert keys["fc.weight"] == (1000, 512)
    assert "layer1.0.downsample.0.weight" not in keys  # identity shortcut: no projection
    assert list(keys)[:2] == ["conv1.weight", "bn1.weight"]


def test_resnet50_bottleneck_keys():
    keys = key_shapes(models.create("resnet50"))
    assert keys["layer1.0.conv3.weight"] == (256, 64, 1, 1)
    assert keys["layer1.0.downsample.0.weight"] == (256, 64, 1, 1)  # 64 -> 256 needs projection
    assert keys["layer4.2.bn3.weight"] == (2048,)
    assert keys["fc.weight"] == (1000, 2048)


def test_vgg_keys_follow_torchvision():
    keys = key_shapes(models.create("vgg16", hidden=8))
    assert keys["features.0.weight"] == (64, 3, 3, 3)
    assert keys["features.28.weight"] == (512, 512, 3, 3)
    assert keys["classifier.0.weight"] == (8, 512 * 7 * 7)
    assert keys["classifier.6.weight"] == (1000, 8)
    bn = key_shapes(models.create("vgg11_bn", hidden=8))
    assert bn["features.1.running_mean"] == (64,) and bn["features.4.weight"] == (128, 64, 3, 3)


def test_densenet_keys_follow_torchvision():
    keys = key_shapes(models.create("densenet121"))
    assert keys["features.conv0.weight"] == (64, 3, 7, 7)
    assert keys["features.denseblock1.denselayer1.norm1.weight"] == (64,)
    assert keys["features.denseblock1.denselayer6.conv1.weight"] == (128, 64 + 5 * 32, 1, 1)
    assert keys["features.denseblock1.denselayer1.conv2.weight"] == (32, 128, 3, 3)
    assert keys["features.transition1.conv.weight"] == (128, 256, 1, 1)
    assert keys["features.norm5.running_var"] == (1024,)
    assert keys["classifier.weight"] == (1000, 1024)


def test_googlenet_keys_follow_torchvision():
    keys = key_shapes(models.create("googlenet", aux_logits=True))
    assert keys["conv1.conv.weight"] == (64, 3, 7, 7)
    assert keys["conv1.bn.running_mean"] == (64,)
    assert keys["inception3a.branch1.conv.weight"] == (64, 192, 1, 1)
    assert keys["inception3a.branch2.0.conv.weight"] == (96, 192, 1, 1)
    assert keys["inception3a.branch3.1.conv.weight"] == (32, 16, 3, 3)  # torchvision's 3×3 "5×5"
    assert keys["inception5b.branch4.1.conv.weight"] == (128, 832, 1, 1)
    assert keys["aux1.fc1.weight"] == (1024, 2048)
    assert keys["fc.weight"] == (1000, 1024)
    paper = key_shapes(models.create("googlenet", branch3_kernel=5))
    assert paper["inception3a.branch3.1.conv.weight"] == (32, 16, 5, 5)


def test_alexnet_keys_follow_torchvision():
    keys = key_shapes(models.create("alexnet", hidden=8))
    assert [k for k in keys if k.startswith("features")] == [
        f"features.{i}.{p}" for i in (0, 3, 6, 8, 10) for p in ("weight", "bias")]
    assert keys["classifier.1.weight"] == (8, 9216) and keys["classifier.6.weight"] == (1000, 8)


def test_registry_lists_every_family():
    names = models.list()
    expected = {"lenet5", "seed_net_mnist", "seed_net_cifar", "caffenet", "alexnet", "unet",
                "googlenet", *(f"vgg{d}{bn}" for d in (11, 13, 16, 19) for bn in ("", "_bn")),
                *(f"resnet{d}" for d in (18, 34, 50, 101, 152)),
                *(f"densenet{d}" for d in (121, 169, 201, 161))}
    assert expected <= set(names)
    assert names == sorted(names)


def test_registry_rejects_unknown_names_and_duplicates():
    with pytest.raises(KeyError, match="resnet18"):  # the message lists the known names
        models.create("resnet19")
    with pytest.raises(ValueError, match="already registered"):
        models.register("lenet5")(lambda: None)
