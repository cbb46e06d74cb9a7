"""Version counters: how the engine notices that a tensor it saved for backward was changed.

Every tensor's memory has one `VersionCounter`; views of it (`x[0]`, `x.view(...)`, `x.t()`) and
`x.detach()` share their base's counter, `x.data` gets a fresh one (changes through `.data` are
not tracked, as in PyTorch). Each in-place write (`add_`, `x[i] = v`, an optimizer step) bumps the
counter. When an op saves an array for backward, the engine records (counter, version at save
time); backward compares them and raises rather than compute a gradient from changed values.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dtypes import scalar_type_name


class VersionCounter:
    """How many in-place writes the memory it belongs to has seen."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def bump(self) -> None:
        self.value += 1


@dataclass
class SavedVersion:
    """One saved array's provenance: slot `slot` of ctx.saved_arrays came from a tensor whose
    counter read `version` at save time; `role` is 'input i' or 'output 0', and `input_index`
    is i (None for the output)."""

    slot: int
    counter: VersionCounter
    version: int
    shape: tuple
    dtype: np.dtype
    role: str
    input_index: int | None = None

    def verify(self, op: str) -> None:
        if self.counter.value != self.version:
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [torch.{scalar_type_name(self.dtype)}Tensor {list(self.shape)}], which is "
                f"{self.role} saved by {op}Backward, is at version {self.counter.value}; expected "
                f"version {self.version} instead. Hint: the tensor was changed in place (an "
                f"optimizer step, fill_, +=, x[i] = ...) after the forward pass used it; call "
                f"backward() first, or change a clone().")


def record_saved_versions(saved, inputs, output, output_array) -> list[SavedVersion]:
    """For every saved array that shares memory with an input (or the output), remember that
    tensor's counter and current version. Arrays the op computed privately need no check: nothing
    outside the op can change them."""
    records = []
    for slot, array in enumerate(saved):
        if not isinstance(array, np.ndarray):
            continue
        # the input it is (y.mul_(y) saves two handles on one memory: tell them apart), else
        # the first input whose memory it shares (a reshaped or sliced input)
        index = next((i for i, t in enumerate(inputs) if array is t.array), None)
        if index is None:
            index = next((i for i, t in enumerate(inputs)
                          if np.may_share_memory(array, t.array)), None)
        if index is not None:
            tensor = inputs[index]
            counter = tensor._version_counter
            records.append(SavedVersion(slot, counter, counter.value, tuple(tensor.shape),
                                        tensor.array.dtype, f"input {index}", index))
        elif np.may_share_memory(array, output_array):
            counter = output._version_counter
            records.append(SavedVersion(slot, counter, counter.value, output_array.shape,
                                        output_array.dtype, "output 0"))
    return records
