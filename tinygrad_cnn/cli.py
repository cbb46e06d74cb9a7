"""`python -m tinygrad_cnn train | demo | summary | draw`: train zoo models on the built-in data
sets, and describe or draw any zoo model.

A mistake on the command line never ends in a traceback: it prints `error: ...` and a hint on
stderr and exits with status 2 (a usage mistake) or 1 (something failed while running)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from .cli_common import INTERRUPTED, RUNTIME, CommandError, _create, _number
from .cli_train import TRAIN_DEFAULTS, _add_train, _training_args, cmd_train


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(s) for s in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--input-shape must look like 1,3,224,224, got {text!r}") from None
    if len(shape) != 4 or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"--input-shape needs 4 positive sizes N,C,H,W, got {text!r}")
    return shape


def cmd_demo(args) -> int:
    """Train LeNet-5 on the best data set available offline, then draw what it learned."""
    start = time.perf_counter()
    args.model, args.resume, args.override = "lenet5", None, False
    for key, value in TRAIN_DEFAULTS.items():
        if key not in ("epochs", "seed", "limit"):
            setattr(args, key, value)
    status = cmd_train(args)
    if status:
        return status
    if args._data.name == "digits":
        print("Fashion-MNIST was not found on this machine (/usr/share/datasets/fashion-mnist or "
              "$TINYGRAD_CNN_DATA), so the demo fell back to the bundled 8x8 digits")
    _draw_results(args._model, args._data, Path(args.out))
    print(f"demo finished in {time.perf_counter() - start:.0f} s; results in {args.out}/")
    return 0


def _draw_results(model, data, out: Path) -> None:
    """Draw what the trained model learned into `out` (viz/demo.py says what and where)."""
    from .nn.functional import cross_entropy
    from .tensor import Tensor
    from .viz.demo import draw_results
    images, labels = data.test.tensors
    model.zero_grad()
    loss = cross_entropy(model(Tensor(np.asarray(images[:1]))), Tensor(np.asarray(labels[:1])))
    draw_results(model, loss, images[0], out, f"L = cross_entropy(output, {int(labels[0])}) of test image 0")


def _render(graph, path: Path, required: bool = True) -> bool:
    """Render with Graphviz's `dot`; without it, raise (or return False) saying how to install it."""
    from .viz.render import GraphvizNotFoundError, dot_available, render
    if not dot_available() and not required:
        return False
    try:
        render(graph, path)
    except GraphvizNotFoundError as e:
        raise CommandError(str(e), "or write the graph's source with --out graph.dot",
                           RUNTIME) from None
    return True


def _shaped_forward(model, args, run):
    """`run()` (a forward at --input-shape), or a usage error naming the shape and the model."""
    try:
        return run()
    except (ValueError, TypeError) as err:  # a forward that rejects the shape
        raise CommandError(f"{args.model} cannot take --input-shape "
                           f"{','.join(map(str, args.input_shape))}: {err}",
                           f"check the shape against what {args.model} expects") from None


def cmd_summary(args) -> int:
    """Print a zoo model's per-layer parameters, operations and volumes (and, with
    --receptive-field, what the centre unit of its last feature map sees)."""
    from .viz.receptive_field import receptive_field
    from .viz.summary import summary
    model = _create(args.model, _model_kwargs(args))
    print(_shaped_forward(model, args, lambda: summary(model, args.input_shape)))
    if args.receptive_field or args.layer:
        try:
            field = receptive_field(model, args.input_shape, layer=args.layer)
        except ValueError as err:  # an unknown --layer, or a map the geometry cannot follow
            raise CommandError(str(err), "name a module printed by `summary`") from None
        print()
        print(field)
    return 0


DRAW_SUFFIXES = (".svg", ".png", ".pdf", ".dot")


def cmd_draw(args) -> int:
    from . import nn
    from .creation import randn
    from .viz.graph import draw_graph
    out = Path(args.out)
    if out.suffix.lower() not in DRAW_SUFFIXES:
        raise CommandError(f"--out {args.out}: cannot draw a {out.suffix or 'suffix-less'} file",
                           f"end the name with one of {', '.join(DRAW_SUFFIXES)}")
    if out.is_dir():
        raise CommandError(f"--out {args.out} is a folder", "name the picture's file")
    model = _create(args.model, _model_kwargs(args))
    model.eval()
    y = _shaped_forward(model, args, lambda: model(randn(*args.input_shape)))
    if args.grads:
        nn.functional.cross_entropy(y.reshape(y.shape[0], -1),
                                    _zeros_target(y.shape[0])).backward()
    graph = draw_graph(y, params=model, show_grads=args.grads, depth=args.depth,
                       grads_of="L = cross_entropy(output, class 0) of a random input")
    if out.suffix.lower() == ".dot":
        out.write_text(graph.source)
    else:
        _render(graph, out)
    print(f"wrote {out}")
    return 0


def cmd_explore(args) -> int:
    """Write the explorer page of a zoo model's loss on one random input (viz/explore.py)."""
    from .creation import randn
    from .nn.functional import cross_entropy
    from .viz.explore import explore
    from .viz.render import GraphvizNotFoundError
    model = _create(args.model, _model_kwargs(args))
    model.eval()
    y = _shaped_forward(model, args, lambda: model(randn(*args.input_shape)))
    loss = cross_entropy(y.reshape(y.shape[0], -1), _zeros_target(y.shape[0]))
    try:
        page = explore(loss, params=model, path=args.out, depth=args.depth,
                       grads_of="L = cross_entropy(output, class 0) of a random input")
    except GraphvizNotFoundError as e:
        raise CommandError(str(e), "install Graphviz (apt install graphviz) and run again",
                           RUNTIME) from None
    print(f"wrote {page.path}: open it in a browser, click a node, or press 'step backward'")
    return 0


def _zeros_target(n):
    from .tensor import Tensor
    return Tensor(np.zeros(n, dtype=np.int64))


def _model_kwargs(args) -> dict:
    kwargs = {}
    for item in args.option or []:
        key, equals, value = item.partition("=")
        if not equals or not key.isidentifier():
            raise CommandError(f"--option {item!r} is not KEY=VALUE", "e.g. --option num_classes=10")
        try:
            kwargs[key] = int(value)
        except ValueError:
            kwargs[key] = {"true": True, "false": False}.get(value.lower(), value)
    return kwargs


def _add_demo(commands):
    demo = commands.add_parser("demo", help="train LeNet-5 offline and draw what it learned",
                               formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    _training_args(demo, demo=True)
    demo.set_defaults(run=cmd_demo)


def _add_model_views(commands):
    for name, run, text in (("summary", cmd_summary, "per-layer parameters, operations, volume"),
                            ("draw", cmd_draw, "draw the computation graph of one forward")):
        p = commands.add_parser(name, help=text)
        p.add_argument("model")
        p.add_argument("--input-shape", type=_shape, required=True, help="N,C,H,W e.g. 1,1,32,32")
        p.add_argument("--option", action="append", metavar="KEY=VALUE", help="model keyword argument")
        if name == "summary":
            p.add_argument("--receptive-field", action="store_true",
                           help="also compute the receptive field of the last feature map")
            p.add_argument("--layer", default=None,
                           help="the module whose output map --receptive-field examines "
                                "(implies --receptive-field)")
        if name == "draw":
            p.add_argument("--out", default="graph.svg", help=".svg, .png, .pdf or .dot")
            p.add_argument("--depth", type=_number(int, inclusive=True), default=None,
                           help="collapse modules deeper than this")
            p.add_argument("--grads", action="store_true", help="colour tensors by gradient norm")
        p.set_defaults(run=run)
    explore = commands.add_parser("explore", help="an HTML page to click through forward and backward")
    explore.add_argument("model")
    explore.add_argument("--input-shape", type=_shape, required=True, help="N,C,H,W e.g. 1,1,32,32")
    explore.add_argument("--option", action="append", metavar="KEY=VALUE", help="model keyword argument")
    explore.add_argument("--out", default="backprop.html", help="the page to write")
    explore.add_argument("--depth", type=_number(int), default=2, help="modules deeper than this start folded")
    explore.set_defaults(run=cmd_explore)


COMMANDS = (_add_train, _add_demo, _add_model_views)  # each adds its sub-commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tinygrad_cnn", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv=None) -> int:
    """Run one command; a mistake prints `error: ...` and a hint, then exits 2 (usage) or 1."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CommandError as err:
        print(f"error: {err.message}" + (f"\n  hint: {err.hint}" if err.hint else ""),
              file=sys.stderr)
        raise
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    except OSError as err:  # a folder that cannot be written, a full disk, ...
        print(f"error: {err}\n  hint: check the paths and free space", file=sys.stderr)
        raise CommandError(str(err), "", RUNTIME) from None
