"""Normalisation layers: BatchNorm1d/BatchNorm2d (per-channel batch statistics, running averages
for eval), LayerNorm (per-sample statistics) and LocalResponseNorm (AlexNet's cross-channel
normalisation). Math: ops/norm.py and F.layer_norm."""
import numpy as np

from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter
from ..arguments import check_device, check_float, check_int, float_dtype


class _BatchNorm(Module):
    """Shared by BatchNorm1d and BatchNorm2d, which differ only in the input ranks they accept."""

    ranks: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None, dtype=None,
                 *, bias: bool = True):
        super().__init__()
        name = type(self).__name__
        check_device(name, device)
        self.num_features = check_int(name, "num_features", num_features)
        self.eps = check_float(name, "eps", eps, low=0.0)
        self.momentum = None if momentum is None else check_float(name, "momentum", momentum, 0.0, 1.0)
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = float_dtype(name, dtype)
        self.weight = Parameter(np.ones(num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if affine and bias else None
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            for buffer in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(buffer, None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        name = type(self).__name__
        if input.ndim not in self.ranks:
            wanted = " or ".join(f"{r}D" for r in self.ranks)
            raise ValueError(f"{name}: expected {wanted} input (got {input.ndim}D "
                             f"input of shape {input.shape})")
        # Checked here, before num_batches_tracked moves, so a bad batch changes no state.
        if input.shape[1] != self.num_features:
            raise ValueError(f"{name}: expected {self.num_features} channels in dimension 1, got "
                             f"input of shape {input.shape}")
        if self.training and input.numel() // self.num_features <= 1:
            raise ValueError(f"{name}: expected more than 1 value per channel when training, got "
                             f"input of shape {input.shape}")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average, as PyTorch
                factor = 1.0 / float(self.num_batches_tracked)
        # Batch statistics in training, and also in eval when there are no running statistics.
        use_batch_stats = self.training or not self.track_running_stats
        return F.batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                            use_batch_stats, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over each channel of an (N, C, H, W) batch (Ioffe & Szegedy, 2015).

    Training: y = (x - mean) / sqrt(var + eps) * weight + bias with the batch's per-channel mean
    and (biased) variance over N, H, W; running_mean/var move toward them by `momentum`
    (running_var with the unbiased variance). Eval: the running statistics are used instead.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for stability.
        momentum: weight of the new batch in the running averages (None: cumulative average).
        affine: learn weight (init 1) and bias (init 0).
        bias: with affine, False learns the weight only (keyword-only, as PyTorch 2.x).
        track_running_stats: keep running_mean/running_var/num_batches_tracked buffers.
        device, dtype: None or 'cpu' (the only device); the parameter dtype (float32 default).

    Shape:
        input (N, C, H, W) -> output (N, C, H, W).

    Attributes:
        weight, bias: (C,).  Buffers running_mean (C,), running_var (C,), num_batches_tracked ().

    Example:
        >>> import tinygrad_cnn as tg
        >>> bn = BatchNorm2d(3)
        >>> bn(tg.randn(4, 3, 5, 5)).shape
        (4, 3, 5, 5)
    """

    ranks = (4,)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs; otherwise exactly as BatchNorm2d."""

    ranks = (2, 3)


class LocalResponseNorm(Module):
    """Normalise each value by the activity of its neighbouring channels (AlexNet, 2012):

        y[c] = x[c] / (k + alpha/size * sum of x[c']^2 over the `size` channels around c) ** beta

    Args:
        size: number of neighbouring channels summed (including c).
        alpha, beta, k: the constants of the formula.

    Shape:
        input (N, C, *) -> output (N, C, *).
    """

    # Spatially point-wise, though its ops treat the channels as a spatial axis (a reshape and a
    # pooling over them): viz.receptive_field reads this instead of following those ops.
    spatial = "pointwise"

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
        super().__init__()
        self.size = check_int("LocalResponseNorm", "size", size)
        self.alpha = check_float("LocalResponseNorm", "alpha", alpha)
        self.beta = check_float("LocalResponseNorm", "beta", beta)
        self.k = check_float("LocalResponseNorm", "k", k)

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class LayerNorm(Module):
    """Normalise each sample over its last dims (`normalized_shape`), then scale and shift
    element-wise (see F.layer_norm). As PyTorch: weight ones, bias zeros, eps 1e-5.

    Shape:
        input (*, *normalized_shape) -> output of the same shape.
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        check_device("LayerNorm", device)
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape = tuple(check_int("LayerNorm", "normalized_shape", s) for s in shape)
        self.eps = check_float("LayerNorm", "eps", eps, low=0.0)
        self.elementwise_affine = elementwise_affine
        dtype = float_dtype("LayerNorm", dtype)
        self.weight = Parameter(np.ones(self.normalized_shape, dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype)) \
            if elementwise_affine and bias else None

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalise each sample's channels in `num_groups` groups (see F.group_norm), then scale
    and shift per channel. As PyTorch: weight ones, bias zeros, eps 1e-5; the same in train
    and eval mode (no running statistics).

    Shape:
        input (N, C, *) -> output of the same shape; C = num_channels, divisible by num_groups.
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        check_device("GroupNorm", device)
        self.num_groups = check_int("GroupNorm", "num_groups", num_groups)
        self.num_channels = check_int("GroupNorm", "num_channels", num_channels)
        if self.num_channels % self.num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups})")
        self.eps = check_float("GroupNorm", "eps", eps, low=0.0)
        self.affine = affine
        dtype = float_dtype("GroupNorm", dtype)
        self.weight = Parameter(np.ones(num_channels, dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_channels, dtype)) if affine and bias else None

    def forward(self, input):
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm: expected input with {self.num_channels} channels "
                             f"(N, C, ...), got shape {input.shape}")
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
