"""`python -m tinygrad_cnn train`: train a zoo model on a built-in data set, and resume a run
exactly, refusing (in one line) a resume that would silently change it."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from . import optim
from .cli_common import RUNTIME, CommandError, INTERRUPTED, _create, _number, _positive
from .data.datasets import DatasetNotFoundError
from .random import manual_seed
from .train import DATASETS, TrainingStopped, checkpoint, fit, load
from .train.data import DatasetDamagedError


def _build_model(name: str, data, extra: dict):
    """A zoo model sized for the data set's images (channels, LeNet's padding for 28x28)."""
    channels, side = data.image_shape[0], data.image_shape[-1]
    kwargs = {"num_classes": data.num_classes, "in_channels": channels, **extra}
    if name == "lenet5":
        kwargs.setdefault("activation", "relu")
        kwargs.setdefault("pooling", "max")
        kwargs.setdefault("padding", 2 if side == 28 else 0)
    if name.startswith("seed_net"):
        kwargs.setdefault("input_size", side)
    model = _create(name, kwargs)
    _probe(model, name, data)
    return model


def _probe(model, name, data) -> None:
    """One forward of one image in eval mode (no randomness drawn, nothing updated), so a model
    that cannot take the data set's images is refused before anything is written."""
    from .autograd import no_grad
    from .tensor import Tensor
    model.eval()
    try:
        with no_grad():
            model(Tensor(np.asarray(data.train.tensors[0][:1])))
    except (ValueError, TypeError) as err:
        raise CommandError(f"{name} cannot take the {data.name} images of shape "
                           f"{data.image_shape}: {err}", "choose another --dataset or model") from None
    finally:
        model.train()


TRAIN_DEFAULTS = {"dataset": "auto", "optimizer": "sgd", "lr": 0.01, "momentum": 0.9,
                  "weight_decay": 0.0, "batch_size": 64, "seed": 0, "epochs": 3, "limit": None,
                  "plateau": False}
FIXED = ("model", "dataset", "optimizer", "batch_size", "seed", "limit", "plateau")  # a new run
TUNABLE = ("lr", "momentum", "weight_decay")  # may change on resume with --override


def _flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def _settings(args, saved: dict | None) -> dict:
    """The run's hyper-parameters: those given on the command line, then the checkpoint's, then
    the defaults. Refuses (one line each) a resume that would silently change the run."""
    given = {key: getattr(args, key) for key in TRAIN_DEFAULTS if getattr(args, key) is not None}
    given["model"] = args.model
    if saved is None:
        return {**TRAIN_DEFAULTS, **given}
    for key in FIXED:
        if key in saved and key in given and given[key] != saved[key]:
            what = f"{_flag(key)} {given[key]}" if key != "model" else f"model {given[key]}"
            raise CommandError(f"{what} differs from the checkpoint's {saved[key]}",
                               "a resumed run keeps its model, data and optimizer; drop the "
                               "option, or start a new run with another --out")
    changed = [k for k in TUNABLE if k in saved and k in given and given[k] != saved[k]]
    if changed and not args.override:
        text = ", ".join(f"{_flag(k)} {given[k]} (checkpoint: {saved[k]})" for k in changed)
        raise CommandError(f"{text} differs from the checkpoint",
                           "drop the option to keep the checkpoint's value, or add --override "
                           "to continue with the new one")
    for key in changed:
        print(f"warning: continuing with {_flag(key)} {given[key]} instead of the checkpoint's "
              f"{saved[key]} (--override)", file=sys.stderr)
    settings = {**TRAIN_DEFAULTS, **{k: v for k, v in saved.items() if k in TRAIN_DEFAULTS},
                **given}
    if "epochs" not in given:  # finish the run the checkpoint was part of
        settings["epochs"] = saved.get("epochs", TRAIN_DEFAULTS["epochs"])
    return settings


def _read_resume(path: str):
    try:
        return checkpoint.read(path)
    except (OSError, ValueError) as err:
        raise CommandError(f"--resume: {err}",
                           "pass the checkpoint.npz a train run wrote") from None


def _load_data(settings):
    try:
        return load(settings["dataset"], seed=settings["seed"], limit=settings["limit"])
    except DatasetNotFoundError as err:
        raise CommandError(str(err), "or train on the bundled digits: --dataset digits",
                           RUNTIME) from None
    except DatasetDamagedError as err:
        raise CommandError(str(err), "", RUNTIME) from None


def _out_folder(args, resume_path) -> Path:
    out = Path(args.out) if args.out is not None else \
        Path(resume_path).parent if resume_path else Path("runs/train")
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {out} is a file, not a folder", "name a folder for the run")
    return out


def cmd_train(args) -> int:
    state = _read_resume(args.resume) if args.resume else None
    saved = dict(state["config"]) if state is not None else None
    settings = _settings(args, saved)
    out = _out_folder(args, args.resume)
    done = int(np.asarray(state["epoch"])) if state is not None else 0
    if state is not None and settings["epochs"] <= done:
        held = checkpoint.describe(done, int(np.asarray(state["step"])))
        raise CommandError(f"--epochs {settings['epochs']} is not beyond the checkpoint, which "
                           f"holds {held}" if args.epochs is not None else
                           f"the checkpoint's run is finished (it holds {held})",
                           f"pass --epochs {done + 1} or more to train on")
    elsewhere = state is not None and out.resolve() != Path(args.resume).resolve().parent
    if (state is None or elsewhere) and not args.overwrite and checkpoint.earlier_run(out):
        raise CommandError(f"--out {out} already holds a run ({checkpoint.earlier_run(out)})",
                           (f"continue it with --resume {out / 'checkpoint.npz'}, "
                            if args.command == "train" else "") +
                           "replace it with --overwrite, or choose another --out")
    manual_seed(settings["seed"])
    data = _load_data(settings)
    print(f"data: {data.name}, {len(data.train)} training and {len(data.test)} test images "
          f"of shape {data.image_shape}")
    model = _build_model(settings["model"], data, {})
    if settings["optimizer"] == "sgd":
        optimizer = optim.SGD(model.parameters(), lr=settings["lr"], momentum=settings["momentum"],
                              weight_decay=settings["weight_decay"])
    else:
        optimizer = optim.Adam(model.parameters(), lr=settings["lr"],
                               weight_decay=settings["weight_decay"])
    scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.1, patience=2) \
        if settings["plateau"] else None
    if state is not None:
        _check_resumable(state, saved, settings, model, data)
        changed = [key for key in TUNABLE if key in saved and settings[key] != saved[key]]
        for group in state["optimizer"]["param_groups"]:  # the --override values
            group.update({key: settings[key] for key in changed if key in group})
    config = dict(settings, num_classes=data.num_classes, image_shape=list(data.image_shape))
    try:
        history = fit(model, optimizer, data.train, data.test, epochs=settings["epochs"],
                      batch_size=settings["batch_size"], seed=settings["seed"], out_dir=out,
                      scheduler=scheduler, resume=state, show_progress=not args.quiet,
                      save_every=args.save_every, overwrite=True, config=config)
    except TrainingStopped as stop:
        print(f"error: {stop}", file=sys.stderr)
        return 3
    if history.interrupted:
        return INTERRUPTED
    if history.epochs:
        print(f"test accuracy: {history.last['test_acc']:.2%} ({out})")
    args._model, args._data, args.out = model, data, str(out)
    return 0


def _check_resumable(state, saved, settings, model, data) -> None:
    """Refuse a checkpoint whose model, classes or optimizer differ from this run's."""
    for key, now in (("num_classes", data.num_classes), ("image_shape", list(data.image_shape))):
        if saved and key in saved and list(np.atleast_1d(saved[key])) != list(np.atleast_1d(now)):
            raise CommandError(f"the checkpoint's {key.replace('_', ' ')} is {saved[key]}, the "
                               f"data's is {now}", "resume on the same data, or start a new run")
    mine = model.state_dict()
    theirs = state["model"]
    wrong = [k for k in mine if k not in theirs or np.shape(theirs[k]) != tuple(mine[k].shape)]
    if wrong or set(theirs) - set(mine):
        raise CommandError(f"the checkpoint holds another model than {settings['model']} "
                           f"(e.g. {(wrong or sorted(set(theirs) - set(mine)))[0]} differs)",
                           "resume with the model the checkpoint was trained with")
    expected = {"sgd": "SGD", "adam": "Adam"}[settings["optimizer"]]
    if str(state["optimizer_class"]) != expected:
        raise CommandError(f"--optimizer {settings['optimizer']}: the checkpoint was trained with "
                           f"{state['optimizer_class']}", "resume with the same --optimizer")


def _training_args(p, demo=False):
    """The options `train` and `demo` share."""
    p.add_argument("--out", default="runs/demo" if demo else None,
                   help="output folder" + ("" if demo else " (default: the --resume checkpoint's "
                                           "folder, else runs/train)"))
    p.add_argument("--epochs", type=_positive(int), default=None if not demo else 3,
                   help="train until this many epochs are done (default: 3, or the resumed run's)")
    p.add_argument("--seed", type=_number(int, inclusive=True), default=None if not demo else 0,
                   help="seeds the weights and the shuffling (default: 0)")
    p.add_argument("--limit", type=_positive(int), default=None,
                   help="use only the first N images of each split")
    p.add_argument("--save-every", type=_positive(int), default=None, metavar="STEPS",
                   help="also write checkpoint.npz every STEPS steps inside an epoch")
    p.add_argument("--overwrite", action="store_true",
                   help="start over in an --out that holds an earlier run (its results are lost)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_train(commands):
    train = commands.add_parser("train", help="train a zoo model on a built-in data set")
    train.add_argument("model", help="a name from models.list(), e.g. lenet5 or seed_net_mnist")
    train.add_argument("--dataset", choices=DATASETS, default=None,
                       help="auto (the default): Fashion-MNIST when its files are found, else "
                            "the bundled digits")
    train.add_argument("--batch-size", type=_positive(int), help="images per step (default: 64)")
    train.add_argument("--lr", type=_positive(float), help="learning rate (default: 0.01)")
    train.add_argument("--optimizer", choices=("sgd", "adam"), help="update rule (default: sgd)")
    train.add_argument("--momentum", type=_number(float, inclusive=True),
                       help="SGD momentum (default: 0.9)")
    train.add_argument("--weight-decay", type=_number(float, inclusive=True),
                       help="L2 penalty (default: 0)")
    train.add_argument("--plateau", action="store_true", default=None,
                       help="divide the lr by 10 when test loss stalls")
    train.add_argument("--resume", default=None, metavar="CHECKPOINT",
                       help="a checkpoint.npz to continue from, exactly where it stopped")
    train.add_argument("--override", action="store_true",
                       help="with --resume: continue with a --lr, --momentum or --weight-decay "
                            "other than the checkpoint's")
    _training_args(train)
    train.set_defaults(run=cmd_train)
