"""Run-time switches CPU scripts set: the number of threads (numpy's BLAS pool, through
threadpoolctl when it is installed) and deterministic algorithms (always on here: NumPy on the
CPU gives the same numbers on every run, so the switch is recorded and can be read back)."""
from __future__ import annotations

import os

_threads = {"count": None, "limiter": None}
_deterministic = {"on": False, "warn_only": False}


def set_num_threads(count: int) -> None:
    """Limit the BLAS threads numpy's matrix products use (needs threadpoolctl; without it
    the number is recorded for get_num_threads and BLAS keeps its own setting)."""
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"set_num_threads expects a positive integer, got {count!r}")
    _threads["count"] = count
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    _threads["limiter"] = threadpool_limits(limits=count, user_api="blas")


def get_num_threads() -> int:
    return _threads["count"] or os.cpu_count() or 1


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    _deterministic.update(on=bool(mode), warn_only=warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic["on"]
