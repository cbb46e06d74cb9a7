"""Module-level twins of Tensor methods, so that `tg.max(outputs, 1)`, `tg.flatten(x, 1)` or
`tg.where(mask, a, b)` read as they do in PyTorch. Each one dispatches to a Tensor method or
an op; none computes a derivative."""
from __future__ import annotations

import numpy as np

from .tensor import Tensor


def _as_tensor(value) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor(np.asarray(value))


def where(condition, input=None, other=None) -> Tensor:
    """`input` where `condition` holds, else `other`; gradients flow to both, masked. With the
    condition alone, the indices where it holds: one int64 tensor per axis (torch.nonzero(...,
    as_tuple=True))."""
    condition = _as_tensor(condition)
    if input is None and other is None:
        return tuple(Tensor(axis.astype(np.int64)) for axis in np.nonzero(condition.array))
    if isinstance(input, Tensor):
        return input.where(condition, other)
    if isinstance(other, Tensor):        # a number on the input side takes other's dtype
        return other._operand(input).where(condition, other)
    return _as_tensor(input).where(condition, other)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return input.maximum(other)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return input.minimum(other)


def clamp(input: Tensor, min=None, max=None) -> Tensor:
    return input.clamp(min, max)


def abs(input: Tensor) -> Tensor:
    return input.abs()


def exp(input: Tensor) -> Tensor:
    return input.exp()


def log(input: Tensor) -> Tensor:
    return input.log()


def sqrt(input: Tensor) -> Tensor:
    return input.sqrt()


def relu(input: Tensor) -> Tensor:
    return input.relu()


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def softmax(input: Tensor, dim: int) -> Tensor:
    return input.softmax(dim)


def log_softmax(input: Tensor, dim: int) -> Tensor:
    return input.log_softmax(dim)


def sum(input, dim=None, keepdim: bool = False) -> Tensor:
    return _as_tensor(input).sum(dim, keepdim)


def mean(input, dim=None, keepdim: bool = False) -> Tensor:
    return _as_tensor(input).mean(dim, keepdim)


def max(input, dim=None, keepdim: bool = False):
    """The largest value, or with `dim` the (values, indices) pair: `_, predicted = tg.max(out, 1)`."""
    return _as_tensor(input).max(dim, keepdim)


def min(input, dim=None, keepdim: bool = False):
    return _as_tensor(input).min(dim, keepdim)


def argmax(input, dim=None, keepdim: bool = False) -> Tensor:
    return _as_tensor(input).argmax(dim, keepdim)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return input.flatten(start_dim, end_dim)


def reshape(input: Tensor, shape) -> Tensor:
    return input.reshape(shape)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return input.transpose(dim0, dim1)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    return input @ other


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    return input.mm(mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    return input.bmm(mat2)


def pow(input, exponent) -> Tensor:
    """input ** exponent; `input` may be a number when `exponent` is a tensor."""
    return input ** exponent if isinstance(input, Tensor) else _as_tensor(exponent).__rpow__(input)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def squeeze(input: Tensor, dim=None) -> Tensor:
    return input.squeeze(dim)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return input.unsqueeze(dim)


def permute(input: Tensor, dims) -> Tensor:
    return input.permute(dims)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    return input.topk(k, dim, largest, sorted)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    return input.sort(dim, descending, stable)


def argmin(input, dim=None, keepdim: bool = False) -> Tensor:
    return _as_tensor(input).argmin(dim, keepdim)


def gather(input: Tensor, dim: int, index) -> Tensor:
    return input.gather(dim, index)


def isnan(input: Tensor) -> Tensor:
    return input.isnan()


def isfinite(input: Tensor) -> Tensor:
    return input.isfinite()


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return input.allclose(other, rtol, atol, equal_nan)


def equal(input: Tensor, other: Tensor) -> bool:
    return input.equal(other)


def std(input: Tensor, dim=None, unbiased: bool = True, keepdim: bool = False, *,
        correction=None) -> Tensor:
    return input.std(dim, unbiased, keepdim, correction=correction)


def var(input: Tensor, dim=None, unbiased: bool = True, keepdim: bool = False, *,
        correction=None) -> Tensor:
    return input.var(dim, unbiased, keepdim, correction=correction)


def split(tensor: Tensor, split_size_or_sections, dim: int = 0):
    return tensor.split(split_size_or_sections, dim)


def chunk(input: Tensor, chunks: int, dim: int = 0):
    return input.chunk(chunks, dim)


def clip(input: Tensor, min=None, max=None) -> Tensor:
    return input.clamp(min, max)


def norm(input: Tensor, p=2, dim=None, keepdim: bool = False) -> Tensor:
    return input.norm(p, dim, keepdim)


def square(input: Tensor) -> Tensor:
    return input * input


def round(input: Tensor) -> Tensor:
    return input.round()


def floor(input: Tensor) -> Tensor:
    return input.floor()


def ceil(input: Tensor) -> Tensor:
    return input.ceil()


def sign(input: Tensor) -> Tensor:
    return input.sign()


def dot(input: Tensor, other: Tensor) -> Tensor:
    return input.dot(other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    return input.outer(vec2)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    return input.tril(diagonal)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    return input.triu(diagonal)


def logical_and(input: Tensor, other: Tensor) -> Tensor:
    return Tensor(np.logical_and(input.array, _as_tensor(other).array))


def logical_or(input: Tensor, other: Tensor) -> Tensor:
    return Tensor(np.logical_or(input.array, _as_tensor(other).array))


def logical_not(input: Tensor) -> Tensor:
    return Tensor(np.logical_not(input.array))


def index_select(input: Tensor, dim: int, index) -> Tensor:
    return input.index_select(dim, index)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    return input.narrow(dim, start, length)
