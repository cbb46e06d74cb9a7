"""Batch normalisation: standardise each channel over the batch, then scale and shift."""
import numpy as np

from ..autograd import Function


class BatchNorm(Function):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, per channel (axis 1).

    x: (N, C) or (N, C, H, W); weight, bias: (C,). Statistics are over every axis but 1 (M values).
    training: mean and var (biased) of this batch; running_mean/running_var are moved toward them
              in place: r = (1 - momentum) * r + momentum * stat, with the unbiased var (as PyTorch).
    eval:     the running statistics, which makes the op an affine map of x.

    Backward (training), with xhat = (x - mean) / std and g = dy * weight:
        dx = (g - mean(g) - xhat * mean(g * xhat)) / std        (means over the M values)
        dweight = sum(dy * xhat),   dbias = sum(dy)
    In eval mode mean and std are constants, so dx = g / std.
    Forward saves x (as PyTorch does), not xhat: backward recomputes xhat from x, mean and std,
    which costs one pass over x and keeps no second copy of every feature map alive.
    """

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, x, weight=None, bias=None, *, training, running_mean, running_var, momentum, eps):
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)                  # broadcasts a (C,) vector over x
        if training:
            mean, var = x.mean(axis=axes), x.var(axis=axes)    # (C,)
            if running_mean is not None:
                count = x.size // x.shape[1]
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * var * count / max(count - 1, 1)
        else:
            mean, var = running_mean, running_var
        inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype)      # (C,)
        xhat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
        ones = np.ones_like(inv_std)
        # mean is copied: in eval mode it is running_mean, which a later training step changes
        ctx.save_for_backward(x, np.array(mean, dtype=x.dtype), inv_std,
                              weight if weight is not None else ones)
        ctx.axes, ctx.shape, ctx.training = axes, shape, training
        y = xhat * weight.reshape(shape) if weight is not None else xhat
        return y + bias.reshape(shape) if bias is not None else y

    @staticmethod
    def backward(ctx, dy):
        x, mean, inv_std, weight = ctx.saved_arrays
        axes, shape = ctx.axes, ctx.shape
        xhat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
        g = dy * weight.reshape(shape)
        if ctx.training:
            dx = (g - g.mean(axis=axes).reshape(shape)
                  - xhat * (g * xhat).mean(axis=axes).reshape(shape)) * inv_std.reshape(shape)
        else:
            dx = g * inv_std.reshape(shape)
        grads = [dx]
        if len(ctx.needs_input_grad) > 1:
            grads.append((dy * xhat).sum(axis=axes))           # dweight: (C,)
        if len(ctx.needs_input_grad) > 2:
            grads.append(dy.sum(axis=axes))                    # dbias: (C,)
        return tuple(grads)
