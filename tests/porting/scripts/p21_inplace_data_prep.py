"""In-place tensor work in data preparation, as scripts do it before any model runs: a buffer
made with torch.zeros and filled row by row (`buf[i] = ...`), outliers zeroed by a boolean mask
(`x[mask] = 0`), `masked_fill_` for padding, `clamp_(0, 1)`, `index_fill_` to blank columns,
`t_()`, `mul_`/`sub_`/`div_` normalisation and `x[:, 0] += ...`; then a small classifier whose
attention-style scores are masked with masked_fill(-inf) before softmax, trained a few steps."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F

rng = np.random.default_rng(21)
n_seq, seq_len, n_feat = 12, 6, 5
lengths = rng.integers(2, seq_len + 1, n_seq)
raw = rng.standard_normal((n_seq, seq_len, n_feat)).astype(np.float32) * 2
raw[0, 0, 0] = 40.0                                  # an outlier to be masked

buf = torch.zeros(n_seq, seq_len, n_feat)
for i in range(n_seq):                               # a buffer filled row by row
    buf[i] = torch.from_numpy(raw[i])
x = buf.clone()
x[x.abs() > 5] = 0                                   # outliers zeroed through a mask
pad = torch.arange(seq_len).unsqueeze(0) >= torch.tensor(lengths).unsqueeze(1)   # (n, L) True = pad
x.masked_fill_(pad.unsqueeze(-1), 0.0)
x[:, :, 0] += 1.0                                    # shift one feature in place
x.index_fill_(2, torch.tensor([n_feat - 1]), 0.5)    # a constant feature column
mean = x.mean(dim=(0, 1), keepdim=True)
std = x.std(dim=(0, 1), keepdim=True)
x.sub_(mean).div_(std + 1e-6)
x.clamp_(-2, 2)
print(x.shape, x._version, float(x.abs().max()))
assert float(x.abs().max()) <= 2 and float(buf[0, 0, 0]) == 40.0   # clone kept buf intact
labels = torch.tensor((raw[:, :, 1].sum(1) > 0).astype(np.int64))

w_t = torch.tensor(rng.uniform(-0.4, 0.4, (2, n_feat)), dtype=torch.float32)
w_t.t_()                                             # stored (out, in), used as (in, out)
assert tuple(w_t.shape) == (n_feat, 2)
probs = torch.rand(n_seq, seq_len)
probs.clamp_(0.1, 0.9)                               # no gradient here: just in range
assert float(probs.min()) >= 0.1


class MaskedPool(nn.Module):
    """Score each position, mask the padding with -inf, softmax, and pool the features."""

    def __init__(self):
        super().__init__()
        self.score = nn.Linear(n_feat, 1)
        self.out = nn.Linear(n_feat, 2)

    def forward(self, x, pad):
        scores = self.score(x).squeeze(-1)
        scores = scores.masked_fill(pad, float("-inf"))
        weights = F.softmax(scores, dim=1)
        pooled = (weights.unsqueeze(-1) * x).sum(1)
        return self.out(pooled)


model = MaskedPool()
with torch.no_grad():
    model.score.weight.fill_(0.1)
    model.score.bias.zero_()
    model.out.weight.copy_(w_t.t())
    model.out.bias.zero_()
    model.out.weight[:, 0] = 0.0                     # one input ignored at the start
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
losses = []
for step in range(8):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x, pad), labels)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
extras = [float(x.sum()), float(pad.sum()), float(model.score.weight.detach().sum())]
FALLS = True
