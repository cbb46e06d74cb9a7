"""Layers comparing two inputs, without parameters: CosineSimilarity and PairwiseDistance,
each storing its options and calling the F function of the same name."""
from .. import functional as F
from ..module import Module


class CosineSimilarity(Module):
    """cos(x1, x2) = x1 . x2 / (max(|x1|, eps) max(|x2|, eps)) along `dim`.

    Shape:
        x1, x2 (*, D, *) broadcastable -> output without the `dim` axis.

    Example:
        >>> import tinygrad_cnn as tg
        >>> CosineSimilarity()(tg.tensor([[1.0, 0.0]]), tg.tensor([[1.0, 1.0]])).shape
        (1,)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p along the last axis.

    Shape:
        x1, x2 (N, D) or (D,) -> (N,) or () (keepdim keeps the last axis as size 1).
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
