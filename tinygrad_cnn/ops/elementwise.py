"""Element-wise arithmetic. Binary ops broadcast like numpy; their backward returns gradients of
the broadcast shape and the engine (autograd.unbroadcast) sums them back to each input's shape."""
import numpy as np

from ..autograd import Function


class Add(Function):
    """y = a + b.   da = dy,  db = dy."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, dy):
        return dy, dy


class Sub(Function):
    """y = a - b.   da = dy,  db = -dy."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, dy):
        return dy, -dy


class Mul(Function):
    """y = a * b.   da = dy * b,  db = dy * a."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, a, b):
        # each side's gradient needs the other side: save only what a wanted gradient needs
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None,
                              b if ctx.needs_input_grad[0] else None)
        return a * b

    @staticmethod
    def backward(ctx, dy):
        a, b = ctx.saved_arrays
        da = dy * b if ctx.needs_input_grad[0] else None
        db = dy * a if ctx.needs_input_grad[1] else None
        return da, db


class Div(Function):
    """y = a / b.   da = dy / b,  db = -dy * a / b**2."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        return a / b

    @staticmethod
    def backward(ctx, dy):
        a, b = ctx.saved_arrays
        da = dy / b if ctx.needs_input_grad[0] else None
        db = -dy * a / (b * b) if ctx.needs_input_grad[1] else None
        return da, db


class Neg(Function):
    """y = -x.   dx = -dy."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, dy):
        return -dy


class Pow(Function):
    """y = x ** p for a constant exponent p.   dx = dy * p * x ** (p - 1).

    NOTE: for p == 0 the derivative is 0 everywhere, as in PyTorch, including at x == 0 where
    the formula would give 0 * 0 ** -1 = 0 * inf = nan."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x, *, exponent):
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        return x ** exponent

    @staticmethod
    def backward(ctx, dy):
        x, = ctx.saved_arrays
        p = ctx.exponent
        if p == 0:
            return np.zeros_like(dy)
        return dy * p * x ** (p - 1)


class Power(Function):
    """y = a ** b with both a tensor (base and exponent broadcast against each other).

    da = dy * b * a ** (b - 1)    (0 where b == 0)
    db = dy * y * ln a            (0 where a == 0 and b >= 0: y is then 0 or 1, constant in b)
    The zeros are PyTorch's; without them 0 * inf = nan. A negative base gives a real y only for
    integer exponents, and its db is nan (ln of a negative number), as in PyTorch."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, a, b):
        y = np.power(a, b)                   # 0 ** -1 = inf, (-2) ** 0.5 = nan, silently
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, dy):
        a, b, y = ctx.saved_arrays
        da = db = None
        if ctx.needs_input_grad[0]:
            da = np.where(b == 0, 0, dy * b * np.power(a, b - 1))
        if ctx.needs_input_grad[1]:
            db = np.where((a == 0) & (b >= 0), 0, dy * y * np.log(a))
        return da, db


class Exp(Function):
    """y = e^x.   dx = dy * y (the output is its own derivative)."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        y, = ctx.saved_arrays
        return dy * y


class Log(Function):
    """y = ln x.   dx = dy / x."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, dy):
        x, = ctx.saved_arrays
        return dy / x


class Sqrt(Function):
    """y = sqrt(x).   dx = dy / (2 y)."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x):
        y = np.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        y, = ctx.saved_arrays
        return dy / (2 * y)


class Abs(Function):
    """y = |x|.   dx = dy * sign(x).

    NOTE: at x == 0 the derivative is taken as 0 (sign(0) = 0), as in PyTorch."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, dy):
        x, = ctx.saved_arrays
        return dy * np.sign(x)


class Clamp(Function):
    """y = min(max(x, low), high), either bound optional.   dx = dy where low <= x <= high, else 0.

    NOTE: the bounds themselves count as inside, so a value sitting exactly on a bound passes
    its gradient through, as in PyTorch."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x, *, low, high):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return np.clip(x, low, high).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, dy):
        x, = ctx.saved_arrays
        inside = np.ones(x.shape, dtype=bool)
        if ctx.low is not None:
            inside &= x >= ctx.low
        if ctx.high is not None:
            inside &= x <= ctx.high
        return dy * inside


class Cast(Function):
    """y = x converted to another float dtype.   dx = dy, converted back to x's dtype."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x, *, dtype):
        ctx.x_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, dy):
        return dy.astype(ctx.x_dtype)


class Where(Function):
    """y = a where condition holds, else b (condition is a constant boolean array).

    da = dy where condition, else 0;   db = dy where not condition, else 0."""

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, a, b, *, condition):
        ctx.save_for_backward(condition)
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, dy):
        condition, = ctx.saved_arrays
        # a select, not dy * mask: an inf or nan in dy must not turn the unselected side's
        # zero into nan (as PyTorch's where backward)
        da = np.where(condition, dy, 0).astype(dy.dtype) if ctx.needs_input_grad[0] else None
        db = np.where(condition, 0, dy).astype(dy.dtype) if ctx.needs_input_grad[1] else None
        return da, db
