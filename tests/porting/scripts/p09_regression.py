"""pytorch/examples' polynomial regression: features x, x^2, x^3 made with torch.cat and
unsqueeze, a Linear(3, 1) fitted with F.smooth_l1_loss, parameters updated by the optimizer,
and the learned function printed with f-strings."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn.functional as F

POLY_DEGREE = 3
W_target = torch.tensor([[0.5], [-1.0], [0.75]])
b_target = torch.tensor([0.3])


def make_features(x):
    """Builds features i.e. a matrix with columns [x, x^2, x^3]."""
    x = x.unsqueeze(1)
    return torch.cat([x ** i for i in range(1, POLY_DEGREE + 1)], 1)


def f(x):
    """Approximated function."""
    return x.mm(W_target) + b_target.item()


def poly_desc(W, b):
    result = 'y = '
    for i, w in enumerate(W):
        result += '{:+.2f} x^{} '.format(w, i + 1)
    result += '{:+.2f}'.format(b[0])
    return result


rng = np.random.default_rng(9)
fc = torch.nn.Linear(W_target.size(0), 1)
fc.load_state_dict({"weight": torch.tensor(rng.uniform(-0.5, 0.5, (1, 3))), "bias": torch.zeros(1)})
optimizer = torch.optim.SGD(fc.parameters(), lr=0.1)
losses = []
for batch_idx in range(40):
    random = torch.tensor(rng.standard_normal(32), dtype=torch.float32)
    batch_x = make_features(random)
    batch_y = f(batch_x)
    fc.zero_grad()
    output = F.smooth_l1_loss(fc(batch_x), batch_y)
    loss = output.item()
    output.backward()
    optimizer.step()
    losses.append(loss)
print('Loss: {:.6f} after {} batches'.format(loss, batch_idx))
print('==> Learned function:\t' + poly_desc(fc.weight.view(-1).tolist(), fc.bias.tolist()))
print('==> Actual function:\t' + poly_desc(W_target.view(-1).tolist(), b_target.tolist()))
FALLS = True
