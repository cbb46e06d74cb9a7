"""CyclicLR equals torch's to the last bit: its three modes, a custom scale function, unequal
rise and fall, per-group bounds, the cycled momentum of SGD and Adam's beta1, resuming."""
import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter
from tinygrad_cnn.optim import lr_scheduler

torch = pytest.importorskip("torch")


def _twins(opt_name, make, **opt_kwargs):
    ours = getattr(optim, opt_name)([{"params": [Parameter([1.0])]} for _ in range(2)], **opt_kwargs)
    theirs = getattr(torch.optim, opt_name)([{"params": [torch.nn.Parameter(torch.ones(1))]}
                                             for _ in range(2)], **opt_kwargs)
    return ours, theirs, make(lr_scheduler, ours), make(torch.optim.lr_scheduler, theirs)


def _same_path(ours, theirs, sched, tsched, steps=40, key="momentum"):
    for _ in range(steps):
        assert sched.get_last_lr() == tsched.get_last_lr()
        for g, tg_ in zip(ours.param_groups, theirs.param_groups):
            assert g.get(key) == tg_.get(key)
        ours.step(), theirs.step()
        sched.step(), tsched.step()


@pytest.mark.parametrize("make", [
    lambda lib, opt: lib.CyclicLR(opt, 0.01, 0.1, step_size_up=4),
    lambda lib, opt: lib.CyclicLR(opt, [0.01, 0.02], [0.1, 0.3], step_size_up=3, step_size_down=5,
                                  mode="triangular2"),
    lambda lib, opt: lib.CyclicLR(opt, 0.001, 0.1, step_size_up=5, mode="exp_range", gamma=0.97,
                                  base_momentum=0.7, max_momentum=0.95),
    lambda lib, opt: lib.CyclicLR(opt, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 0.5 ** x,
                                  scale_mode="iterations"),
    lambda lib, opt: lib.CyclicLR(opt, 0.01, 0.1, step_size_up=3, cycle_momentum=False),
])
def test_sgd_momentum_schedules_equal_torch(make):
    _same_path(*_twins("SGD", make, lr=0.5, momentum=0.9))


def test_adam_beta1_cycles_as_torch():
    make = lambda lib, opt: lib.CyclicLR(opt, 0.001, 0.01, step_size_up=4, mode="triangular2")  # noqa: E731
    _same_path(*_twins("Adam", make, lr=0.5), key="betas")


def test_errors_and_state_dict_resume_equal_torch():
    for lib, opt in ((lr_scheduler, optim.Adagrad([Parameter([1.0])])),
                     (torch.optim.lr_scheduler, torch.optim.Adagrad([torch.nn.Parameter(torch.ones(1))]))):
        with pytest.raises(ValueError, match="must support momentum or beta1"):
            lib.CyclicLR(opt, 0.01, 0.1)
        with pytest.raises(ValueError, match="mode is invalid"):
            lib.CyclicLR(opt, 0.01, 0.1, mode="sine", cycle_momentum=False)
    ours, theirs, sched, tsched = _twins("SGD", lambda lib, o: lib.CyclicLR(o, 0.01, 0.1, 3), momentum=0.9)
    _same_path(ours, theirs, sched, tsched, steps=7)
    again = lr_scheduler.CyclicLR(ours, 0.01, 0.1, 3)      # a fresh scheduler, then the saved state
    again.load_state_dict(sched.state_dict())
    tagain = torch.optim.lr_scheduler.CyclicLR(theirs, 0.01, 0.1, 3)
    tagain.load_state_dict(tsched.state_dict())
    _same_path(ours, theirs, again, tagain, steps=10)
