"""The explorer page in a real browser: headless Chromium opens it with #selftest=<max-pool>,
whose script clicks the max-pool node and presses "step backward" three times, then writes what
the page showed (titles, statistics cells, heatmap values, highlighted nodes, code) into the DOM.
Every number is checked against the tensors themselves, captured here with forward hooks and
the parameters' .grad. Skipped where no Chromium or Graphviz is installed (.ci/run installs both)."""
import html
import inspect
import json
import re
import shutil
import subprocess
import textwrap

import numpy as np
import pytest

import models
import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn.ops.pool import MaxPool2d
from tinygrad_cnn.viz.render import dot_available

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)
pytestmark = [pytest.mark.skipif(BROWSER is None, reason="no Chromium to run the page in"),
              pytest.mark.skipif(not dot_available(), reason="Graphviz's dot is not installed")]


def open_in_browser(page_path, fragment: str, tmp_path) -> dict:
    """Load the page in headless Chromium and return the JSON report its self-test wrote."""
    command = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
               page_path.resolve().as_uri() + "#" + fragment]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="selftest">(.*?)</pre>', done.stdout, re.S)
    assert found, f"the page's self-test wrote nothing; browser said: {done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def number(text: str) -> float:
    return float(text.rstrip("%").replace("−", "-"))


def assert_stats_shown(cells: dict, array) -> None:
    a = np.asarray(array, dtype=np.float64)
    expected = {"min": a.min(), "max": a.max(), "mean": a.mean(), "std": a.std(),
                "norm": np.linalg.norm(a.ravel())}
    for stat, value in expected.items():  # shown with 4 significant digits
        assert number(cells[stat]) == pytest.approx(value, rel=2e-3, abs=1e-9), stat
    assert number(cells["zeros"]) == pytest.approx(100 * np.mean(a == 0), abs=0.06)


def shown_map(report: dict, caption: str) -> np.ndarray:
    (m,) = [m for m in report["maps"] if m["caption"].startswith(caption + " ")]
    return np.array(m["values"], dtype=np.float32).reshape(m["rows"], m["cols"])


def test_clicking_max_pool_shows_the_gradient_routed_to_the_argmax_cells_then_steps_backward(tmp_path):
    tg.manual_seed(0)
    net = models.create("lenet5", activation="relu", pooling="max")
    seen = {}
    for name in ("act1", "pool1"):
        getattr(net, name).register_forward_hook(lambda m, args, out, name=name: seen.__setitem__(name, out.detach().numpy()))
    loss = F.cross_entropy(net(tg.randn(1, 1, 32, 32)), tg.tensor([3]))
    page = tg.viz.explore(loss, params=net, path=tmp_path / "lenet.html")
    (pool,) = [i for i, v in page.data["vertices"].items() if v["scope"] == "pool1"]
    report = open_in_browser(page.path, f"selftest={pool}", tmp_path)

    clicked = report["clicked"]
    assert clicked["title"] == "max_pool2d 2×2 s2" and "module pool1 (MaxPool2d)" in clicked["sub"]
    assert clicked["selected"] == pool
    x, y = seen["act1"], seen["pool1"]
    assert_stats_shown(clicked["rows"]["y"], y)
    assert_stats_shown(clicked["rows"]["x0"], x)
    dy_shown = {c: shown_map(clicked, f"dL/dy [0, {c}]") for c in range(4)}
    for c in range(4):
        np.testing.assert_allclose(shown_map(clicked, f"y [0, {c}]"), y[0, c], rtol=1e-3, atol=1e-3)
        np.testing.assert_allclose(shown_map(clicked, f"x0 [0, {c}]"), x[0, c], rtol=1e-3, atol=1e-3)
        # The gradient each window received goes to the cell that won it (the first maximum).
        windows = x[0, c].reshape(14, 2, 14, 2).transpose(0, 2, 1, 3).reshape(14, 14, 4)
        winner = windows.argmax(-1)
        expected = np.zeros((28, 28), np.float32)
        rows, cols = np.indices((14, 14))
        expected[2 * rows + winner // 2, 2 * cols + winner % 2] = dy_shown[c]
        dx_shown = shown_map(clicked, f"dL/dx0 [0, {c}]")
        np.testing.assert_array_equal(dx_shown != 0, expected != 0)
        np.testing.assert_array_equal(dx_shown, expected)
    assert number(clicked["rows"]["dL/dx0"]["zeros"]) >= 75.0  # 3 of 4 cells get nothing
    assert clicked["code"][1] == textwrap.dedent(inspect.getsource(MaxPool2d.backward))
    assert "def forward" in clicked["code"][0]

    steps, order = report["steps"], page.order
    assert [s["current"] for s in steps] == [[order[0]], [order[1]], [order[2]]]
    assert [s["selected"] for s in steps] == order[:3]
    assert steps[0]["status"].startswith(f"step 1 / {len(order)}: backward of nll_loss")
    assert_stats_shown(steps[0]["rows"]["dL/dy"], np.ones(()))  # dL/dL = 1
    assert_stats_shown(steps[0]["rows"]["y"], loss.detach().numpy())
    # Step 3 is fc2's linear: the gradients it sends are the parameters' .grad, shown in orange.
    assert steps[2]["title"] == "linear" and "fc2" in steps[2]["sub"]
    flows = page.data["flows"][order[2]]
    names = {page.data["vertices"][f["to"]]["label"]: k for k, f in enumerate(flows)}
    assert_stats_shown(steps[2]["rows"][f"dL/dx{names['fc2.weight']}"], net.fc2.weight.grad.detach().numpy())
    assert_stats_shown(steps[2]["rows"][f"dL/dx{names['fc2.bias']}"], net.fc2.bias.grad.detach().numpy())
    assert sorted(steps[2]["receives"]) == sorted(f["to"] for f in flows)
    assert steps[2]["flows"] == 3


def test_resnet_blocks_start_folded_and_a_step_inside_one_lights_its_box(tmp_path):
    tg.manual_seed(0)
    net = models.create("resnet18")
    net.eval()
    loss = F.cross_entropy(net(tg.randn(1, 3, 32, 32)), tg.tensor([0]))
    page = tg.viz.explore(loss, params=net, path=tmp_path / "resnet.html")
    data = page.data
    (fc,) = [i for i, v in data["vertices"].items() if v["scope"] == "fc" and v["kind"] == "op"]
    report = open_in_browser(page.path, f"selftest={fc}&presses=8", tmp_path)
    folded = {c["label"].split(" · ")[0] for name, c in data["clusters"].items() if name in report["folded"]}
    assert {"layer1.0", "layer4.1", "layer2.0.downsample"} <= folded and "layer1" not in folded
    inside = {m for name in report["folded"] for m in data["clusters"][name]["members"]}
    assert set(report["hidden"]) == inside  # the ops of folded blocks are hidden, nothing else
    assert report["height"] < report["fullHeight"] / 2  # folded boxes give their room back
    # Backward's 8th node is inside layer4.1, folded: its box lights up in its place.
    order = data["order"]
    assert report["clicked"]["title"] == "linear" and report["steps"][0]["current"] == [order[0]]
    block = next(n for n in report["folded"] if data["clusters"][n]["label"].startswith("layer4.1 "))
    assert data["vertices"][order[7]]["scope"].startswith("layer4.1")
    assert order[7] in data["clusters"][block]["members"]
    assert report["steps"][7]["current"] == [block] and report["steps"][7]["selected"] == order[7]
    assert report["steps"][7]["status"].startswith(f"step 8 / {len(order)}: backward of ")
