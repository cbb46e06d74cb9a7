"""torch.backends.mps: Apple's GPU backend, absent here as in any non-Mac PyTorch build."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
