"""The functional API (`import tinygrad_cnn.nn.functional as F`), with PyTorch's names and
arguments. Every function validates its arguments, naming them and the shapes involved, before
calling the ops in tinygrad_cnn/ops; composites such as softmax or cross_entropy are built here."""
from .activation import (elu, gelu, hardsigmoid, hardswish, hardtanh, leaky_relu, log_softmax,
                         mish, relu, relu6, sigmoid, silu, softmax, softplus, tanh)
from .conv import conv2d, conv_transpose2d
from .distance import cosine_similarity, pairwise_distance
from .dropout import dropout, dropout2d
from .linear import linear, matmul
from .loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy,
                   huber_loss, kl_div, l1_loss, mse_loss, nll_loss, smooth_l1_loss)
from .embedding import embedding
from .one_d import (adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, conv1d,
                    max_pool1d)
from .normalization import batch_norm, group_norm, layer_norm, local_response_norm, normalize
from .pooling import (adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool2d,
                      max_unpool2d)
from .resample import interpolate
from .shape import flatten, one_hot, pad, pixel_shuffle, pixel_unshuffle
from ...unsupported import namespace_getattr

__all__ = [
    "adaptive_avg_pool2d", "avg_pool2d", "batch_norm", "binary_cross_entropy_with_logits",
    "conv2d", "conv_transpose2d", "cross_entropy", "dropout", "flatten", "interpolate", "linear",
    "local_response_norm", "log_softmax", "matmul", "max_pool2d", "mse_loss", "nll_loss", "pad",
    "relu", "sigmoid", "softmax", "tanh",
    "binary_cross_entropy", "elu", "l1_loss", "leaky_relu", "one_hot", "silu",
    "adaptive_max_pool2d", "dropout2d", "max_unpool2d", "smooth_l1_loss", "huber_loss",
    "layer_norm", "group_norm", "normalize", "embedding",
    "gelu", "softplus", "mish", "hardtanh", "relu6", "hardsigmoid", "hardswish",
    "cosine_similarity", "pairwise_distance", "kl_div", "pixel_shuffle", "pixel_unshuffle",
    "conv1d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d",
]

__getattr__ = namespace_getattr("torch.nn.functional")
