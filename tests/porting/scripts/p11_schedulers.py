"""Optimizer and scheduler idioms: parameter groups with their own lr, Adam / RMSprop /
Adadelta, CosineAnnealingLR and ReduceLROnPlateau, get_last_lr() and param_groups[0]['lr']
read back, clip_grad_norm_ before the step."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.optim as optim

rng = np.random.default_rng(11)
x = torch.tensor(rng.standard_normal((20, 4)), dtype=torch.float32)
y = torch.tensor(rng.integers(0, 3, 20))
losses, extras = [], []
for make in (lambda groups: optim.Adam(groups, lr=0.02, betas=(0.9, 0.99)),
             lambda groups: optim.RMSprop(groups, lr=0.01, momentum=0.5),
             lambda groups: optim.Adadelta(groups, lr=1.0, rho=0.8)):
    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3))
    model.load_state_dict({n: torch.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)))
                           for n, p in model.named_parameters()}, strict=False)
    optimizer = make([{"params": model[0].parameters()},
                      {"params": model[2].parameters(), "lr": 0.005}])
    cosine = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=5)
    for epoch in range(6):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        cosine.step()
        losses.append(loss.item())
        extras += [optimizer.param_groups[0]['lr'], *cosine.get_last_lr()]
    plateau = optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=0.5, patience=0)
    for value in (1.0, 1.0, 0.5, 0.5):
        plateau.step(value)
        extras.append(optimizer.param_groups[1]['lr'])
