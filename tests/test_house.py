"""The house rules, checked on every run:

- imports inside tinygrad_cnn/ go one way: no group of modules imports each other in a loop;
- no text file under tinygrad_cnn/ or models/ passes 400 lines;
- torch is imported only by tests under tests/torch_parity/, and tests/ mirrors the package.

Every import counts as a tie: at module level or inside a function (a lazy import only delays the
loop, it does not remove it), absolute or relative, `from pkg import submodule` (a tie to the
submodule, not to pkg/__init__.py), and imports under `if TYPE_CHECKING:` (a type-only import still
says one module needs the other, so a loop through it is a loop in the design). A package's
__init__.py is a module of its own; importing `a.b.c` ties to `a.b.c` only (Python runs the parents'
__init__.py first, but a package importing its own children is the normal direction).

Allowed to import torch outside tests/torch_parity/, by design: tests/porting/ (each porting script
runs under both libraries), tests/test_tutorials.py (lesson 2 also runs under PyTorch) and
tests/fixtures/torch/make_torch_fixtures.py (run by hand to write the committed fixtures; pytest
never collects it). There is no allow-list of known debts: the package passes as it is.
"""
import ast
from collections import deque
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tinygrad_cnn"
MAX_LINES = 400
TORCH_ROOTS = {"torch", "torchvision", "torchaudio"}
TORCH_ALLOWED = ("tests/torch_parity/", "tests/porting/", "tests/test_tutorials.py",
                 "tests/fixtures/torch/make_torch_fixtures.py")
IMPORTING_CALLS = {"importorskip", "import_module", "__import__", "find_spec"}
TEST_DIRS_BY_DESIGN = {"torch_parity", "porting", "fixtures"}  # no package part of their own


# --- the import graph --------------------------------------------------------------------------
def package_modules(root: Path) -> dict:
    """Dotted module name -> file, for every .py under the package directory `root`."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _constant_string_argument(node) -> str:
    """The module named by `import_module("x")`-style calls; "" for anything else."""
    if isinstance(node, ast.Call) and _call_name(node) in IMPORTING_CALLS and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return ""


def imported_names(node: ast.AST, module: str, is_package: bool) -> list:
    """The absolute dotted names one import statement reaches. `from X import y` gives X.y, which
    resolves to the submodule X.y when there is one and to X itself when y is a plain attribute."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        source = node.module or ""
        if node.level:  # level 1 is the package holding this module (an __init__ is its package)
            base = module if is_package else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = ".".join(part for part in (base, source) if part)
        return [f"{source}.{alias.name}" for alias in node.names]
    name = _constant_string_argument(node)
    return [name] if name and not name.startswith(".") else []


def _known_prefix(name: str, known) -> str:
    """The longest dotted prefix of `name` that is a module of the package ("" for none)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def import_graph(root: Path) -> tuple:
    """({module: {imported module: first line}}, {module: file}) over the package at `root`."""
    files = package_modules(root)
    graph = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        ties = {}
        for node in ast.walk(tree):  # every depth: functions, classes and TYPE_CHECKING blocks
            for name in imported_names(node, module, path.name == "__init__.py"):
                target = _known_prefix(name, files)
                if target and target != module:
                    ties[target] = min(ties.get(target, node.lineno), node.lineno)
        graph[module] = ties
    return graph, files


def import_circles(graph: dict) -> list:
    """The groups of modules that reach one another through imports: the strongly connected
    components of more than one module (Tarjan: a component's root is the first module visited
    whose lowest reachable visit index is its own)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(circles)


def a_loop_through(circle: list, graph: dict) -> list:
    """One shortest import loop from the circle's first module back to itself (breadth-first)."""
    start, members = circle[0], set(circle)
    came_from, queue = {}, deque([start])
    while queue:
        module = queue.popleft()
        for target in sorted(graph[module].keys() & members):
            if target == start:
                loop = [module]
                while loop[-1] != start:
                    loop.append(came_from[loop[-1]])
                return [start] + loop[::-1][1:] + [start]
            if target not in came_from:
                came_from[target] = module
                queue.append(target)
    return circle


def describe_circles(circles: list, graph: dict, files: dict, base: Path) -> str:
    """Each circle's modules, then one loop through them with the file and line of each import."""
    lines = []
    for circle in circles:
        lines.append(f"import circle of {len(circle)} modules: {', '.join(circle)}")
        loop = a_loop_through(circle, graph)
        for here, there in zip(loop, loop[1:]):
            where = files[here].relative_to(base).as_posix()
            lines.append(f"  {here} imports {there}  ({where}:{graph[here][there]})")
    return "\n".join(lines)


# --- long files and torch imports ----------------------------------------------------------------
def long_files(roots, limit=MAX_LINES) -> list:
    """(path, lines) of every text file under `roots` longer than `limit` lines (binary files such
    as .npz weights have no lines to count)."""
    found = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            data = path.read_bytes()
            if b"\0" in data:
                continue
            try:
                count = len(data.decode("utf-8").splitlines())
            except UnicodeDecodeError:
                continue
            if count > limit:
                found.append((path, count))
    return found


def torch_imports(source: str, filename: str = "<test>") -> list:
    """Line numbers where `source` imports torch (or torchvision/torchaudio): import statements and
    importorskip / import_module / __import__ / find_spec calls naming it."""
    lines = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        else:
            names = [_constant_string_argument(node)]
        if any(name.split(".")[0] in TORCH_ROOTS for name in names):
            lines.append(node.lineno)
    return sorted(lines)


# --- the rules, on the real code -----------------------------------------------------------------
@pytest.mark.parametrize("package, least", [(PACKAGE, 50), (ROOT / "models", 8)],
                         ids=["tinygrad_cnn", "models"])
def test_no_import_circle(package, least):
    graph, files = import_graph(package)
    assert len(graph) > least, "the package was not found"
    circles = import_circles(graph)
    assert not circles, "\n" + describe_circles(circles, graph, files, ROOT)


def test_no_file_in_the_package_or_the_models_passes_400_lines():
    found = long_files([PACKAGE, ROOT / "models"])
    assert not found, f"files over {MAX_LINES} lines:\n" + "\n".join(
        f"  {path.relative_to(ROOT)}: {count}" for path, count in found)


def test_only_torch_parity_tests_import_torch():
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(TORCH_ALLOWED):
            continue
        lines = torch_imports(path.read_text(encoding="utf-8"), relative)
        offenders += [f"  {relative}:{line}" for line in lines]
    assert not offenders, ("torch comparisons belong under tests/torch_parity/ "
                           "(in a file named after the package part they compare):\n" + "\n".join(offenders))


def test_test_directories_mirror_the_package():
    """Each test directory names a part of tinygrad_cnn (tests/nn/functional/ for
    tinygrad_cnn/nn/functional/, tests/autograd/ for autograd.py), or models/, or is one of the
    directories kept by design; each is a package so helpers import as tests.x.y."""
    problems = []
    for folder in sorted({p.parent for p in (ROOT / "tests").rglob("test_*.py")} - {ROOT / "tests"}):
        parts = folder.relative_to(ROOT / "tests").parts
        if not (folder / "__init__.py").exists():
            problems.append(f"  tests/{'/'.join(parts)}/ has no __init__.py")
        if parts[0] in TEST_DIRS_BY_DESIGN:
            continue
        base = ROOT / "models" if parts[0] == "models" else PACKAGE.joinpath(*parts)
        if not (base.is_dir() or base.with_suffix(".py").is_file()):
            problems.append(f"  tests/{'/'.join(parts)}/ mirrors no part of tinygrad_cnn")
    assert not problems, "\n" + "\n".join(problems)


# --- the detectors, on synthetic code ------------------------------------------------------------
def write_package(root: Path, files: dict) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / next(iter(files)).split("/")[0]


def test_a_circle_through_lazy_relative_and_submodule_imports_is_found(tmp_path):
    pkg = write_package(tmp_path, {
        "pkg/__init__.py": "from .a import A\n",
        "pkg/a.py": "from .b import helper\n\nclass A:\n    pass\n",
        "pkg/b.py": "def helper():\n    from pkg import c   # lazy, and a submodule\n    return c\n",
        "pkg/c.py": "from . import a\n",
        "pkg/leaf.py": "import numpy\n",
    })
    graph, files = import_graph(pkg)
    assert graph["pkg"] == {"pkg.a": 1} and graph["pkg.b"] == {"pkg.c": 2}
    assert import_circles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    message = describe_circles(import_circles(graph), graph, files, tmp_path)
    assert "import circle of 3 modules: pkg.a, pkg.b, pkg.c" in message
    assert "pkg.b imports pkg.c  (pkg/b.py:2)" in message and "pkg.c imports pkg.a  (pkg/c.py:1)" in message


def test_type_checking_imports_and_subpackages_count(tmp_path):
    pkg = write_package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/x.py": "from .sub.y import Y\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/y.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..x import X\n",
    })
    graph, _ = import_graph(pkg)
    assert import_circles(graph) == [["pkg.sub.y", "pkg.x"]]


def test_a_module_importing_its_package_init_closes_a_circle(tmp_path):
    pkg = write_package(tmp_path, {
        "pkg/__init__.py": "from pkg.core import Core\n",
        "pkg/core.py": "import pkg\n",
    })
    assert import_circles(import_graph(pkg)[0]) == [["pkg", "pkg.core"]]


def test_a_one_way_package_has_no_circle(tmp_path):
    pkg = write_package(tmp_path, {
        "pkg/__init__.py": "from . import low, mid\nfrom .top import run\nfrom .sub import leaf\n",
        "pkg/low.py": "import math\nVALUE = 1\n",
        "pkg/mid.py": "import pkg.low\nfrom . import low\n\ndef f():\n    from .low import VALUE\n    return VALUE\n",
        "pkg/top.py": "from pkg.mid import f\nfrom .sub.leaf import g\n\ndef run():\n    return f() + g()\n",
        "pkg/sub/__init__.py": "from .leaf import g\n",
        "pkg/sub/leaf.py": "from .. import low\n\ndef g():\n    return low.VALUE\n",
    })
    graph, _ = import_graph(pkg)
    assert graph["pkg.top"] == {"pkg.mid": 1, "pkg.sub.leaf": 2}
    assert graph["pkg.sub.leaf"] == {"pkg.low": 1}
    assert import_circles(graph) == []


def test_long_files_are_listed_and_binary_files_skipped(tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n" * MAX_LINES)
    (tmp_path / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "weights.npz").write_bytes(b"PK\0" + b"\n" * 1000)
    assert long_files([tmp_path]) == [(tmp_path / "long.py", MAX_LINES + 1)]


def test_torch_imports_are_found_in_every_spelling():
    source = ("import numpy\nimport torch.nn as tnn\nfrom torchvision import models\n"
              "def test():\n    torch = pytest.importorskip('torch')\n"
              "    importlib.import_module('torch.utils.data')\n")
    assert torch_imports(source) == [2, 3, 5, 6]
    harmless = "import tinygrad_cnn as torch\nimport torchtext_like\ntg.save(x, 'x.pt', format='torch')\n"
    assert torch_imports(harmless) == []
