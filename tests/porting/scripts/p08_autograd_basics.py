"""The autograd tutorial: z = torch.matmul(x, w) + b, binary_cross_entropy_with_logits, the
grad_fn names, loss.backward(), w.grad / b.grad, requires_grad under torch.no_grad() and after
detach(), and retain_graph for a second backward."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn.functional as F

rng = np.random.default_rng(8)
x = torch.ones(5)
y = torch.zeros(3)
w = torch.tensor(rng.standard_normal((5, 3)), dtype=torch.float32, requires_grad=True)
b = torch.tensor(rng.standard_normal(3), dtype=torch.float32, requires_grad=True)
z = torch.matmul(x, w) + b
loss = F.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
assert z.grad_fn is not None and w.grad_fn is None and w.is_leaf and not z.is_leaf
loss.backward(retain_graph=True)
print(w.grad)
print(b.grad)
losses = [loss.item()]
extras = [*w.grad.flatten().tolist(), *b.grad.tolist()]
loss.backward()                                       # a second pass adds the same again
assert np.allclose(b.grad.numpy(), 2 * np.array(extras[-3:]))

z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z_det = (torch.matmul(x, w) + b).detach()
print(z_det.requires_grad)
assert not z.requires_grad and not z_det.requires_grad

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
extras += inp.grad.flatten().tolist()
