"""What Module.load_state_dict returns, as PyTorch: the missing and unexpected keys, printed as
`<All keys matched successfully>` when both are empty."""
from collections import namedtuple


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()
