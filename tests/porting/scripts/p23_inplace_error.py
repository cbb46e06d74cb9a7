"""PyTorch's answer when a value saved for backward is overwritten in place: backward raises a
RuntimeError "one of the variables needed for gradient computation has been modified by an
inplace operation". The script provokes it three ways (sigmoid's saved output changed by
`y.mul_`, an input of a product changed by `+=`, a ReLU(inplace=True) applied to what a conv
saved), catches it, and then shows the usual fixes (clone(), out-of-place ops)."""
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn

MESSAGE = "modified by an inplace operation"
caught = []


def expect_inplace_error(fn):
    try:
        fn()
    except RuntimeError as err:
        print("RuntimeError:", str(err)[:120])
        assert MESSAGE in str(err), str(err)
        caught.append(1)
    else:
        raise AssertionError("backward should have refused the modified tensor")


def sigmoid_output_changed():
    x = torch.linspace(-1, 1, 5, requires_grad=True)
    y = x.sigmoid()              # sigmoid's backward uses its output y
    y.mul_(2)
    y.sum().backward()


def product_input_changed():
    a = torch.linspace(0, 1, 4, requires_grad=True)
    b = a * 3
    c = b * b                    # backward of b * b needs b
    b += 1
    c.sum().backward()


def conv_input_relu_inplace():
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 2, 3)
    w = torch.linspace(-1, 1, 36, requires_grad=True).reshape(1, 1, 6, 6)
    h = w * 2
    out = conv(h)                # conv saves its input h for the weight gradient
    nn.ReLU(inplace=True)(h)
    out.sum().backward()


for case in (sigmoid_output_changed, product_input_changed, conv_input_relu_inplace):
    expect_inplace_error(case)
assert len(caught) == 3

# the fixes: clone before the in-place op, or stay out of place
x = torch.linspace(-1, 1, 5, requires_grad=True)
y = x.sigmoid()
z = y.clone()
z.mul_(2)
(y.sum() + z.sum()).backward()
extras = x.grad.tolist()
a = torch.linspace(0, 1, 4, requires_grad=True)
b = a * 3
c = b * b
b = b + 1                        # a new tensor: c's saved b is untouched
(c.sum() + b.sum()).backward()
extras += a.grad.tolist()
losses = [c.detach().sum().item()]
