"""Exceptions that are two kinds at once, so that code written for either library catches them.

PyTorch raises RuntimeError when the data's shapes do not fit an op (a Linear fed the wrong
number of features, a convolution the wrong number of channels); this library has always raised
ValueError there. `ShapeMismatchError` is both: `except RuntimeError` in a ported script and
`except ValueError` in code written here catch it alike."""


class ShapeMismatchError(RuntimeError, ValueError):
    """An op's inputs have shapes that do not fit together (PyTorch raises RuntimeError)."""
