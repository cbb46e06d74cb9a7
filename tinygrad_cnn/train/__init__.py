"""Training on the built-in data sets: the loop used by `python -m tinygrad_cnn train` and `demo`."""
from . import checkpoint
from .checkpoint import METRICS_COLUMNS, TrainingStopped
from .data import DATASETS, Prepared, load
from .loop import History, evaluate, fit, train_epoch

__all__ = ["DATASETS", "Prepared", "load", "METRICS_COLUMNS", "History", "TrainingStopped",
           "checkpoint", "evaluate", "fit", "train_epoch"]
