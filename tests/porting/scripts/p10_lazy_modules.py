"""Lazy layers: LazyConv2d and LazyLinear read their input sizes from a dry run, after which
the weights are set and the model trains with nn.SmoothL1Loss... and nn.HuberLoss."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn

rng = np.random.default_rng(10)
model = nn.Sequential(nn.LazyConv2d(4, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                      nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
x = torch.tensor(rng.standard_normal((10, 3, 8, 8)), dtype=torch.float32)
target = torch.tensor(rng.standard_normal((10, 1)), dtype=torch.float32)
model(x)                                                  # the dry run fixes every shape
print(model)
print([tuple(p.shape) for p in model.parameters()])
model.load_state_dict({n: torch.tensor(rng.uniform(-0.3, 0.3, tuple(p.shape)))
                       for n, p in model.named_parameters()}, strict=False)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
criterion, monitor = nn.SmoothL1Loss(beta=0.5), nn.HuberLoss(delta=2.0)
losses, extras = [], []
for step in range(8):
    optimizer.zero_grad()
    prediction = model(x)
    loss = criterion(prediction, target)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    extras.append(monitor(prediction, target).item())
FALLS = True
