"""Loss functions, built from log_softmax, nll and element-wise ops."""
from __future__ import annotations

import warnings

import numpy as np

from ... import ops
from ...creation import stack, zeros_like
from ...functions import where
from ...tensor import Tensor
from ..reduction import check_reduction, legacy_reduction
from ..reduction import reduce as apply_reduction  # `reduce` is also a (legacy) argument name
from ._checks import check_tensor


def _check_class_target(fn, input, target, ignore_index, weight):
    check_tensor(fn, "input", input)
    if not isinstance(target, Tensor):
        raise TypeError(f"{fn}: target must be a Tensor, got {type(target).__name__}")
    if input.ndim == 0:
        raise ValueError(f"{fn}: input must have a class dimension, got a 0-d tensor")
    C = input.shape[1] if input.ndim > 1 else input.shape[0]
    expected = (input.shape[0],) + input.shape[2:] if input.ndim > 1 else ()
    if target.shape != expected:
        raise ValueError(f"{fn}: target shape {target.shape} does not match input shape "
                         f"{input.shape} (expected target shape {expected})")
    if not np.issubdtype(target.dtype, np.integer):
        raise TypeError(f"{fn}: class-index targets must be integers, got dtype {target.dtype}")
    kept = target.array[target.array != ignore_index]
    if kept.size and (kept.min() < 0 or kept.max() >= C):
        bad = kept.max() if kept.max() >= C else kept.min()
        raise ValueError(f"{fn}: target contains class {bad} but input has {C} classes "
                         f"(valid: 0..{C - 1}; input shape {input.shape})")
    if weight is not None:
        check_tensor(fn, "weight", weight)
        if weight.shape != (C,):
            raise ValueError(f"{fn}: weight must have shape ({C},), got {weight.shape}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of class indices, given log-probabilities.

    Shape: input (N, C) or (N, C, d1, ...) or (C,); target (N,) / (N, d1, ...) / () integers.
    size_average and reduce are PyTorch's deprecated spellings of reduction."""
    fn = "nll_loss"
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(fn, reduction)
    _check_class_target(fn, input, target, ignore_index, weight)
    if input.ndim == 1:  # one unbatched sample
        return nll_loss(input.unsqueeze(0), Tensor(target.array.reshape(1)), weight,
                        ignore_index=ignore_index,
                        reduction=reduction if reduction != "none" else "sum")
    return ops.NLLLoss.apply(input, target=target.array, ignore_index=ignore_index,
                             weight=None if weight is None else weight.array, reduction=reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """log_softmax over the class axis (1), then nll_loss; with label_smoothing eps the target
    becomes (1 - eps) * one_hot + eps / C, following torch.nn.functional.cross_entropy.

    A floating-point target of the input's shape is taken as class probabilities.
    size_average and reduce are PyTorch's deprecated spellings of reduction."""
    fn = "cross_entropy"
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(fn, reduction)
    if not isinstance(label_smoothing, (int, float)) or not 0 <= label_smoothing <= 1:
        raise ValueError(f"{fn}: label_smoothing must be in [0, 1], got {label_smoothing!r}")
    check_tensor(fn, "input", input)
    class_axis = 1 if input.ndim > 1 else 0
    if isinstance(target, Tensor) and np.issubdtype(target.dtype, np.floating):
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, class_axis)
    _check_class_target(fn, input, target, ignore_index, weight)
    logp = ops.LogSoftmax.apply(input, axis=class_axis)
    loss = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if not label_smoothing:
        return loss
    C = input.shape[class_axis]
    w_shape = [1] * input.ndim
    w_shape[class_axis] = C
    weighted = logp * weight.reshape(*w_shape) if weight is not None else logp
    keep = target.array != ignore_index
    # a select, not a product with the 0/1 mask: ignored positions must get a zero gradient
    # even when the mean below divides by a total weight of 0 (nan * 0 would be nan)
    smooth = where(Tensor(keep), -(weighted.sum(dim=class_axis)), 0.0)
    if reduction == "mean":
        denominator = weight.array[target.array[keep]].sum() if weight is not None else keep.sum()
        with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 = nan, as PyTorch
            smooth = smooth.sum() / float(denominator)
    elif reduction == "sum":
        smooth = smooth.sum()
    return loss * (1 - label_smoothing) + smooth * (label_smoothing / C)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, class_axis):
    fn = "cross_entropy"
    if target.shape != input.shape:
        raise ValueError(f"{fn}: probability targets must have the input's shape {input.shape}, "
                         f"got {target.shape}")
    C = input.shape[class_axis]
    if weight is not None:
        check_tensor(fn, "weight", weight)
        if weight.shape != (C,):
            raise ValueError(f"{fn}: weight must have shape ({C},) for input {input.shape}, "
                             f"got {weight.shape}")
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / C
    logp = ops.LogSoftmax.apply(input, axis=class_axis)
    if weight is not None:
        shape = [1] * input.ndim
        shape[class_axis] = C
        logp = logp * weight.reshape(*shape)
    losses = -(logp * target).sum(dim=class_axis)
    if reduction == "mean" and input.ndim > 1:
        return losses.sum() / (input.numel() // C)
    return apply_reduction(losses, reduction)


def _check_same_shape_pair(fn, input, target, reduction):
    """The checks of every element-wise loss: a known reduction, float tensors of one shape."""
    check_reduction(fn, reduction)
    check_tensor(fn, "input", input)
    check_tensor(fn, "target", target)
    if input.shape != target.shape:
        raise ValueError(f"{fn}: input shape {input.shape} and target shape {target.shape} differ")


def _check_broadcasts(fn, name, t, input):
    """A float tensor (a weight) whose shape broadcasts to the input's without enlarging it."""
    check_tensor(fn, name, t)
    try:
        fits = np.broadcast_shapes(t.shape, input.shape) == input.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{fn}: {name} shape {t.shape} does not broadcast to input shape "
                         f"{input.shape}")


def _weighted(fn, losses, weight, reduction):
    """The element losses times `weight` (of the input's shape); as PyTorch, 'mean' then divides
    by the sum of the weights rather than by the count."""
    if weight is None:
        return apply_reduction(losses, reduction)
    check_tensor(fn, "weight", weight)
    if weight.shape != losses.shape:
        raise ValueError(f"{fn}: weight shape {weight.shape} must equal the input shape "
                         f"{losses.shape}")
    losses = losses * weight
    if reduction == "mean":
        return losses.sum() / weight.sum()
    return apply_reduction(losses, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean (or sum) of squared differences, each optionally weighted."""
    fn = "mse_loss"
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_same_shape_pair(fn, input, target, reduction)
    diff = input - target
    return _weighted(fn, diff * diff, weight, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean (or sum) of absolute differences, each optionally weighted; the gradient at a zero
    difference is 0."""
    fn = "l1_loss"
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_same_shape_pair(fn, input, target, reduction)
    return _weighted(fn, (input - target).abs(), weight, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Squared error near zero, absolute error beyond `beta` (d = |input - target|):
    0.5 d^2 / beta where d < beta, else d - 0.5 beta. The two pieces meet with equal slope at
    d = beta; beta = 0 is l1_loss."""
    fn = "smooth_l1_loss"
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_same_shape_pair(fn, input, target, reduction)
    if not beta >= 0:
        raise ValueError(f"{fn}: beta must be non-negative, got {beta}")
    return apply_reduction(_quadratic_then_linear(input - target, float(beta)), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber loss: 0.5 d^2 where d = |input - target| < delta, else delta (d - 0.5 delta); it
    is delta * smooth_l1_loss with beta = delta."""
    fn = "huber_loss"
    _check_same_shape_pair(fn, input, target, reduction)
    if not delta > 0:
        raise ValueError(f"{fn}: delta must be positive, got {delta}")
    losses = _quadratic_then_linear(input - target, float(delta)) * float(delta)
    return _weighted(fn, losses, weight, reduction)


def _quadratic_then_linear(diff, beta: float):
    """Element-wise 0.5 diff^2 / beta where |diff| < beta, else |diff| - 0.5 beta."""
    size = diff.abs()
    if beta == 0:
        return size
    return where(size < beta, diff * diff * (0.5 / beta), size - 0.5 * beta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-weight * [t * log p + (1 - t) * log(1 - p)] for probabilities p = input in [0, 1], each
    log floored at -100 as in PyTorch. For logits prefer binary_cross_entropy_with_logits."""
    fn = "binary_cross_entropy"
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_same_shape_pair(fn, input, target, reduction)
    if input.array.size and (np.nanmin(input.array) < 0 or np.nanmax(input.array) > 1):
        raise ValueError(f"{fn}: input must hold probabilities in [0, 1], got values from "
                         f"{np.nanmin(input.array):g} to {np.nanmax(input.array):g} (shape "
                         f"{input.shape}); apply sigmoid first or use binary_cross_entropy_with_logits")
    if weight is not None:
        _check_broadcasts(fn, "weight", weight, input)
    losses = ops.BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        losses = losses * weight
    return apply_reduction(losses, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """-[pos_weight * t * log sigmoid(x) + (1 - t) * log(1 - sigmoid(x))] * weight.

    log sigmoid(x) is log_softmax of the pair (0, x), which never overflows and has the right
    gradient at x = 0."""
    fn = "binary_cross_entropy_with_logits"
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_same_shape_pair(fn, input, target, reduction)
    for name, t in (("weight", weight), ("pos_weight", pos_weight)):
        if t is not None:
            _check_broadcasts(fn, name, t, input)
    pair = ops.LogSoftmax.apply(stack([zeros_like(input), input], dim=-1), axis=input.ndim)
    log_p = pair[..., 1]          # log sigmoid(x)
    log_not_p = pair[..., 0]      # log(1 - sigmoid(x)) = log sigmoid(-x)
    positive = target * log_p if pos_weight is None else target * log_p * pos_weight
    losses = -(positive + (1 - target) * log_not_p)
    if weight is not None:
        losses = losses * weight
    return apply_reduction(losses, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence of `target` from the log-probabilities `input`, element-wise:
        t * (log t - input)          (0 where t = 0, the limit of t log t),
        exp(t) * (t - input)         with log_target=True (the target given as log t).
    reduction 'batchmean' sums and divides by the batch size input.shape[0], which is the KL
    divergence of the distributions; 'mean' divides by every element (PyTorch warns about it)."""
    fn = "kl_div"
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    check_tensor(fn, "input", input)
    check_tensor(fn, "target", target)
    if log_target:
        losses = target.exp() * (target - input)
    else:
        positive = target > 0
        t_log_t = where(positive, target * where(positive, target, 1.0).log(), 0.0)
        losses = t_log_t - target * input
    if reduction == "batchmean":
        return losses.sum() / (input.shape[0] if input.ndim else 1)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size. 'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition (as PyTorch warns)", UserWarning, stacklevel=2)
    return apply_reduction(losses, reduction)
