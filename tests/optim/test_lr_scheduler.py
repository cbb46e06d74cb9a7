"""Learning-rate schedules: values by hand, chaining (two schedulers, a hand-set lr),
ReduceLROnPlateau's patience / threshold / cooldown / min_lr, and state dicts (equality with torch's
schedules: tests/torch_parity/test_lr_scheduler_parity.py)."""
import math

import pytest

from tinygrad_cnn import optim
from tinygrad_cnn.nn import Parameter
from tinygrad_cnn.optim import lr_scheduler


def _sgd(lr=1.0, groups=1):
    return optim.SGD([{"params": [Parameter([1.0])]} for _ in range(groups)], lr=lr)


def _lrs(scheduler, epochs):
    """lr used in each epoch: read before stepping, as a training loop sees it."""
    values = []
    for _ in range(epochs):
        values.append(scheduler.get_last_lr()[0])
        scheduler.optimizer.step()
        scheduler.step()
    return values


def test_step_lr_by_hand():
    assert _lrs(lr_scheduler.StepLR(_sgd(1.0), step_size=2, gamma=0.1), 6) == \
        pytest.approx([1, 1, 0.1, 0.1, 0.01, 0.01])


def test_multistep_lr_by_hand():
    assert _lrs(lr_scheduler.MultiStepLR(_sgd(1.0), milestones=[3, 1], gamma=0.5), 5) == \
        pytest.approx([1, 0.5, 0.5, 0.25, 0.25])


def test_cosine_by_hand():
    values = _lrs(lr_scheduler.CosineAnnealingLR(_sgd(1.0), T_max=4, eta_min=0.2), 5)
    assert values == pytest.approx([1.0, 0.2 + 0.8 * (1 + math.cos(math.pi / 4)) / 2, 0.6,
                                    0.2 + 0.8 * (1 + math.cos(3 * math.pi / 4)) / 2, 0.2])


def test_scheduler_sets_optimizer_lr_and_initial_lr():
    opt = _sgd(0.5, groups=2)
    opt.param_groups[1]["lr"] = 0.1
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.5, 0.1]
    opt.step()
    sched.step()
    assert [g["lr"] for g in opt.param_groups] == sched.get_last_lr() == [0.25, 0.05]


def test_resume_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(_sgd(), step_size=1, last_epoch=3)


def test_bad_arguments():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=1)
    with pytest.raises(ValueError, match="step_size"):
        lr_scheduler.StepLR(_sgd(), step_size=0)
    with pytest.raises(ValueError, match="T_max"):
        lr_scheduler.CosineAnnealingLR(_sgd(), T_max=0)
    assert lr_scheduler.CosineAnnealingLR(_sgd(), T_max=2.5).T_max == 2.5  # a number, as torch
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(_sgd(), factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown"):
        lr_scheduler.ReduceLROnPlateau(_sgd(), mode="avg")
    with pytest.raises(ValueError, match="threshold mode x is unknown"):
        lr_scheduler.ReduceLROnPlateau(_sgd(), threshold_mode="x")
    with pytest.raises(ValueError, match="expected 1 min_lrs, got 2"):
        lr_scheduler.ReduceLROnPlateau(_sgd(), min_lr=[0, 0])


def test_reduce_on_plateau_divides_by_ten_when_validation_stalls():
    sched = lr_scheduler.ReduceLROnPlateau(_sgd(0.1), patience=2)
    lrs = []
    for loss in [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8]:
        sched.step(loss)
        lrs.append(sched.get_last_lr()[0])
    # 3 epochs without improvement (> patience) after 0.9, then again after 0.8
    assert lrs == pytest.approx([0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.001])


def test_state_dict_round_trip():
    sched = lr_scheduler.StepLR(_sgd(1.0), step_size=2)
    _lrs(sched, 3)
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3
    other = lr_scheduler.StepLR(_sgd(1.0), step_size=5)
    other.load_state_dict(state)
    assert other.step_size == 2 and other.last_epoch == 3
    # functions are code, not state: None in their place, as PyTorch (a callable object's
    # attributes are kept instead, and restored on load)
    assert lr_scheduler.LambdaLR(_sgd(), lambda e: 1.0).state_dict()["lr_lambdas"] == [None]

    class Decay:
        def __init__(self, rate):
            self.rate = rate

        def __call__(self, epoch):
            return self.rate ** epoch

    decay = Decay(0.5)
    saved = lr_scheduler.LambdaLR(_sgd(), Decay(0.1)).state_dict()
    assert saved["lr_lambdas"] == [{"rate": 0.1}]
    lr_scheduler.LambdaLR(_sgd(), decay).load_state_dict(saved)
    assert decay.rate == 0.1


def test_chained_schedulers_and_a_hand_set_lr_compose():
    opt = _sgd(1.0)
    step, expo = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5), lr_scheduler.ExponentialLR(opt, 0.1)
    lrs = []
    for _ in range(3):
        opt.step(), step.step(), expo.step()
        lrs.append(opt.param_groups[0]["lr"])
    # epoch 1: *0.1; epoch 2: *0.5 (StepLR) and *0.1; epoch 3: *0.1
    assert lrs == pytest.approx([0.1, 0.005, 0.0005], rel=1e-12)
    opt.param_groups[0]["lr"] = 2.0      # set by hand: the next steps continue from it
    opt.step(), step.step()
    assert opt.param_groups[0]["lr"] == 1.0  # epoch 4: 2.0 * 0.5


def test_step_with_epoch_uses_the_closed_form():
    sched = lr_scheduler.MultiStepLR(_sgd(1.0), milestones=[2, 2, 4], gamma=0.5)
    with pytest.warns(UserWarning, match="deprecated"):
        sched.step(3)
    assert sched.get_last_lr() == [0.25]   # two milestones at 2: gamma squared
    with pytest.warns(UserWarning, match="deprecated"):
        sched.step(4)
    assert sched.get_last_lr() == [0.125]


def test_reduce_on_plateau_covers_groups_added_later():
    opt = _sgd(1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=0.3)
    opt.add_param_group({"params": [Parameter([1.0])], "lr": 0.5})  # e.g. an unfrozen backbone
    for metric in (1.0, 1.0, 1.0):
        sched.step(metric)
    assert sched.get_last_lr() == [pytest.approx(0.3), 0.3] and sched.min_lrs == [0.3, 0.3]
    listed = lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0, 0.0])
    opt.add_param_group({"params": [Parameter([1.0])]})
    listed.step(1.0)
    with pytest.raises(RuntimeError, match=r"number of param groups in the `optimizer` \(3\)"):
        listed.step(1.0)
    assert [g["lr"] for g in opt.param_groups][:2] == [pytest.approx(0.3), 0.3]  # unchanged


def test_warm_up_polynomial_and_restart_schedules_by_hand():
    linear = lr_scheduler.LinearLR(_sgd(1.0), start_factor=0.25, total_iters=3)
    assert _lrs(linear, 5) == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0], rel=1e-12)
    constant = lr_scheduler.ConstantLR(_sgd(1.0), factor=0.5, total_iters=2)
    assert _lrs(constant, 4) == pytest.approx([0.5, 0.5, 1.0, 1.0])
    poly = lr_scheduler.PolynomialLR(_sgd(1.0), total_iters=4, power=2.0)
    assert _lrs(poly, 6) == pytest.approx([1, 0.5625, 0.25, 0.0625, 0, 0], abs=1e-12)
    mult = lr_scheduler.MultiplicativeLR(_sgd(1.0), lambda epoch: 0.5)
    assert _lrs(mult, 3) == pytest.approx([1, 0.5, 0.25])
    sgdr = lr_scheduler.CosineAnnealingWarmRestarts(_sgd(1.0), T_0=2, T_mult=2)
    # cycles of 2 then 4 epochs: cos steps of pi/2, then of pi/4, each cycle restarting at 1
    c = (1 + math.cos(math.pi / 4)) / 2
    assert _lrs(sgdr, 7) == pytest.approx([1, 0.5, 1, c, 0.5, 1 - c, 1], abs=1e-12)


def test_sequential_lr_switches_at_the_milestones():
    opt = _sgd(1.0)
    warm = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
    decay = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    sched = lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[3])
    # warm-up 0.5, 0.75, 1; at epoch 3 the decay starts from its own epoch 0 (the initial lr)
    assert _lrs(sched, 6) == pytest.approx([0.5, 0.75, 1.0, 1.0, 0.5, 0.25])
    state = sched.state_dict()
    assert [s["last_epoch"] for s in state["_schedulers"]] == [2, 3]
    with pytest.raises(ValueError, match="one more than the number of milestone points"):
        lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        lr_scheduler.SequentialLR(opt, [warm, lr_scheduler.ReduceLROnPlateau(opt)], [2])
    with pytest.raises(ValueError, match="between 0 and 1"):
        lr_scheduler.ConstantLR(opt, factor=2.0)
    with pytest.raises(ValueError, match="positive integer T_0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)


def test_one_cycle_by_hand():
    opt = optim.SGD([Parameter([1.0])], lr=0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=5, pct_start=0.4,
                                    anneal_strategy="linear", div_factor=10.0, final_div_factor=1.0)
    # up from 0.1 to 1.0 by step 1 (0.4 * 5 - 1), then linearly down to 0.1 at step 4;
    # momentum goes the other way, 0.95 -> 0.85 -> 0.95
    lrs, momenta = [], []
    for _ in range(5):
        lrs.append(sched.get_last_lr()[0])
        momenta.append(opt.param_groups[0]["momentum"])
        opt.step()
        sched.step()
    assert lrs == pytest.approx([0.1, 1.0, 0.7, 0.4, 0.1])
    assert momenta == pytest.approx([0.95, 0.85, 0.85 + 0.1 / 3, 0.85 + 0.2 / 3, 0.95])
    with pytest.raises(ValueError, match="Tried to step 6 times"):
        sched.step()
    with pytest.raises(ValueError, match="either total_steps OR"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0)
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Optimizer([Parameter([1.0])], {"lr": 0.1}), 1.0, 5)


def test_chained_scheduler_steps_all_of_them():
    opt = _sgd(1.0)
    chained = lr_scheduler.ChainedScheduler([lr_scheduler.ConstantLR(opt, 0.1, total_iters=2),
                                             lr_scheduler.ExponentialLR(opt, 0.5)])
    assert _lrs(chained, 4) == pytest.approx([0.1, 0.05, 0.25, 0.125])
    assert [s["last_epoch"] for s in chained.state_dict()["_schedulers"]] == [4, 4]
    with pytest.raises(ValueError, match="at least one scheduler"):
        lr_scheduler.ChainedScheduler([])
    with pytest.raises(ValueError, match="same optimizer"):
        lr_scheduler.ChainedScheduler([lr_scheduler.ExponentialLR(_sgd(), 0.5)], optimizer=opt)
