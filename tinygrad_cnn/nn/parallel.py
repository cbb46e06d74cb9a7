"""torch.nn.parallel as a CPU-only PyTorch has it: DataParallel with no GPU keeps the module as
`.module` and calls it directly (so state_dict keys gain the "module." prefix, as PyTorch's);
DistributedDataParallel needs a process group, which never exists here."""
from ..distributed import NO_GROUP
from .module import Module


class DataParallel(Module):
    """Wraps `module`; with no GPU, forward is module(*inputs) (PyTorch's CPU behaviour)."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0):
        super().__init__()
        self.module = module
        self.device_ids, self.output_device, self.dim = [], None, dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


class DistributedDataParallel(Module):
    """Raises PyTorch's error for a missing process group (see tinygrad_cnn.distributed)."""

    def __init__(self, module: Module, *args, **kwargs):
        raise ValueError(NO_GROUP)
