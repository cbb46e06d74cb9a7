"""The Optimizer base against torch.optim: state-dict layout, repr and groups, loading torch's state."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter

from tests.optim.test_optimizer import _params, _set_grads


def test_state_dict_layout_equals_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _params(), [torch.nn.Parameter(torch.ones(i + 1)) for i in range(3)]
    opt = optim.Adam([{"params": ours[:2]}, {"params": ours[2:], "lr": 0.1}], amsgrad=True)
    topt = torch.optim.Adam([{"params": theirs[:2]}, {"params": theirs[2:], "lr": 0.1}],
                            amsgrad=True)
    _set_grads(ours[1:])
    for p in theirs[1:]:
        p.grad = torch.ones_like(p)
    opt.step()
    topt.step()
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [g["params"] for g in tsd["param_groups"]]
    assert {k: list(v) for k, v in sd["state"].items()} == \
        {k: list(v) for k, v in tsd["state"].items()}
    for key in ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"):
        assert [g[key] for g in sd["param_groups"]] == [g[key] for g in tsd["param_groups"]]


def test_repr_and_group_layout_equal_torch():
    torch = pytest.importorskip("torch")
    for name, kwargs in (("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(amsgrad=True)),
                         ("AdamW", {})):
        ours = getattr(optim, name)([{"params": _params(1)}, {"params": _params(1), "lr": 0.5}],
                                    **kwargs)
        theirs = getattr(torch.optim, name)([{"params": [torch.nn.Parameter(torch.ones(1))]},
                                             {"params": [torch.nn.Parameter(torch.ones(1))],
                                              "lr": 0.5}], **kwargs)
        assert repr(ours) == repr(theirs)
        assert [list(g) for g in ours.state_dict()["param_groups"]] == \
            [list(g) for g in theirs.state_dict()["param_groups"]]


def test_a_torch_optimizer_state_dict_loads_and_continues_identically():
    torch = pytest.importorskip("torch")
    start = np.array([1.0, -2.0, 3.0])
    theirs = torch.nn.Parameter(torch.tensor(start))
    topt = torch.optim.Adam([theirs], lr=0.1, amsgrad=True)
    for step in range(3):
        theirs.grad = torch.tensor(start * (step + 1))
        topt.step()
    ours = Parameter(theirs.detach().numpy().copy())
    opt = optim.Adam([ours], lr=0.5)
    opt.load_state_dict(topt.state_dict())          # torch tensors inside, step a tensor too
    assert isinstance(opt.state[ours]["exp_avg"], np.ndarray) and opt.state[ours]["step"] == 3.0
    for step in range(3, 5):
        theirs.grad = torch.tensor(start * (step + 1))
        ours.grad = tg.Tensor(start * (step + 1))
        topt.step()
        opt.step()
    np.testing.assert_allclose(ours.array, theirs.detach().numpy(), rtol=1e-12)
