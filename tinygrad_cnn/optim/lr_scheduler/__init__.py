"""Learning-rate schedules with PyTorch's names and call pattern (`torch.optim.lr_scheduler`): build
one after the optimizer, call `scheduler.step()` once per epoch after `optimizer.step()`
(ReduceLROnPlateau: `scheduler.step(val_loss)`).

Read base.py (LRScheduler: what a step does, chaining, state dicts) first, then one file per kind:
decay.py (StepLR, MultiStepLR, ExponentialLR, PolynomialLR), cosine.py (CosineAnnealingLR,
CosineAnnealingWarmRestarts), warmup.py (ConstantLR, LinearLR), lambda_lr.py (LambdaLR,
MultiplicativeLR), plateau.py (ReduceLROnPlateau), one_cycle.py (OneCycleLR), cyclic.py (CyclicLR) and composite.py
(ChainedScheduler, SequentialLR).
"""
from .base import LRScheduler
from .composite import ChainedScheduler, SequentialLR
from .cyclic import CyclicLR
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .decay import ExponentialLR, MultiStepLR, PolynomialLR, StepLR
from .lambda_lr import LambdaLR, MultiplicativeLR
from .one_cycle import OneCycleLR
from .plateau import ReduceLROnPlateau
from .warmup import ConstantLR, LinearLR

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "PolynomialLR",
           "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "ConstantLR", "LinearLR",
           "LambdaLR", "MultiplicativeLR", "ReduceLROnPlateau", "OneCycleLR", "ChainedScheduler",
           "SequentialLR", "CyclicLR"]
