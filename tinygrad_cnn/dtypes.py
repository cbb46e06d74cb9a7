"""Dtypes: the `tinygrad_cnn.float32`-style objects PyTorch scripts name, and the dtype of an
arithmetic result by PyTorch's promotion rules rather than numpy's.

Every dtype object wraps one numpy dtype and stands in for it: numpy accepts it wherever it
takes a dtype (`np.zeros(3, dtype=tg.float32)`, `np.dtype(tg.int64)`), it compares equal to and
hashes like that numpy dtype (`x.dtype == np.float32` keeps working), and it forwards numpy's
attributes (`.kind`, `.itemsize`). It prints as PyTorch prints its dtypes: `torch.float32`.

Promotion: numpy would turn int / int into float64 and let a float64 scalar widen a float32
array; PyTorch keeps float32 as its default float and lets 0-d tensors and Python numbers change
a result's dtype only when they are of a higher category (bool < int < float). Tensor's
operators call `result_dtype` with their operands' arrays and cast both to it before the op.
"""
import numpy as np


class dtype:
    """A PyTorch-style dtype (torch.dtype): one numpy dtype under PyTorch's name."""

    __slots__ = ("dtype", "_name")

    def __init__(self, numpy_dtype, name: str):
        object.__setattr__(self, "dtype", np.dtype(numpy_dtype))  # numpy reads this attribute
        object.__setattr__(self, "_name", name)

    @property
    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    @property
    def is_complex(self) -> bool:
        return self.dtype.kind == "c"

    @property
    def is_signed(self) -> bool:
        return self.dtype.kind in "fic"

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    def __getattr__(self, name):
        if name.startswith("__"):        # copy/pickle probe dunders; never forward those
            raise AttributeError(name)
        return getattr(self.dtype, name)  # numpy's .kind, .type, .char, .name, ...

    def __setattr__(self, name, value):
        raise AttributeError(f"{self} is immutable")

    def __eq__(self, other):
        if isinstance(other, dtype):
            return self is other
        if other is None:                  # np.dtype(None) would be float64
            return False
        try:
            return self.dtype == np.dtype(other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self):
        return hash(self.dtype)            # finds dict entries keyed by the numpy dtype

    def __repr__(self):
        return f"torch.{self._name}"

    __str__ = __repr__

    def __reduce__(self):                  # pickles and deep-copies as the one shared object
        return (as_dtype, (self.dtype,))


# PyTorch's names, first the canonical one (printed) and then its aliases. bfloat16 has no
# numpy equivalent, so it is absent (tinygrad_cnn.bfloat16 says so).
_TABLE = (
    (np.float32, ("float32", "float")), (np.float64, ("float64", "double")),
    (np.float16, ("float16", "half")), (np.complex64, ("complex64", "cfloat")),
    (np.complex128, ("complex128", "cdouble")),
    (np.int8, ("int8",)), (np.int16, ("int16", "short")), (np.int32, ("int32", "int")),
    (np.int64, ("int64", "long")), (np.uint8, ("uint8",)), (np.uint16, ("uint16",)),
    (np.uint32, ("uint32",)), (np.uint64, ("uint64",)), (np.bool_, ("bool",)),
)
_BY_NUMPY = {np.dtype(numpy_type): dtype(numpy_type, names[0]) for numpy_type, names in _TABLE}
NAMES = {name: _BY_NUMPY[np.dtype(numpy_type)] for numpy_type, names in _TABLE for name in names}
"""Every PyTorch dtype name (float32, float, long, bool, ...) -> its dtype object."""


def as_dtype(value) -> dtype:
    """The dtype object for a dtype object, numpy dtype or type, or a name ('float32'); numpy
    dtypes PyTorch has no name for (strings, datetimes) keep numpy's name."""
    if isinstance(value, dtype):
        return value
    if value is None:
        raise TypeError("as_dtype: expected a dtype, got None")
    if isinstance(value, str) and value.startswith("torch."):
        value = value[len("torch."):]
    if isinstance(value, str) and value in NAMES:
        return NAMES[value]
    numpy_dtype = np.dtype(value)
    found = _BY_NUMPY.get(numpy_dtype)
    return found if found is not None else dtype(numpy_dtype, str(numpy_dtype))


def to_numpy(value) -> np.dtype:
    """The numpy dtype behind a dtype object, numpy dtype or type, or PyTorch name."""
    return as_dtype(value).dtype


_default_float = NAMES["float32"]


def get_default_dtype() -> dtype:
    """The dtype of new floating-point tensors: float32, as in PyTorch."""
    return _default_float


def set_default_dtype(d) -> None:
    """Only float32 is supported: the promotion rules below and every op assume it."""
    if as_dtype(d) != np.float32:
        raise NotImplementedError(f"not supported in tinygrad_cnn: torch.set_default_dtype({d}); "
                                  f"new floating-point tensors are always float32 (pass "
                                  f"dtype=... to a creation function instead)")


def is_floating_point(tensor) -> bool:
    return np.issubdtype(to_numpy(tensor.dtype), np.floating)




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


SCALAR_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                      "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                      "bool": "Bool"}


def scalar_type_name(value) -> str:
    """PyTorch's short name of a dtype in error messages: 'Float', 'Long', 'Bool', ..."""
    numpy_dtype = np.dtype(getattr(value, "dtype", value))
    return SCALAR_TYPE_NAMES.get(numpy_dtype.name, numpy_dtype.name)
