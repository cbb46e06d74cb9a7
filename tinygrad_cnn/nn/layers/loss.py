"""Loss layers: CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss,
BCEWithLogitsLoss, KLDivLoss. Each stores its options
and calls one F function (ops/loss.py holds the stable log-softmax and NLL math)."""
import warnings

import numpy as np

from ...tensor import Tensor
from .. import functional as F
from ..arguments import check_float, check_int
from ..module import Module
from ..reduction import check_reduction, legacy_reduction


class _Loss(Module):
    """Arguments in PyTorch's order, including its deprecated size_average / reduce flags, which
    (when given) override `reduction` with a warning, as in PyTorch."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            warnings.warn("size_average and reduce args will be deprecated, please use "
                          "reduction instead (as in PyTorch)", UserWarning, stacklevel=3)
            reduction = legacy_reduction(size_average, reduce, reduction)
        self.reduction = check_reduction(type(self).__name__, reduction)

    def _weight_buffer(self, name: str, value) -> None:
        """Class weights are buffers, as in PyTorch: saved in the state dict, never trained."""
        if value is not None and not isinstance(value, Tensor):
            value = Tensor(np.asarray(value, dtype=np.float32))
        self.register_buffer(name, value)


class CrossEntropyLoss(_Loss):
    """Cross entropy between logits and class indices: log_softmax, then negative log-likelihood.

    loss_n = -w[y_n] * log_softmax(x_n)[y_n]   (with label smoothing eps: a (1-eps, eps/C) mix of
    that term and the mean of -w[c] * log_softmax(x_n)[c] over classes c).
    reduction='mean' divides by the summed weights of the counted targets, as PyTorch.

    Args:
        weight: per-class weights (C,), or None for 1.
        size_average, reduce: PyTorch's deprecated flags (see _Loss); use reduction.
        ignore_index: target value that contributes nothing (and is not counted in the mean).
        reduction: 'none' | 'mean' | 'sum'.
        label_smoothing: eps in [0, 1].

    Shape:
        input (N, C) or (N, C, *) logits, target (N) or (N, *) int64 -> scalar, or (N, *) for 'none'.

    Example:
        >>> import tinygrad_cnn as tg
        >>> loss = CrossEntropyLoss()(tg.zeros(2, 4), tg.tensor([0, 3]))
        >>> round(loss.item(), 4)  # log(4)
        1.3863
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean", label_smoothing: float = 0.0):
        super().__init__(size_average, reduce, reduction)
        self.ignore_index = check_int("CrossEntropyLoss", "ignore_index", ignore_index,
                                      minimum=-(2 ** 63))
        self.label_smoothing = check_float("CrossEntropyLoss", "label_smoothing", label_smoothing,
                                           0.0, 1.0)
        self._weight_buffer("weight", weight)

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities: loss_n = -w[y_n] * input[n, y_n].

    Args:
        weight, ignore_index, reduction: as CrossEntropyLoss.

    Shape:
        input (N, C) or (N, C, *) log-probabilities, target (N) or (N, *) -> as CrossEntropyLoss.
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.ignore_index = check_int("NLLLoss", "ignore_index", ignore_index, minimum=-(2 ** 63))
        self._weight_buffer("weight", weight)

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error: (input - target)**2, averaged (or summed, or kept) over all elements.

    Shape:
        input (*), target (*) of the same shape -> scalar, or (*) for reduction='none'.
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: |input - target|, averaged (or summed, or kept) over all elements.

    Shape:
        input (*), target (*) of the same shape -> scalar, or (*) for reduction='none'.
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error for differences below `beta`, absolute error above (see F.smooth_l1_loss).

    Shape:
        input (*), target (*) of the same shape -> scalar, or (*) for reduction='none'.
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = check_float("SmoothL1Loss", "beta", beta, low=0.0)

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber loss with threshold `delta` (see F.huber_loss); delta * SmoothL1Loss(beta=delta).

    Shape:
        input (*), target (*) of the same shape -> scalar, or (*) for reduction='none'.
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        self.delta = check_float("HuberLoss", "delta", delta)
        if not self.delta > 0:
            raise ValueError(f"HuberLoss: delta must be positive, got {delta}")

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class BCELoss(_Loss):
    """Binary cross entropy on probabilities: -w * (y * log(p) + (1 - y) * log(1 - p)), each log
    floored at -100 as in PyTorch. On logits, BCEWithLogitsLoss is the stable choice.

    Args:
        weight: rescales each element's loss (broadcast to the input).
        reduction: 'none' | 'mean' | 'sum'.

    Shape:
        input (*) in [0, 1], target (*) of the same shape -> scalar, or (*) for 'none'.
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self._weight_buffer("weight", weight)

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross entropy on logits, computed stably (never forms sigmoid(x) then its log):

    loss = -w * (pos_weight * y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))

    Args:
        weight: rescales each element's loss (broadcast to the input).
        reduction: 'none' | 'mean' | 'sum'.
        pos_weight: weight of the positive term, per class (broadcast over the last dimension).

    Shape:
        input (*), target (*) of the same shape, values in [0, 1] -> scalar, or (*) for 'none'.
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean",
                 pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self._weight_buffer("weight", weight)
        self._weight_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence of the target distribution from log-probabilities `input`:
    t (log t - input) per element (exp(t) (t - input) with log_target=True), reduced by
    'none' | 'sum' | 'mean' (over every element) | 'batchmean' (sum / batch size, the true KL).

    Example:
        >>> import tinygrad_cnn as tg
        >>> KLDivLoss(reduction="batchmean")(tg.tensor([[0.5, 0.5]]).log(), tg.tensor([[0.5, 0.5]])).item()
        0.0
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False):
        batchmean = reduction == "batchmean"     # a reduction only this loss knows
        super().__init__(size_average, reduce, "mean" if batchmean else reduction)
        if batchmean and size_average is None and reduce is None:
            self.reduction = "batchmean"
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
