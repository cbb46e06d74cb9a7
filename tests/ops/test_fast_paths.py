"""The fast paths of ops/fast/ compute what the reference ops of ops/conv.py and ops/pool.py
compute: same outputs, same gradients, over shapes, strides, padding (also asymmetric),
dilation, groups, batch chunking, and float64 (to rounding) and float32 (to float32 tolerance)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_cnn import ops
from tinygrad_cnn.autograd import Context
from tinygrad_cnn.ops import conv as reference_conv
from tinygrad_cnn.ops import fast
from tinygrad_cnn.ops import pool as reference_pool
from tinygrad_cnn.ops.fast import conv as fast_conv
from tinygrad_cnn.ops.fast import layout, winograd
from tests.strategies import conv_geometry, pool_geometry

TOLERANCE = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-4, atol=2e-5)}


def run(op, inputs, needs, **params):
    """forward then backward of an op on arrays, as the engine calls them."""
    ctx = Context(needs)
    y = op.forward(ctx, *inputs, **params)
    y, *extras = y if isinstance(y, tuple) else (y,)
    dy = np.random.default_rng(1).standard_normal(y.shape).astype(y.dtype)
    grads = op.backward(ctx, dy)
    return (y, *extras) + (grads if isinstance(grads, tuple) else (grads,))


def assert_same(reference, fast_result, dtype):
    assert len(reference) == len(fast_result)
    for expected, got in zip(reference, fast_result):
        if expected is None:
            assert got is None
            continue
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, **TOLERANCE[dtype])


def test_the_ops_package_exports_the_fast_paths_under_the_reference_names():
    assert ops.Conv2d is fast.Conv2d and issubclass(ops.Conv2d, reference_conv.Conv2d)
    assert ops.MaxPool2d is fast.MaxPool2d and issubclass(ops.MaxPool2d, reference_pool.MaxPool2d)
    assert (ops.Conv2d.__name__, ops.MaxPool2d.__name__) == ("Conv2d", "MaxPool2d")  # same graph


@given(geometry=conv_geometry(), dtype=st.sampled_from([np.float64, np.float32]),
       extra=st.tuples(st.integers(0, 1), st.integers(0, 1)), bias=st.booleans(),
       needs_dx=st.booleans(), tiny_chunks=st.booleans(), seed=st.integers(0, 2**16))
def test_fast_conv2d_equals_the_reference(geometry, dtype, extra, bias, needs_dx, tiny_chunks, seed):
    N, C, H, W, F, KH, KW, stride, padding, dilation, groups = geometry
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    w = rng.standard_normal((F, C // groups, KH, KW)).astype(dtype)
    inputs = (x, w, rng.standard_normal(F).astype(dtype)) if bias else (x, w)
    needs = (needs_dx, True) + ((True,) if bias else ())
    # 'same' padding of an even kernel pads one more row/column at the bottom/right
    pads = ((padding[0], padding[0] + extra[0]), (padding[1], padding[1] + extra[1]))
    params = dict(stride=stride, padding=pads, dilation=dilation, groups=groups)
    expected = run(reference_conv.Conv2d, inputs, needs, **params)
    with pytest.MonkeyPatch.context() as patch:
        if tiny_chunks:  # one image per chunk: every chunk loop runs more than once
            patch.setattr(fast_conv, "CHUNK_BYTES", 1)
        assert_same(expected, run(fast.Conv2d, inputs, needs, **params), dtype)


def _pool_input(shape, seed, dtype, specials):
    """Values on a coarse grid (so windows tie often), with NaN and -inf sprinkled in."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, shape).astype(dtype)
    if specials:
        x[rng.random(shape) < 0.1] = -np.inf
        x[rng.random(shape) < 0.05] = np.nan
    return x


@given(geometry=pool_geometry(), dtype=st.sampled_from([np.float64, np.float32]),
       specials=st.booleans(), return_indices=st.booleans(), seed=st.integers(0, 2**16))
def test_fast_max_pool2d_equals_the_reference(geometry, dtype, specials, return_indices, seed):
    N, C, H, W, kernel, stride, padding, dilation, ceil_mode = geometry
    x = _pool_input((N, C, H, W), seed, dtype, specials)
    params = dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation,
                  ceil_mode=ceil_mode, return_indices=return_indices)
    expected = run(reference_pool.MaxPool2d, (x,), (True,), **params)
    got = run(fast.MaxPool2d, (x,), (True,), **params)
    for want, have in zip(expected, got):  # ties, NaN and -inf: the same winners, exactly
        assert have.dtype == want.dtype
        np.testing.assert_array_equal(have, want)


def test_fast_max_pool2d_hands_large_windows_to_the_reference():
    x = np.random.default_rng(0).standard_normal((1, 2, 9, 9))
    ctx = Context((True,))
    fast.MaxPool2d.forward(ctx, x, kernel_size=(9, 9), stride=(9, 9), padding=(0, 0),
                           dilation=(1, 1), ceil_mode=False)
    assert not ctx.fast and ctx.saved_arrays[0].dtype == np.intp


@pytest.mark.parametrize("H, W, k, F, stride, padding, dilation", [
    (9, 8, 3, 4, 1, ((1, 1), (1, 2)), (1, 1)),   # stride 1 on a map padding barely grows: shifted adds
    (7, 6, 3, 4, 1, ((2, 2), (2, 2)), (2, 1)),   # the same with dilation
    (4, 4, 3, 2, 1, ((1, 1), (1, 1)), (1, 1)),   # padding more than doubles the map: full correlation
    (3, 3, 3, 1, 1, ((0, 0), (0, 0)), (1, 1)),   # one output position: scatter
    (6, 6, 5, 6, 1, ((0, 0), (0, 0)), (1, 1)),   # small map, more filters than channels: scatter
    (9, 8, 3, 4, 2, ((1, 1), (1, 1)), (1, 2)),   # strided: scatter
])
def test_every_fast_conv2d_input_gradient_route_equals_the_reference(H, W, k, F, stride, padding, dilation):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 2, H, W)), rng.standard_normal((F, 2, k, k))
    params = dict(stride=(stride, stride), padding=padding, dilation=dilation, groups=1)
    assert_same(run(reference_conv.Conv2d, (x, w), (True, True), **params),
                run(fast.Conv2d, (x, w), (True, True), **params), np.float64)


@given(N=st.integers(1, 3), C=st.integers(1, 3), F=st.integers(1, 3),
       pads=st.tuples(*[st.integers(0, 2)] * 4), H=st.integers(1, 9), W=st.integers(1, 9),
       dtype=st.sampled_from([np.float64, np.float32]), bias=st.booleans(),
       needs_dx=st.booleans(), band_bytes=st.sampled_from([None, 1, 3000]), seed=st.integers(0, 2**16))
def test_winograd_3x3_equals_the_reference(N, C, F, pads, H, W, dtype, bias, needs_dx,
                                           band_bytes, seed):
    """3x3 stride 1 runs Winograd F(2x2, 3x3): odd and even output sizes (partial tiles),
    asymmetric padding; bands of all images, of some images, and of one tile row."""
    top, bottom, left, right = pads
    H, W = max(H, 3 - top - bottom), max(W, 3 - left - right)      # at least one output
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    w = rng.standard_normal((F, C, 3, 3)).astype(dtype)
    inputs = (x, w, rng.standard_normal(F).astype(dtype)) if bias else (x, w)
    needs = (needs_dx, True) + ((True,) if bias else ())
    params = dict(stride=(1, 1), padding=((top, bottom), (left, right)), dilation=(1, 1), groups=1)
    expected = run(reference_conv.Conv2d, inputs, needs, **params)
    with pytest.MonkeyPatch.context() as patch:
        if band_bytes:
            patch.setattr(winograd, "BAND_BYTES", band_bytes)
        assert_same(expected, run(fast.Conv2d, inputs, needs, **params), dtype)


def test_winograd_runs_only_for_3x3_stride_1_undilated_floats(monkeypatch):
    calls = []
    monkeypatch.setattr(winograd, "forward", lambda *a: calls.append(a) or np.zeros((1, 1, 2, 2)))
    x, w = np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3))
    for stride, dilation, dtype in (((1, 1), (1, 1), float), ((2, 1), (1, 1), float),
                                    ((1, 1), (1, 2), float), ((1, 1), (1, 1), np.int64)):
        fast.Conv2d.forward(Context((True, True)), x.astype(dtype), w.astype(dtype), stride=stride,
                            padding=((0, 0), (0, 0)), dilation=dilation, groups=1)
    assert len(calls) == 1      # integers stay exact on the im2col path (Winograd halves values)


@pytest.mark.parametrize("shape, collide", [((2, 16, 32, 32), True), ((2, 40, 16, 16), True),
                                            ((2, 64, 7, 7), False), ((1, 3, 32, 32), False)])
def test_channels_last_copy_spreads_colliding_planes_and_keeps_values(shape, collide):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    assert layout.collides(x) == collide
    assert np.array_equal(layout.skewed(x), x)
    out = np.zeros(shape[:1] + shape[2:] + shape[1:2], dtype=x.dtype)
    layout.write_channels_last(x, out)
    assert np.array_equal(out, x.transpose(0, 2, 3, 1))
