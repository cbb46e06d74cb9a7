"""Every op against PyTorch, forward and backward, in float64 (runs only where torch is installed).

Each case builds the same inputs for both libraries, runs the op, backpropagates the same random
upstream gradient and compares outputs and every input gradient."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
TF = torch.nn.functional

import tinygrad_cnn as tg  # noqa: E402
import tinygrad_cnn.nn.functional as F  # noqa: E402

ATOL = 1e-10


def t64(array):
    """Our tensor with float data kept in float64 (tg.tensor makes float32 unless asked)."""
    array = np.asarray(array)
    return tg.tensor(array, dtype=tg.float64) if array.dtype.kind == "f" else tg.tensor(array)


def both(fn_ours, fn_theirs, *shapes, positive=False, seed=0):
    """Run both functions on the same float64 inputs and upstream gradient; return the results."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    if positive:
        arrays = [np.abs(a) + 0.5 for a in arrays]
    ours = [tg.tensor(a.copy(), dtype=tg.float64, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, y_torch = fn_ours(*ours), fn_theirs(*theirs)
    dy = rng.standard_normal(tuple(y_torch.shape))
    y.backward(t64(dy))
    y_torch.backward(torch.tensor(dy))
    return y, y_torch, ours, theirs


def assert_same(fn_ours, fn_theirs, *shapes, positive=False, atol=ATOL):
    y, y_torch, ours, theirs = both(fn_ours, fn_theirs, *shapes, positive=positive)
    assert y.shape == tuple(y_torch.shape)
    np.testing.assert_allclose(y.detach().numpy(), y_torch.detach().numpy(), atol=atol, rtol=1e-9)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a.grad.detach().numpy(), b.grad.detach().numpy(), atol=atol, rtol=1e-9,
                                   err_msg=f"gradient of input {i}")


UNARY = {
    "neg": (lambda x: -x, lambda x: -x, False),
    "exp": (lambda x: x.exp(), lambda x: x.exp(), False),
    "log": (lambda x: x.log(), lambda x: x.log(), True),
    "sqrt": (lambda x: x.sqrt(), lambda x: x.sqrt(), True),
    "pow 3": (lambda x: x ** 3, lambda x: x ** 3, False),
    "pow -1.5": (lambda x: x ** -1.5, lambda x: x ** -1.5, True),
    "relu": (F.relu, TF.relu, False),
    "sigmoid": (F.sigmoid, torch.sigmoid, False),
    "tanh": (F.tanh, torch.tanh, False),
    "softmax": (lambda x: F.softmax(x, 1), lambda x: TF.softmax(x, 1), False),
    "log_softmax": (lambda x: F.log_softmax(x, 1), lambda x: TF.log_softmax(x, 1), False),
    "sum dim keepdim": (lambda x: x.sum(1, keepdim=True), lambda x: x.sum(1, keepdim=True), False),
    "mean": (lambda x: x.mean(), lambda x: x.mean(), False),
    "max dim": (lambda x: x.max(1).values, lambda x: x.max(1).values, False),
    "max all": (lambda x: x.max(), lambda x: x.max(), False),
    "reshape": (lambda x: x.reshape(3, 8), lambda x: x.reshape(3, 8), False),
    "permute": (lambda x: x.permute(2, 0, 1), lambda x: x.permute(2, 0, 1), False),
    "transpose": (lambda x: x.transpose(0, 2), lambda x: x.transpose(0, 2), False),
    "flatten": (lambda x: x.flatten(1), lambda x: x.flatten(1), False),
    "getitem": (lambda x: x[[0, 0, 1], 1:3], lambda x: x[[0, 0, 1], 1:3], False),
    "pad": (lambda x: F.pad(x, (1, 2, 0, 1)), lambda x: TF.pad(x, (1, 2, 0, 1)), False),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_and_shape_ops(name):
    ours, theirs, positive = UNARY[name]
    assert_same(ours, theirs, (2, 3, 4), positive=positive)


@pytest.mark.parametrize("name, ours, theirs, shapes", [
    ("add broadcast", lambda a, b: a + b, lambda a, b: a + b, [(4, 5), (5,)]),
    ("sub broadcast", lambda a, b: a - b, lambda a, b: a - b, [(4, 1), (1, 5)]),
    ("mul broadcast", lambda a, b: a * b, lambda a, b: a * b, [(2, 4, 5), (4, 1)]),
    ("div", lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1), [(4, 5), (5,)]),
    ("matmul 2d", lambda a, b: a @ b, lambda a, b: a @ b, [(3, 4), (4, 2)]),
    ("matmul batched broadcast", lambda a, b: a @ b, lambda a, b: a @ b, [(2, 1, 3, 4), (5, 4, 2)]),
    ("matmul vector", lambda a, b: a @ b, lambda a, b: a @ b, [(4,), (2, 4, 3)]),
    ("linear", F.linear, TF.linear, [(5, 7), (3, 7), (3,)]),
    ("cat", lambda a, b: tg.cat([a, b], 1), lambda a, b: torch.cat([a, b], 1), [(2, 3), (2, 4)]),
    ("stack", lambda a, b: tg.stack([a, b], 0), lambda a, b: torch.stack([a, b], 0), [(2, 3), (2, 3)]),
    ("mse_loss", F.mse_loss, TF.mse_loss, [(4, 5), (4, 5)]),
    ("bce_with_logits", F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits,
     [(4, 5), (4, 5)]),
])
def test_binary_ops(name, ours, theirs, shapes):
    assert_same(ours, theirs, *shapes)


@pytest.mark.parametrize("stride, padding, dilation, groups", [
    (1, 0, 1, 1), (2, 1, 1, 1), (1, "same", 2, 1), (1, "valid", 1, 1), (2, 2, 1, 2), (3, 0, 2, 2),
    (1, 0, 1, 4),  # depthwise
])
def test_conv2d(stride, padding, dilation, groups):
    assert_same(lambda x, w, b: F.conv2d(x, w, b, stride, padding, dilation, groups),
                lambda x, w, b: TF.conv2d(x, w, b, stride, padding, dilation, groups),
                (2, 4, 9, 10), (8, 4 // groups, 3, 3), (8,))


@pytest.mark.parametrize("stride, padding, output_padding, dilation, groups", [
    (1, 0, 0, 1, 1), (2, 1, 1, 1, 1), (3, 1, 2, 1, 2), (2, 0, 1, 2, 1),
])
def test_conv_transpose2d(stride, padding, output_padding, dilation, groups):
    assert_same(lambda x, w, b: F.conv_transpose2d(x, w, b, stride, padding, output_padding,
                                                   groups, dilation),
                lambda x, w, b: TF.conv_transpose2d(x, w, b, stride, padding, output_padding,
                                                    groups, dilation),
                (2, 4, 5, 6), (4, 6 // groups, 3, 3), (6,))


@pytest.mark.parametrize("kernel, stride, padding, dilation, ceil_mode", [
    (2, 2, 0, 1, False), (3, 2, 1, 1, False), (3, 2, 1, 1, True), (3, 3, 0, 2, True),
    (2, 1, 1, 1, False), ((1, 3), (2, 1), (0, 1), 1, False),
])
def test_max_pool2d(kernel, stride, padding, dilation, ceil_mode):
    assert_same(lambda x: F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode),
                lambda x: TF.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode),
                (2, 3, 9, 10))


def test_max_pool2d_ties_and_nan_route_like_torch():
    # Small integers make many ties; a few NaNs test the NaN rule.
    x = np.random.default_rng(3).integers(0, 3, (2, 2, 7, 7)).astype(np.float64)
    x[0, 0, 1, 1] = x[1, 1, 4, 2] = x[1, 1, 4, 3] = np.nan
    x[0, 1, :3, :3] = -np.inf  # windows of only -inf and padding: routed to their first inner cell
    for kernel, stride, padding in [(2, 2, 0), (3, 2, 1), (3, 1, 1), (2, 1, 1)]:
        ours = tg.tensor(x, dtype=tg.float64, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        y = F.max_pool2d(ours, kernel, stride, padding)
        y_torch = TF.max_pool2d(theirs, kernel, stride, padding)
        dy = np.arange(y.array.size, dtype=np.float64).reshape(y.shape) + 1  # traceable gradients
        y.backward(t64(dy))
        y_torch.backward(torch.tensor(dy))
        np.testing.assert_array_equal(y.detach().numpy(), y_torch.detach().numpy())
        np.testing.assert_array_equal(ours.grad.detach().numpy(), theirs.grad.detach().numpy())


@pytest.mark.parametrize("kernel, stride, padding, ceil_mode, count_include_pad, divisor", [
    (2, 2, 0, False, True, None), (3, 2, 1, False, True, None), (3, 2, 1, True, False, None),
    (3, 2, 1, True, True, None), (2, 1, 1, False, False, None), (3, 2, 1, False, True, 4),
])
def test_avg_pool2d(kernel, stride, padding, ceil_mode, count_include_pad, divisor):
    assert_same(lambda x: F.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad,
                                       divisor),
                lambda x: TF.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad,
                                        divisor),
                (2, 3, 9, 10))


@pytest.mark.parametrize("output_size", [(3, 4), 1, (7, 10), (5, 3)])
def test_adaptive_avg_pool2d(output_size):
    assert_same(lambda x: F.adaptive_avg_pool2d(x, output_size),
                lambda x: TF.adaptive_avg_pool2d(x, output_size), (2, 3, 7, 10))


@pytest.mark.parametrize("kwargs", [{"scale_factor": 2}, {"size": (7, 3)}, {"scale_factor": (3, 1)}])
def test_interpolate_nearest(kwargs):
    assert_same(lambda x: F.interpolate(x, **kwargs), lambda x: TF.interpolate(x, **kwargs),
                (2, 3, 4, 5))


@pytest.mark.parametrize("shape, kwargs", [
    ((2, 3, 7), {"scale_factor": 2.3}),                  # 3-D input: a batch of 1-D signals
    ((2, 3, 7), {"size": 4}),
    ((2, 3, 4, 5), {"scale_factor": (0.5, 2.3)}),        # PyTorch's 2-D "twice the input" rule
    ((2, 3, 4, 5), {"scale_factor": 1.7, "recompute_scale_factor": True}),
    ((2, 3, 4, 5), {"size": (9, 3), "mode": "nearest-exact"}),
    ((2, 3, 7), {"scale_factor": 1.5, "mode": "nearest-exact"}),
    ((1, 2, 3, 4, 5), {"scale_factor": (2, 0.5, 1.5)}),   # 5-D input: 3-D volumes
    ((1, 2, 13, 8), {"size": (71, 61)}),
    ((2, 3, 7), {"scale_factor": 1.6, "mode": "linear"}),
    ((2, 3, 4, 5), {"size": (7, 3), "mode": "bilinear"}),
    ((2, 3, 4, 5), {"scale_factor": 2.5, "mode": "bilinear", "align_corners": True}),
    ((1, 2, 3, 4, 2), {"size": (5, 2, 3), "mode": "trilinear"}),
    ((2, 3, 7, 5), {"size": (3, 4), "mode": "area"}),
    ((2, 3, 7), {"scale_factor": 0.6, "mode": "area"}),
])
def test_interpolate_nearest_sizes_scales_and_modes(shape, kwargs):
    assert_same(lambda x: F.interpolate(x, **kwargs), lambda x: TF.interpolate(x, **kwargs), shape)


@pytest.mark.parametrize("shape, size", [((2, 7, 4, 4), 5), ((2, 7, 4, 4), 4), ((2, 5, 6), 3),
                                         ((1, 6, 2, 3, 2), 2)])
def test_local_response_norm(shape, size):
    assert_same(lambda x: F.local_response_norm(x, size, 1e-2),
                lambda x: TF.local_response_norm(x, size, 1e-2), shape)


@pytest.mark.parametrize("shape, pad, mode", [
    ((2, 3, 4, 5), (1, 2, 3, 0), "reflect"), ((2, 3, 5), (2, 3), "replicate"),
    ((2, 3, 4, 5), (1, 2, 3, 4), "circular"), ((1, 2, 3, 4, 5), (1, 1, 2, 0, 1, 2), "replicate"),
    ((3, 4, 5), (-1, 2, 1, -2), "constant"), ((2, 3), (1, 1), "reflect"),
])
def test_pad_modes(shape, pad, mode):
    assert_same(lambda x: F.pad(x, pad, mode=mode), lambda x: TF.pad(x, pad, mode=mode), shape)


def test_batch_norm_with_bias_only():
    assert_same(lambda x, b: F.batch_norm(x, None, None, None, b, training=True),
                lambda x, b: TF.batch_norm(x, None, None, None, b, training=True), (4, 3, 2), (3,))


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_output_gradients_and_running_stats(training):
    rng = np.random.default_rng(1)
    mean, var = rng.standard_normal(3), np.abs(rng.standard_normal(3)) + 0.5
    ours_stats = [t64(mean.copy()), t64(var.copy())]
    theirs_stats = [torch.tensor(mean.copy()), torch.tensor(var.copy())]
    assert_same(lambda x, w, b: F.batch_norm(x, *ours_stats, w, b, training, 0.1, 1e-5),
                lambda x, w, b: TF.batch_norm(x, *theirs_stats, w, b, training, 0.1, 1e-5),
                (4, 3, 5, 5), (3,), (3,))
    for a, b in zip(ours_stats, theirs_stats):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=ATOL)


TARGETS = np.array([1, 4, -100, 0])


@pytest.mark.parametrize("name, kwargs", [
    ("plain", {}),
    ("weight", {"weight": np.array([0.5, 1.0, 2.0, 0.1, 3.0])}),
    ("ignore_index", {"ignore_index": 4}),
    ("label_smoothing", {"label_smoothing": 0.2}),
    ("weight + smoothing", {"weight": np.array([0.5, 1.0, 2.0, 0.1, 3.0]), "label_smoothing": 0.1}),
    ("sum", {"reduction": "sum"}),
    ("none", {"reduction": "none"}),
])
def test_cross_entropy(name, kwargs):
    target = TARGETS if "ignore_index" not in kwargs else np.array([1, 4, 4, 0])

    def call(fn, make, x):
        args = {k: (make(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
        return fn(x, make(target), **args)
    assert_same(lambda x: call(F.cross_entropy, t64, x),
                lambda x: call(TF.cross_entropy, torch.tensor, x), (4, 5))


@pytest.mark.parametrize("kwargs", [{}, {"label_smoothing": 0.2}, {"reduction": "sum"},
                                    {"weight": np.array([0.5, 1.0, 2.0, 0.1, 3.0])}])
def test_cross_entropy_with_every_target_ignored(kwargs):
    target = np.array([-100, -100, -100, -100])

    def call(fn, make, x):
        args = {k: (make(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
        return fn(x, make(target), **args)
    y, y_torch, ours, theirs = both(lambda x: call(F.cross_entropy, t64, x),
                                    lambda x: call(TF.cross_entropy, torch.tensor, x), (4, 5))
    np.testing.assert_array_equal(y.detach().numpy(), y_torch.detach().numpy())       # nan (mean) or 0
    np.testing.assert_array_equal(ours[0].grad.numpy(), theirs[0].grad.detach().numpy())


def test_cross_entropy_spatial_and_probability_targets():
    spatial = np.random.default_rng(2).integers(0, 5, (2, 3, 3))
    assert_same(lambda x: F.cross_entropy(x, t64(spatial)),
                lambda x: TF.cross_entropy(x, torch.tensor(spatial)), (2, 5, 3, 3))
    assert_same(lambda x, t: F.cross_entropy(x, t.softmax(1), label_smoothing=0.1),
                lambda x, t: TF.cross_entropy(x, t.softmax(1), label_smoothing=0.1), (4, 5), (4, 5))


def test_nll_loss():
    target = np.array([1, 4, 2, 0])
    assert_same(lambda x: F.nll_loss(F.log_softmax(x, 1), t64(target)),
                lambda x: TF.nll_loss(TF.log_softmax(x, 1), torch.tensor(target)), (4, 5))


def test_conv2d_float32_forward_is_within_float32_rounding():
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((4, 16, 20, 20)), rng.standard_normal((32, 16, 3, 3))
    ours = F.conv2d(tg.tensor(x), tg.tensor(w), padding=1).numpy()
    theirs = TF.conv2d(torch.tensor(x, dtype=torch.float32), torch.tensor(w, dtype=torch.float32),
                       padding=1).numpy()
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, atol=2e-4, rtol=1e-4)


@pytest.mark.parametrize("shape", [(4,), (2, 5), (2, 3, 4), (2, 3, 4, 5)])
def test_softmax_without_dim_picks_pytorchs_implicit_dim_with_a_warning(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    with pytest.warns(UserWarning, match="implicit dim"):
        ours = F.softmax(t64(x)).detach().numpy()
    with pytest.warns(UserWarning):
        theirs = TF.softmax(torch.tensor(x), dim=None).detach().numpy()
    np.testing.assert_allclose(ours, theirs, atol=ATOL)


@pytest.mark.parametrize("kernel, padding, dilation", [(2, 1, 2), (3, 2, 2), (2, 2, 3), (3, 1, 1),
                                                       (3, 2, 1), (4, 2, 2)])
def test_max_pool2d_accepts_exactly_the_paddings_torch_accepts(kernel, padding, dilation):
    x = np.random.default_rng(0).standard_normal((1, 1, 9, 9))
    try:
        TF.max_pool2d(torch.tensor(x), kernel, 1, padding, dilation)
        torch_accepts = True
    except RuntimeError:
        torch_accepts = False
    if torch_accepts:
        F.max_pool2d(t64(x), kernel, 1, padding, dilation)
    else:
        with pytest.raises(RuntimeError, match="padding"):
            F.max_pool2d(t64(x), kernel, 1, padding, dilation)


@pytest.mark.parametrize("kernel, stride, padding, dilation, ceil_mode", [
    (2, 2, 0, 1, False), (3, 2, 1, 1, True), (3, 3, 0, 2, True), (2, 1, 1, 1, False),
    ((1, 3), (2, 1), (0, 1), 1, False), ((1, 2), 1, (0, 1), (1, 3), False),
])
def test_max_pool2d_return_indices(kernel, stride, padding, dilation, ceil_mode):
    x = np.random.default_rng(4).integers(0, 3, (2, 3, 9, 10)).astype(np.float64)  # many ties
    x[0, 0, 2, 2], x[1, 2, :3, :3] = np.nan, -np.inf
    y, indices = F.max_pool2d(t64(x), kernel, stride, padding, dilation, ceil_mode, True)
    y_torch, i_torch = TF.max_pool2d(torch.tensor(x), kernel, stride, padding, dilation, ceil_mode,
                                     return_indices=True)
    np.testing.assert_array_equal(y.detach().numpy(), y_torch.numpy())
    np.testing.assert_array_equal(indices.detach().numpy(), i_torch.numpy())
    assert indices.dtype == np.int64


@pytest.mark.parametrize("kernel, stride, padding, output_size", [
    (2, 2, 0, None), (3, 3, 1, (9, 10)), (2, 3, 0, (9, 10)), ((2, 3), (2, 3), (1, 1), (2, 3, 9, 10)),
])
def test_max_unpool2d(kernel, stride, padding, output_size):
    x = np.random.default_rng(5).standard_normal((2, 3, 9, 10))
    _, i_torch = TF.max_pool2d(torch.tensor(x), kernel, stride, padding, return_indices=True)
    indices = tg.tensor(i_torch.numpy())
    assert_same(lambda v: F.max_unpool2d(v, indices, kernel, stride, padding, output_size),
                lambda v: TF.max_unpool2d(v, i_torch, kernel, stride, padding, output_size),
                tuple(i_torch.shape))


@pytest.mark.parametrize("output_size", [(3, 4), 1, (7, 10), (5, 3), (4, None), (2, 5)])
def test_adaptive_max_pool2d(output_size):
    assert_same(lambda x: F.adaptive_max_pool2d(x, output_size),
                lambda x: TF.adaptive_max_pool2d(x, output_size), (2, 3, 7, 10))
    x = np.random.default_rng(6).integers(0, 3, (2, 3, 7, 10)).astype(np.float64)  # many ties
    x[0, 1, 3, 4] = x[0, 1, 3, 6] = x[1, 0, 0, 0] = np.nan
    ours, theirs = t64(x).requires_grad_(), torch.tensor(x, requires_grad=True)
    y, indices = F.adaptive_max_pool2d(ours, output_size, return_indices=True)
    y_torch, i_torch = TF.adaptive_max_pool2d(theirs, output_size, return_indices=True)
    np.testing.assert_array_equal(y.detach().numpy(), y_torch.detach().numpy())
    np.testing.assert_array_equal(indices.detach().numpy(), i_torch.numpy())
    dy = np.arange(y.array.size, dtype=np.float64).reshape(y.shape) + 1
    y.backward(t64(dy))
    y_torch.backward(torch.tensor(dy))
    np.testing.assert_array_equal(ours.grad.detach().numpy(), theirs.grad.detach().numpy())


def test_dropout2d_drops_channels_like_torch():
    """The random streams differ, so compare the structure: whole channels, the 1/(1-p) scale."""
    x = np.random.default_rng(7).uniform(1, 2, (4, 30, 3, 3))
    ours = F.dropout2d(t64(x), 0.3).numpy()
    theirs = TF.dropout2d(torch.tensor(x), 0.3).numpy()
    for y in (ours, theirs):
        kept = (y != 0).all(axis=(2, 3))
        assert (kept | (y == 0).all(axis=(2, 3))).all()
        np.testing.assert_allclose(y[kept], x[kept] / 0.7)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_weighted_elementwise_losses(name, reduction):
    weight = np.random.default_rng(5).uniform(0.1, 2.0, (3, 4))
    assert_same(lambda a, b: getattr(F, name)(a, b, reduction=reduction, weight=t64(weight)),
                lambda a, b: getattr(TF, name)(a, b, reduction=reduction,
                                               weight=torch.tensor(weight)), (3, 4), (3, 4))


@pytest.mark.filterwarnings("ignore:size_average and reduce args will be deprecated")
@pytest.mark.parametrize("size_average, reduce", [(False, None), (None, False), (True, True)])
def test_legacy_reduction_flags(size_average, reduce):
    target = np.array([1, 4, 0, 2])
    assert_same(lambda x: F.cross_entropy(x, t64(target), size_average=size_average, reduce=reduce),
                lambda x: TF.cross_entropy(x, torch.tensor(target), size_average=size_average,
                                           reduce=reduce), (4, 5))


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_of_volumes(training):
    stats = (t64(np.zeros(3)), t64(np.ones(3))), (torch.zeros(3, dtype=torch.float64),
                                                  torch.ones(3, dtype=torch.float64))
    assert_same(lambda x, w: F.batch_norm(x, *stats[0], w, None, training),
                lambda x, w: TF.batch_norm(x, *stats[1], w, None, training), (2, 3, 2, 3, 2), (3,))
    np.testing.assert_allclose(stats[0][1].numpy(), stats[1][1].detach().numpy(), atol=ATOL)
