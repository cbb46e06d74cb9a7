"""The global random generator behind randn/rand, weight initialisation, dropout and shuffling.

`manual_seed(s)` makes a run repeatable, as `torch.manual_seed` does; `get_rng_state()` and
`set_rng_state(state)` save and restore the generator's position (as torch's functions of the
same names), so a resumed training run draws the same dropout masks and shuffles as one that
never stopped."""
import json

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


def generator_state(generator: np.random.Generator) -> np.ndarray:
    """The position of `generator` as a uint8 array (its bit generator's state as JSON text:
    PCG64's 128-bit counters do not fit any numpy integer type, and text needs no pickle)."""
    text = json.dumps(generator.bit_generator.state, sort_keys=True)
    return np.frombuffer(text.encode("ascii"), dtype=np.uint8).copy()


def set_generator_state(generator: np.random.Generator, state) -> None:
    """Move `generator` to a position saved by `generator_state` (a uint8 array or Tensor)."""
    array = np.asarray(getattr(state, "array", state))
    if array.dtype != np.uint8 or array.ndim != 1:
        raise TypeError(f"set_rng_state: state must be a 1-D uint8 array from get_rng_state(), got "
                        f"dtype {array.dtype} shape {array.shape}")
    try:
        saved = json.loads(array.tobytes().decode("ascii"))
        kind = saved["bit_generator"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise ValueError(f"set_rng_state: not a state saved by get_rng_state() ({err})") from None
    if kind != type(generator.bit_generator).__name__:
        raise ValueError(f"set_rng_state: the state is of a {kind} generator, this one is a "
                         f"{type(generator.bit_generator).__name__}")
    generator.bit_generator.state = saved


def get_rng_state() -> np.ndarray:
    """The global generator's position, as torch.get_rng_state (a uint8 array here)."""
    return generator_state(_rng)


def set_rng_state(state) -> None:
    """Restore the global generator to a position returned by `get_rng_state()`."""
    set_generator_state(_rng, state)


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

    def get_state(self) -> np.ndarray:
        return generator_state(self)

    def set_state(self, state):
        set_generator_state(self, state)
        return self
