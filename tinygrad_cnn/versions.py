"""Version counters: how the engine notices that a tensor it saved for backward was changed.

Every tensor's memory has one `VersionCounter`; views of it (`x[0]`, `x.view(...)`, `x.t()`) and
`x.detach()` share their base's counter, `x.data` gets a fresh one (changes through `.data` are
not tracked, as in PyTorch). Each in-place write (`add_`, `x[i] = v`, an optimizer step) bumps the
counter. When an op saves an array for backward, the engine records (counter, version at save
time); backward compares them and raises rather than compute a gradient from changed values.

Views also follow their base's history: an in-place op that records a new history for a tensor
re-makes each of its live views from it (remember_view, regenerate_views), as PyTorch does.
"""
from __future__ import annotations

import weakref
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


def remember_view(view, source, cls, params) -> None:
    """Note how `view` was made from its base (the ops from the base to it), so that an in-place
    op that gives the base a new history gives the view one too (`regenerate_views`). The
    engine calls it for each view made in grad mode."""
    base = view._base
    if base.requires_grad and base.grad_fn is None:
        return                  # a leaf that requires grad never gets a recorded in-place op
    steps = () if source is base else source.__dict__.get("_view_steps")
    if steps is None:
        return                  # made from a handle that is not a remembered view
    view._view_steps = steps + ((cls, params),)
    base.__dict__.setdefault("_views", weakref.WeakSet()).add(view)


def regenerate_views(base) -> None:
    """After an in-place op gave `base` a new history: each live view made (in grad mode) from
    it is re-made from the new history, so gradients through the view reach the new history
    and a view of a base that starts to require grad does too (PyTorch's views follow their
    base the same way)."""
    for view in list(base.__dict__.get("_views", ())):
        replayed = base
        for cls, params in view._view_steps:
            replayed = cls.apply(replayed, **params)
        view.grad_fn, view._requires_grad = replayed.grad_fn, replayed.requires_grad


def rebase_history(target, original, result) -> None:
    """Make `target` (about to be overwritten in place with `result`'s values) carry `result`'s
    history, as PyTorch does for an in-place op on a tensor in a graph.

    Call before writing. `original` is the handle on target's old values and history that the
    op took as its input: arrays saved from it are copied (they hold the values before the
    write, which backward needs; PyTorch keeps a copy of the original self too), and their
    checks are dropped: nothing can change the copy. Other operands that share target's memory
    (`y.mul_(y)`, `y.mul_(y.detach())`) keep their checks, so backward refuses them, as
    PyTorch does."""
    node = result.grad_fn
    if node is None:
        return
    ctx, saved = node.ctx, list(node.ctx.saved_arrays)
    kept = []
    for record in ctx.saved_versions:
        if record.input_index is not None and node.parents[record.input_index] is original:
            saved[record.slot] = saved[record.slot].copy()   # private now: nothing can change it
        else:
            kept.append(record)
    ctx.saved_arrays, ctx.saved_versions = tuple(saved), kept


def retarget_saved_output(target, result) -> None:
    """After the write: arrays `result`'s node saved from its own output are now `target`'s
    values, so later changes to `target` must be caught."""
    node = result.grad_fn
    if node is None:
        return
    for record in node.ctx.saved_versions:
        if record.counter is result._version_counter:
            record.counter, record.version = target._version_counter, target._version_counter.value
