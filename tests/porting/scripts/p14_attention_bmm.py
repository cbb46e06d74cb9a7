"""Tensor algebra of attention-style code: torch.bmm / mm / pow, transpose, masked_fill with a
boolean mask, softmax over the last dim, view_as and t(), in a tiny trained attention layer."""
import math

import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F


class TinyAttention(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(dim, dim, bias=False)
        self.v = nn.Linear(dim, dim, bias=False)
        self.out = nn.Linear(dim, 1)

    def forward(self, x, mask):
        q, k, v = self.q(x), self.k(x), self.v(x)
        scores = torch.bmm(q, k.transpose(1, 2)) / math.sqrt(x.size(-1))
        scores = scores.masked_fill(mask, -1e9)
        weights = F.softmax(scores, dim=-1)
        return self.out(torch.bmm(weights, v).mean(1))


rng = np.random.default_rng(14)
x = torch.tensor(rng.standard_normal((6, 5, 4)), dtype=torch.float32)
lengths = torch.tensor([5, 4, 3, 5, 2, 1])
mask = torch.arange(5).view(1, 1, 5) >= lengths.view(6, 1, 1)
target = torch.tensor(rng.standard_normal((6, 1)), dtype=torch.float32)
model = TinyAttention(4)
model.load_state_dict({n: torch.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)))
                       for n, p in model.named_parameters()}, strict=False)
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
losses = []
for step in range(10):
    optimizer.zero_grad()
    pred = model(x, mask)
    loss = (pred - target.view_as(pred)).pow(2).mean()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
gram = torch.mm(model.q.weight, model.q.weight.t())
extras = gram.flatten().tolist() + [torch.pow(2.0, torch.tensor([1.0, 2.0])).sum().item()]
FALLS = True
