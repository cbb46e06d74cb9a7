"""Parameter: the Tensor subclass that marks what a Module trains (read nn/module.py next)."""
import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module trains: `requires_grad=True` and found by `Module.parameters()`.

    Args:
        data: a Tensor or array-like; its values and dtype are kept (no float32 conversion).
        requires_grad: False makes a frozen parameter (still saved in the state dict).
    """

    def __init__(self, data=None, requires_grad: bool = True):
        if data is None:
            data = np.empty((0,), dtype=np.float32)
        if isinstance(data, Tensor):
            data = data.array  # shares memory, as torch.nn.Parameter(t)
        super().__init__(np.asarray(data), requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
