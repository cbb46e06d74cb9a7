"""Embedding: a learned table of vectors looked up by integer index (see F.embedding)."""
import numpy as np

from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter
from ..arguments import check_device, check_int, float_dtype


class Embedding(Module):
    """A (num_embeddings, embedding_dim) weight; input indices (*) give output (*, dim).

    Args:
        num_embeddings, embedding_dim: table size.
        padding_idx: a row kept at zero at initialisation and never trained.
        device, dtype: as the other layers.

    Attributes:
        weight: drawn from N(0, 1), as PyTorch.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx=None, max_norm=None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight=None, _freeze: bool = False, device=None, dtype=None):
        super().__init__()
        check_device("Embedding", device)
        self.num_embeddings = check_int("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_int("Embedding", "embedding_dim", embedding_dim)
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} must be within "
                                 f"num_embeddings ({num_embeddings})")
            padding_idx = padding_idx % num_embeddings
        self.padding_idx, self.max_norm = padding_idx, max_norm
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            dtype = float_dtype("Embedding", dtype)
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.array[self.padding_idx] = 0

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm,
                           scale_grad_by_freq=self.scale_grad_by_freq, sparse=self.sparse)

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, padding_idx=None, **kwargs):
        """An Embedding holding `embeddings` (V, D), frozen unless freeze=False."""
        if embeddings.ndim != 2:
            raise ValueError(f"Embeddings parameter is expected to be 2-dimensional, got "
                             f"shape {embeddings.shape}")
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx=padding_idx, _weight=embeddings, _freeze=freeze,
                   **kwargs)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else text + f", padding_idx={self.padding_idx}"
