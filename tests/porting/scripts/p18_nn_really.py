"""The "what is torch.nn really?" walk: a logistic regression written with bare tensors
(weights made with requires_grad_(), a hand-written log_softmax and negative log-likelihood,
and the update `with torch.no_grad(): weights -= weights.grad * lr` followed by
`weights.grad.zero_()`), then the same model refactored step by step: F.cross_entropy,
nn.Module with nn.Parameter, nn.Linear, optim.SGD, TensorDataset/DataLoader and a fit()."""
import math

import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import nn, optim
from tinygrad_cnn.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(18)
n, n_in, n_out = 120, 16, 4
centres = rng.standard_normal((n_out, n_in)) * 1.5
y_np = rng.integers(0, n_out, n)
x_np = (centres[y_np] + 2 * rng.standard_normal((n, n_in))).astype(np.float32)
x_train, y_train, x_valid, y_valid = map(
    torch.tensor, (x_np[:96], y_np[:96], x_np[96:], y_np[96:]))
print(x_train.shape, y_train.min(), y_train.max())

start_w = rng.standard_normal((n_in, n_out)) / math.sqrt(n_in)
weights = torch.tensor(start_w, dtype=torch.float32)
weights.requires_grad_()
bias = torch.zeros(n_out, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


loss_func = nll
bs, lr, epochs = 16, 0.1, 2
losses = [loss_func(model(x_train), y_train).item()]
for epoch in range(epochs):
    for i in range((n - 24 - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
    losses.append(loss_func(model(x_train), y_train).item())
print(losses[-1], accuracy(model(x_train), y_train))
assert weights.is_leaf and weights.grad_fn is None and weights._version > 0

# Refactor: F.cross_entropy replaces log_softmax + nll; the results agree.
loss_func = F.cross_entropy
assert abs(loss_func(x_valid @ weights + bias, y_valid).item()
           - nll(model(x_valid), y_valid).item()) < 1e-5


class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(torch.tensor(start_w, dtype=torch.float32))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, xb):
        return xb @ self.weights + self.bias


model = Mnist_Logistic()
loss_func(model(x_train[:bs]), y_train[:bs]).backward()   # the manual step, over parameters()
with torch.no_grad():
    for p in model.parameters():
        p -= p.grad * lr
    model.zero_grad()
assert all(p.grad is None for p in model.parameters())


class Mnist_Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(n_in, n_out)
        with torch.no_grad():
            self.lin.weight.copy_(torch.tensor(start_w.T))
            self.lin.bias.zero_()

    def forward(self, xb):
        return self.lin(xb)


def get_model():
    model = Mnist_Linear()
    return model, optim.SGD(model.parameters(), lr=lr)


def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)


def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)
        model.eval()
        with torch.no_grad():
            batch_losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
        val_loss = np.sum(np.multiply(batch_losses, nums)) / np.sum(nums)
        print(epoch, val_loss)
        losses.append(float(val_loss))


train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=bs)
valid_dl = DataLoader(TensorDataset(x_valid, y_valid), batch_size=bs * 2)
model, opt = get_model()
fit(3, model, loss_func, opt, train_dl, valid_dl)
extras = [float(accuracy(model(x_valid), y_valid))]
FALLS = True
