"""Module: discovery and naming, modes, gradients, state dicts, qualified scopes, repr."""

import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn
from tinygrad_cnn.nn import Module, Parameter


def _param(*shape, value=1.0):
    return Parameter(np.full(shape, value, dtype=np.float32))


class Leaf(Module):
    def __init__(self, n=2):
        super().__init__()
        self.w = _param(n)

    def forward(self, x):
        return x * self.w


class Nested(Module):
    """Parameters and modules in attributes, nested lists, tuples and dicts."""

    def __init__(self):
        super().__init__()
        self.scale = _param(1)
        self.blocks = [Leaf(), [Leaf(), Leaf()]]
        self.heads = {"cls": Leaf(), "box": (Leaf(),)}
        self.plain = tg.zeros(3)            # a plain tensor is not a parameter
        self.config = {"depth": 3}          # nor is anything else

    def forward(self, x):
        for block in (self.blocks[0], *self.blocks[1]):
            x = block(x)
        return self.heads["cls"](x) * self.scale


class Net(Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU())
        self.fc = nn.Linear(2, 3)

    def forward(self, x):
        return self.fc(self.features(x).mean((2, 3)))


def _scopes(t):
    """(op, scope) of every node behind t."""
    seen, found, stack = set(), {}, [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        found.setdefault(node.op, set()).add(node.scope)
        stack.extend(p.grad_fn for p in node.parents)
    return found


# -- discovery and naming ---------------------------------------------------------------------------
def test_named_parameters_walk_lists_tuples_and_dicts_in_definition_order():
    names = [name for name, _ in Nested().named_parameters()]
    assert names == ["scale", "blocks.0.w", "blocks.1.0.w", "blocks.1.1.w", "heads.cls.w",
                     "heads.box.0.w"]


def test_named_modules_and_children():
    model = Nested()
    assert [n for n, _ in model.named_children()] == ["blocks.0", "blocks.1.0", "blocks.1.1",
                                                      "heads.cls", "heads.box.0"]
    assert [n for n, _ in model.named_modules()] == ["", "blocks.0", "blocks.1.0", "blocks.1.1",
                                                     "heads.cls", "heads.box.0"]
    assert len(list(model.modules())) == 6 and len(list(model.children())) == 5


def test_shared_parameter_listed_once_but_saved_under_both_names():
    model = Nested()
    model.blocks[1][1].w = model.blocks[0].w
    assert len(list(model.parameters())) == 5
    assert "blocks.1.1.w" in model.state_dict()  # as torch: state_dict keeps every name


def test_parameters_recurse_false_and_prefix():
    model = Net()
    assert list(model.named_parameters(recurse=False)) == []
    assert [n for n, _ in model.fc.named_parameters(prefix="fc")] == ["fc.weight", "fc.bias"]


def test_buffers_are_found_and_saved_after_parameters():
    bn = nn.BatchNorm2d(3)
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var",
                                                  "num_batches_tracked"]
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    assert bn.state_dict()["num_batches_tracked"].dtype == np.int64


def test_non_persistent_buffer_not_in_state_dict():
    m = Module()
    m.register_buffer("kept", tg.zeros(2))
    m.register_buffer("scratch", tg.zeros(2), persistent=False)
    assert [n for n, _ in m.named_buffers()] == ["kept", "scratch"]
    assert list(m.state_dict()) == ["kept"]


def test_reassigned_buffer_stays_a_buffer():
    m = Module()
    m.register_buffer("stat", tg.zeros(2))
    m.stat = tg.ones(2)
    assert list(m.state_dict()) == ["stat"] and m.state_dict()["stat"].tolist() == [1, 1]


def test_register_buffer_errors():
    m = Module()
    m.x = 1
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("x", tg.zeros(1))
    with pytest.raises(KeyError, match="'.'"):
        m.register_buffer("a.b", tg.zeros(1))
    with pytest.raises(TypeError, match="Tensor or None"):
        m.register_buffer("y", [1, 2])


def test_forward_missing_raises():
    with pytest.raises(NotImplementedError, match="forward"):
        Module()(1)


# -- modes and gradients ----------------------------------------------------------------------------
def test_train_eval_reach_modules_inside_lists_and_dicts():
    model = Nested()
    model.eval()
    assert not any(m.training for m in model.modules())
    assert model.train() is model and all(m.training for m in model.modules())
    with pytest.raises(ValueError, match="boolean"):
        model.train("no")


def test_zero_grad_sets_none_or_zeros():
    model = Net()
    model(tg.randn(2, 1, 4, 4)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(not p.grad.array.any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_requires_grad_false_freezes_parameters():
    model = Net()
    model.features.requires_grad_(False)
    model(tg.randn(2, 1, 4, 4)).sum().backward()
    assert all(p.grad is None for p in model.features.parameters())
    assert model.fc.weight.grad is not None


def test_apply_and_to_double():
    model = Net().apply(lambda m: setattr(m, "seen", True))
    assert all(m.seen for m in model.modules())
    model.double()
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert model.features[1].running_mean.dtype == np.float64
    assert model.features[1].num_batches_tracked.dtype == np.int64
    assert model.to("cpu") is model


# -- qualified names on the scope stack -------------------------------------------------------------
def test_call_records_qualified_module_names_on_nodes():
    found = _scopes(Net()(tg.randn(2, 1, 4, 4)))
    assert found["Conv2d"] == {"features.0"}
    assert found["BatchNorm"] == {"features.1"}
    assert found["ReLU"] == {"features.2"}
    assert found["Linear"] == {"fc"}


def test_scopes_inside_lists_dicts_and_for_modules_added_later():
    model = Nested()
    model(tg.ones(2, requires_grad=True))
    model.blocks[1].append(Leaf())  # added after the names were given
    model.heads["cls"] = Leaf()    # a replacement
    original_forward = model.forward

    def forward(x):
        return original_forward(model.blocks[1][2](x))

    model.forward = forward
    found = _scopes(model(tg.ones(2, requires_grad=True)))
    assert found["Mul"] == {"", "blocks.0", "blocks.1.0", "blocks.1.1", "blocks.1.2", "heads.cls"}


def test_names_follow_whichever_module_is_called_at_top_level():
    model = Net()
    x = tg.randn(1, 1, 4, 4)
    for _ in range(2):
        assert _scopes(model.features(x))["Conv2d"] == {"0"}  # named from features, as its tree
        assert _scopes(model(x))["Conv2d"] == {"features.0"}


def test_scope_stack_is_popped_after_an_exception():
    from tinygrad_cnn.autograd import current_scope

    class Boom(Module):
        def forward(self, x):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        nn.Sequential(Boom())(1)
    assert current_scope() == ""


# -- printing ---------------------------------------------------------------------------------------
def test_repr_prints_the_tree():
    assert repr(Net()) == (
        "Net(\n"
        "  (features): Sequential(\n"
        "    (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))\n"
        "    (1): BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, "
        "track_running_stats=True)\n"
        "    (2): ReLU()\n"
        "  )\n"
        "  (fc): Linear(in_features=2, out_features=3, bias=True)\n"
        ")")


def test_parameter_is_a_trainable_tensor():
    p = Parameter(tg.zeros(2))
    assert isinstance(p, tg.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert not Parameter(np.zeros(1), requires_grad=False).requires_grad
    assert Parameter(np.zeros(1, np.float64)).dtype == np.float64


# -- PyTorch API details ----------------------------------------------------------------------------
def test_replacing_a_parameter_or_submodule_by_a_wrong_type_is_refused():
    layer = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        layer.weight = tg.zeros(3, 2)  # would silently drop it from the state dict
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    layer.weight = Parameter(np.zeros((3, 2), np.float32))  # a Parameter is fine
    layer.bias = None                                       # and so is None
    assert list(layer.state_dict()) == ["weight"]
    net = Net()
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'fc'"):
        net.fc = 3
    assert isinstance(net.fc, nn.Linear)
    bn = nn.BatchNorm2d(2)
    with pytest.raises(TypeError, match="cannot assign 'float' as buffer 'running_mean'"):
        bn.running_mean = 0.0
    bn.running_mean = tg.ones(2)                      # a Tensor stays a buffer
    assert [n for n, _ in bn.named_buffers()][0] == "running_mean"


def test_state_dict_prefix_is_prepended_as_given():
    layer = nn.Linear(2, 3)
    assert list(layer.state_dict(prefix="head.")) == ["head.weight", "head.bias"]
    assert list(Net().state_dict(prefix="m_"))[:2] == ["m_features.0.weight", "m_features.0.bias"]


def test_get_submodule_parameter_and_buffer_by_dotted_path():
    net = Net()
    assert net.get_submodule("") is net and net.get_submodule("features.1") is net.features[1]
    assert net.get_parameter("fc.bias") is net.fc.bias
    assert net.get_buffer("features.1.running_var") is net.features[1].running_var
    with pytest.raises(AttributeError, match="no submodule `features.7`"):
        net.get_submodule("features.7")
    with pytest.raises(AttributeError, match="no parameter `fc.running_mean`"):
        net.get_parameter("fc.running_mean")
    with pytest.raises(AttributeError, match="no buffer `fc.weight`"):
        net.get_buffer("fc.weight")


def test_forward_hooks_see_and_may_replace_inputs_and_outputs():
    layer, seen = nn.Linear(2, 2), []
    keep = layer.register_forward_hook(lambda m, args, out: seen.append((m, args[0].shape, out.shape)))
    double = layer.register_forward_hook(lambda m, args, out: out * 2)
    zero_in = layer.register_forward_pre_hook(lambda m, args: args[0] * 0)  # a single value is wrapped
    y = layer(tg.ones(5, 2))
    assert seen == [(layer, (5, 2), (5, 2))]
    np.testing.assert_allclose(y.detach().numpy(), 2 * np.broadcast_to(layer.bias.array, (5, 2)))
    for handle in (keep, double, zero_in):
        handle.remove()
    layer(tg.ones(1, 2))
    assert len(seen) == 1


def test_cpu_and_half_as_pytorch():
    layer = nn.Linear(2, 2)
    assert layer.cpu() is layer
    assert {p.dtype for p in layer.half().parameters()} == {np.dtype(np.float16)}


def test_load_state_dict_assign_keeps_the_checkpoint_dtype():
    layer = nn.Linear(2, 1)
    weight = np.array([[1.0, 2.0]])                      # float64 in the checkpoint
    layer.load_state_dict({"weight": weight, "bias": np.zeros(1)}, assign=True)
    assert layer.weight.dtype == np.float64 and isinstance(layer.weight, Parameter)
    weight[0, 0] = 5.0                                   # a copy: the model is unaffected
    assert layer.weight.array[0, 0] == 1.0
    layer.load_state_dict({"weight": np.ones((1, 2), np.float32), "bias": np.zeros(1)})
    assert layer.weight.dtype == np.float64              # without assign: cast to the model's


def test_registration_names_follow_pytorchs_rules():
    layer = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="without '.'"):
        layer.add_module("a.b", nn.ReLU())
    with pytest.raises(KeyError, match="attribute 'forward' already exists"):
        layer.add_module("forward", nn.ReLU())
    with pytest.raises(KeyError, match="attribute 'in_features' already exists"):
        layer.register_parameter("in_features", None)
    with pytest.raises(TypeError, match="module name should be a string"):
        layer.add_module(3, nn.ReLU())
    layer.add_module("act", nn.ReLU())
    layer.add_module("act", nn.Tanh())             # replacing a module by a module is fine
    layer.register_parameter("bias", None)         # and a parameter by None
    assert [n for n, _ in layer.named_children()] == ["act"] and list(layer.state_dict()) == ["weight"]
