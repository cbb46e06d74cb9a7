"""The layers, one file per concept, each with PyTorch's name, arguments, parameter shapes and
default initialisation. Read linear.py first, then conv.py and container.py."""
from .activation import (ELU, GELU, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU, LogSoftmax, Mish,
                         ReLU, ReLU6, Sigmoid, SiLU, Softmax, Softplus, Tanh)
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv2d, ConvTranspose2d
from .distance import CosineSimilarity, PairwiseDistance
from .dropout import Dropout, Dropout2d
from .embedding import Embedding
from .lazy import LazyConv2d, LazyLinear, UninitializedParameter
from .linear import Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss,
                   NLLLoss, SmoothL1Loss)
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm, LocalResponseNorm
from .one_d import (AdaptiveAvgPool1d, AdaptiveMaxPool1d, AvgPool1d, Conv1d,
                    MaxPool1d)
from .padding import ConstantPad2d, ZeroPad2d
from .pooling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d, MaxUnpool2d
from .shape import Flatten, Identity, PixelShuffle, PixelUnshuffle, Unflatten
from .upsampling import Upsample

__all__ = [
    "Linear", "Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
    "ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "BatchNorm1d", "BatchNorm2d",
    "LocalResponseNorm", "Dropout", "Flatten", "Identity", "Upsample",
    "Sequential", "ModuleList", "ModuleDict",
    "CrossEntropyLoss", "NLLLoss", "MSELoss", "BCEWithLogitsLoss",
    "LeakyReLU", "ELU", "SiLU", "L1Loss", "BCELoss",
    "MaxUnpool2d", "AdaptiveMaxPool2d", "Dropout2d", "ZeroPad2d", "ConstantPad2d", "Unflatten",
    "ParameterList", "ParameterDict",
    "LazyLinear", "LazyConv2d", "UninitializedParameter", "SmoothL1Loss", "HuberLoss",
    "LayerNorm", "GroupNorm", "Embedding",
    "GELU", "Softplus", "Mish", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish",
    "CosineSimilarity", "PairwiseDistance", "KLDivLoss", "PixelShuffle", "PixelUnshuffle",
    "Conv1d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d",
]
