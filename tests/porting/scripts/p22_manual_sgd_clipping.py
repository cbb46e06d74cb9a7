"""A training loop that steps by hand, as older examples (word_language_model) do: the loss
backward, `torch.nn.utils.clip_grad_norm_` (its returned total norm logged), then
`for p in model.parameters(): p.data.add_(p.grad, alpha=-lr)`; the grads cleared with
`optimizer.zero_grad(set_to_none=False)` of an optimizer used only for that, so they stay as
zero tensors; and a learning rate annealed when the validation loss stops improving."""
import math

import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn

rng = np.random.default_rng(22)
vocab, emb, hidden, bptt, batch = 11, 6, 8, 5, 4
stream = torch.tensor(np.tile(np.arange(vocab), 8)[: 4 * 4 * bptt + 1])


class TinyLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Embedding(vocab, emb)
        self.hidden = nn.Linear(emb * bptt, hidden)
        self.decoder = nn.Linear(hidden, vocab)
        self.init_weights()

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input):
        return self.decoder(torch.tanh(self.hidden(self.encoder(input).flatten(1))))


def get_batches(source):
    starts = range(0, len(source) - bptt - 1, 3)
    inputs = torch.stack([source[i:i + bptt] for i in starts])
    targets = torch.stack([source[i + bptt] for i in starts])
    return [(inputs[j:j + batch], targets[j:j + batch]) for j in range(0, len(inputs), batch)]


model = TinyLM()
with torch.no_grad():
    for p in model.parameters():
        p.data.copy_(torch.tensor(rng.uniform(-0.3, 0.3, tuple(p.shape))))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.0)   # only for zero_grad
lr, clip = 2.0, 0.25
batches = get_batches(stream)
losses, norms, best_val_loss = [], [], None
for epoch in range(3):
    model.train()
    for data, targets in batches[:-1]:
        optimizer.zero_grad(set_to_none=False)
        output = model(data)
        loss = criterion(output, targets)
        loss.backward()
        total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        norms.append(float(total_norm))
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
    assert all(p.grad is not None for p in model.parameters())
    optimizer.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in model.parameters())
    model.eval()
    with torch.no_grad():
        val_loss = criterion(model(batches[-1][0]), batches[-1][1]).item()
    print(f"| end of epoch {epoch} | valid loss {val_loss:5.2f} | valid ppl {math.exp(val_loss):8.2f}")
    losses.append(val_loss)
    if not best_val_loss or val_loss < best_val_loss:
        best_val_loss = val_loss
    else:
        lr /= 4.0
extras = norms
FALLS = True
