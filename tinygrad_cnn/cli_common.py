"""What the command-line modules share: the one-line error and the checked argument types.

A mistake on the command line never ends in a traceback: `CommandError` carries the message, a
hint and the exit status (2 for a usage mistake, 1 for something that failed while running)."""
from __future__ import annotations

import argparse
import math

USAGE, RUNTIME, INTERRUPTED = 2, 1, 130


class CommandError(SystemExit):
    """A mistake the command line reports in one line (plus a hint) instead of a traceback.

    A SystemExit whose code is the exit status (USAGE or RUNTIME) and whose text is the message,
    so `main` prints it once and `python -m` exits with the status."""

    def __init__(self, message: str, hint: str = "", status: int = USAGE):
        super().__init__(status)
        self.message, self.hint = message, hint

    def __str__(self) -> str:
        return self.message


def _models():
    import models  # the zoo is a sibling package, imported only when a command needs it
    return models


def _number(kind, lowest=0, inclusive=False):
    """An argparse type: a finite number of `kind` above `lowest` (or at least it, when
    `inclusive`), or a usage error naming the value."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if not math.isfinite(value) or not (value >= lowest if inclusive else value > lowest):
            raise argparse.ArgumentTypeError(f"must be {'at least' if inclusive else 'above'} "
                                             f"{lowest} and finite, got {text!r}")
        return value
    parse.__name__ = f"{'non-negative' if inclusive else 'positive'} {kind.__name__}"
    return parse


def _positive(kind):
    return _number(kind)


def _check_model_name(name: str) -> None:
    known = _models().list()
    if name not in known:
        raise CommandError(f"unknown model {name!r}", f"choose one of: {', '.join(known)}")


def _create(name: str, kwargs: dict):
    """A zoo model, or a usage error naming the model and the keyword it refused."""
    _check_model_name(name)
    try:
        return _models().create(name, **kwargs)
    except (TypeError, ValueError) as err:
        given = " ".join(f"{k}={v}" for k, v in kwargs.items())
        raise CommandError(f"{name}({given}): {err}",
                           "check the --option values against the model's signature") from None
