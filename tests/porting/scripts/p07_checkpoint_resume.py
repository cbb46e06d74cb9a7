"""Saving and resuming, as the "saving and loading" recipes do: a checkpoint dict with the
epoch, model_state_dict, optimizer_state_dict and loss; torch.load(..., weights_only=True);
load_state_dict into fresh objects; eval() outputs equal; training resumed from the
checkpoint continues exactly as the uninterrupted run."""
import os

import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.optim as optim

rng = np.random.default_rng(7)
x = torch.tensor(rng.standard_normal((16, 5)), dtype=torch.float32)
y = torch.tensor(rng.standard_normal((16, 1)), dtype=torch.float32)
initial = {n: rng.uniform(-0.4, 0.4, s) for n, s in
           (("0.weight", (8, 5)), ("0.bias", (8,)), ("2.weight", (1, 8)), ("2.bias", (1,)))}


def make():
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1))
    model.load_state_dict({n: torch.tensor(a) for n, a in initial.items()})
    return model, optim.Adam(model.parameters(), lr=0.01)


def train(model, optimizer, steps):
    out = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        out.append(loss.item())
    return out


model, optimizer = make()
straight = train(model, optimizer, 6)

model, optimizer = make()
first = train(model, optimizer, 3)
PATH = "checkpoint.tar"
torch.save({'epoch': 3, 'model_state_dict': model.state_dict(),
            'optimizer_state_dict': optimizer.state_dict(), 'loss': first[-1]}, PATH)
model, optimizer = make()
checkpoint = torch.load(PATH, weights_only=True)
model.load_state_dict(checkpoint['model_state_dict'])
optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
assert epoch == 3 and abs(checkpoint['loss'] - first[-1]) < 1e-12
model.train()
resumed = first + train(model, optimizer, 3)
np.testing.assert_allclose(resumed, straight, rtol=1e-6)

torch.save(model.state_dict(), "model_weights.pth")
twin = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1))
twin.load_state_dict(torch.load("model_weights.pth", weights_only=True))
model.eval()
twin.eval()
with torch.no_grad():
    assert torch.equal(model(x), twin(x))
print(list(model.state_dict().keys()))
for name in (PATH, "model_weights.pth"):
    os.remove(name)
losses = straight
FALLS = True
