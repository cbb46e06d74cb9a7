"""Hypothesis strategies shared by the op tests: float64 arrays, broadcastable shapes, and conv /
pool geometries drawn so that every output has at least one position."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_cnn as tg

FLOATS = st.floats(-3, 3, allow_nan=False, allow_infinity=False, width=64)


def arrays(shape, elements=FLOATS):
    return hnp.arrays(np.float64, shape, elements=elements)


def small_shapes(min_dims=1, max_dims=4, max_side=4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def leaf(array):
    """A float64 tensor that requires grad (a fresh copy, so tests can check for mutation)."""
    return tg.Tensor(np.array(array, dtype=np.float64), requires_grad=True)


@st.composite
def conv_geometry(draw, transposed=False):
    """(N, C, H, W, F, KH, KW, stride, padding, dilation, groups), Ho and Wo >= 1."""
    groups = draw(st.sampled_from([1, 1, 2]))
    C = groups * draw(st.integers(1, 2))
    F = groups * draw(st.integers(1, 2))
    N = draw(st.integers(1, 2))
    KH, KW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    H = draw(st.integers(max(1, dilation[0] * (KH - 1) + 1 - 2 * padding[0]), 7))
    W = draw(st.integers(max(1, dilation[1] * (KW - 1) + 1 - 2 * padding[1]), 7))
    return N, C, H, W, F, KH, KW, stride, padding, dilation, groups
