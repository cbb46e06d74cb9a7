"""Weights for `models.create(name, weights=...)`: the shipped pretrained files, or any checkpoint.

Shipped (trained by `python -m models.pretrain`, see that module for the recipes):

    models.create("lenet5", weights="fashion_mnist")          # 28×28 Fashion-MNIST
    models.create("lenet5", weights="digits")                 # the bundled digits at 32×32
    models.create("seed_net_mnist", weights="fashion_mnist")
    models.create("seed_net_mnist", weights="digits")         # digits at 32×32, centre 28×28

Each file is models/weights/<model>_<data>.npz, a `tg.save` checkpoint {"state_dict", "meta"} that
also opens with plain `np.load(path, allow_pickle=False)`; "meta" records the architecture's
keyword arguments, the input preparation (mean, std, size), the class names, the test accuracy
and the command that made it (see `info`).

`weights=` also takes a path to any checkpoint `tg.load` reads (a torchvision .pth included) or a
state dict; the weights are loaded with strict=True.
"""
from __future__ import annotations

import os
from pathlib import Path

import tinygrad_cnn as tg

from .registry import list as registered_models

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


def available(model: str | None = None) -> dict[str, list[str]]:
    """Shipped weights: {model name: [weights names]} (for one `model` if given)."""
    found: dict[str, list[str]] = {}
    for path in sorted(WEIGHTS_DIR.glob("*.npz")):
        for known in _model_names_by_length():
            if path.stem.startswith(known + "_"):
                found.setdefault(known, []).append(path.stem[len(known) + 1:])
                break
    return found if model is None else {model: found.get(model, [])}


def _model_names_by_length() -> list[str]:
    return sorted(registered_models(), key=len, reverse=True)   # "seed_net_mnist" before "seed_net"


def shipped_file(model: str, weights: str) -> Path:
    """The file of shipped weights `weights` for `model`; ValueError listing the choices."""
    path = WEIGHTS_DIR / f"{model}_{weights}.npz"
    if not path.is_file():
        choices = available(model)[model]
        raise ValueError(f"no shipped weights {weights!r} for model '{model}'; available: "
                         f"{', '.join(repr(c) for c in choices) if choices else 'none'} "
                         f"(or pass a checkpoint path or a state dict)")
    return path


def info(model: str, weights: str) -> dict:
    """The "meta" record of shipped weights: kwargs, mean, std, input_shape, classes,
    test_accuracy, command, ..."""
    return tg.load(shipped_file(model, weights))["meta"]


def build(name: str, builder, weights, kwargs: dict):
    """Build `name` with `kwargs` (completed by the weights' own architecture arguments) and load
    `weights` into it with strict=True."""
    meta = None
    if isinstance(weights, dict):
        state, source = weights, "the given state dict"
    elif isinstance(weights, str) and ((WEIGHTS_DIR / f"{name}_{weights}.npz").is_file()
                                       or not any(c in weights for c in "./\\")):
        path = shipped_file(name, weights)
        checkpoint = tg.load(path)
        state, meta, source = checkpoint["state_dict"], checkpoint["meta"], f"weights={weights!r}"
        for key, value in meta["kwargs"].items():
            if key in kwargs and kwargs[key] != value:
                raise ValueError(f"weights={weights!r} were trained with {key}={value!r}; "
                                 f"got {key}={kwargs[key]!r}")
        kwargs = {**meta["kwargs"], **kwargs}
    elif isinstance(weights, (str, os.PathLike)):
        state, source = tg.load(weights), os.fspath(weights)
    else:
        raise TypeError(f"weights must be a shipped name, a checkpoint path or a state dict, got "
                        f"{type(weights).__name__}")
    model = builder(**kwargs)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise RuntimeError(f"{source} cannot be loaded into models.create({name!r}"
                           + "".join(f", {k}={v!r}" for k, v in kwargs.items())
                           + f"):{_hint(state)}\n{err}") from err
    if meta is not None:
        model.pretrained = meta   # the input preparation and accuracy, for the user to read
    return model


def _hint(state) -> str:
    """A likely reason for a mismatch that load_state_dict cannot see."""
    keys = [k for k in state if isinstance(k, str)]
    if keys and all(k.startswith("module.") for k in keys):
        return (" the keys start with 'module.' (saved from DataParallel); strip that prefix "
                "first")
    for wrapper in ("state_dict", "model", "model_state_dict"):
        if wrapper in state and isinstance(state[wrapper], dict):
            return f" the checkpoint wraps its state dict under {wrapper!r}; pass that entry"
    return ""
