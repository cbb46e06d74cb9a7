"""Transforms that choose among other transforms at random: RandomApply, RandomChoice and
RandomOrder (torchvision's), drawing from the library's generator."""
from __future__ import annotations

from ..random import get_rng


def _listed(transforms, owner: str) -> list:
    if not isinstance(transforms, (list, tuple)):
        raise TypeError(f"{owner}: argument transforms should be a sequence")
    return list(transforms)


def _format(name: str, transforms, extra: str = "") -> str:
    lines = [f"{name}({extra}"] + [f"    {t}" for t in transforms] + [")"]
    return "\n".join(lines)


class RandomApply:
    """Apply all of `transforms`, in order, with probability p (else none of them)."""

    def __init__(self, transforms, p: float = 0.5):
        self.transforms = _listed(transforms, "RandomApply")
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomApply: p must be in [0, 1], got {p}")
        self.p = p

    def __call__(self, img):
        if self.p < get_rng().random():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return _format(type(self).__name__, self.transforms, f"\n    p={self.p}")


class RandomChoice:
    """Apply one of `transforms`, picked with weights `p` (default: equally likely)."""

    def __init__(self, transforms, p=None):
        self.transforms = _listed(transforms, "RandomChoice")
        if p is not None and len(p) != len(self.transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != "
                             f"{len(self.transforms)}")
        self.p = p

    def __call__(self, *args):
        weights = None if self.p is None else [w / sum(self.p) for w in self.p]
        t = self.transforms[int(get_rng().choice(len(self.transforms), p=weights))]
        return t(*args)

    def __repr__(self):
        return f"{type(self).__name__}(transforms={self.transforms}, p={self.p})"


class RandomOrder:
    """Apply every one of `transforms`, in a random order."""

    def __init__(self, transforms):
        self.transforms = _listed(transforms, "RandomOrder")

    def __call__(self, img):
        for i in get_rng().permutation(len(self.transforms)):
            img = self.transforms[int(i)](img)
        return img

    def __repr__(self):
        return _format(type(self).__name__, self.transforms)
