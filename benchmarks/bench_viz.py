"""Time drawing a big network: ResNet-50 at batch 1, 224×224, the graph of one forward.

    python benchmarks/bench_viz.py            # ResNet-50, depth None and 2, best of 3
    python benchmarks/bench_viz.py --quick    # ResNet-18 at 64×64, best of 1: a smoke test

Columns, each the best of `--repeat` runs:
  forward  model(x) in training mode, recording the graph (what draw_graph needs)
  trace    viz.trace: walking the recorded nodes into plain data
  dot      building the graphviz.Digraph from the trace (boxes, labels, colours) = graph.source
  svg      Graphviz's `dot` laying out and writing the SVG (skipped when `dot` is missing)
The target is an SVG of the whole ResNet-50 in under 10 s on a laptop-class CPU.
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import models  # noqa: E402
import tinygrad_cnn as tg  # noqa: E402
from tinygrad_cnn.viz import dot_available, render, trace  # noqa: E402
from tinygrad_cnn.viz.graph import graph_from_trace  # noqa: E402


def best_of(repeat: int, fn):
    """(best seconds, last result) of `repeat` calls."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    name, side = ("resnet18", 64) if args.quick else ("resnet50", 224)
    repeat = 1 if args.quick else args.repeat
    tg.manual_seed(0)
    model = models.create(name)
    x = tg.randn(1, 3, side, side)
    t_forward, y = best_of(repeat, lambda: model(x))
    t_trace, tr = best_of(repeat, lambda: trace(y, model))
    print(f"{name}, input 1×3×{side}×{side}: {len(tr.ops)} ops, {len(tr.tensors)} leaf tensors; "
          f"forward {t_forward:.2f} s, trace {t_trace:.3f} s (best of {repeat})")
    print(f"{'depth':>6}  {'nodes':>6}  {'dot (s)':>8}  {'svg (s)':>8}  {'svg KB':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for depth in (None, 2):
            t_dot, g = best_of(repeat, lambda: graph_from_trace(tr, depth=depth))
            nodes = sum(1 for line in g.source.splitlines() if "[label=" in line)
            if dot_available():
                path = os.path.join(tmp, f"graph_{depth}.svg")
                t_svg, _ = best_of(repeat, lambda: render(g, path))
                svg, size = f"{t_svg:8.2f}", f"{os.path.getsize(path) / 1024:7.0f}"
            else:
                svg, size = f"{'no dot':>8}", f"{'-':>7}"
            print(f"{str(depth):>6}  {nodes:>6}  {t_dot:8.3f}  {svg}  {size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
