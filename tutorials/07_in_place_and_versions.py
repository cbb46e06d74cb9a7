"""Lesson 7: changing tensors in place, and why backward sometimes refuses.

Backward needs values from the forward pass: the derivative of y = w * x with respect to x is
w, so the multiplication keeps w until backward runs. If w changes in between (an optimizer
step, `w.data.add_(...)`, a `+=`), the saved w no longer holds the values forward used, and the
gradient would be wrong without any sign of it.

So every tensor's memory carries a version counter. Each in-place change bumps it; an op that
saves a tensor notes its version; backward compares the two and raises PyTorch's error instead
of returning a wrong gradient. This lesson shows the counter move, the error, the three usual
ways out, and what in-place ops do to the graph.

    python tutorials/07_in_place_and_versions.py      # a second on any machine
"""
import numpy as np

import tinygrad_cnn as tg
from tinygrad_cnn import nn, optim


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * (70 - len(title)))


def main() -> None:
    tg.manual_seed(0)

    section("1. Every in-place change bumps the version; views share the counter")
    x = tg.zeros(2, 3)
    row = x[0]                      # a view: same memory, same counter
    print("x._version =", x._version)
    x.add_(1)
    row.mul_(5)                     # writes through to x
    x[1, 2] = -1.0
    print("after add_, a write through a view and x[1, 2] = -1:", x.tolist(),
          "version", x._version, "(the view reads", row._version, "too)")
    assert x._version == row._version == 3

    section("2. The silent wrong gradient this prevents")
    layer = nn.Linear(3, 1)
    opt = optim.SGD(layer.parameters(), lr=0.5)
    inputs = tg.randn(4, 3, requires_grad=True)
    loss = layer(inputs).pow(2).mean()
    layer.weight.grad = tg.ones(1, 3)
    opt.step()                      # the weight the forward pass saved changes here
    try:
        loss.backward()
        raise AssertionError("backward should have refused")
    except RuntimeError as error:
        print("backward() refused:\n   ", str(error)[:170], "...")

    section("3. Three ways out")
    # (a) backward first, then step: the usual training loop order
    loss = layer(inputs).pow(2).mean()
    loss.backward()
    opt.step()
    print("(a) backward, then step: fine; weight version", layer.weight._version)
    # (b) change a copy: clone() has its own memory and its own counter
    h = inputs * 2
    doubled = h.clone()
    doubled.add_(1)
    (h * h).sum().backward()
    print("(b) changing a clone leaves the saved tensor alone: fine")
    # (c) .data: the same memory outside the graph, with its own counter. PyTorch's escape hatch:
    # nothing notices the change, so backward uses the NEW values. Only for changes you intend.
    x2 = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x2 * 2
    y = (h * h).sum()               # dy/dx2 = 8 * x2 = [8, 16]
    h.data.zero_()
    y.backward()
    print("(c) a change through .data goes unnoticed: dy/dx2 =", x2.grad.tolist(),
          "computed from the zeroed h, not [8.0, 16.0]")

    section("4. In-place ops on a graph tensor rewrite its history")
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    out = w * 3
    out += 1                        # out.add_(1): out now holds 3w + 1
    out.relu_()
    print("out.grad_fn:", out.grad_fn.op, "<-", out.grad_fn.next_functions[0][0].op, "<-",
          out.grad_fn.next_functions[0][0].next_functions[0][0].op)
    out.sum().backward()
    print("d/dw of relu(3w + 1) summed:", w.grad.tolist())
    np.testing.assert_allclose(w.grad.array, [3.0, 3.0])
    try:
        w.add_(1)                   # a leaf that requires grad: its history would be lost
    except RuntimeError as error:
        print("w.add_(1) on a leaf that requires grad:", error)
    with tg.no_grad():
        w.add_(1)                   # what optimizers do: allowed, and the version moves
    print("under no_grad it is allowed; w =", w.tolist(), "version", w._version)


if __name__ == "__main__":
    main()
