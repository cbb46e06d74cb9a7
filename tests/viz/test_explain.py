"""explain_backward: the backward pass as a table, in the order it ran, with the norms of the
gradients each node passed on — the same numbers that end up in the parameters' .grad."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn import nn
from tinygrad_cnn.viz import explain_backward


class TinyConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(4 * 3 * 3, 3)

    def forward(self, x):  # (N, 1, 8, 8)
        return self.fc(self.flatten(self.pool(self.relu(self.conv(x)))))


def loss_of(model, seed=1):
    tg.manual_seed(seed)
    x, target = tg.randn(2, 1, 8, 8), tg.tensor([0, 2])
    return F.cross_entropy(model(x), target)


@pytest.fixture
def net():
    tg.manual_seed(0)
    return TinyConvNet()


def test_rows_follow_the_network_backwards_with_ops_scopes_and_shapes(net):
    table = explain_backward(loss_of(net), params=net)
    assert [(row.label, row.scope) for row in table] == [
        ("nll_loss mean", ""), ("log_softmax dim1", ""), ("linear", "fc"), ("reshape", "flatten"),
        ("max_pool2d 2×2 s2", "pool"), ("relu", "relu"), ("conv2d k3 s1 p0", "conv")]
    conv = table[-1]
    assert conv.op == "conv2d" and conv.step == 6
    assert conv.input_shapes == ((2, 1, 8, 8), (4, 1, 3, 3), (4,)) and conv.output_shape == (2, 4, 6, 6)
    assert conv.grad_shapes == (None, (4, 1, 3, 3), (4,))  # the image does not require grad
    assert [g.to for g in conv.passed] == ["input", "conv.weight", "conv.bias"]
    assert table[0].grad_output_norm == 1.0 and table[0].output_shape == ()


def test_gradient_norms_listed_equal_the_norms_of_the_parameters_grad(net):
    table = explain_backward(loss_of(net), params=net)
    listed = {g.to: g.norm for row in table for g in row.passed if "." in g.to}
    assert set(listed) == {"conv.weight", "conv.bias", "fc.weight", "fc.bias"}
    for name, p in net.named_parameters():
        assert listed[name] == pytest.approx(np.linalg.norm(p.grad.detach().numpy().astype(np.float64)), rel=1e-6)


def test_the_gradient_a_node_passes_is_the_one_its_producer_receives(net):
    table = explain_backward(loss_of(net), params=net)
    for row in table:
        for g in row.passed:
            if g.to.startswith("#"):
                producer = table[int(g.to[1:].split()[0])]
                assert producer.grad_output_norm == pytest.approx(g.norm)
                assert producer.output_shape == g.shape == g.input_shape


def test_order_is_reverse_topological():
    tg.manual_seed(0)
    x = tg.randn(2, 3, requires_grad=True)
    a = x.exp()
    b = a * x          # x and a both reach b; a also reaches the sum directly
    loss = (b + a).sum()
    table = explain_backward(loss, params={"x": x})
    position = {row.step: k for k, row in enumerate(table)}
    assert [row.op for row in table] == ["sum", "add", "mul", "exp"]
    for row in table:  # every node comes before the nodes that produced its inputs
        for g in row.passed:
            if g.to.startswith("#"):
                assert position[int(g.to[1:].split()[0])] > position[row.step]
    # x receives a gradient from mul and from exp; together they make x.grad.
    to_x = [g.norm for row in table for g in row.passed if g.to == "x"]
    assert len(to_x) == 2
    expected = np.exp(x.detach().numpy()) * (x.detach().numpy() + 2)  # d/dx (x e^x + e^x)
    np.testing.assert_allclose(x.grad.detach().numpy(), expected, rtol=1e-5)


def test_gradients_are_the_same_as_a_plain_backward(net):
    twin = TinyConvNet()
    twin.load_state_dict(net.state_dict())
    explain_backward(loss_of(net), params=net)
    loss_of(twin).backward()
    for (name, p), q in zip(net.named_parameters(), twin.parameters()):
        np.testing.assert_array_equal(p.grad.detach().numpy(), q.grad.detach().numpy(), err_msg=name)


def test_the_table_prints_aligned_with_one_line_per_gradient_passed(net):
    table = explain_backward(loss_of(net), params=net)
    text = str(table).splitlines()
    header, rule, body = text[0], text[1], text[2:]
    assert header.split() == ["step", "op", "scope", "output", "‖dL/dy‖", "input", "grad", "‖grad‖", "to"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert len(body) == sum(len(row.passed) for row in table)
    to_column = header.rindex("to")
    for line in body:  # the last column starts at the same place on every line
        assert line[to_column - 2:to_column] == "  " and line[to_column] != " "
    conv_weight = next(line for line in body if line.endswith("conv.weight"))
    assert f"{np.linalg.norm(net.conv.weight.grad.detach().numpy()):.3e}" in conv_weight
    assert any(line.rstrip().endswith("input") and "—" in line for line in body)
    assert repr(table) == "<BackwardTable of 7 steps>" and len(table) == 7


def test_constants_are_named_by_value_and_bad_calls_are_refused():
    w = tg.tensor([[1.0, 2.0]], requires_grad=True)
    table = explain_backward((w * 3).sum(), params={"w": w})
    assert [g.to for g in table[1].passed] == ["w", "constant 3"]
    assert table[1].passed[0].norm == pytest.approx(np.sqrt(3 ** 2 + 3 ** 2))  # d(sum 3w)/dw = 3
    y = w * 2
    with pytest.raises(RuntimeError, match="gradient="):
        explain_backward(y)
    explain_backward(y, gradient=np.ones((1, 2), np.float32))
    with pytest.raises(RuntimeError, match="no recorded history"):
        explain_backward(tg.tensor([1.0]))
    with pytest.raises(TypeError):
        explain_backward(np.ones(1))
