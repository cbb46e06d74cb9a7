"""What torchvision gives CNN users, for scripts ported with one import line
(`import tinygrad_cnn.vision as torchvision`): transforms, datasets, utils (make_grid,
save_image) and models (the zoo). Not imported by `import tinygrad_cnn`: like torchvision, it is
its own import, and its `models` builds on the top-level `models` package."""
from . import datasets, models, transforms, utils

__all__ = ["datasets", "models", "transforms", "utils"]
