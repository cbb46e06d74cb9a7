"""Optimizer: the base of SGD and Adam. It keeps parameter groups (lists of parameters sharing
hyper-parameters) and per-parameter state, and saves both in PyTorch's state-dict layout.
Read sgd.py next."""
from __future__ import annotations

import copy
import math
from collections import defaultdict

import numpy as np

from ..autograd import enable_grad, no_grad
from ..tensor import Tensor


class Optimizer:
    """Base class: subclasses define `_update(p, grad, group)` for one parameter.

    Args:
        params: an iterable of Tensors, of (name, Tensor) pairs such as
            `model.named_parameters()` (the names are kept in the group's 'param_names'), or of
            dicts {'params': [...], 'lr': ...} (parameter groups: each may override any default,
            e.g. a smaller lr for a pretrained backbone).
        defaults: the hyper-parameters every group gets unless it sets its own.

    Attributes:
        param_groups: list of dicts, each with 'params' and every hyper-parameter.
        state: dict parameter -> dict of that parameter's buffers (e.g. 'momentum_buffer').
    """

    def __init__(self, params, defaults: dict):
        self._check_hyperparameters(defaults)
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + type(params).__name__)
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def _check_hyperparameters(self, group: dict) -> None:
        """Raise TypeError for a hyper-parameter that is not a number, ValueError for an invalid
        one (subclasses add their checks)."""
        for key in ("lr", "momentum", "dampening", "weight_decay", "eps", "alpha"):
            value = group.get(key, 0.0)
            if isinstance(value, (str, bytes, bool)) or not hasattr(value, "__float__"):
                raise TypeError(f"{type(self).__name__}: {key} must be a number, got "
                                f"{type(value).__name__} {value!r}")
        if not float(group.get("lr", 0.0)) >= 0.0 or math.isinf(float(group.get("lr", 0.0))):
            raise ValueError(f"Invalid learning rate: {group['lr']}")  # (negative, nan or inf)
        if group.get("differentiable"):
            raise ValueError(f"{type(self).__name__}: differentiable=True is not supported "
                             f"(gradients are first-order only)")

    def add_param_group(self, param_group: dict) -> None:
        """Add a group (e.g. layers unfrozen during fine-tuning); missing settings take the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but "
                            "the ordering of tensors in sets will change between runs. Please use "
                            "a list instead.")
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        named = [p for p in group["params"] if isinstance(p, tuple)]
        if named:  # from named_parameters(): (name, Tensor) pairs, as PyTorch accepts
            if len(named) != len(group["params"]) or any(len(p) != 2 for p in named):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            group["param_names"] = [name for name, _ in named]
            group["params"] = [p for _, p in named]
        if self.param_groups and ("param_names" in group) != ("param_names" in self.param_groups[0]):
            raise ValueError("all optimizer param groups should be with/without names.")
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + type(p).__name__)
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_hyperparameters(group)
        ids = [id(p) for p in group["params"]]
        if len(set(ids)) != len(ids):
            raise ValueError("optimizer contains a parameter group with duplicate parameters")
        if set(ids) & {id(p) for g in self.param_groups for p in g["params"]}:
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (None by default, as PyTorch)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.zero_()

    def step(self, closure=None):
        """Update every parameter that has a gradient (those with grad None are skipped).

        Args:
            closure: optional function that recomputes and returns the loss (called first,
                with gradients enabled).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._update(p, p.grad.array, group)
                        # p changed in place: a graph that saved p now refuses to backward
                        p._version_counter.bump()
        return loss

    def _update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """Change p.array in place from its gradient, using and updating self.state[p]."""
        raise NotImplementedError(f"{type(self).__name__} does not define _update")

    # -- saving and restoring ---------------------------------------------------------------------
    def state_dict(self) -> dict:
        """{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}, as PyTorch:
        parameters are numbered 0, 1, ... across groups in order; arrays are copies."""
        index, groups = {}, []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what `state_dict()` returned (also after a save/load round trip). Everything is
        checked before anything changes; floating state is cast to each parameter's dtype."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(s["params"]) != len(g["params"]) for s, g in zip(saved_groups, self.param_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the "
                             "size of optimizer's group")
        by_index = {int(i): p for s, g in zip(saved_groups, self.param_groups)
                    for i, p in zip(s["params"], g["params"])}
        state = defaultdict(dict)
        for key, values in state_dict["state"].items():
            if int(key) not in by_index:
                raise ValueError(f"loaded state dict has state for parameter {key}, which no "
                                 f"parameter group lists")
            p = by_index[int(key)]
            state[p] = {name: _cast_state(name, value, p) for name, value in values.items()}
        groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            new = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            new["params"] = group["params"]
            for name, default in self.defaults.items():  # a key newer than the checkpoint
                new.setdefault(name, default)
            groups.append(new)
        self.state, self.param_groups = state, groups

    def __repr__(self) -> str:
        """PyTorch's layout: each group after a newline, its settings sorted by name."""
        text = f"{type(self).__name__} ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {k}: {group[k]}\n" for k in sorted(group) if k != "params")
        return text + ")"


def _cast_state(name: str, value, p: Tensor):
    """A copy of one saved state value, floating arrays in the parameter's dtype (not 'step').
    Other array-likes (e.g. the torch tensors of a PyTorch optimizer's state dict) become arrays."""
    if isinstance(value, Tensor):
        value = value.array
    elif hasattr(value, "__array__") and not isinstance(value, np.ndarray):
        value = np.asarray(value)
    if name == "step":
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(p.dtype, copy=True)
    return copy.deepcopy(value)
