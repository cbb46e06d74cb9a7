"""render: turn a graphviz.Digraph into an SVG, PNG or PDF file with Graphviz's `dot` program.

The DOT source (`graph.source`) never needs `dot`; only pictures do, so this is the one place
that looks for it and explains how to install it when it is missing."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

FORMATS = ("svg", "png", "pdf")

INSTALL_HINT = ("install Graphviz: `sudo apt install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS) or `conda install graphviz`; "
                "the DOT source (graph.source) can be saved without it")


class GraphvizNotFoundError(RuntimeError):
    """Raised when a picture is asked for but Graphviz's `dot` program is not on PATH."""


def dot_available() -> bool:
    """True when Graphviz's `dot` program is on PATH (needed for pictures, not for DOT text)."""
    return shutil.which("dot") is not None


def render(graph, path, format: str | None = None) -> Path:  # noqa: A002  (graphviz's own name)
    """Draw `graph` into the file `path` and return its Path.

    Args:
        graph: a graphviz.Digraph, e.g. from `draw_graph`.
        path: output file; its suffix picks the format when `format` is None.
        format: 'svg', 'png' or 'pdf'.

    Raises:
        ValueError: the format is not one of FORMATS.
        GraphvizNotFoundError: `dot` is not installed (the message says how to install it).
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".") or "svg").lower()
    if fmt not in FORMATS:
        raise ValueError(f"render: format must be one of {', '.join(FORMATS)}, got {fmt!r} "
                         f"(path {str(path)!r})")
    if not dot_available():
        raise GraphvizNotFoundError(f"render: Graphviz's `dot` program is not on PATH, so "
                                    f"{str(path)!r} cannot be drawn; {INSTALL_HINT}")
    if path.suffix.lstrip(".").lower() != fmt:
        path = path.with_name(path.name + "." + fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Draw next to the target, then rename: a failed or interrupted render leaves no half-file.
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a picture is an ordinary file
    try:
        Path(tmp).write_bytes(graph.pipe(format=fmt))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
