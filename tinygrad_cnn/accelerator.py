"""torch.accelerator as a CPU-only PyTorch build answers it: there is no accelerator, so
`device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else "cpu"`
picks the CPU."""


def is_available() -> bool:
    return False


def current_accelerator(check_available: bool = False):
    return None


def device_count() -> int:
    return 0
