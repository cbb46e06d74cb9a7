"""What the op tests share: Hypothesis strategies (float64 arrays, conv / pool geometries whose
outputs have at least one position), the gradient-check helper, and the registry that
tests/ops/test_every_primitive_is_checked.py reads to prove that every primitive and every public
F function has a gradient check."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_cnn as tg
from tinygrad_cnn.autograd import topological_order

FLOATS = st.floats(-3, 3, allow_nan=False, allow_infinity=False, width=64)
POSITIVE = st.floats(0.5, 3, width=64)


def arrays(shape, elements=FLOATS):
    """float64 arrays whose entries Hypothesis draws one by one (for small element-wise tests)."""
    return hnp.arrays(np.float64, shape, elements=elements, fill=st.nothing())


def random_arrays(shape, low=-3.0, high=3.0):
    """float64 arrays of uniform values: Hypothesis draws only the generator's seed, so large
    inputs (conv, pool) stay cheap and their entries almost never tie."""
    return st.integers(0, 2**32 - 1).map(lambda seed: np.random.default_rng(seed).uniform(low, high, shape))


def small_shapes(min_dims=1, max_dims=4, max_side=4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def leaf(array):
    """A float64 tensor that requires grad (a fresh copy, so tests can check for mutation)."""
    return tg.Tensor(np.array(array, dtype=np.float64), requires_grad=True)


def _side(draw, kernel, padding, dilation, exact_fit, largest=7):
    """An input side on which the (dilated) kernel fits at least once; with exact_fit the kernel
    covers the whole padded input (a single output position)."""
    smallest = max(1, dilation * (kernel - 1) + 1 - 2 * padding)
    return smallest if exact_fit else draw(st.integers(smallest, max(smallest, largest)))


@st.composite
def conv_geometry(draw):
    """(N, C, H, W, F, KH, KW, stride, padding, dilation, groups) with Ho, Wo >= 1, including
    batch 1, 1x1 kernels, groups and kernels exactly as large as the padded input."""
    groups = draw(st.sampled_from([1, 1, 2]))
    C = groups * draw(st.integers(1, 2))
    F = groups * draw(st.integers(1, 2))
    N = draw(st.integers(1, 2))
    KH, KW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    exact_fit = draw(st.booleans())
    H = _side(draw, KH, padding[0], dilation[0], exact_fit)
    W = _side(draw, KW, padding[1], dilation[1], exact_fit)
    return N, C, H, W, F, KH, KW, stride, padding, dilation, groups


@st.composite
def pool_geometry(draw, dilation=True):
    """(N, C, H, W, kernel, stride, padding, dilation, ceil_mode) as PyTorch accepts them:
    padding at most half the kernel, every output position with a window."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    exact_fit = draw(st.booleans())
    H = _side(draw, kernel[0], padding[0], dil[0], exact_fit)
    W = _side(draw, kernel[1], padding[1], dil[1], exact_fit)
    N, C = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    return N, C, H, W, kernel, stride, padding, dil, draw(st.booleans())


# ---------------------------------------------------------------------------------------------
# Gradient checks and the registry of what they cover
# ---------------------------------------------------------------------------------------------
GRADCHECKED = {}  # primitive class or F function -> {"module.test_name", ...}


def gradchecks(*targets):
    """Declare the decorated test as the gradient check of `targets` (primitive classes and
    public F functions). The meta-test fails if any primitive or F function has none."""
    def register(test):
        for target in targets:
            GRADCHECKED.setdefault(target, set()).add(f"{test.__module__}.{test.__name__}")
        return test
    return register


def ops_in_graph(out):
    """The Function classes that produced `out`."""
    return {node.function for node in topological_order(out.grad_fn)} if out.grad_fn else set()


def check_gradients(fn, inputs, op, **tolerances):
    """tg.gradcheck(fn, inputs), after checking that fn's graph really runs the primitive `op`
    and that forward + backward leave the inputs and the upstream gradient unchanged."""
    tensors = [t for t in inputs if isinstance(t, tg.Tensor)]
    before = [t.array.copy() for t in tensors]
    out = fn(*inputs)
    assert op in ops_in_graph(out), f"{op.__name__} is not in the graph this test builds"
    dy = np.random.default_rng(1).standard_normal(out.shape)
    dy_before = dy.copy()
    out.backward(tg.Tensor(dy))
    assert np.array_equal(dy, dy_before), f"{op.__name__}.backward modified the upstream gradient"
    for t, data in zip(tensors, before):
        assert np.array_equal(t.array, data, equal_nan=True), f"{op.__name__} modified an input"
        if t.requires_grad:
            assert t.grad.dtype == t.dtype and t.grad.shape == t.shape
    assert tg.gradcheck(fn, inputs, **tolerances)
