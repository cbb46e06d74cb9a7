"""Optimizers and learning-rate schedules, as torch.optim: read optimizer.py, then sgd.py,
adam.py, rmsprop.py (RMSprop, Adagrad) and the lr_scheduler/ package."""
from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import Adagrad, RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
