"""Fast paths of the ops whose reference versions are in ops/conv.py and ops/pool.py: the same
math and the same results (tests/ops/test_fast_paths.py proves it), arranged for speed and
memory. Each class subclasses its reference op, keeps its name, and falls back to the reference
for the cases it does not cover; ops/__init__.py exports these, so F and nn use them."""
from .conv import Conv2d
from .pool import MaxPool2d

__all__ = ["Conv2d", "MaxPool2d"]
