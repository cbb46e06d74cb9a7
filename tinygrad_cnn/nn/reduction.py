"""A loss's `reduction` argument, written once for the loss layers and F: the three reductions,
PyTorch's deprecated size_average / reduce flags that still choose one, and applying it."""
from .arguments import check_choice

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(owner: str, reduction) -> str:
    """A loss's reduction: 'none', 'mean' or 'sum' (ValueError otherwise, as PyTorch)."""
    return check_choice(owner, "reduction", reduction, REDUCTIONS)


def legacy_reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's deprecated size_average / reduce flags, when either is given, decide the
    reduction: reduce=False -> 'none', else size_average=False -> 'sum', else 'mean'."""
    if size_average is None and reduce is None:
        return reduction
    if reduce is not None and not reduce:
        return "none"
    return "sum" if size_average is not None and not size_average else "mean"


def reduce(losses, reduction: str):
    """The per-element losses averaged ('mean'), summed ('sum') or kept ('none')."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses
