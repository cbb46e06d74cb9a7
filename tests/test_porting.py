"""What a PyTorch script needs beyond the core, without torch installed: the device preamble,
module-level functions, Tensor conveniences and their error messages."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F


def test_the_device_preamble_runs_and_changes_nothing():
    device = tg.device("cuda" if tg.cuda.is_available() else "cpu")
    model = nn.Linear(3, 2).to(device)
    x = tg.randn(4, 3).to(device)
    assert x.to(device) is x and x.cpu() is x and str(x.device) == "cpu" and device == "cpu"
    assert model(x).shape == (4, 2)
    assert x.to(device, tg.float64).dtype == np.float64
    assert model.to(device, dtype=tg.float64).weight.dtype == np.float64


@pytest.mark.parametrize("call, error", [
    (lambda: tg.zeros(2).to("cuda:0"), AssertionError), (lambda: tg.zeros(2).cuda(), AssertionError),
    (lambda: tg.zeros(2, device=tg.device("cuda")), AssertionError),
    (lambda: nn.Linear(2, 2).to("mps"), RuntimeError)])
def test_other_devices_raise_as_a_cpu_only_pytorch_with_the_reason(call, error):
    with pytest.raises(error, match="CPU only"):
        call()


def test_a_cuda_device_can_be_named_but_not_used():
    cuda = tg.device("cuda:1")
    assert (cuda.type, cuda.index, str(cuda), repr(tg.device("cuda"))) == \
        ("cuda", 1, "cuda:1", "device(type='cuda')")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        tg.device("tpu")


def test_the_classic_accuracy_lines():
    outputs = tg.tensor([[0.1, 2.0, -1.0], [3.0, 0.0, 0.5]])
    labels = tg.tensor([1, 2])
    _, predicted = tg.max(outputs.array, 1)  # PyTorch tutorials pass .array
    correct = (predicted == labels).sum().item()
    assert correct == 1 and tg.argmax(outputs, dim=1).tolist() == [1, 0]
    assert tg.flatten(tg.zeros(2, 3, 4), 1).shape == (2, 12)


def test_repeat_split_chunk_follow_torch_shapes():
    x = tg.arange(6.0).reshape(2, 3)
    assert x.repeat(2, 2).tolist() == np.tile(np.arange(6.0).reshape(2, 3), (2, 2)).tolist()
    assert x.repeat(3, 1, 1).shape == (3, 2, 3)
    assert [p.shape for p in x.split(2, dim=1)] == [(2, 2), (2, 1)]
    assert [p.shape for p in x.chunk(2, dim=1)] == [(2, 2), (2, 1)]
    assert [p.shape for p in tg.zeros(6).chunk(4)] == [(2,), (2,), (2,)]  # as torch: 3 pieces


def test_gradient_flows_through_split_and_repeat():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a, b = x.split([1, 2])
    (a.repeat(4).sum() + 10 * b.sum()).backward()
    assert x.grad.tolist() == [4.0, 10.0, 10.0]


def test_var_and_std_use_bessels_correction_by_default():
    x = tg.tensor([1.0, 2.0, 4.0])
    assert np.isclose(x.var().item(), np.var([1, 2, 4], ddof=1))
    assert np.isclose(x.var(unbiased=False).item(), np.var([1, 2, 4]))
    assert np.isclose(x.std(correction=0).item(), np.std([1, 2, 4]))


def test_clone_copies_and_keeps_the_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.clone()
    assert y.array is not x.array and np.shares_memory(y.array, x.array) is False
    (y * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_in_place_fill_needs_no_grad_on_tensors_that_require_grad():
    w = tg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an "
                                           "in-place operation"):
        w.fill_(1.0)
    with tg.no_grad():
        w.fill_(1.0)
    assert w.tolist() == [1.0, 1.0, 1.0]
    g = tg.ones(2)
    assert g.zero_().tolist() == [0.0, 0.0]


def test_new_and_creation_functions():
    x = tg.zeros(2, dtype=tg.float64)
    assert x.new_zeros(3).dtype == np.float64 and x.new_ones((2, 2)).shape == (2, 2)
    assert x.new_full((2,), 7.0).tolist() == [7.0, 7.0] and x.new_tensor([1, 2]).dtype == np.float64
    assert tg.eye(3).detach().numpy().trace() == 3 and tg.linspace(0, 1, 5).tolist()[-1] == 1.0
    assert tg.empty(2, 3).shape == (2, 3)
    tg.manual_seed(0)
    r = tg.randint(0, 10, (100,))
    assert r.dtype == np.int64 and 0 <= r.detach().numpy().min() and r.detach().numpy().max() < 10
    a = np.zeros(3)
    t = tg.from_numpy(a)
    a[0] = 5
    assert t.dtype == np.float64 and t.tolist()[0] == 5.0  # shares memory, keeps float64


@pytest.mark.parametrize("call, message", [
    (lambda: F.leaky_relu(tg.zeros(2), "0.1"), "leaky_relu: negative_slope must be a number"),
    (lambda: F.elu(tg.tensor([1, 2])), "elu: input must be a floating-point tensor"),
    (lambda: F.l1_loss(tg.zeros(2, 3), tg.zeros(3, 2)), "l1_loss: input shape torch.Size([2, 3]) and target shape torch.Size([3, 2])"),
    (lambda: F.binary_cross_entropy(tg.tensor([0.5, 1.5]), tg.zeros(2)), "probabilities in [0, 1]"),
    (lambda: F.binary_cross_entropy(tg.zeros(2, 3), tg.zeros(2, 3), weight=tg.zeros(2)),
     "weight shape torch.Size([2]) does not broadcast to input shape torch.Size([2, 3])"),
    (lambda: F.one_hot(tg.tensor([0, 5]), 3), "class index 5 is out of range for num_classes=3"),
    (lambda: F.one_hot(tg.tensor([0.0, 1.0])), "one_hot: tensor must hold integer class indices"),
    (lambda: tg.where(tg.tensor([1.0, 0.0]), tg.zeros(2), tg.ones(2)), "where: condition must be a boolean"),
    (lambda: tg.where(tg.tensor([True, False]), tg.zeros(3), tg.ones(3)), "do not broadcast"),
    (lambda: tg.zeros(2, 5).split([2, 2], dim=1), "sections [2, 2] sum to 4"),
    (lambda: tg.zeros(4).chunk(0), "chunks must be a positive int"),
    (lambda: tg.zeros(2, 3).repeat(2), "at least one per axis"),
    (lambda: nn.LeakyReLU("x"), "LeakyReLU: negative_slope must be a number"),
    (lambda: tg.randint(5, 5, (2,)), "high (5) must be greater than low (5)"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert message in str(info.value)


def test_higher_order_gradients_are_refused_clearly():
    x = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="higher-order gradients"):
        (x * x).sum().backward(create_graph=True)
