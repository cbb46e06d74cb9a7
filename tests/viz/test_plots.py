"""Pictures: each writes a non-empty PNG, and what is drawn is the data asked for (the filter
grid's images are the layer's weights, the curves are metrics.csv's columns, ...)."""
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import tinygrad_cnn as tg  # noqa: E402
import tinygrad_cnn.nn.functional as F  # noqa: E402
from models.lenet import LeNet5  # noqa: E402
from models.resnet import resnet18  # noqa: E402
from tinygrad_cnn.train import fit, load  # noqa: E402
from tinygrad_cnn.viz import plots  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def lenet():
    tg.manual_seed(0)
    return LeNet5(activation="relu", pooling="max")


def image_data(ax) -> np.ndarray:
    return np.asarray(ax.images[0].get_array())


def assert_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 2000


def test_filter_grid_shows_the_first_conv_weights(lenet, tmp_path):
    fig = plots.plot_filters(lenet, save=tmp_path / "filters.png")
    assert_png(tmp_path / "filters.png")
    w = lenet.conv1.weight.detach().numpy()
    for k in range(6):
        np.testing.assert_array_equal(image_data(fig.axes[k]), w[k, 0])
    limit = np.abs(w).max()
    assert fig.axes[0].images[0].get_clim() == pytest.approx((-limit, limit))  # white = 0
    assert "conv1.weight (6, 1, 5, 5)" in fig._suptitle.get_text()


def test_filter_grid_of_a_named_layer_has_one_image_per_filter_and_input_channel(lenet):
    w = lenet.conv2.weight.detach().numpy()
    fig = plots.plot_filters(lenet, layer="conv2")
    assert len(fig.axes) == 16 * 6 + 1  # and the colour bar
    np.testing.assert_array_equal(image_data(fig.axes[3 * 6 + 4]), w[3, 4])
    fig = plots.plot_filters(lenet, layer="conv2.weight", max_filters=2)
    np.testing.assert_array_equal(image_data(fig.axes[1 * 6 + 5]), w[1, 5])
    np.testing.assert_array_equal(image_data(plots.plot_filters(w, max_filters=1).axes[5]), w[0, 5])
    with pytest.raises(KeyError, match="conv1, conv2, conv3"):
        plots.plot_filters(lenet, layer="conv9")
    with pytest.raises(ValueError):
        plots.plot_filters(np.zeros((3, 5)))


def test_filters_before_and_after_can_share_one_colour_scale(lenet):
    before = lenet.conv1.weight.detach().numpy().copy()
    after = before * 3
    limit = float(np.abs(after).max())
    figs = [plots.plot_filters(w, vmax=limit) for w in (before, after)]
    for fig in figs:
        assert fig.axes[0].images[0].get_clim() == (-limit, limit)


def test_colour_filters_are_drawn_in_rgb():
    tg.manual_seed(0)
    model = resnet18(width=8)
    fig = plots.plot_filters(model)
    w = model.conv1.weight.detach().numpy()[2]  # (3, 7, 7)
    shown = image_data(fig.axes[2])
    assert shown.shape == (7, 7, 3)
    np.testing.assert_allclose(shown * (w.max() - w.min()) + w.min(), w.transpose(1, 2, 0), atol=1e-6)


def test_feature_maps_are_the_named_modules_output_and_the_model_is_left_as_it_was(lenet, tmp_path):
    tg.manual_seed(1)
    x = tg.randn(1, 1, 32, 32)
    fig = plots.plot_feature_maps(lenet, x, "act1", save=tmp_path / "maps.png")
    assert_png(tmp_path / "maps.png")
    with tg.no_grad():
        expected = F.relu(lenet.conv1(x)).detach().numpy()[0]
    np.testing.assert_array_equal(image_data(fig.axes[0]), x.detach().numpy()[0, 0])  # the input, first
    assert fig.axes[0].get_title() == "input"
    for k in range(6):
        np.testing.assert_array_equal(image_data(fig.axes[k + 1]), expected[k])
        assert fig.axes[k + 1].images[0].get_clim() == (expected.min(), expected.max())  # one scale
    assert fig.axes[-1].get_ylabel() == "act1 output"  # the colour bar says what it measures
    # Recorded through a forward hook, removed afterwards; the model is left as it was.
    assert "forward" not in vars(lenet.act1) and not lenet.act1._hook_table().post and lenet.training
    maps = plots.capture_output(lenet, x.detach().numpy()[0][None], "pool2")
    assert maps.shape == (1, 16, 5, 5)
    with pytest.raises(KeyError, match="conv1"):
        plots.plot_feature_maps(lenet, x, "nope")


def test_training_curves_are_the_columns_of_metrics_csv(tmp_path):
    tg.manual_seed(0)
    data = load("digits", limit=64)
    model = LeNet5(activation="relu", pooling="max")
    fit(model, tg.optim.SGD(model.parameters(), lr=0.01), data.train, data.test, epochs=2,
        batch_size=32, seed=0, out_dir=tmp_path, show_progress=False, log=lambda *a: None)
    fig = plots.plot_training_curves(tmp_path / "metrics.csv", save=tmp_path / "curves.png")
    assert_png(tmp_path / "curves.png")
    columns = plots.read_metrics(tmp_path / "metrics.csv")
    loss_ax, acc_ax = fig.axes
    drawn = {line.get_label(): line for ax in (loss_ax, acc_ax) for line in ax.get_lines()}
    assert set(drawn) == {"train_loss", "test_loss", "train_acc", "test_acc"}
    for name, line in drawn.items():  # accuracy in percent, as training prints it
        np.testing.assert_array_equal(line.get_xdata(), [1, 2])
        np.testing.assert_allclose(line.get_ydata(), columns[name] * (100 if "acc" in name else 1))
    assert acc_ax.get_ylabel() == "accuracy (%)"
    assert [line.get_label() for line in acc_ax.get_lines()] == ["train_acc", "test_acc"]


def test_gradient_norm_bars_are_each_layers_weight_gradient_norm(tmp_path):
    tg.manual_seed(0)
    nets = {"plain": resnet18(width=4, cifar_stem=True, num_classes=3, plain=True),
            "residual": resnet18(width=4, cifar_stem=True, num_classes=3)}
    for net in nets.values():
        F.cross_entropy(net(tg.randn(4, 3, 16, 16)), tg.tensor([0, 1, 2, 0])).backward()
    fig = plots.plot_grad_norms(nets, save=tmp_path / "grads.png")
    assert_png(tmp_path / "grads.png")
    for ax, (title, net) in zip(fig.axes, nets.items()):
        weights = [(n, p) for n, p in net.named_parameters() if n.endswith("weight") and p.ndim >= 2]
        heights = [bar.get_height() for bar in ax.patches]
        np.testing.assert_allclose(heights, [np.linalg.norm(p.grad.detach().numpy()) for _, p in weights], rtol=1e-6)
        assert [t.get_text() for t in ax.get_xticklabels()] == [n[:-len(".weight")] for n, _ in weights]
        assert ax.get_title() == title and ax.get_yscale() == "log"
    assert len(fig.axes[1].patches) == len(fig.axes[0].patches) + 3  # the projection shortcuts
    fig = plots.plot_grad_norms({"a": {"w": np.array([3.0, 4.0]), "v": tg.tensor([1.0])}}, log=False)
    assert [bar.get_height() for bar in fig.axes[0].patches] == [5.0, 1.0]
    with pytest.raises(ValueError, match="backward"):
        plots.plot_grad_norms(LeNet5())


def test_segmentation_overlays_show_the_masks_and_predictions(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.random((3, 1, 8, 8)).astype(np.float32)
    masks = rng.integers(0, 3, (3, 8, 8))
    predictions = masks.copy()
    predictions[0, :2] = (predictions[0, :2] + 1) % 3  # 16 of 64 pixels wrong in image 0
    fig = plots.plot_segmentation(images, masks, predictions, save=tmp_path / "seg.png")
    assert_png(tmp_path / "seg.png")
    assert len(fig.axes) == 9
    for i in range(3):
        image_ax, mask_ax, pred_ax = fig.axes[3 * i: 3 * i + 3]
        np.testing.assert_array_equal(image_data(image_ax), images[i, 0])
        for ax, truth in ((mask_ax, masks[i]), (pred_ax, predictions[i])):
            overlay = ax.images[1].get_array()
            np.testing.assert_array_equal(overlay.filled(0), truth)
            np.testing.assert_array_equal(np.ma.getmaskarray(overlay), truth == 0)  # background clear
    assert fig.axes[2].get_title() == "prediction (75% pixels)"
    assert fig.axes[5].get_title() == "prediction (100% pixels)"
    # The legend names each coloured class (the background stays clear and unnamed).
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["class 1", "class 2"]
    fig = plots.plot_segmentation(images, masks, predictions, class_names=["sky", "cat", "dog"])
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["cat", "dog"]
    with pytest.raises(ValueError, match="2 class_names for 3 classes"):
        plots.plot_segmentation(images, masks, predictions, class_names=["sky", "cat"])
    # (N, H, W) images, Tensors, and (N, K, H, W) scores are accepted too.
    scores = np.eye(3)[predictions].transpose(0, 3, 1, 2)
    fig = plots.plot_segmentation(tg.tensor(images[:, 0]), tg.tensor(masks), scores)
    np.testing.assert_array_equal(fig.axes[2].images[1].get_array().filled(0), predictions[0])
    with pytest.raises(ValueError, match="do not match"):
        plots.plot_segmentation(images, masks, predictions[:2])


def test_without_matplotlib_the_error_says_how_to_install_it(lenet, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install tinygrad-cnn\[viz\]"):
        plots.plot_filters(lenet)


@pytest.fixture(scope="module")
def trained_demo(tmp_path_factory):
    """A LeNet-5 after one short epoch, with the run's metrics.csv, as `make demo` leaves them."""
    out = tmp_path_factory.mktemp("demo")
    tg.manual_seed(0)
    data = load("digits", limit=64)
    model = LeNet5(activation="relu", pooling="max")
    fit(model, tg.optim.SGD(model.parameters(), lr=0.01), data.train, data.test, epochs=1,
        batch_size=32, seed=0, out_dir=out, show_progress=False, log=lambda *a: None)
    return model, data, out


def test_demo_writes_the_graph_and_the_pictures(trained_demo, capsys):
    import shutil
    from tinygrad_cnn.cli import _draw_results
    model, data, out = trained_demo
    _draw_results(model, data, out)
    assert "conv1.weight (6,1,5,5)\\n‖grad‖" in (out / "graph.dot").read_text()
    for name in ("filters.png", "feature_maps.png", "curves.png"):
        assert_png(out / name)
    assert (out / "graph.svg").exists() == (shutil.which("dot") is not None)
    assert (out / "backprop.html").exists() == (shutil.which("dot") is not None)
    assert "gradient norms of L = cross_entropy(output, " in (out / "graph.dot").read_text()
    said = capsys.readouterr().out
    assert "curves.png" in said
    if shutil.which("dot"):
        assert "click the max_pool2d node" in said
    assert all(p.grad is None for p in model.parameters())


def test_demo_without_matplotlib_or_dot_still_writes_the_dot_source(trained_demo, tmp_path,
                                                                      monkeypatch, capsys):
    import importlib.util
    import shutil
    from tinygrad_cnn.cli import _draw_results
    model, data, _ = trained_demo
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real_find_spec(name, *a))
    _draw_results(model, data, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot"]
    said = capsys.readouterr().out
    assert "tinygrad-cnn[viz]" in said
    assert "skipped graph.svg and backprop.html: Graphviz's `dot` program is not installed" in said
