"""torch.utils: `data` is tinygrad_cnn.data (DataLoader, Dataset, TensorDataset, samplers...),
so both `torch.utils.data.DataLoader` and `from torch.utils.data import DataLoader` port."""
from . import data

__all__ = ["data"]
