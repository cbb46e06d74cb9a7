"""The README's checkpoint example runs as printed (in a scratch folder)."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_checkpoint_example_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    example = next(code for code in blocks if 'tg.save(net.state_dict(), "lenet5.pth")' in code)
    monkeypatch.chdir(tmp_path)
    scope = {}
    exec(compile(example, "README.md", "exec"), scope)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lenet5.npz", "lenet5.pth"]
    assert list(scope["state"]) == list(scope["net"].state_dict())


def test_readme_pretrained_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    example = next(code for code in blocks if 'net.pretrained["mean"]' in code)
    scope = {}
    exec(compile(example, "README.md", "exec"), scope)
    assert scope["net"].pretrained["classes"][:3] == ["T-shirt/top", "Trouser", "Pullover"]
