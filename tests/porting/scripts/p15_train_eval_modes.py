"""model.train() / model.eval() around BatchNorm1d and Dropout: training updates the running
statistics, evaluation uses them (and disables dropout), torch.no_grad() evaluation lines, and
the running_mean / num_batches_tracked buffers read back. Dropout is off (p=0) in training here
so the two libraries stay comparable; eval() is what the script checks."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn

rng = np.random.default_rng(15)
model = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(p=0.0),
                      nn.Linear(8, 2))
model.load_state_dict({n: torch.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)))
                       for n, p in model.named_parameters()}, strict=False)
x = torch.tensor(rng.standard_normal((32, 6)) * 2 + 1, dtype=torch.float32)
y = torch.tensor((rng.standard_normal(32) > 0).astype(np.int64))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
losses = []
for epoch in range(6):
    model.train()
    for i in range(0, 32, 8):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x[i:i + 8]), y[i:i + 8])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        losses.append(nn.functional.cross_entropy(model(x), y).item())
bn = model[1]
print(bn.running_mean, bn.num_batches_tracked)
assert int(bn.num_batches_tracked) == 24
extras = bn.running_mean.tolist() + bn.running_var.tolist()
with torch.no_grad():
    assert torch.allclose(model(x), model(x))                  # eval mode is deterministic
FALLS = True
