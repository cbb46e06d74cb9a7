"""Pictures of what a network learned and how it trained, drawn with matplotlib.

matplotlib is the optional extra `viz` (pip install tinygrad-cnn[viz]); it is imported only when
a picture is drawn. Every function returns a `matplotlib.figure.Figure` that belongs to no
pyplot window (so scripts and tests leak no global state); save it with `save="pic.png"` or
`fig.savefig("pic.png")`, or show it in Jupyter with `display(fig)`.

    plot_filters          the kernels of a conv layer as a grid of small images
    plot_feature_maps     what one input looks like after a chosen module
    plot_training_curves  loss and accuracy per epoch, from metrics.csv
    plot_grad_norms       per-layer gradient norms, several networks side by side
    plot_segmentation     image, true mask and predicted mask for segmentation outputs
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor

VIZ_HINT = "pip install tinygrad-cnn[viz]"


def _figure(width: float, height: float):
    """A new Figure, or an ImportError that says how to install matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError as e:
        raise ImportError(f"tinygrad_cnn.viz.plots draws with matplotlib, which is not installed: "
                          f"{VIZ_HINT} (or pip install matplotlib)") from e
    return Figure(figsize=(width, height), layout="constrained")


def _finish(fig, save):
    if save is not None:
        Path(save).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(save, dpi=100)
    return fig


def _array(x) -> np.ndarray:
    return x.array if isinstance(x, Tensor) else np.asarray(x)


def _grid(count: int, ncols: int | None = None) -> tuple[int, int]:
    cols = ncols or min(count, max(1, math.ceil(math.sqrt(count * 1.5))))
    return math.ceil(count / cols), cols


def _conv_weight(model_or_weight, layer):
    """(name, weight array (O, C, KH, KW)) of the layer asked for."""
    if not hasattr(model_or_weight, "named_modules"):
        w = _array(model_or_weight)
        if w.ndim != 4:
            raise ValueError(f"plot_filters: a weight must have shape (O, C, KH, KW), got {w.shape}")
        return "weight", w
    modules = dict(model_or_weight.named_modules())
    if layer is None:  # the first layer with a 4-d weight: the first convolution
        layer = next((name for name, m in modules.items()
                      if getattr(getattr(m, "weight", None), "ndim", 0) == 4), None)
        if layer is None:
            raise ValueError("plot_filters: the model has no convolution (no 4-d weight)")
    name = layer[:-len(".weight")] if layer.endswith(".weight") else layer
    if name not in modules or getattr(modules[name], "weight", None) is None:
        convs = [n for n, m in modules.items() if getattr(getattr(m, "weight", None), "ndim", 0) == 4]
        raise KeyError(f"plot_filters: no layer {layer!r} with a weight; convolutions: "
                       f"{', '.join(convs)}")
    w = _array(modules[name].weight)
    if w.ndim != 4:
        raise ValueError(f"plot_filters: {name}.weight has shape {w.shape}, not a conv kernel "
                         f"(O, C, KH, KW)")
    return f"{name}.weight", w


def plot_filters(model_or_weight, layer=None, save=None, ncols=None, max_filters=64, vmax=None):
    """Draw the kernels of a convolution as a grid of small images.

    One-channel kernels are drawn in a diverging colour map on one shared, symmetric scale (white
    = 0, the colour bar gives the weight), so the image data *are* the weights; three-channel kernels are drawn in colour, each
    rescaled to [0, 1]; other channel counts show one row per filter, one column per input channel.

    Args:
        model_or_weight: a Module, or a weight array / Tensor of shape (O, C, KH, KW).
        layer: module name ('conv1') or parameter name ('conv1.weight'); default: the first
            convolution, whose kernels are the ones that look like edge and blob detectors.
        save: path of a PNG to write.
        ncols: columns of the grid (default: about square).
        max_filters: draw at most this many filters.
        vmax: the weight drawn at full colour (default: the largest |weight|). Give two figures
            the same vmax to compare them, e.g. the filters before and after training.

    Returns:
        the matplotlib Figure; `fig.axes[k]` shows filter k.

    Example:
        >>> fig = plot_filters(model, save="filters.png")   # doctest: +SKIP
    """
    name, w = _conv_weight(model_or_weight, layer)
    w = w[:max_filters]
    out_ch, in_ch = w.shape[:2]
    limit = float(vmax) if vmax is not None else float(np.abs(w).max()) or 1.0
    if in_ch == 1:
        images, (rows, cols) = [(i, w[i, 0]) for i in range(out_ch)], _grid(out_ch, ncols)
    elif in_ch == 3:
        images, (rows, cols) = [(i, w[i]) for i in range(out_ch)], _grid(out_ch, ncols)
    else:  # one row per filter, one column per input channel
        images = [(i * in_ch + c, w[i, c]) for i in range(out_ch) for c in range(in_ch)]
        rows, cols = out_ch, in_ch
    cell = 1.1 if rows * cols <= 24 else 0.7  # inches per kernel: a few filters drawn large
    fig = _figure(max(3.0, cols * cell + 1.0), max(2.0, rows * cell + 0.5))
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, kernel in images:
        ax = axes.flat[k]
        if kernel.ndim == 3:  # RGB: channels last, each kernel stretched to [0, 1]
            lo, hi = kernel.min(), kernel.max()
            ax.imshow(np.transpose((kernel - lo) / ((hi - lo) or 1.0), (1, 2, 0)))
        else:
            image = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes.flat[len(images):]:
        ax.set_axis_off()
    if in_ch != 3:
        fig.colorbar(image, ax=axes, shrink=0.6, label="weight")
    fig.suptitle(f"{name} {tuple(w.shape)}")
    return _finish(fig, save)


def capture_output(model, x, layer: str) -> np.ndarray:
    """Run `model(x)` in eval mode without recording gradients and return what module `layer`
    produced (the model's training flag is restored afterwards).

    The output is recorded by a forward hook on the module, removed again afterwards (also when
    the forward fails).

    Args:
        model: the Module to run.
        x: its input (Tensor or array).
        layer: qualified name of the module to watch, e.g. 'conv1' or 'layer1.0'.

    Returns:
        the module's output as a numpy array (the last call's, if the module runs twice).
    """
    modules = dict(model.named_modules())
    if layer not in modules or layer == "":
        raise KeyError(f"no module {layer!r} in {type(model).__name__}; modules: "
                       f"{', '.join(n for n in modules if n)}")
    seen = []
    was_training = model.training
    handle = modules[layer].register_forward_hook(lambda module, args, out: seen.append(out))
    try:
        model.eval()  # what the trained network computes at test time: no dropout, running BN stats
        with no_grad():
            model(x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=np.float32)))
    finally:
        model.train(was_training)
        handle.remove()
    if not seen:
        raise RuntimeError(f"module {layer!r} was not called by {type(model).__name__}.forward")
    return _array(seen[-1])


def plot_feature_maps(model, x, layer, save=None, ncols=None, max_maps=32, cmap="viridis"):
    """Show the channels that module `layer` produces for one input.

    Args:
        model: the Module.
        x: one input, (C, H, W) or (1, C, H, W) (with a batch, the first sample is shown).
        layer: the module to watch, e.g. 'conv1', 'act1' or 'layer2.0'.
        save: path of a PNG to write.
        ncols: columns of the grid.
        max_maps: draw at most this many channels.

    Returns:
        the Figure; `fig.axes[0]` shows the input image, `fig.axes[k + 1]` channel k of the
        module's output for it, all maps on one colour scale (the colour bar's).

    Example:
        >>> fig = plot_feature_maps(model, image, "act1", save="maps.png")   # doctest: +SKIP
    """
    x = _array(x)
    x = x[None] if x.ndim == 3 else x[:1]
    maps = capture_output(model, x, layer)[0]
    if maps.ndim != 3:
        raise ValueError(f"plot_feature_maps: {layer!r} produces {maps.shape} per input, not "
                         f"(channels, H, W) maps")
    maps = maps[:max_maps]
    rows, cols = _grid(len(maps) + 1, ncols)  # the input first, then the maps
    fig = _figure(max(3.5, cols * 1.1 + 0.8), max(2.0, rows * 1.1 + 0.4))
    axes = fig.subplots(rows, cols, squeeze=False)
    image = x[0]
    if image.shape[0] == 3:  # colour: channels last, stretched to [0, 1]
        image = np.transpose(image, (1, 2, 0))
        image = (image - image.min()) / ((image.max() - image.min()) or 1.0)
    else:  # one channel (or the first of several) in grey
        image = image[0]
    axes.flat[0].imshow(image, cmap="gray")
    axes.flat[0].set_title("input", fontsize=7, pad=2)
    lo, hi = float(maps.min()), float(maps.max())
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if 1 <= k <= len(maps):
            shown = ax.imshow(maps[k - 1], cmap=cmap, vmin=lo, vmax=hi if hi > lo else lo + 1)
            ax.set_title(str(k - 1), fontsize=7, pad=2)
        elif k > len(maps):
            ax.set_axis_off()
    fig.colorbar(shown, ax=axes, shrink=0.6, label=f"{layer} output")
    fig.suptitle(f"{layer}: {maps.shape[0]} maps of {maps.shape[1]}×{maps.shape[2]}")
    return _finish(fig, save)


def read_metrics(path) -> dict:
    """metrics.csv (written by train.fit) as column name -> float array."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError(f"{path} has no epochs yet")
    return {column: np.array([float(r[column]) for r in rows]) for column in rows[0]}


def plot_training_curves(metrics_csv_path, save=None):
    """Loss and accuracy per epoch, training and test, from a run's metrics.csv.

    Args:
        metrics_csv_path: the metrics.csv that `train.fit` / `python -m tinygrad_cnn train`
            writes (columns epoch, train_loss, train_acc, test_loss, test_acc, lr, seconds).
        save: path of a PNG to write.

    Returns:
        the Figure: axes[0] the losses, axes[1] the accuracies in percent, lines labelled by
        column name.

    Example:
        >>> fig = plot_training_curves("runs/demo/metrics.csv", save="curves.png")   # doctest: +SKIP
    """
    m = read_metrics(metrics_csv_path)
    fig = _figure(8.0, 3.2)
    from matplotlib.ticker import MaxNLocator
    loss_ax, acc_ax = fig.subplots(1, 2)
    for ax, kind in ((loss_ax, "loss"), (acc_ax, "acc")):
        for split, style in (("train", "-o"), ("test", "--s")):
            column = f"{split}_{kind}"
            if column in m:  # accuracy in percent, as training prints it
                values = m[column] * 100 if kind == "acc" else m[column]
                ax.plot(m["epoch"], values, style, label=column, markersize=4)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        if len(m["epoch"]) <= 12:  # few epochs: a tick on each (one epoch would get 0.95, 0.96, ...)
            ax.set_xticks(m["epoch"])
        ax.set_ylabel("cross-entropy" if kind == "loss" else "accuracy (%)")
        ax.grid(alpha=0.3)
        ax.legend()
    loss_ax.set_title("loss")
    acc_ax.set_title("accuracy")
    return _finish(fig, save)


def layer_grad_norms(model_or_grads) -> dict:
    """Layer name -> gradient norm.

    From a Module after backward(): the norm of each weight of a convolution or linear layer
    (parameters named '*.weight' with two or more dimensions; BatchNorm scales and biases are
    left out so the bars follow the network's depth). From a dict name -> gradient (array,
    Tensor or number): the norm of each entry."""
    if hasattr(model_or_grads, "named_parameters"):
        out = {}
        for name, p in model_or_grads.named_parameters():
            if name.endswith("weight") and p.ndim >= 2 and p.grad is not None:
                grad = p.grad.numpy().astype(np.float64)
                out[name.rpartition(".")[0] or name] = float(np.linalg.norm(grad))
        if not out:
            raise ValueError("plot_grad_norms: the model has no weight gradients; call "
                             "loss.backward() first")
        return out
    return {name: float(np.linalg.norm(np.asarray(_array(g), dtype=np.float64)))
            for name, g in model_or_grads.items()}


def plot_grad_norms(models_dict_or_named_grads, save=None, log=True):
    """Per-layer gradient norms as bar charts, one panel per network, input layer on the left.

    Args:
        models_dict_or_named_grads: {'plain': model_a, 'residual': model_b} (after backward), or
            {'plain': {'conv1.weight': grad, ...}, ...}, or one model, or one dict name -> grad.
        save: path of a PNG to write.
        log: logarithmic y axis (vanishing gradients span decades).

    Returns:
        the Figure; panel k's bar heights are the norms of network k, in layer order, and the
        panels share the y axis so heights compare across networks.

    Example:
        >>> fig = plot_grad_norms({"plain": plain, "residual": resnet},
        ...                       save="grads.png")   # doctest: +SKIP
    """
    given = models_dict_or_named_grads
    is_group = isinstance(given, dict) and given and all(
        hasattr(v, "named_parameters") or isinstance(v, dict) for v in given.values())
    if is_group:
        groups = {title: layer_grad_norms(v) for title, v in given.items()}
    else:
        title = type(given).__name__ if hasattr(given, "named_parameters") else "gradients"
        groups = {title: layer_grad_norms(given)}
    if not all(groups.values()):
        raise ValueError("plot_grad_norms: nothing to draw (an empty set of gradients)")
    longest = max(len(norms) for norms in groups.values())
    fig = _figure(min(18.0, 1.5 + 0.28 * longest * len(groups)), 3.8)
    axes = fig.subplots(1, len(groups), sharey=True, squeeze=False)[0]
    for ax, (title, norms) in zip(axes, groups.items()):
        ax.bar(range(len(norms)), list(norms.values()), color="#3b528b")
        ax.set_xticks(range(len(norms)), list(norms), rotation=90, fontsize=7)
        ax.set_title(title)
        if log:
            ax.set_yscale("log")
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("‖dL/dW‖ per layer")
    return _finish(fig, save)


def _class_colours(count: int):
    from matplotlib.colors import ListedColormap
    from matplotlib import colormaps
    base = colormaps["tab10" if count <= 10 else "tab20"]
    return ListedColormap([base(k % base.N) for k in range(count)])


def plot_segmentation(images, masks, predictions, save=None, max_images=6, alpha=0.5,
                      class_names=None):
    """One row per image: the image, the true mask over it, the predicted mask over it.

    Class 0 (background) is left transparent; other classes get distinct colours, named in a
    legend (`class_names`, default 'class 1', 'class 2', ...); the prediction's title gives its
    pixel accuracy against the mask.

    Args:
        images: (N, H, W), (N, 1, H, W) or (N, 3, H, W) arrays or Tensors.
        masks: (N, H, W) integer class per pixel.
        predictions: (N, H, W) integer classes, or (N, K, H, W) scores (argmax over K is taken).
        save: path of a PNG to write.
        max_images: draw at most this many rows.
        alpha: opacity of the mask colours.
        class_names: a name per class, class 0 (the background) first.

    Returns:
        the Figure; row i holds axes 3i (image), 3i+1 (mask), 3i+2 (prediction).

    Example:
        >>> fig = plot_segmentation(x, y, logits.argmax(1), save="seg.png")   # doctest: +SKIP
    """
    images, masks, predictions = _array(images), _array(masks), _array(predictions)
    if predictions.ndim == 4:
        predictions = predictions.argmax(1)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim not in (3, 4) or masks.ndim != 3 or predictions.ndim != 3:
        raise ValueError(f"plot_segmentation: expected images (N,H,W)/(N,C,H,W), masks and predictions "
                         f"(N,H,W); got {images.shape}, {masks.shape}, {predictions.shape}")
    if not (len(images) == len(masks) == len(predictions)) or masks.shape != predictions.shape:
        raise ValueError(f"plot_segmentation: images {images.shape}, masks {masks.shape} and "
                         f"predictions {predictions.shape} do not match")
    n = min(len(images), max_images)
    classes = int(max(masks.max(), predictions.max())) + 1
    colours = _class_colours(classes)
    fig = _figure(7.5, 2.4 * n + 0.3)
    axes = fig.subplots(n, 3, squeeze=False)
    for i in range(n):
        image = images[i]
        if image.ndim == 3:  # (3, H, W) -> channels last, stretched to [0, 1] for display
            image = np.transpose(image, (1, 2, 0))
            image = (image - image.min()) / ((image.max() - image.min()) or 1.0)
        accuracy = float((masks[i] == predictions[i]).mean())
        for ax, overlay, title in ((axes[i, 0], None, "image"), (axes[i, 1], masks[i], "mask"),
                                   (axes[i, 2], predictions[i], f"prediction ({accuracy:.0%} pixels)")):
            ax.imshow(image, cmap="gray")
            if overlay is not None:
                ax.imshow(np.ma.masked_equal(overlay.astype(int), 0), cmap=colours, vmin=0,
                          vmax=classes - 1, alpha=alpha, interpolation="nearest")
            ax.set_title(title, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
    from matplotlib.patches import Patch
    names = list(class_names) if class_names is not None else [f"class {k}" for k in range(classes)]
    if len(names) < classes:
        raise ValueError(f"plot_segmentation: {len(names)} class_names for {classes} classes")
    fig.legend(handles=[Patch(color=colours(k), alpha=alpha, label=names[k]) for k in range(1, classes)],
               loc="outside lower center", ncols=min(classes - 1, 6), fontsize=8)
    return _finish(fig, save)
