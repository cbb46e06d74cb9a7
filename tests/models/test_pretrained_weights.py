"""The shipped pretrained weights: small safe files that load without optional packages, into
`models.create(name, weights=...)`, and still give the accuracy their record states."""
import tomllib
from pathlib import Path

import numpy as np
import pytest

import models
import tinygrad_cnn as tg
from models import pretrain, pretrained

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [("lenet5", "fashion_mnist"), ("lenet5", "digits"), ("seed_net_mnist", "fashion_mnist"),
           ("seed_net_mnist", "digits")]


def test_every_recipe_has_its_weight_file_and_nothing_else_ships():
    assert sorted(pretrain.RECIPES) == sorted(SHIPPED)
    assert {(m, d) for m, names in pretrained.available().items() for d in names} == set(SHIPPED)


@pytest.mark.parametrize("model, data", SHIPPED)
def test_weight_file_is_small_and_opens_with_plain_numpy_without_pickle(model, data):
    path = pretrained.WEIGHTS_DIR / f"{model}_{data}.npz"
    assert path.stat().st_size < 1_000_000
    with np.load(path, allow_pickle=False) as archive:     # no optional package, no pickle
        assert any(name.startswith("state_dict.") for name in archive.files)


def test_weight_files_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "weights/*.npz" in config["tool"]["setuptools"]["package-data"]["models"]


@pytest.mark.parametrize("model", ["lenet5", "seed_net_mnist"])
def test_digit_weights_reproduce_their_recorded_test_accuracy(model):
    net = models.create(model, weights="digits")
    meta = net.pretrained
    assert meta["command"] == f"python -m models.pretrain {model} digits"
    images, labels, test_images, test_labels, prepared = pretrain.prepared_data(
        "digits", meta["input_shape"][-1])
    assert (prepared["mean"], prepared["std"]) == (meta["mean"], meta["std"])
    accuracy = pretrain.accuracy(net, test_images, test_labels)
    assert accuracy == pytest.approx(meta["test_accuracy"], abs=1e-4) and accuracy > 0.95


@pytest.mark.parametrize("model", ["lenet5", "seed_net_mnist"])
def test_fashion_mnist_weights_classify_the_test_set(model):
    from tinygrad_cnn.data.datasets import DatasetNotFoundError
    net = models.create(model, weights="fashion_mnist")
    assert net.pretrained["test_accuracy"] > 0.88
    try:
        *_, test_images, test_labels, _ = pretrain.prepared_data("fashion_mnist", 28)
    except DatasetNotFoundError:
        pytest.skip("Fashion-MNIST is not installed (apt install dataset-fashion-mnist)")
    accuracy = pretrain.accuracy(net, test_images[:1000], test_labels[:1000])
    assert accuracy > 0.85


def test_shipped_weights_fill_in_their_architecture_and_refuse_contradictions():
    net = models.create("lenet5", weights="fashion_mnist")
    assert net.conv1.padding in (2, (2, 2)) and type(net.act1).__name__ == "ReLU"
    assert net(tg.zeros(1, 1, 28, 28)).shape == (1, 10)
    with pytest.raises(ValueError, match="trained with padding=2; got padding=0"):
        models.create("lenet5", weights="fashion_mnist", padding=0)
    with pytest.raises(ValueError, match="no shipped weights 'imagenet' for model 'lenet5'; "
                                         "available: 'digits', 'fashion_mnist'"):
        models.create("lenet5", weights="imagenet")
    with pytest.raises(ValueError, match="available: none"):
        models.create("resnet18", weights="imagenet")


def test_weights_from_a_path_or_a_state_dict_load_strictly(tmp_path):
    source = models.create("lenet5", weights="digits")
    tg.save(source.state_dict(), tmp_path / "lenet.pth")
    for weights in (tmp_path / "lenet.pth", str(tmp_path / "lenet.pth"), source.state_dict()):
        net = models.create("lenet5", weights=weights, activation="relu", pooling="max")
        np.testing.assert_array_equal(net.fc2.weight.array, source.fc2.weight.array)


def test_mismatched_weights_name_the_keys_and_both_shapes():
    state = models.create("lenet5", weights="digits").state_dict()
    with pytest.raises(RuntimeError) as info:
        models.create("seed_net_mnist", weights=state)
    message = str(info.value)
    assert "cannot be loaded into models.create('seed_net_mnist')" in message
    assert 'Unexpected key(s) in state_dict: "conv3.weight", "conv3.bias"' in message
    assert ("size mismatch for conv1.weight: copying a param with shape torch.Size([6, 1, 5, 5]) "
            "from checkpoint, the shape in current model is torch.Size([32, 1, 5, 5])") in message
    wrapped = {f"module.{key}": value for key, value in state.items()}
    with pytest.raises(RuntimeError, match="saved from DataParallel"):
        models.create("lenet5", weights=wrapped, activation="relu", pooling="max")
    with pytest.raises(RuntimeError, match="wraps its state dict under 'state_dict'"):
        models.create("lenet5", weights={"state_dict": state, "epoch": 3})
