"""X-and-O images: the toy ConvNet task of seed 000 ("How Convolutional Neural Networks Work").

9x9 pictures with pixels -1 (background) and +1 (ink); label 0 = X, 1 = O. Generated, never
downloaded: each sample is a canonical letter, optionally thickened, shifted, and with a few
pixels flipped by noise.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _grid(rows):
    """int8 image from rows of '#' (+1) and '.' (-1)."""
    return np.array([[1 if c == "#" else -1 for c in row.split()] for row in rows], dtype=np.int8)


# The X exactly as the seed prints it ("What computers see").
X_IMAGE = _grid([
    ". . . . . . . . .",
    ". # . . . . . # .",
    ". . # . . . # . .",
    ". . . # . # . . .",
    ". . . . # . . . .",
    ". . . # . # . . .",
    ". . # . . . # . .",
    ". # . . . . . # .",
    ". . . . . . . . .",
])

# The seed's "trickier case": the same X shrunk, shifted and bent. A model trained here should
# still call it an X.
X_TRICKY_IMAGE = _grid([
    ". . . . . . . . .",
    ". . . . . . # . .",
    ". # . . . # . . .",
    ". . # # . # . . .",
    ". . . . # . . . .",
    ". . . # . # # . .",
    ". . . # . . . # .",
    ". . # . . . . . .",
    ". . . . . . . . .",
])

# The seed shows its O only as a picture, so this grid is ours: a ring with the X's extent
# (rows and columns 1..7), drawn in the same one-pixel stroke.
O_IMAGE = _grid([
    ". . . . . . . . .",
    ". . . # # # . . .",
    ". . # . . . # . .",
    ". # . . . . . # .",
    ". # . . . . . # .",
    ". # . . . . . # .",
    ". . # . . . # . .",
    ". . . # # # . . .",
    ". . . . . . . . .",
])

CLASSES = ("X", "O")


def make_xo(n=1000, *, max_shift=1, p_thick=0.3, noise=0.03, seed=0):
    """Generate `n` X-and-O images with random shifts, stroke thickness and noise.

    Args:
        n: number of images; labels alternate X, O, X, ... so the classes are balanced.
        max_shift: each image moves by up to this many pixels along each axis; ink pushed
            past the border is cut off.
        p_thick: probability that the stroke is thickened by one pixel (to the right).
        noise: probability that each pixel is flipped (-1 <-> +1).
        seed: int seed or np.random.Generator.

    Returns:
        images: float32 (n, 1, 9, 9), values -1 and +1.
        labels: int64 (n,), 0 = X, 1 = O.

    With max_shift=0, p_thick=0, noise=0 the images are exactly X_IMAGE and O_IMAGE.
    """
    if n < 0 or max_shift < 0 or not 0 <= p_thick <= 1 or not 0 <= noise <= 1:
        raise ValueError(f"make_xo: invalid arguments n={n}, max_shift={max_shift}, "
                         f"p_thick={p_thick}, noise={noise}")
    rng = np.random.default_rng(seed)
    labels = np.arange(n, dtype=np.int64) % 2
    ink = np.stack([X_IMAGE > 0, O_IMAGE > 0])[labels]          # (n, 9, 9) bool
    thick = rng.random(n) < p_thick                             # (n,)
    ink[thick, :, 1:] |= ink[thick, :, :-1]                     # stroke one pixel wider
    s = max_shift
    padded = np.pad(ink, ((0, 0), (s, s), (s, s)))              # (n, 9+2s, 9+2s)
    windows = sliding_window_view(padded, (9, 9), axis=(1, 2))  # (n, 2s+1, 2s+1, 9, 9) view
    dy, dx = rng.integers(0, 2 * s + 1, size=(2, n))            # window offset = s - shift
    ink = windows[np.arange(n), dy, dx]                         # (n, 9, 9)
    ink ^= rng.random(ink.shape) < noise                        # flip pixels
    images = np.where(ink, 1.0, -1.0).astype(np.float32)
    return images[:, None], labels                              # (n, 1, 9, 9), (n,)
