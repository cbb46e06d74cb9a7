"""LazyLinear and LazyConv2d: layers whose input size is read from the first batch, as PyTorch's
lazy modules. Until then their weight and bias are UninitializedParameters (no values, no
shape); the first call gives them their shapes, draws PyTorch's default initialisation, and
turns the layer into a plain Linear / Conv2d. The Parameter objects stay the same, so an
optimizer built before that first call trains them."""
import numpy as np

from ..module import Module
from ..parameter import Parameter
from .conv import Conv2d
from .linear import Linear


class UninitializedParameter(Parameter):
    """A Parameter whose shape is not known yet (torch.nn.parameter.UninitializedParameter)."""

    def __init__(self, requires_grad: bool = True, dtype=None):
        super().__init__(np.empty((0,), dtype=np.float32 if dtype is None else dtype),
                         requires_grad=requires_grad)

    def materialize(self, shape) -> None:
        """Become a Parameter of `shape` (values set by the layer's reset_parameters), in place."""
        requires_grad = self.requires_grad
        Parameter.__init__(self, np.empty(tuple(shape), dtype=self.array.dtype),
                           requires_grad=requires_grad)
        self.__class__ = Parameter

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class _LazyMixin:
    """The first forward call infers the missing size, materializes, and becomes `_becomes`."""

    _becomes: type

    def _materialize(self, input) -> None:
        raise NotImplementedError  # each lazy layer says which size it reads

    def __call__(self, *args, **kwargs):
        if isinstance(self, _LazyMixin):                   # still lazy: first call
            self._materialize(args[0])
            self.__class__ = self._becomes
            self.reset_parameters()
        return Module.__call__(self, *args, **kwargs)


class LazyLinear(_LazyMixin, Linear):
    """Linear whose in_features is the last dimension of the first input.

    Args:
        out_features, bias, device, dtype: as Linear.
    """

    _becomes = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None):
        super().__init__(1, out_features, bias=bias, device=device, dtype=dtype)
        self.in_features = 0                                   # PyTorch's value until known
        dtype = self.weight.array.dtype
        self.weight = UninitializedParameter(dtype=dtype)
        self.bias = UninitializedParameter(dtype=dtype) if bias else None

    def _materialize(self, input) -> None:
        if getattr(input, "ndim", 0) < 1:
            raise ValueError(f"LazyLinear: expected an input with at least 1 dimension to read "
                             f"in_features from, got {getattr(input, 'shape', type(input).__name__)}")
        self.in_features = int(input.shape[-1])
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))

    def reset_parameters(self) -> None:
        """Values are drawn at the first call, once the shapes are known (the layer is then a
        Linear and uses its reset_parameters); drawing none now keeps the random stream as
        PyTorch's."""


class LazyConv2d(_LazyMixin, Conv2d):
    """Conv2d whose in_channels is the channel count of the first input (N, C, H, W) or (C, H, W).

    Args:
        out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
        device, dtype: as Conv2d.
    """

    _becomes = Conv2d

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None,
                 dtype=None):
        super().__init__(groups, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device=device, dtype=dtype)
        self.in_channels = 0                                   # PyTorch's value until known
        dtype = self.weight.array.dtype
        self.weight = UninitializedParameter(dtype=dtype)
        self.bias = UninitializedParameter(dtype=dtype) if bias else None

    def _materialize(self, input) -> None:
        if getattr(input, "ndim", 0) not in (3, 4):
            raise ValueError(f"LazyConv2d: expected an input (N, C, H, W) or (C, H, W) to read "
                             f"in_channels from, got {getattr(input, 'shape', type(input).__name__)}")
        channels = int(input.shape[-3])
        if channels % self.groups:
            raise ValueError(f"LazyConv2d: groups={self.groups} must divide in_channels="
                             f"{channels} (from input shape {input.shape})")
        self.in_channels = channels
        self.weight.materialize((self.out_channels, channels // self.groups, *self.kernel_size))
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))

    def reset_parameters(self) -> None:
        """Values are drawn at the first call, once the shapes are known (the layer is then a
        Conv2d and uses its reset_parameters); drawing none now keeps the random stream as
        PyTorch's."""
