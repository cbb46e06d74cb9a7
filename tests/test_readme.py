"""The README's examples must run as printed (their PyTorch twin: tests/torch_parity/test_readme_parity.py)."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _examples():
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_example_runs(capsys):
    ours = _examples()[0]
    exec(compile(ours, "README.md", "exec"), {})
    assert "torch.Size([4, 1, 3, 3])" in capsys.readouterr().out


def test_readme_drawing_example_runs(capsys):
    drawing = next(code for code in _examples() if "draw_graph" in code)
    exec(compile(drawing, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("digraph")
    assert "conv2d" in out and "conv1.weight" in out
