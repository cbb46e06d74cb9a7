"""The pieces of the classification losses: a numerically stable log-softmax, the negative
log-likelihood of the target classes, and the binary cross-entropy of probabilities."""
import numpy as np

from ..autograd import Function


class LogSoftmax(Function):
    """y = x - log(sum over `axis` of e^x), computed as (x - m) - log(sum e^(x - m)) with m the max,
    so no exponential overflows.   Backward: dx = dy - softmax(x) * sum(dy) over `axis`."""

    spatial = "along_axis"

    @staticmethod
    def forward(ctx, x, *, axis):
        shifted = x - x.max(axis=axis, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, dy):
        y, = ctx.saved_arrays
        return dy - np.exp(y) * dy.sum(axis=ctx.axis, keepdims=True)


class NLLLoss(Function):
    """Negative log-likelihood of class indices, with PyTorch's weighting and reductions.

    logp: (N, C) or (N, C, d1, ...) log-probabilities;  target: (N,) or (N, d1, ...) integers.
    loss_k = -weight[t_k] * logp[k, t_k] for every sample position k whose t_k != ignore_index
    (ignored positions contribute 0).  reduction: 'none' -> the loss_k;  'sum' -> their sum;
    'mean' -> their sum / (sum of weight[t_k] over non-ignored k), nan when that is 0.

    Backward: dlogp[k, t_k] = -weight[t_k] * dloss_k (divided by the same total for 'mean');
    every other entry, and every ignored position, is 0.
    """

    spatial = "remap"

    @staticmethod
    def forward(ctx, logp, *, target, weight=None, ignore_index=-100, reduction="mean"):
        keep = target != ignore_index                                   # (N, d1, ...)
        safe_target = np.where(keep, target, 0)
        picked = np.take_along_axis(logp, np.expand_dims(safe_target, 1), axis=1).squeeze(1)
        w = weight[safe_target] if weight is not None else np.ones_like(picked)
        w = np.where(keep, w, 0).astype(logp.dtype)                     # (N, d1, ...)
        losses = -w * picked
        ctx.save_for_backward(w, safe_target, keep)
        ctx.logp_shape, ctx.logp_dtype, ctx.reduction = logp.shape, logp.dtype, reduction
        if reduction == "none":
            return losses
        if reduction == "sum":
            return np.asarray(losses.sum())
        ctx.total_weight = w.sum()
        return np.asarray(losses.sum() / ctx.total_weight)              # 0/0 = nan if all ignored, as torch

    @staticmethod
    def backward(ctx, dy):
        w, safe_target, keep = ctx.saved_arrays
        per_position = -w * dy                                          # dy broadcasts when reduced
        if ctx.reduction == "mean":
            per_position = per_position / ctx.total_weight
            # ignored positions get exactly 0, even when the total weight is 0 (as PyTorch,
            # which skips them); kept positions of zero total weight get 0/0 = nan, as there
            per_position = np.where(keep, per_position, 0)
        dlogp = np.zeros(ctx.logp_shape, dtype=ctx.logp_dtype)
        np.put_along_axis(dlogp, np.expand_dims(safe_target, 1),
                          np.expand_dims(per_position, 1).astype(ctx.logp_dtype), axis=1)
        return dlogp


_GUARD = float(np.float32(1e-12))  # PyTorch's guard is the float32 nearest 1e-12, even in float64


class BinaryCrossEntropy(Function):
    """Element-wise loss of a probability p against a target t in [0, 1]:

        loss = -(t * max(ln p, -100) + (1 - t) * max(ln(1 - p), -100))

    The logs are floored at -100, as in PyTorch, so p = 0 or 1 gives a large finite loss.
    Backward:  dp = dy * (p - t) / max(p (1 - p), 1e-12)   (the same guard keeps it finite);
               dt = dy * (ln(1 - p) - ln p).
    """

    spatial = "pointwise"

    @staticmethod
    def forward(ctx, p, t):
        log_p = np.maximum(np.log(p), -100)                             # ln 0 = -inf, floored
        log_not_p = np.maximum(np.log1p(-p), -100)
        ctx.save_for_backward(p, t)
        return -(t * log_p + (1 - t) * log_not_p)

    @staticmethod
    def backward(ctx, dy):
        p, t = ctx.saved_arrays
        dp = dt = None
        if ctx.needs_input_grad[0]:
            dp = dy * (p - t) / np.maximum(p * (1 - p), _GUARD)
        if ctx.needs_input_grad[1]:
            dt = dy * (np.log1p(-p) - np.log(p))
        return dp, dt
