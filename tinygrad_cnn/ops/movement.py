"""Ops that move or copy values without arithmetic. Their backward moves dy back the same way."""
import numpy as np

from ..autograd import Context, Function, unbroadcast


class Reshape(Function):
    """y = x viewed with a new shape (same values, row-major order).   dx = dy reshaped back."""

    spatial = "reshape"

    returns_view = True  # numpy returns a view when it can; the engine checks

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.x_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, dy):
        return dy.reshape(ctx.x_shape)


class Permute(Function):
    """y = x with its axes reordered: y.shape[i] = x.shape[dims[i]].
    Backward applies the inverse permutation to dy."""

    spatial = "remap"

    returns_view = True  # numpy returns a view when it can; the engine checks

    @staticmethod
    def forward(ctx, x, *, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, dy):
        return dy.transpose(np.argsort(ctx.dims))


class GetItem(Function):
    """y = x[index] for basic slices and integer-array indices.

    Backward: dy is written back to the positions it was read from; a position read several times
    (repeated integer indices) receives the sum of its gradients."""

    spatial = "index"

    returns_view = True  # numpy returns a view when it can; the engine checks

    @staticmethod
    def forward(ctx, x, *, index):
        ctx.x_shape, ctx.x_dtype, ctx.index = x.shape, x.dtype, index
        key = index if isinstance(index, tuple) else (index,)
        if all(k is None or isinstance(k, (int, np.integer, slice)) for k in key):
            key = key + (Ellipsis,)  # x[0] of a vector is then a 0-d view, not a copied scalar
        return np.asarray(x[key])

    @staticmethod
    def backward(ctx, dy):
        dx = np.zeros(ctx.x_shape, dtype=np.result_type(dy, ctx.x_dtype))
        np.add.at(dx, ctx.index, dy)  # add.at, unlike dx[index] += dy, sums repeated indices
        return dx


class IndexPut(Function):
    """y = x with y[index] = v, v broadcast to the indexed shape (what `x[index] = v` records).

    dx = dy with the written positions zeroed (their old values no longer reach y);
    dv = dy[index], summed back to v's shape by the engine."""

    spatial = "remap"

    @staticmethod
    def forward(ctx, x, v, *, index):
        ctx.index = index
        y = x.copy()
        y[index] = v
        return y

    @staticmethod
    def backward(ctx, dy):
        dx = dv = None
        if ctx.needs_input_grad[0]:
            dx = dy.copy()
            dx[ctx.index] = 0
        if ctx.needs_input_grad[1]:
            dv = dy[ctx.index]
        return dx, dv


class WriteIntoView(Function):
    """y = base with the part a view selects replaced by v: what an in-place op on a view of a
    tensor in a graph records for the base (PyTorch's CopySlices).

    `steps` are the view ops ((op class, params), ...) that led from the base to the view; they
    are replayed on y (and on dy) to find the same part.
    dbase = dy with that part zeroed (those values were overwritten);  dv = dy's part."""

    spatial = "remap"

    @staticmethod
    def forward(ctx, base, v, *, steps):
        ctx.steps = steps
        y = base.copy()
        view_part(y, steps)[...] = v
        return y

    @staticmethod
    def backward(ctx, dy):
        dbase = dv = None
        if ctx.needs_input_grad[0]:
            dbase = dy.copy()
            view_part(dbase, ctx.steps)[...] = 0
        if ctx.needs_input_grad[1]:
            dv = view_part(dy, ctx.steps).copy()
        return dbase, dv


def view_part(array, steps):
    """The view of `array` that the view ops `steps` make (each op's forward returns a view)."""
    for cls, params in steps:
        array = cls.forward(Context((False,)), array, **params)
    return array


class Pad(Function):
    """y = x surrounded by a constant `value`; pad_width as in numpy: ((before, after), ...) per axis.
    Backward: dx is the centre of dy, the padding's gradient is discarded."""

    spatial = "pad"

    @staticmethod
    def forward(ctx, x, *, pad_width, value=0.0):
        ctx.centre = tuple(slice(before, before + size) for (before, _), size in zip(pad_width, x.shape))
        return np.pad(x, pad_width, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, dy):
        return dy[ctx.centre]


class Cat(Function):
    """y = the inputs joined along `axis`.   Each input's gradient is its slice of dy."""

    spatial = "along_axis"

    @staticmethod
    def forward(ctx, *xs, axis):
        ctx.axis = axis
        ctx.boundaries = np.cumsum([x.shape[axis] for x in xs])[:-1]
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def backward(ctx, dy):
        return tuple(np.split(dy, ctx.boundaries, axis=ctx.axis))


class Expand(Function):
    """y = x broadcast to `shape` (no copy).   dx = dy summed over the broadcast axes."""

    spatial = "pointwise"

    returns_view = True  # numpy returns a view when it can; the engine checks

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.x_shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, dy):
        return unbroadcast(dy, ctx.x_shape)


class UpsampleNearest2d(Function):
    """Nearest-neighbour upsampling by integer factors:  y[n, c, i, j] = x[n, c, i // sh, j // sw].

    Backward: each input pixel was copied into an sh x sw block, so dx sums dy over that block."""

    spatial = "remap"

    @staticmethod
    def forward(ctx, x, *, scale):                          # x: (N, C, H, W)
        sh, sw = scale
        ctx.scale = scale
        return x.repeat(sh, axis=2).repeat(sw, axis=3)      # (N, C, H*sh, W*sw)

    @staticmethod
    def backward(ctx, dy):                                  # dy: (N, C, H*sh, W*sw)
        sh, sw = ctx.scale
        N, C, Hy, Wy = dy.shape
        return dy.reshape(N, C, Hy // sh, sh, Wy // sw, sw).sum(axis=(3, 5))  # (N, C, H, W)
