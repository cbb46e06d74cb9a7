"""More module-level functions that PyTorch tutorials call (issue 12's survey): the arithmetic
twins (torch.add, torch.div, ...), scans and reductions (cumsum, logsumexp, amax, var_mean),
selections (nonzero, masked_select), joins (concat, hstack, vstack), grids (meshgrid), sampling
(multinomial, bernoulli), dtype limits (finfo, iinfo) and set_printoptions. Each dispatches to
Tensor methods; none computes a derivative."""
from __future__ import annotations

import numpy as np

from . import ops
from .creation import cat, stack
from .dtypes import as_dtype
from .functions import _as_tensor
from .random import get_rng
from .tensor import Tensor


# ---------------------------------------------------------------- arithmetic and element-wise
def add(input, other, *, alpha=1) -> Tensor:
    return _as_tensor(input).add(other, alpha=alpha)


def sub(input, other, *, alpha=1) -> Tensor:
    return _as_tensor(input).sub(other, alpha=alpha)


def mul(input, other) -> Tensor:
    return _as_tensor(input) * other


def div(input, other, *, rounding_mode=None) -> Tensor:
    return _as_tensor(input).div(other, rounding_mode=rounding_mode)


def neg(input: Tensor) -> Tensor:
    return -input


def clone(input: Tensor) -> Tensor:
    return input.clone()


def rsqrt(input: Tensor) -> Tensor:
    return input.rsqrt()


def reciprocal(input: Tensor) -> Tensor:
    return input.reciprocal()


def erf(input: Tensor) -> Tensor:
    return input.erf()


def sin(input: Tensor) -> Tensor:
    return input.sin()


def cos(input: Tensor) -> Tensor:
    return input.cos()


def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    return input.prod(dim, keepdim, dtype=dtype)


def isinf(input: Tensor) -> Tensor:
    return input.isinf()


def isclose(input: Tensor, other, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    return input.isclose(other, rtol, atol, equal_nan)


# ---------------------------------------------------------------- scans and reductions
def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return input.cumsum(dim, dtype=dtype)


def amax(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    return input.amax(dim, keepdim)


def amin(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    return input.amin(dim, keepdim)


def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    return input.logsumexp(dim, keepdim)


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    return input.count_nonzero(dim)


def var_mean(input: Tensor, dim=None, unbiased: bool = True, keepdim: bool = False, *,
             correction=None):
    """(variance, mean) over `dim`, the variance with Bessel's correction by default."""
    return (input.var(dim, unbiased, keepdim, correction=correction), input.mean(dim, keepdim))


def std_mean(input: Tensor, dim=None, unbiased: bool = True, keepdim: bool = False, *,
             correction=None):
    return (input.std(dim, unbiased, keepdim, correction=correction), input.mean(dim, keepdim))


# ---------------------------------------------------------------- shape, selection, joins
def flip(input: Tensor, dims) -> Tensor:
    return input.flip(dims)


def unbind(input: Tensor, dim: int = 0):
    return input.unbind(dim)


def movedim(input: Tensor, source, destination) -> Tensor:
    return input.movedim(source, destination)


moveaxis = movedim


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    return input.transpose(axis0, axis1)


def broadcast_to(input: Tensor, size) -> Tensor:
    return input.broadcast_to(size)


def nonzero(input: Tensor, *, as_tuple: bool = False):
    return input.nonzero(as_tuple=as_tuple)


def masked_select(input: Tensor, mask) -> Tensor:
    return input.masked_select(mask)


def scatter(input: Tensor, dim: int, index, src=None, *, value=None) -> Tensor:
    return input.scatter(dim, index, src, value=value)


def concat(tensors, dim: int = 0) -> Tensor:
    return cat(tensors, dim)


concatenate = concat


def hstack(tensors) -> Tensor:
    """Join along the columns: axis 0 for 1-D tensors, axis 1 otherwise."""
    tensors = list(tensors)
    return cat(tensors, 0 if tensors and tensors[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    """Join along the rows; 1-D tensors become rows first."""
    return cat([t.reshape(1, -1) if t.ndim == 1 else t for t in tensors], 0)


def meshgrid(*tensors, indexing: str = "ij"):
    """Coordinate grids from 1-D tensors; indexing 'ij' (matrix) or 'xy' (Cartesian: the first
    two axes of every grid swapped). Each grid is an expanded view, so gradients flow back to the inputs."""
    tensors = list(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) \
        else list(tensors)
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    shape = tuple(t.numel() for t in tensors)
    grids = [t.reshape((1,) * i + (-1,) + (1,) * (len(tensors) - i - 1)).expand(shape)
             for i, t in enumerate(tensors)]
    if indexing == "xy" and len(grids) >= 2:
        grids = [g.transpose(0, 1) for g in grids]     # xy: the ij grids with rows and columns swapped
    return tuple(grids)


# ---------------------------------------------------------------- einsum
def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation, e.g. einsum("bij,bjk->bik", a, b): each operand's axes get letters;
    letters missing from the output are summed over. Ellipses ("...ij") and the implicit form
    (no "->": the letters seen once, in alphabetical order) are accepted; more than two operands
    are contracted left to right. Gradients: ops.Einsum (size-1 ellipsis axes broadcast by
    Expand)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    operands = [_as_tensor(t) for t in operands]
    count = equation.partition("->")[0].count(",") + 1
    if count != len(operands):
        raise RuntimeError(f"einsum(): {count} operands in the equation {equation!r}, "
                           f"{len(operands)} given")
    inputs, out = _explicit_subscripts(equation.replace(" ", ""), [t.ndim for t in operands])
    sizes = {}
    for t, sub in zip(operands, inputs):
        if len(set(sub)) != len(sub):
            raise NotImplementedError(f"einsum(): a letter repeated within one operand "
                                      f"({sub!r}, a diagonal or trace) is not supported here")
        for c, n in zip(sub, t.shape):
            if sizes.get(c, 1) not in (1, n) and n != 1:
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes: "
                                   f"subscript {c!r} has sizes {sizes[c]} and {n} in {equation!r}")
            sizes[c] = max(sizes.get(c, 1), n)
    operands = [t.expand(tuple(sizes[c] for c in sub)) if t.shape != tuple(sizes[c] for c in sub)
                else t for t, sub in zip(operands, inputs)]
    result, sub = operands[0], inputs[0]
    rest = list(zip(operands[1:], inputs[1:]))
    if not rest:
        return ops.Einsum.apply(result, subscripts=f"{sub}->{out}")
    for k, (t, tsub) in enumerate(rest):
        later = set(out).union(*(s for _, s in rest[k + 1:]))
        keep = out if k == len(rest) - 1 else "".join(
            dict.fromkeys(c for c in sub + tsub if c in later))
        result, sub = ops.Einsum.apply(result, t, subscripts=f"{sub},{tsub}->{keep}"), keep
    return result


def _explicit_subscripts(equation: str, ndims):
    """("...ij,jk", ranks) -> (["aij", "jk"], "aik"): ellipses become unused letters (aligned
    from the right, as broadcasting), and an implicit output is made explicit."""
    inputs, arrow, out = equation.partition("->")
    inputs = inputs.split(",")
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in equation]
    width = max((n - len(s.replace("...", "")) for s, n in zip(inputs, ndims) if "..." in s),
                default=0)
    ellipsis = "".join(spare[:width])
    inputs = [s.replace("...", ellipsis[width - (n - len(s.replace("...", ""))):])
              for s, n in zip(inputs, ndims)]
    if arrow:
        out = out.replace("...", ellipsis)
    else:
        counts = {c: "".join(inputs).count(c) for c in "".join(inputs)}
        out = ellipsis + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ellipsis))
    for s, n in zip(inputs, ndims):
        if len(s) != n:
            raise RuntimeError(f"einsum(): the equation {equation!r} gives {len(s)} letters to an "
                               f"operand with {n} dimensions")
    return inputs, out


# ---------------------------------------------------------------- sampling
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator=None) -> Tensor:
    """Draw `num_samples` category indices per row, with probabilities proportional to the
    row's (non-negative) weights; without replacement each index appears at most once."""
    weights = np.asarray(input.array, dtype=np.float64)
    if weights.ndim not in (1, 2) or (weights < 0).any() or not np.isfinite(weights).all():
        raise RuntimeError(f"multinomial: expected a 1-D or 2-D tensor of finite non-negative "
                           f"weights, got shape {tuple(weights.shape)}")
    rng = generator or get_rng()
    rows = np.atleast_2d(weights)
    if (rows.sum(1) <= 0).any():
        raise RuntimeError("multinomial: invalid probability distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > (rows > 0).sum(1).min():
        raise RuntimeError("multinomial: cannot sample n_sample > prob_dist.size(-1) samples "
                           "without replacement")
    draws = np.stack([rng.choice(len(p), num_samples, replace=replacement, p=p / p.sum())
                      for p in rows]).astype(np.int64)
    return Tensor(draws if weights.ndim == 2 else draws[0])


def bernoulli(input: Tensor, *, generator=None) -> Tensor:
    """1 with probability input[i], else 0 (same shape and dtype as input)."""
    rng = generator or get_rng()
    return Tensor((rng.random(input.shape) < input.array).astype(input.array.dtype))


# ---------------------------------------------------------------- dtypes and printing
def finfo(type=None):
    """Limits of a floating dtype (eps, max, min, tiny, bits), numpy's finfo of the same type."""
    return np.finfo(as_dtype(type or "float32").dtype)


def iinfo(type):
    return np.iinfo(as_dtype(type).dtype)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None) -> None:
    """How tensors print (numpy's print options underneath, since repr uses numpy's)."""
    presets = {"default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
               "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
               "full": dict(precision=4, threshold=np.inf, edgeitems=3, linewidth=80)}
    options = dict(presets[profile]) if profile else {}
    options.update({k: v for k, v in dict(precision=precision, threshold=threshold,
                                           edgeitems=edgeitems, linewidth=linewidth).items()
                    if v is not None})
    if sci_mode is not None:
        options["suppress"] = not sci_mode
    np.set_printoptions(**options)


__all__ = [name for name in dir() if not name.startswith("_") and name not in
           ("annotations", "np", "ops", "Tensor", "as_dtype", "get_rng", "cat", "stack")]
