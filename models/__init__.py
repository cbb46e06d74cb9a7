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


def create(name: str, **kwargs):
    """Build the registered model `name`, passing `kwargs` to its builder.

    Raises:
        KeyError: unknown name (the message lists the known ones).
    """
    if name not in _REGISTRY:
        raise KeyError(f"unknown model '{name}'; available: {', '.join(list())}")
    return _REGISTRY[name](**kwargs)


def list() -> list[str]:  # noqa: A001  (the registry's public name, like timm.list_models)
    """Names of every registered model, sorted."""
    return sorted(_REGISTRY)


# Importing a family module registers its builders.
from . import lenet, alexnet, vgg, resnet, googlenet, densenet, unet  # noqa: E402,F401
