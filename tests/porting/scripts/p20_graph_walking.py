"""Looking at the graph autograd records, as the autograd tutorials and forum answers do:
`loss.grad_fn` and its `name()`, `grad_fn.next_functions[0][0]`, a walk back to the
AccumulateGrad nodes whose `.variable` is a parameter (matched to named_parameters() names),
`x._version` after in-place ops, and the `.data` versus `.detach()` idioms (both share memory;
`.detach()` shares the version counter, `.data` does not)."""
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn

torch.manual_seed(20)
model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).reshape(p.shape) * (i + 1))
x = torch.linspace(-1, 1, 8).reshape(2, 4)
target = torch.tensor([[0.5], [-0.5]])
loss = nn.functional.mse_loss(model(x), target)
print(loss.grad_fn)                                # <MseLossBackward0 object at ...>
assert loss.grad_fn.name() and loss.grad_fn.next_functions
print(loss.grad_fn.next_functions)
first = loss.grad_fn.next_functions[0][0]
print(type(first).__name__, first.name())

names = {id(p): n for n, p in model.named_parameters()}
found, seen, stack = [], set(), [loss.grad_fn]
while stack:                                       # depth-first walk back to the leaves
    fn = stack.pop()
    if fn is None or id(fn) in seen:
        continue
    seen.add(id(fn))
    if hasattr(fn, "variable"):
        found.append(names[id(fn.variable)])
        assert fn.variable.is_leaf and fn.variable.requires_grad
    for next_fn, _ in fn.next_functions:
        stack.append(next_fn)
print(sorted(found))
assert sorted(found) == sorted(names.values())

loss.backward()
grads = {n: p.grad.clone() for n, p in model.named_parameters()}
losses = [loss.item()]
extras = [float(g.sum()) for g in grads.values()]

# _version counts in-place writes to a tensor's memory
a = torch.ones(3)
v0 = a._version
a.add_(1)
a.mul_(2)
a[0] = 5
print(a, a._version)
assert a._version == v0 + 3
view = a[1:]
view.zero_()
assert a._version == v0 + 4 and view._version == a._version and a[1].item() == 0

# .detach() shares memory and the version counter; .data shares memory only
w = torch.randn(3, requires_grad=True)
d = w.detach()
before = w._version
d.zero_()
assert w._version == before + 1 and float(d.abs().sum()) == 0 and not d.requires_grad
w.data.fill_(2.0)
assert w._version == before + 1 and float(d.sum()) == 6.0
w.data = torch.full((3,), 0.25)
assert w.requires_grad and w.is_leaf and w.detach().sum().item() == 0.75
y = (w * w).sum()
y.backward()
extras += w.grad.tolist()
