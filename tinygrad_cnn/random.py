"""The global random generator behind randn/rand, weight initialisation, dropout and shuffling.

`manual_seed(s)` makes a run repeatable, as `torch.manual_seed` does."""
import numpy as np

_rng = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the global generator; returns it."""
    global _rng
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    _rng = np.random.default_rng(int(seed) & 0xFFFFFFFFFFFFFFFF)
    return _rng


def get_rng() -> np.random.Generator:
    """The generator every random operation of the library draws from."""
    return _rng
