"""What `python -m tinygrad_cnn demo` (and `make demo`) draws once LeNet-5 is trained: the
explorer page of one test image's loss, the gradient-annotated graph, and matplotlib pictures of
what the network learned. Every picture that cannot be drawn on this machine is named, with why."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from .explore import explore
from .graph import draw_graph
from .render import INSTALL_HINT, dot_available, render


def first_feature_layer(model) -> str:
    """The module after the first convolution when it is an activation (its maps are what the
    next layer sees), else the first convolution itself."""
    names = [(name, type(m).__name__) for name, m in model.named_modules() if name]
    first = next(i for i, (_, kind) in enumerate(names) if kind == "Conv2d")
    following = names[first + 1] if first + 1 < len(names) else ("", "")
    return following[0] if following[1] in ("ReLU", "Tanh", "Sigmoid") else names[first][0]


def draw_results(model, loss, image, out, grads_of: str, say=print) -> list[str]:
    """Draw into folder `out`, running backward on `loss` once (the model's gradients are zeroed
    afterwards): backprop.html (the explorer) and graph.svg when Graphviz's `dot` exists,
    graph.dot always, and with matplotlib filters.png, feature_maps.png (for `image`) and
    curves.png (when out/metrics.csv exists). `say` prints what was written and what was skipped.
    Returns the names written."""
    out = Path(out)
    written = []
    if dot_available():
        explore(loss, params=model, path=out / "backprop.html", grads_of=grads_of)  # runs backward
        written.append("backprop.html")
    else:
        loss.backward()
    graph = draw_graph(loss, params=model, show_grads=True, grads_of=grads_of)
    model.zero_grad()  # the drawing's gradients must not leak into later use of the model
    (out / "graph.dot").write_text(graph.source)
    written.append("graph.dot")
    if dot_available():
        render(graph, out / "graph.svg")
        written.append("graph.svg")
    else:
        say(f"skipped graph.svg and backprop.html: Graphviz's `dot` program is not installed "
            f"(graph.dot holds the drawing's source); {INSTALL_HINT}")
    if importlib.util.find_spec("matplotlib") is None:
        say("wrote " + ", ".join(written) + " (pip install tinygrad-cnn[viz] for pictures)")
        return written
    from . import plots
    plots.plot_filters(model, save=out / "filters.png")
    plots.plot_feature_maps(model, image, first_feature_layer(model), save=out / "feature_maps.png")
    written += ["filters.png", "feature_maps.png"]
    if (out / "metrics.csv").exists():
        plots.plot_training_curves(out / "metrics.csv", save=out / "curves.png")
        written.append("curves.png")
    say("wrote " + ", ".join(written))
    if "backprop.html" in written:
        say(f"open {out / 'backprop.html'} in a browser: click the max_pool2d node to see its "
            f"gradient go to the winning cells, or press 'step backward' to replay backprop")
    return written
