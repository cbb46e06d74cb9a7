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


class Generator(np.random.Generator):
    """torch.Generator: a random generator of its own, accepted wherever the library takes
    `generator=` (random_split, DataLoader, samplers, randn, ...), since it is a numpy Generator.

        g = Generator().manual_seed(42)      # the same stream as manual_seed(42) gives globally
    """

    def __init__(self, device="cpu"):
        super().__init__(np.random.PCG64())
        self.device = device
        self._seed = None

    def manual_seed(self, seed: int):
        """Restart the stream from `seed`; returns the generator (as torch's does)."""
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
        self._seed = int(seed) & 0xFFFFFFFFFFFFFFFF
        self.bit_generator.state = np.random.PCG64(self._seed).state
        return self

    def initial_seed(self):
        """The seed given to manual_seed (None before any)."""
        return self._seed
