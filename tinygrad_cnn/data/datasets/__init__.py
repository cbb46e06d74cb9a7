"""Data sets, each a module returning numpy arrays with a documented shape and dtype.

- xo:      X-and-O 9x9 images of seed 000 (generated)            make_xo, X_IMAGE, O_IMAGE
- digits:  8x8 handwritten digits, bundled with the package       load_digits
- mnist:   MNIST / Fashion-MNIST IDX files (disk, Debian, mirrors) load_mnist, load_fashion_mnist
- idx:     the IDX file reader behind mnist                       read_idx, IDXError
- shapes:  synthetic segmentation images with masks (generated)   make_shapes

Wrap the arrays for training: `DataLoader(TensorDataset(images, labels), batch_size=64)`.
"""
from . import digits, idx, mnist, shapes, xo
from .digits import DIGITS_MAX, load_digits
from .idx import IDXError, parse_idx, read_idx
from .mnist import (FASHION_MNIST_CLASSES, DatasetNotFoundError, load_fashion_mnist,
                    load_mnist)
from .shapes import make_shapes
from .xo import O_IMAGE, X_IMAGE, X_TRICKY_IMAGE, make_xo

__all__ = ["digits", "idx", "mnist", "shapes", "xo", "DIGITS_MAX", "load_digits", "IDXError",
           "parse_idx", "read_idx", "FASHION_MNIST_CLASSES", "DatasetNotFoundError",
           "load_fashion_mnist", "load_mnist", "make_shapes", "O_IMAGE", "X_IMAGE",
           "X_TRICKY_IMAGE", "make_xo"]
