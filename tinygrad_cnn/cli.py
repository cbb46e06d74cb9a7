"""`python -m tinygrad_cnn train | demo | summary | draw`: train zoo models on the built-in data
sets, and describe or draw any zoo model."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from . import optim
from .random import manual_seed
from .train import DATASETS, TrainingStopped, fit, load


def _models():
    import models  # the zoo is a sibling package, imported only when a command needs it
    return models


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(s) for s in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--input-shape must look like 1,3,224,224, got {text!r}") from None
    if len(shape) != 4 or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"--input-shape needs 4 positive sizes N,C,H,W, got {text!r}")
    return shape


def _positive(kind):
    """An argparse type: a number of `kind` above zero, or a usage error naming the value."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be above 0, got {text!r}")
        return value
    parse.__name__ = f"positive {kind.__name__}"
    return parse


def _build_model(name: str, data, extra: dict):
    """A zoo model sized for the data set's images (channels, LeNet's padding for 28x28)."""
    models = _models()
    channels, side = data.image_shape[0], data.image_shape[-1]
    kwargs = {"num_classes": data.num_classes, "in_channels": channels, **extra}
    if name == "lenet5":
        kwargs.setdefault("activation", "relu")
        kwargs.setdefault("pooling", "max")
        kwargs.setdefault("padding", 2 if side == 28 else 0)
    if name.startswith("seed_net"):
        kwargs.setdefault("input_size", side)
    try:
        return models.create(name, **kwargs)
    except KeyError as err:
        raise SystemExit(str(err).strip("'\""))


def cmd_train(args) -> int:
    manual_seed(args.seed)
    data = load(args.dataset, seed=args.seed, limit=args.limit)
    print(f"data: {data.name}, {len(data.train)} training and {len(data.test)} test images "
          f"of shape {data.image_shape}")
    model = _build_model(args.model, data, {})
    if args.optimizer == "sgd":
        optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum,
                              weight_decay=args.weight_decay)
    else:
        optimizer = optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.1, patience=2) \
        if args.plateau else None
    try:
        history = fit(model, optimizer, data.train, data.test, epochs=args.epochs,
                      batch_size=args.batch_size, seed=args.seed, out_dir=args.out,
                      scheduler=scheduler, resume=args.resume, show_progress=not args.quiet)
    except TrainingStopped as stop:
        print(f"error: {stop}", file=sys.stderr)
        return 3
    if history.interrupted:
        return 130
    if history.epochs:
        print(f"test accuracy: {history.last['test_acc']:.2%} ({args.out})")
    args._model, args._data = model, data
    return 0


def cmd_demo(args) -> int:
    """Train LeNet-5 on the best data set available offline, then draw what it learned."""
    start = time.perf_counter()
    args.model, args.dataset, args.optimizer = "lenet5", "auto", "sgd"
    args.lr, args.momentum, args.batch_size, args.weight_decay = 0.01, 0.9, 64, 0.0
    args.plateau, args.resume = False, None
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
        raise SystemExit(str(e)) from None
    return True


def cmd_summary(args) -> int:
    """Print a zoo model's per-layer parameters, operations and volumes (and, with
    --receptive-field, what the centre unit of its last feature map sees)."""
    from .viz.receptive_field import receptive_field
    from .viz.summary import summary
    try:
        model = _models().create(args.model, **_model_kwargs(args))
    except KeyError as err:
        raise SystemExit(str(err).strip("'\""))
    try:
        print(summary(model, args.input_shape))
    except ValueError as err:  # a forward that rejects the shape: say which flag to change
        raise SystemExit(f"error: {err}\n(check --input-shape {','.join(map(str, args.input_shape))} "
                         f"against what {args.model} expects)") from None
    if args.receptive_field or args.layer:
        try:
            field = receptive_field(model, args.input_shape, layer=args.layer)
        except ValueError as err:  # an unknown --layer, or a map the geometry cannot follow
            raise SystemExit(f"error: {err}") from None
        print()
        print(field)
    return 0


def cmd_draw(args) -> int:
    from . import nn
    from .creation import randn
    from .viz.graph import draw_graph
    model = _models().create(args.model, **_model_kwargs(args))
    model.eval()
    y = model(randn(*args.input_shape))
    if args.grads:
        nn.functional.cross_entropy(y.reshape(y.shape[0], -1),
                                    _zeros_target(y.shape[0])).backward()
    graph = draw_graph(y, params=model, show_grads=args.grads, depth=args.depth,
                       grads_of="L = cross_entropy(output, class 0) of a random input")
    out = Path(args.out)
    if out.suffix == ".dot":
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
    model = _models().create(args.model, **_model_kwargs(args))
    model.eval()
    y = model(randn(*args.input_shape))
    loss = cross_entropy(y.reshape(y.shape[0], -1), _zeros_target(y.shape[0]))
    try:
        page = explore(loss, params=model, path=args.out, depth=args.depth,
                       grads_of="L = cross_entropy(output, class 0) of a random input")
    except GraphvizNotFoundError as e:
        raise SystemExit(str(e)) from None
    print(f"wrote {page.path}: open it in a browser, click a node, or press 'step backward'")
    return 0


def _zeros_target(n):
    from .tensor import Tensor
    return Tensor(np.zeros(n, dtype=np.int64))


def _model_kwargs(args) -> dict:
    kwargs = {}
    for item in args.option or []:
        key, _, value = item.partition("=")
        try:
            kwargs[key] = int(value)
        except ValueError:
            kwargs[key] = {"true": True, "false": False}.get(value.lower(), value)
    return kwargs


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tinygrad_cnn", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def training_args(p, demo=False):
        p.add_argument("--out", default="runs/demo" if demo else "runs/train", help="output folder")
        p.add_argument("--epochs", type=_positive(int), default=3, help="passes over the training set")
        p.add_argument("--seed", type=int, default=0, help="seeds the weights and the shuffling")
        p.add_argument("--limit", type=_positive(int), default=None,
                       help="use only the first N images of each split")
        p.add_argument("--quiet", action="store_true", help="no progress bar")

    train = commands.add_parser("train", help="train a zoo model on a built-in data set",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    train.add_argument("model", help="a name from models.list(), e.g. lenet5 or seed_net_mnist")
    train.add_argument("--dataset", default="auto", choices=DATASETS,
                       help="auto: Fashion-MNIST when its files are found, else the bundled digits")
    train.add_argument("--batch-size", type=_positive(int), default=64, help="images per step")
    train.add_argument("--lr", type=_positive(float), default=0.01, help="learning rate")
    train.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd", help="update rule")
    train.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    train.add_argument("--weight-decay", type=float, default=0.0, help="L2 penalty")
    train.add_argument("--plateau", action="store_true", help="divide the lr by 10 when test loss stalls")
    train.add_argument("--resume", default=None, help="a checkpoint.npz to continue from")
    training_args(train)
    train.set_defaults(run=cmd_train)

    demo = commands.add_parser("demo", help="train LeNet-5 offline and draw what it learned",
                               formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    training_args(demo, demo=True)
    demo.set_defaults(run=cmd_demo)

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
            p.add_argument("--depth", type=int, default=None, help="collapse modules deeper than this")
            p.add_argument("--grads", action="store_true", help="colour tensors by gradient norm")
        p.set_defaults(run=run)
    explore = commands.add_parser("explore", help="an HTML page to click through forward and backward")
    explore.add_argument("model")
    explore.add_argument("--input-shape", type=_shape, required=True, help="N,C,H,W e.g. 1,1,32,32")
    explore.add_argument("--option", action="append", metavar="KEY=VALUE", help="model keyword argument")
    explore.add_argument("--out", default="backprop.html", help="the page to write")
    explore.add_argument("--depth", type=_positive(int), default=2, help="modules deeper than this start folded")
    explore.set_defaults(run=cmd_explore)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    os.makedirs(getattr(args, "out", ".") if args.command in ("train", "demo") else ".", exist_ok=True)
    return args.run(args)
