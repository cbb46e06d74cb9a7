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

from .registry import REGISTRY, list, register  # noqa: F401 (re-exported)


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
    if name not in REGISTRY:
        raise KeyError(f"unknown model '{name}'; available: {', '.join(list())}")
    if weights is not None:
        return pretrained.build(name, REGISTRY[name], weights, kwargs)
    return REGISTRY[name](**kwargs)


# Importing a family module registers its builders.
from . import lenet, alexnet, vgg, resnet, googlenet, densenet, unet  # noqa: E402,F401
from . import pretrained  # noqa: E402
