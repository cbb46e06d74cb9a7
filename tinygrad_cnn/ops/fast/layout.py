"""Copying NCHW arrays to channels last fast: the one transposing copy every fast path needs.

numpy copies x.transpose(0, 2, 3, 1) by reading C values H*W apart for each output position.
When that distance is a multiple of 4 KiB (the 32x32, 64x64, 128x128 maps of CIFAR nets and
U-Nets, at float32) every channel of one position falls in the same set of the L1 cache, which
holds only 8 of them, and the copy runs 2-3x slower than on a 56x56 map. Copying x first into
planes that start 64 bytes further apart spreads them over the cache sets: one plain copy
(several times cheaper than a transposing one) wins that back.
"""
import math

import numpy as np

CACHE_WAYS = 8            # lines of one L1 set (8 on the x86 cores numpy usually runs on)
SET_SPAN = 4096           # bytes after which addresses map to the same L1 set again (64 sets x 64 B)
SKEW = 64                 # bytes added between planes when they would collide


def collides(x):
    """Whether the planes of x (N, C, H, W) put more than CACHE_WAYS channels in one cache set."""
    plane = x.shape[2] * x.shape[3] * x.itemsize
    return x.flags.c_contiguous and x.shape[1] * math.gcd(plane, SET_SPAN) > CACHE_WAYS * SET_SPAN


def skewed(x):
    """x itself, or, when its planes collide, a copy whose planes sit SKEW bytes further apart:
    (N, C, H, W) -> a view of the same shape and values."""
    if not collides(x):
        return x
    N, C, H, W = x.shape
    buffer = np.empty((N, C, H * W + SKEW // x.itemsize), dtype=x.dtype)
    buffer[:, :, :H * W] = x.reshape(N, C, H * W)
    return buffer[:, :, :H * W].reshape(N, C, H, W)


def write_channels_last(x, out):
    """out[...] = x.transpose(0, 2, 3, 1), for x (N, C, H, W) and out (N, H, W, C) (any view)."""
    out[...] = skewed(x).transpose(0, 2, 3, 1)
