"""torch.backends.cudnn: scripts set `benchmark` and `deterministic`; with no GPU they change
nothing here (results are deterministic anyway: NumPy on the CPU)."""
benchmark = False
deterministic = False
enabled = True
allow_tf32 = True


def is_available() -> bool:
    return False


def version():
    """None: no cuDNN library is loaded (PyTorch's answer without one)."""
    return None
