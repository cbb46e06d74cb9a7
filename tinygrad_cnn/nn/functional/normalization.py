"""Normalisation as functions: batch_norm, layer_norm, group_norm, local_response_norm, and normalize
(vectors scaled to unit p-norm)."""
from __future__ import annotations

from ... import ops
from ._checks import check_tensor
from .pooling import avg_pool2d
from .shape import pad


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel (axis 1) by batch statistics (training) or running ones (eval).

    In training mode running_mean / running_var (if given) are updated in place.
    Shape: input (N, C, *): (N, C), (N, C, L), (N, C, H, W), (N, C, D, H, W) ...;
           running stats, weight, bias (C,)."""
    fn = "batch_norm"
    check_tensor(fn, "input", input)
    if input.ndim < 2:
        raise ValueError(f"{fn}: input must have 2 or more dimensions (N, C, ...), got shape "
                         f"{input.shape}")
    C = input.shape[1]
    if C == 0:
        raise ValueError(f"{fn}: input has no channels (shape {input.shape})")
    for name, value in (("momentum", momentum), ("eps", eps)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{fn}: {name} must be a number, got {value!r}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None:
            check_tensor(fn, name, t)                # stats are updated in place: float only
        if t is not None and tuple(t.shape) != (C,):
            raise ValueError(f"{fn}: {name} must have shape ({C},) for input {input.shape}, got {tuple(t.shape)}")
    if not training and (running_mean is None or running_var is None):
        raise ValueError(f"{fn}: eval mode needs running_mean and running_var")
    if training and input.numel() // C <= 1:
        raise ValueError(f"{fn}: expected more than 1 value per channel when training, got input "
                         f"shape {input.shape}")
    if weight is None and bias is not None:  # the op takes bias only after weight: add it here
        y = batch_norm(input, running_mean, running_var, None, None, training, momentum, eps)
        return y + bias.reshape((1, C) + (1,) * (input.ndim - 2))
    tensors = [input] + [t for t in (weight, bias) if t is not None]
    return ops.BatchNorm.apply(
        *tensors, training=bool(training), momentum=float(momentum), eps=float(eps),
        running_mean=None if running_mean is None else running_mean.array,
        running_var=None if running_var is None else running_var.array)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """AlexNet's LRN:  b_c = a_c / (k + alpha/size * sum of a_j^2 over the `size` channels
    centred on c) ** beta, channels beyond the edge counting as 0 (PyTorch's definition).

    Shape: (N, C, *) with at least one axis after C, as PyTorch: a 3-D input is (N, C, L)."""
    fn = "local_response_norm"
    check_tensor(fn, "input", input)
    if input.ndim < 3:
        raise ValueError(f"{fn}: input must have 3 or more dimensions (N, C, ...), got shape "
                         f"{input.shape}")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"{fn}: size must be a positive int, got {size!r}")
    N, C = input.shape[:2]
    squares = (input * input).reshape(N, 1, C, -1)                  # channels as a spatial axis
    squares = pad(squares, (0, 0, size // 2, (size - 1) // 2))      # (N, 1, C + size - 1, S)
    mean_sq = avg_pool2d(squares, (size, 1), stride=1).reshape(input.shape)
    return input / (mean_sq * alpha + k) ** beta


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last len(normalized_shape) axes of each sample: (x - mean) /
    sqrt(var + eps) with the biased variance, then * weight + bias (both of normalized_shape).
    A composite of Tensor ops, so its gradient is theirs."""
    fn = "layer_norm"
    check_tensor(fn, "input", input)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape or tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise ValueError(f"{fn}: normalized_shape {list(shape)} must equal the last dimensions "
                         f"of the input, got input shape {input.shape}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise ValueError(f"{fn}: {name} must have shape {shape}, got {t.shape}")
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    centred = input - input.mean(axes, keepdim=True)
    out = centred / ((centred * centred).mean(axes, keepdim=True) + eps).sqrt()
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the C channels of each sample into `num_groups` groups and normalise each group
    over its channels and positions: (x - mean) / sqrt(var + eps), biased variance; then
    * weight + bias per channel (both of shape (C,)). Batch-size independent, no running stats.
    A composite of Tensor ops, so its gradient is theirs.

    Shape: input (N, C, *) with C divisible by num_groups."""
    fn = "group_norm"
    check_tensor(fn, "input", input)
    if input.ndim < 2:
        raise ValueError(f"{fn}: input must have 2 or more dimensions (N, C, ...), got shape "
                         f"{input.shape}")
    N, C = input.shape[:2]
    if isinstance(num_groups, bool) or not isinstance(num_groups, int) or num_groups < 1 \
            or C % num_groups:
        raise ValueError(f"{fn}: expected the number of channels ({C}) of input {input.shape} "
                         f"to be divisible by num_groups, got num_groups={num_groups!r}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (C,):
            raise ValueError(f"{fn}: {name} must have shape ({C},) for input {input.shape}, "
                             f"got {tuple(t.shape)}")
    grouped = input.reshape(N, num_groups, -1)
    centred = grouped - grouped.mean(2, keepdim=True)
    out = centred / ((centred * centred).mean(2, keepdim=True) + eps).sqrt()
    out = out.reshape(input.shape)
    channel = (1, C) + (1,) * (input.ndim - 2)     # weight and bias act per channel
    if weight is not None:
        out = out * weight.reshape(channel)
    return out if bias is None else out + bias.reshape(channel)


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """input / max(||input||_p along dim, eps): unit vectors along `dim` (zero stays zero)."""
    check_tensor("normalize", "input", input)
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps)
