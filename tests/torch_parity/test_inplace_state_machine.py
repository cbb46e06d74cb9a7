"""Random sequences of in-place ops, views, `.data` writes, optimizer steps and backward calls give
the same values, flags, versions, gradients and errors as PyTorch.

A Hypothesis state machine keeps pairs (ours, torch's) of float64 tensors of one shape (2, 3),
plus (3, 3) leaves for matmul, and after every step compares each pair: values, requires_grad,
is_leaf, `_version` and (for leaves) `.grad`. When one library raises, the other must raise an
exception of the same type.

In-place ops that record a gradient on a view of another tensor are recorded on the base, as
PyTorch's CopySlices does, and compared like everything else. The one refusal left ("not
supported in tinygrad_cnn": such a view that was not made in grad mode) comes before anything
changes, so such a step runs ours first and, when refused, skips torch's side.

backward() always passes retain_graph=True: this library refuses a second backward through any
freed node, while torch refuses only where saved tensors were freed (a deliberate difference).
"""
import operator

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import tinygrad_cnn as tg
from tinygrad_cnn import optim

torch = pytest.importorskip("torch")

SHAPE = (2, 3)
NOT_SUPPORTED = "not supported in tinygrad_cnn"
MAX_PAIRS = 14

# Small "round" values hit relu's and clamp's boundaries (0, +-1) and exact ties.
number = st.one_of(st.sampled_from([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5]),
                   st.floats(-2, 2, allow_nan=False))
values = st.lists(number, min_size=6, max_size=6)
nonzero = st.sampled_from([-2.0, -0.5, 0.25, 0.5, 3.0])
pick = st.integers(0, 63)            # an index into the pool, taken modulo its length


def _pair(array, requires_grad):
    array = np.array(array, dtype=np.float64).reshape(-1, SHAPE[1])
    ours = tg.tensor(array, dtype=tg.float64, requires_grad=requires_grad)
    theirs = torch.tensor(array, dtype=torch.float64, requires_grad=requires_grad)
    return ours, theirs


def _run(ours_step, theirs_step):
    """Run ours, then torch's, return (ours_out, theirs_out) or None when either raised.

    Errors must have the same type, except our documented refusal of an in-place op recording a
    gradient on a view: that one skips torch's side (ours changed nothing)."""
    try:
        ours_out, ours_error = ours_step(), None
    except Exception as error:  # noqa: BLE001 (compared with torch's below)
        ours_out, ours_error = None, error
    if ours_error is not None and NOT_SUPPORTED in str(ours_error):
        return None
    try:
        theirs_out, theirs_error = theirs_step(), None
    except Exception as error:  # noqa: BLE001
        theirs_out, theirs_error = None, error
    assert type(ours_error) is type(theirs_error), (
        f"ours raised {ours_error!r}, torch raised {theirs_error!r}")
    return None if ours_error is not None else (ours_out, theirs_out)


def _assert_close(ours_array, theirs_tensor, what):
    np.testing.assert_allclose(ours_array, theirs_tensor.detach().numpy(), rtol=1e-10,
                               atol=1e-10, equal_nan=True, err_msg=what)


class InPlaceMachine(RuleBasedStateMachine):
    """Pool of (ours, torch's) pairs of shape (2, 3); weights are (3, 3) leaves for matmul."""

    def __init__(self):
        super().__init__()
        self.pairs: list[tuple] = []
        self.weights: list[tuple] = []

    # ------------------------------------------------------------ helpers
    def _get(self, k):
        return self.pairs[k % len(self.pairs)]

    def _add(self, result):
        if result is not None and len(self.pairs) < MAX_PAIRS:
            self.pairs.append(result)

    def _both(self, step, *pairs):
        """Apply `step` to the ours side of each pair, then to torch's side."""
        return _run(lambda: step(*(p[0] for p in pairs)), lambda: step(*(p[1] for p in pairs)))

    def _leaves_with_grad(self):
        return [p for p in self.pairs + self.weights
                if p[1].is_leaf and p[1].requires_grad and p[1].grad is not None]

    # ------------------------------------------------------------ creating tensors
    @initialize(array=values, requires_grad=st.booleans())
    def first_leaf(self, array, requires_grad):
        self.pairs.append(_pair(array, requires_grad))

    @rule(array=values, requires_grad=st.booleans())
    def leaf(self, array, requires_grad):
        self._add(_pair(array, requires_grad))

    @precondition(lambda self: len(self.weights) < 2)
    @rule(array=st.lists(number, min_size=9, max_size=9), requires_grad=st.booleans())
    def weight(self, array, requires_grad):
        ours, theirs = _pair(np.reshape(array, (3, 3)), requires_grad)
        self.weights.append((ours, theirs))

    # ------------------------------------------------------------ out of place
    @rule(op=st.sampled_from(["add", "mul", "sub"]), i=pick, j=pick)
    def binary(self, op, i, j):
        self._add(self._both(getattr(operator, op), self._get(i), self._get(j)))

    @rule(op=st.sampled_from(["add", "mul", "sub"]), i=pick, scalar=number)
    def binary_scalar(self, op, i, scalar):
        self._add(self._both(lambda t: getattr(operator, op)(t, scalar), self._get(i)))

    @rule(op=st.sampled_from(["exp", "tanh", "sigmoid", "relu"]), i=pick)
    def unary(self, op, i):
        self._add(self._both(lambda t: getattr(t, op)(), self._get(i)))

    @precondition(lambda self: self.weights)
    @rule(i=pick, w=st.integers(0, 1))
    def matmul(self, i, w):
        self._add(self._both(operator.matmul, self._get(i), self.weights[w % len(self.weights)]))

    # ------------------------------------------------------------ views
    @rule(kind=st.sampled_from(["slice", "view", "detach"]), i=pick)
    def view(self, kind, i):
        make = {"slice": lambda t: t[:], "view": lambda t: t.view(2, 3),
                "detach": lambda t: t.detach()}[kind]
        self._add(self._both(make, self._get(i)))

    # ------------------------------------------------------------ in place
    @rule(op=st.sampled_from(["add_", "mul_", "sub_", "iadd", "isub", "imul"]), i=pick, j=pick)
    def inplace_tensor(self, op, i, j):
        method = getattr(operator, op) if op.startswith("i") else (
            lambda a, b: getattr(a, op)(b))
        out = self._both(method, self._get(i), self._get(j))
        if out is not None:
            assert out[0] is self._get(i)[0], f"{op} must return its target"

    @rule(op=st.sampled_from(["add_", "mul_", "sub_", "div_", "iadd", "itruediv"]), i=pick,
          scalar=nonzero)
    def inplace_scalar(self, op, i, scalar):
        method = getattr(operator, op) if op.startswith("i") else (
            lambda a, b: getattr(a, op)(b))
        self._both(lambda t: method(t, scalar), self._get(i))

    @rule(i=pick, j=pick)
    def div_by_tensor(self, i, j):
        divisor = self._get(j)
        if np.abs(divisor[1].detach().numpy()).min() < 0.1:
            return                                       # keep the quotient finite
        self._both(lambda a, b: a.div_(b), self._get(i), divisor)

    @rule(op=st.sampled_from(["exp_", "tanh_", "sigmoid_", "relu_", "neg_", "zero_"]), i=pick)
    def inplace_unary(self, op, i):
        self._both(lambda t: getattr(t, op)(), self._get(i))

    @rule(bounds=st.sampled_from([(-1.0, 1.0), (None, 0.5), (0.0, None), (-0.5, -0.5)]),
          i=pick)
    def clamp_(self, bounds, i):
        self._both(lambda t: t.clamp_(*bounds), self._get(i))

    @rule(i=pick, value=number)
    def fill_(self, i, value):
        self._both(lambda t: t.fill_(value), self._get(i))

    @rule(i=pick, j=pick)
    def copy_(self, i, j):
        self._both(lambda a, b: a.copy_(b), self._get(i), self._get(j))

    @rule(i=pick, mask=st.lists(st.booleans(), min_size=6, max_size=6), value=number)
    def set_mask(self, i, mask, value):
        mask = np.reshape(mask, SHAPE)
        ours_mask, theirs_mask = tg.tensor(mask), torch.tensor(mask)
        assert ours_mask.dtype == tg.bool

        def ours(t):
            t[ours_mask] = value

        def theirs(t):
            t[theirs_mask] = value
        _run(lambda: ours(self._get(i)[0]), lambda: theirs(self._get(i)[1]))

    @rule(i=pick, j=pick, row=st.integers(0, 1))
    def set_row(self, i, j, row):
        def step(a, b):
            a[0] = b[row]
        self._both(step, self._get(i), self._get(j))

    @rule(op=st.sampled_from(["add_", "mul_"]), i=pick)
    def data_write(self, op, i):
        self._both(lambda t: getattr(t.data, op)({"add_": 1.0, "mul_": 2.0}[op]), self._get(i))

    # ------------------------------------------------------------ training steps
    @rule()
    def sgd_step(self):
        params = self._leaves_with_grad()
        if params:
            _run(lambda: optim.SGD([p[0] for p in params], lr=0.1).step(),
                 lambda: torch.optim.SGD([p[1] for p in params], lr=0.1).step())

    @rule(i=pick)
    def grad_none(self, i):
        pair = self._get(i)
        if pair[1].is_leaf:
            pair[0].grad = None
            pair[1].grad = None

    @rule(i=pick)
    def backward(self, i):
        candidates = [p for p in self.pairs if p[1].requires_grad]
        if candidates:
            self._both(lambda t: t.sum().backward(retain_graph=True),
                       candidates[i % len(candidates)])

    # ------------------------------------------------------------ the comparison
    @invariant()
    def states_agree(self):
        for k, (ours, theirs) in enumerate(self.pairs + self.weights):
            what = f"pair {k}"
            _assert_close(ours.array, theirs, what)
            assert ours.requires_grad == theirs.requires_grad, f"{what}: requires_grad"
            assert ours.is_leaf == theirs.is_leaf, f"{what}: is_leaf"
            assert ours._version == theirs._version, (
                f"{what}: _version ours {ours._version}, torch {theirs._version}")
            if theirs.is_leaf:
                assert (ours.grad is None) == (theirs.grad is None), f"{what}: grad is None"
                if theirs.grad is not None:
                    _assert_close(ours.grad.array, theirs.grad, f"{what}: grad")


InPlaceMachine.TestCase.settings = settings(settings(), stateful_step_count=15, deadline=None)
TestInPlaceStateMachine = InPlaceMachine.TestCase
