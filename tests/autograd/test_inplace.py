"""In-place semantics as PyTorch's: version counters catch saved tensors that changed, `.data`
and `.detach()` share memory (only detach shares the counter), views share the counter, in-place
ops rebase a non-leaf's history, and the library's own parameter updates bump versions.
Every case of the issue that filed these semantics has a test here (torch-free); the state
machine in tests/torch_parity/test_inplace_state_machine.py compares random sequences with torch."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
from tinygrad_cnn import nn, optim
import tinygrad_cnn.nn.functional as F

MODIFIED = "modified by an inplace operation"


def test_an_optimizer_step_between_forward_and_backward_raises():
    lin = nn.Linear(3, 2)
    opt = optim.SGD(lin.parameters(), lr=1.0)
    x = tg.randn(4, 3, requires_grad=True)
    loss = lin(x).sum()
    lin.weight.grad = tg.ones(2, 3)
    opt.step()
    with pytest.raises(RuntimeError, match=MODIFIED) as error:
        loss.backward()
    assert "[torch.FloatTensor [2, 3]]" in str(error.value) and "LinearBackward" in str(error.value)


def test_load_state_dict_after_forward_raises_and_keeps_parameter_identity():
    lin = nn.Linear(3, 2)
    weight = lin.weight
    loss = lin(tg.randn(4, 3, requires_grad=True)).sum()
    lin.load_state_dict({"weight": np.zeros((2, 3), np.float32), "bias": np.zeros(2, np.float32)})
    assert lin.weight is weight and weight.tolist() == [[0.0] * 3] * 2
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_an_optimizer_keeps_training_the_same_parameters_after_load_state_dict():
    lin = nn.Linear(2, 1)
    opt = optim.SGD(lin.parameters(), lr=0.5)
    lin.load_state_dict({"weight": np.ones((1, 2), np.float32), "bias": np.zeros(1, np.float32)})
    lin(tg.ones(1, 2)).sum().backward()
    opt.step()
    assert lin.weight.tolist() == [[0.5, 0.5]] and lin.bias.tolist() == [-0.5]


def test_writes_under_no_grad_and_through_detach_are_caught():
    for change in (lambda t: t.fill_(10), lambda t: t.detach().zero_()):
        w = tg.randn(3, requires_grad=True)
        x = w * 1.0
        y = (x * x).sum()           # Mul saves x
        with tg.no_grad():
            change(x)
        with pytest.raises(RuntimeError, match=MODIFIED):
            y.backward()


def test_a_conv_weight_changed_after_forward_raises():
    conv = nn.Conv2d(1, 2, 3)
    out = conv(tg.randn(1, 1, 5, 5, requires_grad=True)).sum()
    with tg.no_grad():
        conv.weight.mul_(2)
    with pytest.raises(RuntimeError, match=MODIFIED):
        out.backward()


def test_only_saved_tensors_are_checked():
    x = tg.randn(3, requires_grad=True)
    h = x * 2
    y = h + 1                       # Add saves nothing
    h.add_(1)
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_data_shares_memory_but_not_the_version_counter():
    w = tg.zeros(3, requires_grad=True)
    y = (w * w).sum()
    d = w.data
    assert isinstance(d, tg.Tensor) and not d.requires_grad and d.grad_fn is None
    d.add_(1)                       # untracked, as PyTorch's .data
    assert w.tolist() == [1.0, 1.0, 1.0] and w._version == 0
    y.backward()                    # no error: the change went through .data
    w.data = tg.ones(2)             # assigning .data swaps the memory
    assert w.shape == (2,)


def test_detach_and_views_share_memory_and_the_version_counter():
    x = tg.zeros(2, 3)
    views = [x.detach(), x.view(6), x.reshape(3, 2), x[0], x[:, 1:], x.t(), x.transpose(0, 1),
             x[...], x.flatten()]
    for k, v in enumerate(views):
        v.add_(1)
        assert x._version == k + 1 and all(u._version == k + 1 for u in views)
    assert x.sum().item() == sum(v.numel() for v in views)
    expanded = x.unsqueeze(0).expand(2, 2, 3)
    assert expanded._version == x._version
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        expanded.add_(1)
    y = tg.zeros(4)
    y[1:3].fill_(5)
    y[0].add_(2)                    # a 0-d view writes through too
    assert y.tolist() == [2.0, 5.0, 5.0, 0.0]


def test_advanced_indexing_copies_and_view_refuses_to_copy():
    x = tg.zeros(3)
    picked = x[[0, 1]]
    picked.add_(1)
    assert x.tolist() == [0.0, 0.0, 0.0] and x._version == 0
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        tg.zeros(2, 3).t().view(6)
    assert tg.zeros(2, 3).t().reshape(6).shape == (6,)


def test_numpy_refuses_tensors_that_require_grad():
    w = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        w.numpy()
    with pytest.raises(RuntimeError, match="detach"):
        np.asarray(w)
    shared = w.detach().numpy()
    shared[0] = 7.0
    assert w.tolist() == [7.0, 1.0]


def test_in_place_on_a_leaf_that_requires_grad_raises_pytorchs_error_before_any_change():
    w = tg.ones(3, requires_grad=True)
    for change in (lambda: w.add_(1), lambda: w.__setitem__(0, 5.0), lambda: w.zero_(),
                   lambda: w.normal_()):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being "
                                               "used in an in-place operation"):
            change()
    assert w.tolist() == [1.0, 1.0, 1.0] and w._version == 0
    with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
        w[0:2].add_(1)
    with tg.no_grad():
        w.add_(1)
    assert w.tolist() == [2.0, 2.0, 2.0] and w._version == 1


def test_an_in_place_op_on_a_non_leaf_rebases_its_history():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.pow_(2)                       # y = (3x)^2: Pow keeps a copy of y's old value, no error
    y.exp_()
    y.sum().backward()
    expected = np.exp(9 * np.array([1.0, 2.0]) ** 2) * 18 * np.array([1.0, 2.0])
    np.testing.assert_allclose(x.grad.array, expected, rtol=1e-5)
    assert y.grad_fn.op == "Exp" and y.grad_fn.next_functions[0][0].op == "Pow"


def test_an_op_that_saved_its_output_sees_a_later_in_place_change():
    x = tg.tensor([0.5, -1.0], requires_grad=True)
    y = (x * 1.0).sigmoid()         # Sigmoid saves its output
    y.add_(1)
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.sum().backward()


def test_in_place_results_must_fit_shape_and_dtype():
    x = tg.zeros(3)
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"):
        x.add_(tg.ones(2, 3))
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        tg.tensor([1, 2]).add_(0.5)
    assert x._version == 0
    n = tg.tensor([1, 2])
    n += 1
    assert n.tolist() == [2, 3] and n.dtype == tg.int64


def test_augmented_assignment_is_in_place():
    x = tg.ones(2)
    alias = x
    x += 1
    x -= 0.5
    x *= 4
    x /= 2
    assert x is alias and x.tolist() == [3.0, 3.0] and x._version == 4


def test_residual_block_with_plus_equals_and_inplace_relu_gives_the_out_of_place_gradient():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((4, 4))
    x_np = rng.standard_normal((2, 4))

    def run(in_place):
        x = tg.tensor(x_np, requires_grad=True)
        weight = tg.tensor(w, requires_grad=True)
        out = F.linear(x, weight)
        if in_place:
            out += x
            out = nn.ReLU(inplace=True)(out)
        else:
            out = F.relu(out + x)
        (out * out).sum().backward()
        return out.detach().numpy(), x.grad.array, weight.grad.array

    for a, b in zip(run(True), run(False)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_inplace_relu_and_dropout_write_into_their_input():
    h = tg.tensor([-1.0, 2.0, -3.0])
    assert nn.ReLU(inplace=True)(h) is h and h.tolist() == [0.0, 2.0, 0.0]
    tg.manual_seed(0)
    d = tg.ones(1000)
    assert F.dropout(d, 0.5, training=True, inplace=True) is d
    assert set(np.unique(d.array)) == {0.0, 2.0}


def test_setitem_with_masks_indices_and_tensor_values():
    x = tg.arange(6.0).reshape(2, 3)
    x[x > 3] = 0
    x[0, [0, 2]] = tg.tensor([7.0, 8.0])
    x[:, 1] = -1
    assert x.tolist() == [[7.0, -1.0, 8.0], [3.0, -1.0, 0.0]] and x._version == 3
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[0] = tg.ones(2)
    buffer = tg.zeros(2, 2)
    w = tg.ones(2, requires_grad=True)
    buffer[1] = w * 3               # a buffer that did not require grad now does
    buffer.sum().backward()
    assert buffer.requires_grad and w.grad.tolist() == [3.0, 3.0]


def test_pytorch_weight_init_and_update_idioms():
    conv = nn.Conv2d(1, 2, 3)
    tg.manual_seed(0)
    conv.weight.data.normal_(0.0, 0.02)
    conv.bias.data.fill_(0)
    assert abs(float(conv.weight.std()) - 0.02) < 0.02 and conv.bias.tolist() == [0.0, 0.0]
    conv(tg.randn(1, 1, 4, 4)).sum().backward()
    for p in conv.parameters():
        p.data.add_(p.grad.data, alpha=-0.1)
        p.grad.zero_()
    assert all(float(p.grad.abs().sum()) == 0 for p in conv.parameters())


def test_in_place_random_fills_and_their_ranges():
    tg.manual_seed(1)
    x = tg.empty(2000)
    assert x.uniform_(-2, 3) is x and -2 <= x.min().item() and x.max().item() < 3
    assert abs(x.normal_(5.0, 0.1).mean().item() - 5.0) < 0.05
    assert set(np.unique(x.bernoulli_(0.3).array)) == {0.0, 1.0}
    assert set(np.unique(tg.zeros(500, dtype=tg.int64).random_(0, 3).array)) == {0, 1, 2}
    assert x.exponential_().min().item() >= 0
    assert x._version == 4


def test_shape_changing_in_place_ops_keep_the_tensor():
    x = tg.arange(6.0).reshape(2, 3)
    assert x.t_() is x and x.shape == (3, 2)
    assert x.unsqueeze_(0) is x and x.shape == (1, 3, 2)
    assert x.squeeze_() is x and x.shape == (3, 2)


def test_assigning_grad_checks_shape_and_dtype_as_pytorch():
    w = tg.zeros(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="assigned grad has data of a different size"):
        w.grad = tg.zeros(3, 2)
    with pytest.raises(RuntimeError, match="assigned grad has data of a different type"):
        w.grad = tg.zeros(2, 3, dtype=tg.float64)
    with pytest.raises(TypeError, match="assigned grad expected to be a Tensor"):
        w.grad = np.zeros((2, 3), np.float32)
    w.grad = tg.ones(2, 3)
    assert w.grad.sum().item() == 6


def test_requires_grad_of_a_non_leaf_cannot_be_switched_off():
    y = tg.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad = False


def test_no_grad_decorates_generator_functions():
    w = tg.ones(2, requires_grad=True)

    @tg.no_grad()
    def batches():
        for _ in range(2):
            yield w * 2, tg.is_grad_enabled()

    for out, enabled in batches():
        assert not enabled and not out.requires_grad
        assert tg.is_grad_enabled()       # outside the generator's own code, grad is on


def test_library_parameter_updates_bump_versions():
    lin = nn.Linear(2, 2)
    v0 = lin.weight._version
    nn.init.zeros_(lin.weight)
    lin.load_state_dict(lin.state_dict())
    lin(tg.ones(1, 2)).sum().backward()
    optim.Adam(lin.parameters()).step()
    assert lin.weight._version == v0 + 3


@given(values=st.lists(st.floats(-2, 2), min_size=3, max_size=3),
       ops_in_order=st.lists(st.sampled_from(["add_", "mul_", "exp_", "tanh_", "sigmoid_",
                                              "clamp_", "sub_", "div_", "pow_", "neg_"]),
                             min_size=1, max_size=5))
def test_gradients_of_in_place_sequences_match_finite_differences(values, ops_in_order):
    other = tg.tensor([0.7, -1.3, 1.9], dtype=tg.float64)

    def f(x):
        y = x * 1.0
        for name in ops_in_order:
            arg = {"add_": (other,), "mul_": (other,), "sub_": (other,), "div_": (other * 0 + 2,),
                   "pow_": (2,), "clamp_": (-0.5, 0.5)}.get(name, ())
            getattr(y, name)(*arg)
        return y

    x = tg.tensor(values, dtype=tg.float64, requires_grad=True)
    # exp_/tanh_/sigmoid_ save their output, so a later in-place op must be refused (as PyTorch)
    saves_output = {"exp_", "tanh_", "sigmoid_"}
    if any(name in saves_output for name in ops_in_order[:-1]):
        with pytest.raises(RuntimeError, match=MODIFIED):
            f(x).sum().backward()
    else:
        assert tg.gradcheck(f, (x,), atol=1e-5, rtol=1e-4)


def test_a_failed_backward_leaves_the_grads_pytorch_leaves():
    # A leaf's gradient is accumulated once every path into it has delivered; the newest ready
    # node runs first. So x (reached through Add and through the failing Exp) gets nothing,
    # while a (complete once the newer Mul ran) already has its gradient, as in PyTorch.
    x = tg.ones(3, dtype=tg.float64, requires_grad=True)
    y = x.exp()
    y.add_(x)
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.sum().backward()
    assert x.grad is None
    a = tg.ones(3, dtype=tg.float64, requires_grad=True)
    b = tg.ones(3, dtype=tg.float64, requires_grad=True)
    h = b.exp()
    z = a * 2 + h
    h.add_(1)
    with pytest.raises(RuntimeError, match=MODIFIED):
        z.sum().backward()
    assert a.grad.tolist() == [2.0, 2.0, 2.0] and b.grad is None


def test_an_in_place_op_whose_other_operand_is_the_target_itself_is_caught():
    # PyTorch keeps a copy of the original self, but another operand on the same memory is
    # saved as is, so writing the result into it makes backward refuse (as PyTorch).
    for other in (lambda y: y, lambda y: y.detach(), lambda y: y[:]):
        for op in ("mul_", "div_"):
            x = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
            y = x * 3
            getattr(y, op)(other(y))
            with pytest.raises(RuntimeError, match=MODIFIED):
                y.sum().backward()
    x = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    y = x * 3
    y.add_(y)                       # Add saves nothing: fine
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]


def test_views_follow_their_base_when_an_in_place_op_records_a_new_history():
    w = tg.ones(2, 3, dtype=tg.float64, requires_grad=True)
    x = tg.zeros(2, 3, dtype=tg.float64)
    v, row = x[:], x.view(6)[3:]
    x.add_(w)                       # x now requires grad; so do the views made before
    assert v.requires_grad and not v.is_leaf and row.requires_grad
    y = w * 2
    u = y[:].view(6)
    y.mul_(3)                       # the gradient through u must see the mul_
    u.sum().backward()
    assert w.grad.tolist() == [[6.0] * 3] * 2


def test_retain_grad_and_hooks_see_the_gradient_as_pytorch_orders_them():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    handle = x.register_hook(lambda g: g * 10)      # on a leaf: before accumulation
    y.register_hook(lambda g: g + 1)                # on a non-leaf: before its node runs
    (y * y).sum().backward()
    assert y.retains_grad and y.grad.tolist() == [7.0, 13.0]      # 2y + 1, after the hook
    assert x.grad.tolist() == [210.0, 390.0]                       # 3 * (2y + 1) * 10
    handle.remove()
    x.grad = None
    (x * 1.0).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        tg.ones(2).retain_grad()
    assert (x * 2).sum().grad_fn.name() == "SumBackward0"


def test_in_place_on_a_view_of_a_graph_tensor_is_recorded_on_the_base_as_pytorch():
    w = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    h = w * 2
    row = h[1]
    row.mul_(3)                                   # h = [[2w00, 2w01], [6w10, 6w11]]
    assert h.grad_fn.name() == "WriteIntoViewBackward0" and row.grad_fn.name() == "GetItemBackward0"
    (h * h).sum().backward()                      # d/dw of sum(h^2) = 2 h dh/dw
    assert w.grad.tolist() == [[8.0, 16.0], [216.0, 288.0]]
    buffer = tg.zeros(2, 3)
    a = tg.ones(3, requires_grad=True)
    buffer[0].copy_(a * 5)                        # a plain tensor starts to require grad
    assert buffer.requires_grad and not buffer.is_leaf
    buffer.sum().backward()
    assert a.grad.tolist() == [5.0, 5.0, 5.0]
    with tg.no_grad():
        late = h[0]                               # a view made under no_grad of a graph tensor
    with pytest.raises(RuntimeError, match="created in no_grad mode"):
        late.add_(1)

