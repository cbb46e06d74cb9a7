"""Optimizers and learning-rate schedules, as torch.optim: read optimizer.py, then sgd.py,
adam.py, adam_variants.py, rmsprop.py (RMSprop, Adagrad), adadelta.py and the lr_scheduler/ package."""
from . import lr_scheduler
from .adadelta import Adadelta
from .adam import Adam, AdamW
from .adam_variants import Adamax, NAdam, RAdam
from .optimizer import Optimizer
from .rmsprop import Adagrad, RMSprop
from .sgd import SGD
from ..unsupported import namespace_getattr

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam",
           "RAdam", "lr_scheduler"]

__getattr__ = namespace_getattr("torch.optim")
