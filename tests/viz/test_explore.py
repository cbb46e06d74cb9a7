"""explore's page without a browser: what it embeds (values, gradients, code, folding), that it
is self-contained, and its errors. The browser test (test_explore_browser.py) clicks through it."""
import base64
import html
import inspect
import re
import textwrap

import numpy as np
import pytest

import models
import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn.ops.pool import MaxPool2d
import importlib
from tinygrad_cnn.viz._explore_sample import summarize
from tinygrad_cnn.viz.highlight import highlight_python
from tinygrad_cnn.viz.render import GraphvizNotFoundError, dot_available

needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz's dot is not installed")


def decoded(m) -> np.ndarray:
    return np.frombuffer(base64.b64decode(m["data"]), dtype="<f2").astype(np.float32).reshape(m["h"], m["w"])


def lenet_loss(seed=0):
    tg.manual_seed(seed)
    net = models.create("lenet5", activation="relu", pooling="max")
    x = tg.randn(1, 1, 32, 32)
    return net, F.cross_entropy(net(x), tg.tensor([3]))


def test_the_highlighter_keeps_the_text_and_marks_what_python_reads():
    source = 'def f(x):  # a comment\n    return x * 2.5 + len("s")\n'
    out = highlight_python(source)
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == source
    for kind, text in (("k", "def"), ("d", "f"), ("c", "# a comment"), ("k", "return"),
                       ("n", "2.5"), ("b", "len"), ("s", '"s"')):
        assert f'<span class="{kind}">{html.escape(text)}</span>' in out
    source = inspect.getsource(MaxPool2d.backward)
    assert html.unescape(re.sub(r"<[^>]+>", "", highlight_python(source))) == source
    assert highlight_python('x = "unterminated\n') == html.escape('x = "unterminated\n')


def test_a_summary_keeps_exact_statistics_and_small_maps_of_the_first_example():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 6, 40, 20)).astype(np.float32)
    s = summarize(a, channels=4, crop=32)
    assert s["stats"]["norm"] == pytest.approx(np.linalg.norm(a.astype(np.float64)))
    assert s["stats"]["min"] == pytest.approx(a.min()) and s["stats"]["zeros"] == 0
    assert [m["at"] for m in s["maps"]] == ["[0, 0]", "[0, 1]", "[0, 2]", "[0, 3]"]
    np.testing.assert_array_equal(decoded(s["maps"][2]), a[0, 2, :32, :20].astype(np.float16))
    assert s["note"] == "first example, channels 0–3 of 6, top-left 32×20 of 40×20"
    kernel = summarize(a[:, :, :3, :3], "parameter", channels=4)
    assert [m["at"] for m in kernel["maps"]] == ["[0, 0]", "[1, 0]"]
    assert summarize(np.float32(np.nan))["stats"]["max"] == "nan"  # JSON cannot carry nan


@needs_dot
def test_the_page_holds_each_nodes_value_gradient_and_code_in_backward_order(tmp_path):
    net, loss = lenet_loss()
    twin, twin_loss = lenet_loss()
    table = tg.viz.explain_backward(twin_loss, params=twin)
    page = tg.viz.explore(loss, params=net, path=tmp_path / "lenet.html")
    assert page.path.read_text(encoding="utf-8") == page.html
    data = page.data
    assert [data["vertices"][i]["label"] for i in page.order] == [row.label for row in table]
    for name, p in net.named_parameters():  # explore ran the backward pass
        np.testing.assert_allclose(p.grad.detach().numpy(), dict(twin.named_parameters())[name].grad.detach().numpy())
    (pool,) = [i for i, v in data["vertices"].items() if v["label"] == "max_pool2d 2×2 s2" and v["scope"] == "pool1"]
    v = data["vertices"][pool]
    assert v["module"] == "MaxPool2d" and v["shape"] == [1, 6, 14, 14] and v["params"]["kernel_size"] == "(2, 2)"
    row = next(r for r in table if r.scope == "pool1")
    assert v["grad"]["stats"]["norm"] == pytest.approx(row.grad_output_norm, rel=1e-6)
    code = data["sources"]["MaxPool2d"]
    assert code["doc"] == inspect.cleandoc(MaxPool2d.__doc__)
    shown = html.unescape(re.sub(r"<[^>]+>", "", code["backward"]["html"]))
    assert shown == textwrap.dedent(inspect.getsource(MaxPool2d.backward))
    assert re.fullmatch(r"tinygrad_cnn/ops/pool\.py:\d+", code["backward"]["where"])
    import tinygrad_cnn.ops as ops
    if ops.MaxPool2d is not MaxPool2d:  # a fast kernel ran: the page shows the reference, and says so
        assert re.fullmatch(r"tinygrad_cnn/ops/fast/pool\.py:\d+", code["ran"])
    # Self-contained: nothing is loaded from anywhere (namespace URIs inside the SVG are names).
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page.html)
    assert "<link" not in page.html and "@import" not in page.html
    assert '<iframe srcdoc="' in page._repr_html_()


@needs_dot
def test_resnet18_starts_folded_to_depth_2_and_stays_small():
    tg.manual_seed(0)
    net = models.create("resnet18")
    net.eval()
    loss = F.cross_entropy(net(tg.randn(1, 3, 64, 64)), tg.tensor([1]))
    page = tg.viz.explore(loss, params=net)
    clusters = page.data["clusters"]
    folded = sorted(c["label"] for c in clusters.values() if c["folded"])
    assert "layer1.0 · BasicBlock" in folded and "layer2.0.downsample · Sequential" in folded
    assert not any(c["folded"] for c in clusters.values() if c["label"].startswith("layer1 ·"))
    block = next(c for c in clusters.values() if c["label"] == "layer1.0 · BasicBlock")
    assert sum(page.data["vertices"][m]["kind"] == "op" for m in block["members"]) == 7
    assert len(page.html) < 3_000_000


def test_bad_calls_say_what_is_wrong(monkeypatch):
    with pytest.raises(TypeError, match="explore expects a Tensor"):
        tg.viz.explore(np.zeros(3))
    with pytest.raises(RuntimeError, match="no recorded history"):
        tg.viz.explore(tg.randn(3))
    _, loss = lenet_loss()
    with pytest.raises(ValueError, match="depth must be an int >= 1"):
        tg.viz.explore(loss, depth=0)
    monkeypatch.setattr(importlib.import_module("tinygrad_cnn.viz.explore"), "dot_available", lambda: False)
    with pytest.raises(GraphvizNotFoundError, match="apt install graphviz"):
        tg.viz.explore(loss)


@needs_dot
def test_the_command_line_writes_a_page_and_draw_grads_names_the_loss(tmp_path, capsys):
    from tinygrad_cnn.cli import main
    out = tmp_path / "lenet.html"
    assert main(["explore", "lenet5", "--input-shape", "1,1,32,32", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "gradients of L = cross_entropy(output, class 0) of a random input" in text
    assert "click a node" in capsys.readouterr().out
    assert main(["draw", "lenet5", "--input-shape", "1,1,32,32", "--grads", "--out",
                 str(tmp_path / "g.dot")]) == 0
    assert "gradient norms of L = cross_entropy(output, class 0)" in (tmp_path / "g.dot").read_text()


def test_a_drawing_a_summary_and_an_explorer_display_inline_in_notebooks():
    net, loss = lenet_loss()
    graph = tg.viz.draw_graph(loss, params=net)
    assert callable(graph._repr_mimebundle_)  # Jupyter shows a graphviz.Digraph as SVG
    if dot_available():
        assert graph._repr_mimebundle_(include=["image/svg+xml"])["image/svg+xml"].lstrip().startswith("<")
    table = tg.viz.summary(net, (1, 1, 32, 32))._repr_html_()
    assert table.startswith("<pre>LeNet5: input (1, 1, 32, 32)") and "conv1" in table
    if dot_available():
        frame = tg.viz.explore(loss, params=net)._repr_html_()
        assert frame.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
