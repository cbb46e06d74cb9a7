"""The registry of model builders: `register(name)` marks a builder, `list()` names them all.
Family modules import `register` from here, and `models/__init__.py` imports the families, so the
imports run one way."""
from __future__ import annotations

from typing import Callable

REGISTRY: dict[str, Callable] = {}


def register(name: str):
    """Decorator: make a model builder available as `models.create(name)`."""
    def add(builder: Callable) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"model '{name}' is already registered")
        REGISTRY[name] = builder
        return builder
    return add


def list() -> list[str]:  # noqa: A001  (the registry's public name, like timm.list_models)
    """Names of every registered model, sorted."""
    return sorted(REGISTRY)
