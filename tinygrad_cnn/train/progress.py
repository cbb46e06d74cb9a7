"""A progress bar: tqdm when it is installed, otherwise a plain one-line text bar."""
from __future__ import annotations

import sys
import time

try:
    from tqdm.auto import tqdm as _tqdm  # a widget in notebooks, text in terminals
except ImportError:  # tqdm is optional (extra 'progress')
    _tqdm = None


class Progress:
    """Iterate over `iterable` showing position, rate and the values passed to `update`."""

    def __init__(self, iterable, total: int, description: str, enabled: bool = True):
        self.iterable, self.total, self.description = iterable, total, description
        self.enabled = enabled and sys.stderr.isatty() or enabled == "always"
        self._bar = None
        self._start = time.perf_counter()
        self._values: dict[str, str] = {}

    def __iter__(self):
        if self.enabled and _tqdm is not None:
            self._bar = _tqdm(self.iterable, total=self.total, desc=self.description, leave=False,
                              dynamic_ncols=True)
            yield from self._bar
            self._bar.close()
            return
        for i, item in enumerate(self.iterable, 1):
            yield item
            if self.enabled and (i % 20 == 0 or i == self.total):
                self._print_line(i)
        if self.enabled:
            sys.stderr.write("\r" + " " * 100 + "\r")

    def update(self, **values) -> None:
        self._values = {k: (f"{v:.4g}" if isinstance(v, float) else str(v)) for k, v in values.items()}
        if self._bar is not None:
            self._bar.set_postfix(self._values, refresh=False)

    def _print_line(self, i: int) -> None:
        width = 24
        filled = int(width * i / max(self.total, 1))
        shown = " ".join(f"{k}={v}" for k, v in self._values.items())
        sys.stderr.write(f"\r{self.description} [{'#' * filled}{'.' * (width - filled)}] "
                         f"{i}/{self.total} {shown}")
        sys.stderr.flush()
