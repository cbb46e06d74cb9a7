"""Every primitive op of the library: each is one Function class whose forward and backward sit
side by side, with the math in its docstring.

Suggested reading order: elementwise -> activation -> special -> reduce -> movement -> linear -> _windows ->
conv -> pool -> norm -> loss -> dropout. Composite functions (softmax, cross_entropy, ...) are built
from these in nn/functional.py.

Each op class says how its output positions read its input's (N, C, H, W) positions, in a class
attribute `spatial` that viz.receptive_field follows: "pointwise" (the same position of every
input), "window" (a kernel_size/stride/padding/dilation window; a convolution's kernel is its
weight's), "pad" (a shift by pad_width), "reduce" (over params["axis"]), "along_axis" (reads a
whole params["axis"]: positions kept when that is not a spatial axis), "index" (params["index"]),
"reshape" (positions kept only when the shape is), or "remap" (any other mapping: upsampling,
unpooling, transposed convolution, products; not followed).

The subpackage fast/ holds faster kernels of Conv2d and MaxPool2d (same names, same
results, proven equal by tests/ops/test_fast_paths.py): this package exports those, while conv.py
and pool.py keep the reference versions a reader follows.
"""
from .activation import ReLU, Sigmoid, Tanh
from .conv import ConvTranspose2d
from .dropout import Dropout
from .elementwise import Abs, Add, Cast, Clamp, Div, Exp, Log, Mul, Neg, Pow, Power, Sqrt, Sub, Where
from .fast import Conv2d, MaxPool2d  # same math as conv.Conv2d / pool.MaxPool2d, faster kernels
from .linear import Einsum, Linear, MatMul
from .loss import BinaryCrossEntropy, LogSoftmax, NLLLoss
from .movement import (Cat, Expand, GetItem, IndexPut, Pad, Permute, Reshape, UpsampleNearest2d,
                       WriteIntoView)
from .norm import BatchNorm
from .pool import AvgPool2d, MaxUnpool2d
from .reduce import Max, Prod, Sum
from .special import Cos, Erf, Sin

PRIMITIVES = (
    Add, Sub, Mul, Div, Neg, Pow, Power, Exp, Log, Sqrt, Abs, Clamp, Where, Cast,
    ReLU, Sigmoid, Tanh, Erf, Sin, Cos,
    Sum, Max, Prod,
    Reshape, Permute, GetItem, IndexPut, WriteIntoView, Pad, Cat, Expand, UpsampleNearest2d,
    MatMul, Linear, Einsum,
    Conv2d, ConvTranspose2d,
    MaxPool2d, AvgPool2d, MaxUnpool2d,
    BatchNorm, LogSoftmax, NLLLoss, BinaryCrossEntropy, Dropout,
)
