"""Ops that move values: reshape, permute, getitem, pad, cat, expand, nearest upsampling.
Their gradients move dy back; repeated reads add up."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import ops
from tests.strategies import check_gradients, gradchecks, leaf, random_arrays, small_shapes

ARRAYS = small_shapes(1, 4).flatmap(random_arrays)


@gradchecks(ops.Reshape)
@given(x=ARRAYS, data=st.data())
def test_reshape_gradcheck(x, data):
    shape = data.draw(st.permutations(x.shape + (1,)))  # same size, other order, an extra axis
    check_gradients(lambda t: t.reshape(*shape), (leaf(x),), ops.Reshape)


@gradchecks(ops.Permute)
@given(x=ARRAYS, data=st.data())
def test_permute_gradcheck(x, data):
    dims = data.draw(st.permutations(range(x.ndim)))
    check_gradients(lambda t: t.permute(*dims), (leaf(x),), ops.Permute)
    np.testing.assert_array_equal(leaf(x).permute(*dims).array, x.transpose(dims))


@st.composite
def indices(draw, shape):
    """A basic slice or an integer-array index (with repeats) for each leading axis."""
    index, n = [], draw(st.integers(1, 4))  # integer arrays of one length broadcast together
    for size in shape[:draw(st.integers(1, len(shape)))]:
        if draw(st.booleans()):
            start = draw(st.integers(-size, size - 1))
            index.append(slice(start, draw(st.none() | st.integers(-size, size)), draw(st.sampled_from([1, 2, -1]))))
        else:
            index.append(np.array(draw(st.lists(st.integers(-size, size - 1), min_size=n, max_size=n))))
    return tuple(index)


@gradchecks(ops.GetItem)
@given(x=ARRAYS, data=st.data())
def test_getitem_gradcheck(x, data):
    index = data.draw(indices(x.shape))
    check_gradients(lambda t: t[index], (leaf(x),), ops.GetItem)
    np.testing.assert_array_equal(leaf(x)[index].array, x[index])


def test_getitem_repeated_indices_add_their_gradients():
    x = leaf([10.0, 20.0, 30.0])
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.array, [3.0, 0.0, 1.0])


@gradchecks(ops.Pad, F.pad)
@given(x=ARRAYS, data=st.data())
def test_pad_gradcheck(x, data):
    pad = data.draw(st.lists(st.integers(0, 2), min_size=2, max_size=2 * x.ndim).filter(lambda p: len(p) % 2 == 0))
    value = data.draw(st.sampled_from([0.0, -1.5]))
    check_gradients(lambda t: F.pad(t, pad, value=value), (leaf(x),), ops.Pad)
    y = F.pad(tg.Tensor(x), pad, value=value).array
    widths = [(0, 0)] * (x.ndim - len(pad) // 2) + [tuple(pad[i:i + 2]) for i in range(len(pad) - 2, -1, -2)]
    np.testing.assert_array_equal(y, np.pad(x, widths, constant_values=value))


def test_pad_modes_read_the_input_as_pytorch_does():
    x = tg.tensor(np.arange(4.0).reshape(1, 1, 4))
    expected = {"reflect": [2, 1, 0, 1, 2, 3, 2], "replicate": [0, 0, 0, 1, 2, 3, 3],
                "circular": [2, 3, 0, 1, 2, 3, 0], "constant": [0, 0, 0, 1, 2, 3, 0]}
    for mode, values in expected.items():
        np.testing.assert_array_equal(F.pad(x, (2, 1), mode=mode).detach().numpy().ravel(), values)
    np.testing.assert_array_equal(F.pad(x, (-1, 1)).numpy().ravel(), [1, 2, 3, 0])  # crop, pad
    with pytest.raises(ValueError, match="at most 3"):
        F.pad(x, (4, 0), mode="reflect")                 # reflect needs pad < size
    with pytest.raises(ValueError, match="last 1, 2 or 3 axes"):
        F.pad(tg.tensor(np.zeros(4)), (1, 1), mode="reflect")  # 1-D: no batch or channel axis


@given(mode=st.sampled_from(["reflect", "replicate", "circular"]), seed=st.integers(0, 2**16),
       pad=st.tuples(*[st.integers(0, 2)] * 4))
def test_pad_modes_gradcheck(mode, seed, pad):
    x = np.random.default_rng(seed).standard_normal((1, 2, 3, 3))
    # a cell read several times (an edge under replicate) receives the sum of its gradients
    check_gradients(lambda t: F.pad(t, pad, mode=mode), (leaf(x),), ops.GetItem)


@gradchecks(ops.Cat)
@given(data=st.data())
def test_cat_gradcheck(data):
    shape = data.draw(small_shapes(1, 3))
    axis = data.draw(st.integers(0, len(shape) - 1))
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    xs = [leaf(data.draw(random_arrays(shape[:axis] + (n,) + shape[axis + 1:]))) for n in sizes]
    check_gradients(lambda *ts: tg.cat(ts, dim=axis), xs, ops.Cat)
    np.testing.assert_array_equal(tg.cat(xs, dim=axis).array, np.concatenate([t.array for t in xs], axis))


@given(data=st.data())
def test_stack_is_cat_of_unsqueezed(data):
    shape = data.draw(small_shapes(1, 3))
    xs = [leaf(data.draw(random_arrays(shape))) for _ in range(3)]
    dim = data.draw(st.integers(0, len(shape)))
    np.testing.assert_array_equal(tg.stack(xs, dim).array, np.stack([t.array for t in xs], dim))
    tg.stack(xs, dim).sum().backward()
    assert all(np.array_equal(t.grad.array, np.ones(shape)) for t in xs)


@gradchecks(ops.Expand)
@given(x=ARRAYS, data=st.data())
def test_expand_gradcheck(x, data):
    small = tuple(s if data.draw(st.booleans()) else 1 for s in x.shape)
    target = (2,) + tuple(s if s > 1 else data.draw(st.integers(1, 3)) for s in small)
    check_gradients(lambda t: t.expand(*target), (leaf(x[tuple(slice(0, s) for s in small)]),), ops.Expand)


@gradchecks(ops.UpsampleNearest2d, F.interpolate)
@given(x=st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(1, 3), st.integers(1, 3)).flatmap(random_arrays),
       scale=st.tuples(st.integers(1, 3), st.integers(1, 3)))
def test_upsample_nearest_gradcheck(x, scale):
    check_gradients(lambda t: F.interpolate(t, scale_factor=scale), (leaf(x),), ops.UpsampleNearest2d)


def test_upsample_gradient_sums_each_block():
    x = leaf(np.arange(4.0).reshape(1, 1, 2, 2))
    y = F.interpolate(x, scale_factor=2)
    np.testing.assert_array_equal(y.array[0, 0], [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]])
    dy = np.arange(16.0).reshape(1, 1, 4, 4)
    y.backward(tg.Tensor(dy))
    np.testing.assert_array_equal(x.grad.array[0, 0], [[0 + 1 + 4 + 5, 2 + 3 + 6 + 7], [8 + 9 + 12 + 13, 10 + 11 + 14 + 15]])


def test_interpolate_nearest_follows_pytorchs_index_rules():
    row = tg.tensor(np.arange(3.0).reshape(1, 1, 3))                    # (N, C, L): a 1-D signal
    # floor(i / 2.3) for i < floor(3 * 2.3) = 6
    np.testing.assert_array_equal(F.interpolate(row, scale_factor=2.3).numpy().ravel(), [0, 0, 0, 1, 1, 2])
    # PyTorch's 2-D kernel copies cell i // 2 whenever the output is exactly twice the input
    image = tg.tensor(np.arange(3.0).reshape(1, 1, 1, 3))
    np.testing.assert_array_equal(F.interpolate(image, scale_factor=(1, 2.3)).numpy().ravel(),
                                  [0, 0, 1, 1, 2, 2])
    # recompute_scale_factor: the step is in/out = 3/6 rather than 1/2.3
    np.testing.assert_array_equal(
        F.interpolate(row, scale_factor=2.3, recompute_scale_factor=True).detach().numpy().ravel(),
        [0, 0, 1, 1, 2, 2])
    # nearest-exact: floor((i + 0.5) * 3/5) = floor(0.3, 0.9, 1.5, 2.1, 2.7)
    np.testing.assert_array_equal(F.interpolate(row, size=5, mode="nearest-exact").numpy().ravel(),
                                  [0, 0, 1, 2, 2])
    with pytest.raises(ValueError, match="output size"):
        F.interpolate(row, scale_factor=0.2)                             # floor(3 * 0.2) = 0


def test_interpolate_gradient_sums_over_the_cells_that_copied_each_input():
    x = leaf(np.arange(3.0).reshape(1, 1, 3))
    F.interpolate(x, size=5).backward(tg.Tensor(np.arange(1.0, 6.0).reshape(1, 1, 5)))
    np.testing.assert_array_equal(x.grad.array.ravel(), [1 + 2, 3 + 4, 5])  # cells 0 0 1 1 2


def test_interpolate_linear_modes_mix_the_two_nearest_cells():
    row = leaf(np.array([[[0.0, 4.0]]]))                                # (N, C, L) = (1, 1, 2)
    # corners aligned: 2 -> 3 samples 0, 1/2, 1 of the way along
    np.testing.assert_allclose(F.interpolate(row, size=3, mode="linear", align_corners=True)
                               .array.ravel(), [0.0, 2.0, 4.0])
    # centres aligned: src = max((i + 0.5) / 2 - 0.5, 0) = 0, 0.25, 0.75, 1.25 (edge: cell 1)
    y = F.interpolate(row, scale_factor=2, mode="linear")
    np.testing.assert_allclose(y.array.ravel(), [0.0, 1.0, 3.0, 4.0])
    y.backward(tg.Tensor(np.ones((1, 1, 4))))
    np.testing.assert_allclose(row.grad.array.ravel(), [1 + 0.75 + 0.25, 0.25 + 0.75 + 1])
    image = tg.Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    np.testing.assert_allclose(F.interpolate(image, size=(2, 2), mode="area").array[0, 0],
                               [[2.5, 4.5], [10.5, 12.5]])                # means of 2x2 blocks
    with pytest.raises(ValueError, match="needs a 4-D input"):
        F.interpolate(row, size=3, mode="bilinear")


@gradchecks(ops.IndexPut)
@given(x=ARRAYS, data=st.data())
def test_index_put_gradcheck(x, data):
    """y = x with y[index] = v: gradients to x outside the written places, and to v. Indices
    here write each place once (a boolean mask or basic slices), where the derivative exists."""
    if data.draw(st.booleans()):
        index = np.array(data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))).reshape(x.shape)
    else:
        index = tuple(slice(data.draw(st.integers(0, size - 1)), None) for size in x.shape)
    written = x[index].shape
    v = np.random.default_rng(x.size).standard_normal(written[-1:] if written and data.draw(st.booleans()) else written)
    check_gradients(lambda t, u: ops.IndexPut.apply(t, u, index=index), (leaf(x), leaf(v)), ops.IndexPut)


def test_setitem_records_index_put_and_routes_gradients_to_both_sides():
    x, v = leaf(np.arange(6.0).reshape(2, 3)), leaf(np.array([10.0, 20.0, 30.0]))
    y = x * 1.0
    y[1] = v * 2.0
    assert y.tolist() == [[0.0, 1.0, 2.0], [20.0, 40.0, 60.0]]
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [[0.0, 2.0, 4.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(v.grad.array, [80.0, 160.0, 240.0])


@gradchecks(ops.WriteIntoView)
@given(x=ARRAYS, data=st.data())
def test_write_into_view_gradcheck(x, data):
    """y = base with a view's part replaced by v (an in-place op on a view records this): the
    view reached by a basic slice, then optionally a transpose, as the recorded steps."""
    index = tuple(slice(data.draw(st.integers(0, size - 1)), None) for size in x.shape)
    steps = ((ops.GetItem, {"index": index}),)
    part = x[index]
    if part.ndim >= 2 and data.draw(st.booleans()):
        dims = tuple(reversed(range(part.ndim)))
        steps += ((ops.Permute, {"dims": dims}),)
        part = part.transpose(dims)
    v = np.random.default_rng(x.size).standard_normal(part.shape)
    check_gradients(lambda b, u: ops.WriteIntoView.apply(b, u, steps=steps), (leaf(x), leaf(v)),
                    ops.WriteIntoView)
