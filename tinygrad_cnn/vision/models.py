"""torchvision.models: the architectures of the project's model zoo (the `models` package)
under torchvision's builder names, e.g. resnet18(num_classes=10). There are no pretrained
weights here: `weights=` / `pretrained=True` raise, saying so."""
from __future__ import annotations

import models as _zoo

from ..unsupported import NotSupportedError


def _builder(name: str):
    def build(*, weights=None, progress: bool = True, pretrained: bool = False, **kwargs):
        if weights is not None or pretrained:
            raise NotSupportedError(
                f"not supported in tinygrad_cnn: torchvision.models.{name}(weights=...) "
                f"(no pretrained weights are downloaded; convert a torchvision state_dict to "
                f"arrays and load it with model.load_state_dict)")
        return _zoo.create(name, **kwargs)
    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"The zoo's {name} (models.create({name!r}, **kwargs)); no pretrained weights."
    return build


__all__ = _zoo.list()
globals().update({name: _builder(name) for name in __all__})


def list_models() -> list[str]:
    """The names this module builds."""
    return list(__all__)


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    raise NotSupportedError(f"not supported in tinygrad_cnn: torchvision.models.{name} (the zoo "
                            f"has {', '.join(__all__)})")
