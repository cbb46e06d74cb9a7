"""Data loading, as `torch.utils.data` plus the data sets and transforms of the course.

    from tinygrad_cnn.data import DataLoader, TensorDataset, transforms, datasets
    x, y = datasets.load_digits(train=True, upsample=True)
    loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True, seed=0)
"""
from . import datasets, transforms
from .dataset import (ConcatDataset, Dataset, Subset, TensorDataset, random_split,
                      stratified_split)
from .iterable import ChainDataset, IterableDataset, get_worker_info
from .loader import DataLoader, default_collate, default_convert
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)

__all__ = ["datasets", "transforms", "Dataset", "ConcatDataset", "Subset", "TensorDataset", "random_split",
           "stratified_split", "DataLoader", "default_collate", "default_convert", "Sampler",
           "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler", "IterableDataset", "ChainDataset", "get_worker_info"]
