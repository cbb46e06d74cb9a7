"""Resizing (F.interpolate): nearest-neighbour copies and linear / bilinear / trilinear / area
averages over the spatial axes, with PyTorch's index and weight rules."""
from __future__ import annotations

import math

import numpy as np

from ... import ops
from ...tensor import Tensor
from ._checks import check_tensor
from .pooling import adaptive_avg_pool2d


def _nearest_sources(size_in, size_out, scale, exact, arithmetic, shortcuts):
    """The input cell that each of size_out output cells copies along one axis, as PyTorch's
    CPU kernels pick it:

        'nearest'        src = min(floor(i * step), size_in - 1)
        'nearest-exact'  src = min(floor((i + 0.5) * step - 0.5 + 0.5), size_in - 1)

    with step = 1/scale_factor when the factor reaches the kernel, else size_in/size_out. The
    kernels compute in `arithmetic` (float32, or float64 for float64 1-D/3-D inputs) and round
    to float32 before the floor; where i * step is (nearly) an integer that rounding decides the
    cell, so it is copied here. `shortcuts` (PyTorch's 2-D 'nearest'): equal sizes copy cell i,
    and an output exactly twice the input copies cell i // 2, whatever the factor."""
    i = np.arange(size_out)
    if shortcuts and size_out == size_in:
        return i
    if shortcuts and size_out == 2 * size_in:
        return i // 2
    step = arithmetic(1.0 / scale) if scale else arithmetic(size_in) / arithmetic(size_out)
    position = step * i.astype(arithmetic)                              # (size_out,)
    if exact:
        half = arithmetic(0.5)
        position = step * (i.astype(arithmetic) + half) - half + half
    position = position.astype(np.float32)
    return np.minimum(np.floor(position).astype(np.int64), size_in - 1)


def _linear_weights(size_in, size_out, scale, align_corners, dtype):
    """The (size_out, size_in) matrix of linear interpolation along one axis: row i mixes the two
    input cells around the source position

        align_corners   src = i * (size_in - 1) / (size_out - 1)     (corner cells line up)
        otherwise       src = max((i + 0.5) * step - 0.5, 0)          (cell centres line up)

    with step = 1/scale_factor if it reaches the kernel, else size_in/size_out: cell
    i0 = floor(src) gets 1 - (src - i0) and the next one (or i0 again at the edge) src - i0.
    Equal sizes without align_corners copy straight, as in PyTorch."""
    rows = np.arange(size_out)
    if size_out == size_in and not align_corners:
        return np.eye(size_in, dtype=dtype)
    if align_corners:
        step = (size_in - 1) / (size_out - 1) if size_out > 1 else 0.0
        src = rows * step
    else:
        step = 1.0 / scale if scale else size_in / size_out
        src = np.maximum((rows + 0.5) * step - 0.5, 0.0)
    low = np.minimum(np.floor(src).astype(np.int64), size_in - 1)
    high = np.minimum(low + 1, size_in - 1)
    frac = np.clip(src - low, 0.0, 1.0)
    matrix = np.zeros((size_out, size_in), dtype=dtype)
    np.add.at(matrix, (rows, low), 1 - frac)
    np.add.at(matrix, (rows, high), frac)                               # same cell at the edge
    return matrix


def _linear(input, sizes, scales, align_corners):
    """Linear interpolation is separable: one matrix product per spatial axis."""
    y = input
    for axis, (size_out, scale) in enumerate(zip(sizes, scales), start=2):
        matrix = _linear_weights(input.shape[axis], size_out, scale, align_corners, input.dtype)
        y = y.transpose(axis, -1)                                       # this axis last
        y = ops.MatMul.apply(y, Tensor(matrix.T.copy()))                # (..., size_out)
        y = y.transpose(axis, -1)
    return y


LINEAR_MODES = {"linear": 3, "bilinear": 4, "trilinear": 5}             # mode -> input ndim


def _per_axis(fn, name, value, n):
    """An int/float or a sequence of n of them, as a tuple of n."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * n
    if len(values) != n:
        raise ValueError(f"{fn}: {name} must be a number or {n} numbers for {n} spatial "
                         f"dimension(s), got {value!r}")
    if not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
               for v in values):
        raise TypeError(f"{fn}: {name} must hold numbers, got {value!r}")
    return values


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial axes of (N, C, L), (N, C, H, W) or (N, C, D, H, W), as PyTorch:

        'nearest', 'nearest-exact'   copy the nearest input cell (see _nearest_sources)
        'linear', 'bilinear', 'trilinear'   (3-D, 4-D, 5-D input) mix the two nearest cells along
                                     each axis (see _linear_weights), corners aligned or not
        'area'                       average the cells each output covers (adaptive average pool)

    Args:
        size: the output's spatial size (an int for every axis, or one per axis).
        scale_factor: a multiplier (or one per axis); the output size is floor(in * factor).
        align_corners: linear modes only (None means False).
        recompute_scale_factor: True makes the kernel use in/out rather than 1/scale_factor.
    Backward: each input cell receives the gradients of the outputs that read it, weighted as
    they read it. As in PyTorch, a 3-D input is a batch of 1-D signals, not one unbatched image."""
    fn = "interpolate"
    check_tensor(fn, "input", input, ndim=(3, 4, 5))
    modes = ("nearest", "nearest-exact", "area") + tuple(LINEAR_MODES)
    if mode not in modes:
        raise ValueError(f"{fn}: mode must be one of {', '.join(map(repr, modes))}, got "
                         f"mode={mode!r}")
    if mode in LINEAR_MODES and input.ndim != LINEAR_MODES[mode]:
        raise ValueError(f"{fn}: mode={mode!r} needs a {LINEAR_MODES[mode]}-D input, got shape "
                         f"{input.shape}")
    if align_corners is not None and mode not in LINEAR_MODES:
        raise ValueError(f"{fn}: align_corners can only be set with the interpolating modes "
                         f"(linear, bilinear, bicubic, trilinear), not mode={mode!r}")
    if antialias:
        raise ValueError(f"{fn}: antialias is not available (PyTorch offers it for bilinear "
                         f"and bicubic only)")
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{fn}: give exactly one of size and scale_factor")
    spatial = input.shape[2:]
    n = len(spatial)
    if size is not None:
        sizes = _per_axis(fn, "size", size, n)
        if not all(isinstance(v, (int, np.integer)) for v in sizes):
            raise TypeError(f"{fn}: size must hold ints, got {size!r}")
        scales = (None,) * n
    else:
        scales = tuple(float(v) for v in _per_axis(fn, "scale_factor", scale_factor, n))
        if not all(v > 0 and math.isfinite(v) for v in scales):
            raise ValueError(f"{fn}: scale_factor must be positive and finite, got {scale_factor!r}")
        sizes = tuple(math.floor(float(d) * f) for d, f in zip(spatial, scales))
        if recompute_scale_factor:
            scales = (None,) * n
    if min(sizes) < 1 or min(spatial) < 1:
        raise ValueError(f"{fn}: input and output sizes must be positive, got input shape "
                         f"{input.shape} and output size {tuple(sizes)}")
    if mode in LINEAR_MODES:
        return _linear(input, sizes, scales, bool(align_corners))
    if mode == "area":
        if input.ndim == 5:
            raise ValueError(f"{fn}: mode='area' is available for 3-D and 4-D inputs, got shape "
                             f"{input.shape}")
        if input.ndim == 3:  # a row of a 1-pixel-high image
            return adaptive_avg_pool2d(input.unsqueeze(2), (1, sizes[0])).squeeze(2)
        return adaptive_avg_pool2d(input, tuple(sizes))
    exact = mode == "nearest-exact"
    # PyTorch's 2-D kernels work in float32; its 1-D and 3-D ones in the input's precision
    arithmetic = np.float64 if n != 2 and input.dtype == np.float64 else np.float32
    sources = [_nearest_sources(d, int(o), f, exact, arithmetic, n == 2 and not exact)
               for d, o, f in zip(spatial, sizes, scales)]
    factors = tuple(o // d for d, o in zip(spatial, sizes))
    if n == 2 and all(np.array_equal(src, np.arange(len(src)) // k)
                      for src, k in zip(sources, factors) if k):
        if all(o == d * k for d, o, k in zip(spatial, sizes, factors)):  # whole blocks: the fast op
            return ops.UpsampleNearest2d.apply(input, scale=factors)
    grid = np.ix_(*sources)                                             # one index array per axis
    return input[(Ellipsis,) + grid]                                    # (N, C, *sizes)
