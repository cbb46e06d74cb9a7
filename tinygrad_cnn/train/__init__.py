"""Training on the built-in data sets: the loop used by `python -m tinygrad_cnn train` and `demo`."""
from .data import DATASETS, Prepared, load
from .loop import METRICS_COLUMNS, History, TrainingStopped, evaluate, fit, train_epoch

__all__ = ["DATASETS", "Prepared", "load", "METRICS_COLUMNS", "History", "TrainingStopped",
           "evaluate", "fit", "train_epoch"]
