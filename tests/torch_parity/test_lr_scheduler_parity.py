"""Learning-rate schedules equal torch's to the last bit: the chainable decays, chaining with a
hand-set lr, resuming and epoch steps, ReduceLROnPlateau, the warm-up / polynomial / restarting /
sequential / chained schedules and OneCycleLR (with its momentum)."""
import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter
from tinygrad_cnn.optim import lr_scheduler


def _sgd(lr=1.0, groups=1):
    return optim.SGD([{"params": [Parameter([1.0])]} for _ in range(groups)], lr=lr)


def _twin_schedules(make):
    """The same two-group SGD (lr 0.1 and 0.05) here and in torch, each scheduled by `make`:
    -> (ours optimizer, torch optimizer, our scheduler, torch's scheduler)."""
    torch = pytest.importorskip("torch")
    opt = _sgd(0.1, groups=2)
    opt.param_groups[1]["lr"] = 0.05
    topt = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.ones(1))], "lr": lr}
                            for lr in (0.1, 0.05)], lr=0.1)
    return opt, topt, make(lr_scheduler, opt), make(torch.optim.lr_scheduler, topt)


@pytest.mark.parametrize("make", [
    lambda lib, opt: lib.StepLR(opt, step_size=3, gamma=0.3),
    lambda lib, opt: lib.MultiStepLR(opt, milestones=[2, 5, 6, 11], gamma=0.1),
    lambda lib, opt: lib.ExponentialLR(opt, gamma=0.9),
    lambda lib, opt: lib.CosineAnnealingLR(opt, T_max=7),
    lambda lib, opt: lib.CosineAnnealingLR(opt, T_max=10, eta_min=0.001),
    lambda lib, opt: lib.LambdaLR(opt, lambda epoch: 1 / (1 + epoch)),
])
def test_schedules_equal_torch(make):
    opt, topt, ours, theirs = _twin_schedules(make)
    for _ in range(25):  # beyond T_max too: the cosine goes back up
        assert ours.get_last_lr() == theirs.get_last_lr()  # the same recursion: bit for bit
        opt.step(), topt.step()
        ours.step(), theirs.step()


@pytest.mark.parametrize("make", [
    lambda lib, opt: lib.StepLR(opt, step_size=3),
    lambda lib, opt: lib.MultiStepLR(opt, milestones=[2, 5, 5]),
    lambda lib, opt: lib.ExponentialLR(opt, gamma=0.9),
    lambda lib, opt: lib.CosineAnnealingLR(opt, T_max=4.5, eta_min=0.01),
])
def test_chaining_resuming_and_epoch_steps_equal_torch(make):
    torch = pytest.importorskip("torch")
    opt = _sgd(0.1)
    topt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    for o in (opt, topt):
        o.param_groups[0]["initial_lr"] = 0.2
    ours, theirs = make(lr_scheduler, opt), make(torch.optim.lr_scheduler, topt)
    ours2, theirs2 = lr_scheduler.ExponentialLR(opt, 0.8), torch.optim.lr_scheduler.ExponentialLR(topt, 0.8)
    with pytest.warns(UserWarning):
        for epoch in range(14):
            opt.step(), topt.step()
            if epoch == 6:
                ours.step(9), theirs.step(9)
            else:
                ours.step(), theirs.step()
            ours2.step(), theirs2.step()
            assert opt.param_groups[0]["lr"] == topt.param_groups[0]["lr"]


@pytest.mark.parametrize("kwargs", [
    dict(), dict(patience=1, cooldown=2), dict(mode="max", patience=0, factor=0.5),
    dict(threshold_mode="abs", threshold=0.05, patience=1, min_lr=0.003),
    dict(mode="max", threshold_mode="abs", threshold=0.1, patience=2, eps=0.01),
])
def test_reduce_on_plateau_equals_torch(kwargs):
    torch = pytest.importorskip("torch")
    opt = _sgd(0.1)
    topt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    ours = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
    metrics = [1.0, 0.99, 0.98, 0.985, 0.97, 0.97, 0.96, 0.99, 0.5, 0.5, 0.51, 0.52, 0.6, 0.6,
               0.61, 0.7, 0.7, 0.69, 0.7, 0.7, 0.3, 0.3, 0.3, 0.3, 0.3]
    for metric in metrics:
        ours.step(metric)
        theirs.step(metric)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)
        assert (ours.best, ours.num_bad_epochs, ours.cooldown_counter) == \
            (theirs.best, theirs.num_bad_epochs, theirs.cooldown_counter)


@pytest.mark.parametrize("make", [
    lambda lib, opt: lib.MultiplicativeLR(opt, lambda epoch: 0.9),
    lambda lib, opt: lib.ConstantLR(opt, factor=0.5, total_iters=3),
    lambda lib, opt: lib.LinearLR(opt, 0.1, 0.7, total_iters=6),
    lambda lib, opt: lib.PolynomialLR(opt, total_iters=8, power=1.5),
    lambda lib, opt: lib.CosineAnnealingWarmRestarts(opt, 3, 2, eta_min=0.001),
    lambda lib, opt: lib.SequentialLR(opt, [lib.LinearLR(opt, 0.1, total_iters=4),
                                            lib.CosineAnnealingLR(opt, 10)], [4]),
    lambda lib, opt: lib.SequentialLR(opt, [lib.ConstantLR(opt, 0.5, 2), lib.ExponentialLR(opt, 0.9),
                                            lib.StepLR(opt, 3)], [3, 9]),
    lambda lib, opt: lib.ChainedScheduler([lib.LinearLR(opt, 0.2, total_iters=4),
                                           lib.CosineAnnealingLR(opt, 12)]),
])
def test_more_schedules_equal_torch(make):
    opt, topt, ours, theirs = _twin_schedules(make)
    for _ in range(30):
        assert ours.get_last_lr() == theirs.get_last_lr()  # bit for bit
        opt.step(), topt.step()
        ours.step(), theirs.step()
    assert sorted(ours.state_dict()) == sorted(k for k in theirs.state_dict()
                                               if k != "_get_lr_called_within_step")


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("kwargs", [
    dict(max_lr=1.0, total_steps=20), dict(max_lr=0.5, total_steps=30, three_phase=True),
    dict(max_lr=[1.0, 0.3], epochs=3, steps_per_epoch=7, anneal_strategy="linear", pct_start=0.25),
])
def test_one_cycle_equals_torch(optimizer, kwargs):
    torch = pytest.importorskip("torch")
    extra = {"momentum": 0.9} if optimizer == "SGD" else {}
    opt = getattr(optim, optimizer)([{"params": [Parameter([1.0])]},
                                     {"params": [Parameter([1.0])], "lr": 0.5}], lr=0.1, **extra)
    topt = getattr(torch.optim, optimizer)([{"params": [torch.nn.Parameter(torch.ones(1))]},
                                            {"params": [torch.nn.Parameter(torch.ones(1))],
                                             "lr": 0.5}], lr=0.1, **extra)
    ours = lr_scheduler.OneCycleLR(opt, **kwargs)
    theirs = torch.optim.lr_scheduler.OneCycleLR(topt, **kwargs)
    key = "momentum" if optimizer == "SGD" else "betas"
    for _ in range(ours.total_steps):
        assert ours.get_last_lr() == theirs.get_last_lr()
        assert [g[key] for g in opt.param_groups] == [g[key] for g in topt.param_groups]
        opt.step(), topt.step()
        ours.step(), theirs.step()
