"""The dtype of an arithmetic result, by PyTorch's promotion rules rather than numpy's.

numpy would turn int / int into float64 and let a float64 scalar widen a float32 array; PyTorch
keeps float32 as its default float and lets 0-d tensors and Python numbers change a result's
dtype only when they are of a higher category (bool < int < float). Tensor's operators call
`result_dtype` with their operands' arrays and cast both to it before calling the op.
"""
import numpy as np


def _category(dtype) -> int:
    return 2 if np.issubdtype(dtype, np.floating) else 0 if dtype == np.bool_ else 1


def _promote(a, b):
    """PyTorch's promote_types: across kinds the float (or the int over bool) wins as it is;
    within one kind the wider type (numpy's rule)."""
    if a is None or b is None:
        return b if a is None else a
    if _category(a) != _category(b):
        return a if _category(a) > _category(b) else b
    return np.promote_types(a, b)


def _combine(higher, lower):
    """Merge the dtype of a stronger class of operands with a weaker one: the weaker class only
    counts when it is of a higher category (a float number does turn an int tensor float, but a
    float64 0-d tensor leaves a float32 tensor float32)."""
    if higher is None:
        return lower
    if lower is None or _category(higher) >= _category(lower):
        return higher
    return _promote(higher, lower)


def result_dtype(*operands):
    """The dtype of an arithmetic result, by PyTorch's rule: operands rank as tensors with
    dimensions > 0-d tensors > Python numbers; the strongest class fixes the dtype unless a weaker
    one is of a higher category (bool < int < float). A Python float counts as float32 and an int
    as int64 (PyTorch's defaults), so int_tensor / 2 and int_tensor * 1.5 are float32."""
    classes = [None, None, None]                            # dimensioned, 0-d, numbers
    for x in operands:
        if isinstance(x, (bool, np.bool_)):
            rank, dtype = 2, np.dtype(np.bool_)
        elif isinstance(x, (int, np.integer)):
            rank, dtype = 2, np.dtype(np.int64)
        elif isinstance(x, (float, np.floating)):
            rank, dtype = 2, np.dtype(np.float32)
        else:                                               # a tensor's array, or a list
            x = np.asarray(x)
            rank, dtype = (0 if x.ndim else 1), x.dtype
        classes[rank] = _promote(classes[rank], dtype)
    return np.dtype(_combine(classes[0], _combine(classes[1], classes[2])))
