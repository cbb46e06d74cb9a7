"""Shared by the optimizer tests: run an optimizer on fixed gradients, here and in torch."""
import numpy as np

import tinygrad_cnn as tg
from tinygrad_cnn.nn import Parameter


def run_scalar(opt_cls, grads, p0=1.0, **kwargs):
    """Values of one float64 parameter after each step, given the gradient of every step."""
    p = Parameter(np.array([p0], dtype=np.float64))
    opt = opt_cls([p], **kwargs)
    values = []
    for g in grads:
        p.grad = tg.Tensor(np.array([g], dtype=np.float64))
        opt.step()
        values.append(float(p.array[0]))
    return values


def step_both(torch, ours_cls, torch_cls, steps=5, groups=None, **kwargs):
    """Same float32 parameters and gradients in both libraries, `steps` optimizer steps each;
    returns (opt, torch_opt, params, torch_params). The second parameter gets no gradient on
    step 2, so both must skip it then."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in ((3, 4), (5,), (2, 2, 3))]
    ours = [Parameter(a.copy()) for a in arrays]
    theirs = [torch.nn.Parameter(torch.tensor(a.copy())) for a in arrays]
    groups = groups or [{}]
    split = [ours[:1], ours[1:]] if len(groups) == 2 else [ours]
    tsplit = [theirs[:1], theirs[1:]] if len(groups) == 2 else [theirs]
    opt = ours_cls([dict(params=ps, **g) for ps, g in zip(split, groups)], **kwargs)
    topt = torch_cls([dict(params=ps, **g) for ps, g in zip(tsplit, groups)], **kwargs)
    for step in range(steps):
        for i, (p, tp) in enumerate(zip(ours, theirs)):
            if step == 2 and i == 1:
                p.grad, tp.grad = None, None
                continue
            g = rng.standard_normal(p.shape).astype(np.float32)
            p.grad, tp.grad = tg.Tensor(g), torch.tensor(g)
        opt.step()
        topt.step()
    return opt, topt, ours, theirs


def compare_with_torch(torch, ours_cls, torch_cls, steps=5, groups=None, **kwargs):
    """step_both, then the largest difference between the two libraries' parameters."""
    _, _, ours, theirs = step_both(torch, ours_cls, torch_cls, steps, groups, **kwargs)
    return max(np.abs(p.array - tp.detach().numpy()).max() for p, tp in zip(ours, theirs))
