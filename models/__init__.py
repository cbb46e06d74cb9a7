"""The model zoo: the architectures of the course notes, built only from `tinygrad_cnn`.

One file per family, each reading top-down like the paper's table. Build a model by name:

    >>> import models
    >>> net = models.create("lenet5", activation="relu")
    >>> "resnet18" in models.list()
    True

Names and keyword arguments mirror torchvision where the architecture exists there, so
`state_dict()` keys and shapes match and weights move across.
"""
from __future__ import annotations

from typing import Callable

_REGISTRY: dict[str, Callable] = {}


def register(name: str):
    """Decorator: make a model builder available as `models.create(name)`."""
    def add(builder: Callable) -> Callable:
        if name in _REGISTRY:
            raise ValueError(f"model '{name}' is already registered")
        _REGISTRY[name] = builder
        return builder
    return add


def create(name: str, weights=None, **kwargs):
    """Build the registered model `name`, passing `kwargs` to its builder.

    Args:
        weights: None (freshly initialised), the name of shipped pretrained weights
            (`models.create("lenet5", weights="fashion_mnist")`; see models/pretrained.py), a
            path to a checkpoint `tg.load` reads (a torchvision .pth included), or a state dict.
            The weights load with strict=True; shipped weights fill in the architecture arguments
            they were trained with and attach their record as `model.pretrained`.

    Raises:
        KeyError: unknown name (the message lists the known ones).
        ValueError: unknown shipped weights (the message lists them), or kwargs that contradict
            the shipped weights' architecture.
        RuntimeError: weights whose keys or shapes do not fit the model, naming both.
    """
    if name not in _REGISTRY:
        raise KeyError(f"unknown model '{name}'; available: {', '.join(list())}")
    if weights is not None:
        return pretrained.build(name, _REGISTRY[name], weights, kwargs)
    return _REGISTRY[name](**kwargs)


def list() -> list[str]:  # noqa: A001  (the registry's public name, like timm.list_models)
    """Names of every registered model, sorted."""
    return sorted(_REGISTRY)


# Importing a family module registers its builders.
from . import lenet, alexnet, vgg, resnet, googlenet, densenet, unet  # noqa: E402,F401
from . import pretrained  # noqa: E402  (uses the registry above)
