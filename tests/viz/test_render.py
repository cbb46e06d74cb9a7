"""render(): real SVG and PNG files when Graphviz's `dot` is installed (CI installs it), and a
clear, actionable error when it is not."""
import shutil
import struct
import xml.etree.ElementTree as ET

import pytest

import tinygrad_cnn as tg
from models.lenet import LeNet5
from tinygrad_cnn.viz import GraphvizNotFoundError, dot_available, draw_graph, render

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")


@pytest.fixture(scope="module")
def lenet_graph():
    tg.manual_seed(0)
    model = LeNet5(activation="relu", pooling="max")
    return draw_graph(model(tg.randn(1, 1, 32, 32)), params=model)


def svg_texts(path) -> list:
    root = ET.parse(path).getroot()  # raises if the file is not well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text]


@needs_dot
def test_svg_is_xml_and_names_the_expected_nodes(lenet_graph, tmp_path):
    path = render(lenet_graph, tmp_path / "lenet.svg")
    assert path == tmp_path / "lenet.svg"
    texts = svg_texts(path)
    for expected in ("conv1.weight (6,1,5,5)", "conv2d k5 s1 p0", "max_pool2d 2×2 s2",
                     "input (1,1,32,32)", "output (1,10)", "fc2.weight (10,84)", "LeNet5"):
        assert expected in texts
    assert texts.count("conv2d k5 s1 p0") == 3
    assert not list(tmp_path.glob("*.tmp"))


@needs_dot
def test_png_has_the_signature_and_a_sensible_size(lenet_graph, tmp_path):
    path = render(lenet_graph, tmp_path / "lenet", format="png")
    assert path.name == "lenet.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert 300 < width < 5000 and 500 < height < 5000 and height > width / 2


@needs_dot
def test_a_rendered_file_gets_ordinary_permissions(lenet_graph, tmp_path):
    import os
    previous = os.umask(0o022)
    try:
        path = render(lenet_graph, tmp_path / "lenet.svg")
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644  # readable by a web server, like any saved file


@needs_dot
def test_a_failed_render_leaves_no_file_behind(tmp_path):
    graphviz = pytest.importorskip("graphviz")
    broken = graphviz.Source("digraph { a -> }")  # a syntax error: dot exits with an error
    with pytest.raises(Exception):
        render(broken, tmp_path / "broken.svg")
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_refused_before_looking_for_dot(lenet_graph, tmp_path):
    with pytest.raises(ValueError, match="svg, png, pdf"):
        render(lenet_graph, tmp_path / "graph.gif")


@pytest.mark.parametrize("hide", ["which", "PATH"])
def test_missing_dot_raises_with_install_instructions(lenet_graph, tmp_path, monkeypatch, hide):
    if hide == "which":
        monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    else:
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert not dot_available()
    with pytest.raises(GraphvizNotFoundError) as info:
        render(lenet_graph, tmp_path / "graph.svg")
    message = str(info.value)
    for hint in ("apt install graphviz", "brew install graphviz", "conda install graphviz", "graph.svg"):
        assert hint in message
    assert not (tmp_path / "graph.svg").exists()
    assert "digraph" in lenet_graph.source  # the DOT text never needs dot


def load_make_graphs():
    import runpy
    from pathlib import Path
    script = Path(__file__).resolve().parents[2] / "docs" / "graphs" / "make_graphs.py"
    return runpy.run_path(str(script), run_name="make_graphs")


@needs_dot
def test_the_documented_graphs_are_reproducible_by_their_script(tmp_path, capsys):
    paths = load_make_graphs()["main"](tmp_path)
    assert sorted(p.name for p in paths) == ["lenet5.svg", "resnet18_depth2.svg",
                                             "resnet_basicblock.svg", "unet.svg"]
    texts = {p.stem: svg_texts(p) for p in paths}
    assert "conv1.weight (6,1,5,5)" in texts["lenet5"] and "‖grad‖ 1e0" in texts["lenet5"]
    assert "layer3.1: BasicBlock" in texts["resnet18_depth2"]
    assert "downsample · Sequential" in texts["resnet_basicblock"] and "add" in texts["resnet_basicblock"]
    assert texts["unet"].count("cat dim1") == 3 and "UNet" in texts["unet"]
    assert "wrote" in capsys.readouterr().out
