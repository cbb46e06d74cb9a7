"""torch.distributed without process groups: tinygrad_cnn trains in one process, so none can be
initialised. The queries a single-process script makes answer as PyTorch does before
init_process_group (is_initialized() False; get_rank()/get_world_size() raise its ValueError);
is_available() is False because init_process_group cannot work here."""
from .unsupported import namespace_getattr, not_supported

NO_GROUP = ("Default process group has not been initialized, please make sure to call "
            "init_process_group.")


def is_available() -> bool:
    return False


def is_initialized() -> bool:
    return False


def get_rank(group=None) -> int:
    raise ValueError(NO_GROUP)


def get_world_size(group=None) -> int:
    raise ValueError(NO_GROUP)


def init_process_group(*args, **kwargs):
    raise not_supported("torch.distributed.init_process_group")


__getattr__ = namespace_getattr("torch.distributed")
