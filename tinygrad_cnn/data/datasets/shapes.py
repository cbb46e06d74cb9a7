"""Synthetic segmentation data: discs, squares and triangles on noisy backgrounds (for U-Net).

Every image comes with a mask that labels each pixel with the class of the shape drawn there
(later shapes cover earlier ones), so a network can learn per-pixel classification without any
download.
"""
import numpy as np

CLASSES = ("background", "disc", "square", "triangle")


def _shape_masks(kind, cy, cx, r, size):
    """Pixels inside each shape. kind, cy, cx, r: (N,) arrays -> bool (N, size, size)."""
    y = np.arange(size)[None, :, None]                          # (1, H, 1)
    x = np.arange(size)[None, None, :]                          # (1, 1, W)
    cy, cx, r = cy[:, None, None], cx[:, None, None], r[:, None, None]   # (N, 1, 1)
    disc = (y - cy) ** 2 + (x - cx) ** 2 <= r ** 2
    square = np.maximum(abs(y - cy), abs(x - cx)) <= r * 0.8    # similar area to the disc
    # Upright triangle: apex at (cy - r, cx), base on row cy + r, half-width growing with depth.
    depth = y - (cy - r)
    triangle = (depth >= 0) & (y <= cy + r) & (abs(x - cx) <= depth * 0.6)
    kind = kind[:, None, None]
    return np.where(kind == 1, disc, np.where(kind == 2, square, triangle))


def make_shapes(n=256, size=64, *, max_shapes=3, binary=False, noise=0.1, seed=0):
    """Generate `n` grey images of random shapes and their segmentation masks.

    Each image has 1..max_shapes shapes of random class, position, size and brightness on a
    background of random brightness. Shape brightness differs from the background by at least
    0.3, so the masks are recoverable from the noise-free image.

    Args:
        n: number of images.
        size: height and width in pixels (>= 16).
        max_shapes: most shapes per image.
        binary: masks 0 (background) / 1 (any shape) instead of one class per shape.
        noise: standard deviation of the Gaussian noise added to every pixel.
        seed: int seed or np.random.Generator.

    Returns:
        images: float32 (n, 1, size, size), values about [0, 1] plus noise.
        masks: int64 (n, size, size): 0 background, 1 disc, 2 square, 3 triangle (or 0/1 when
            `binary`), the layout `F.cross_entropy` expects as a target for (n, C, size, size).
    """
    if n < 0 or size < 16 or max_shapes < 1 or noise < 0:
        raise ValueError(f"make_shapes: invalid n={n}, size={size}, max_shapes={max_shapes}, "
                         f"noise={noise}")
    rng = np.random.default_rng(seed)
    count = rng.integers(1, max_shapes + 1, size=n)             # (n,) shapes per image
    background = rng.uniform(0.0, 0.35, size=n)                 # (n,)
    # A shape is bright (0.65..1) on a dark background, at least 0.3 above it.
    masks = np.zeros((n, size, size), dtype=np.int64)
    images = np.broadcast_to(background[:, None, None], (n, size, size)).copy()
    for k in range(max_shapes):                                 # a few shapes, not pixels
        present = count > k                                     # (n,)
        kind = rng.integers(1, 4, size=n)                       # 1 disc, 2 square, 3 triangle
        r = rng.uniform(size * 0.08, size * 0.2, size=n)        # (n,) radius in pixels
        cy, cx = rng.uniform(r, size - 1 - r, size=(2, n))      # whole shape inside the image
        level = rng.uniform(0.65, 1.0, size=n)                  # (n,) brightness
        inside = _shape_masks(kind, cy, cx, r, size) & present[:, None, None]  # (n, H, W)
        masks = np.where(inside, kind[:, None, None], masks)
        images = np.where(inside, level[:, None, None], images)
    images += rng.normal(0.0, noise, size=images.shape) if noise > 0 else 0.0
    if binary:
        masks = (masks > 0).astype(np.int64)
    return images.astype(np.float32)[:, None], masks            # (n, 1, H, W), (n, H, W)
