"""Bad input gets a clear ValueError/TypeError/RuntimeError (the kind PyTorch raises) naming the
argument and the shapes, never a numpy internal error; a Hypothesis fuzz throws random bad
arguments at the F functions."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F


@pytest.mark.parametrize("call, message", [
    (lambda: F.conv2d(tg.zeros(1, 3, 8, 8), tg.zeros(6, 1, 5, 5)),
     "conv2d: input has 3 channels but weight expects 1 (weight shape torch.Size([6, 1, 5, 5])"),
    (lambda: F.conv2d(tg.zeros(1, 1, 4, 4), tg.zeros(6, 1, 5, 5)), "larger than the padded input"),
    (lambda: F.conv2d(tg.zeros(1, 1, 8, 8), tg.zeros(6, 1, 3, 3), stride=0), "stride must be >= 1"),
    (lambda: F.conv2d(tg.zeros(1, 4, 8, 8), tg.zeros(6, 2, 3, 3), groups=3), "groups=3"),
    (lambda: F.conv2d(tg.zeros(8, 8), tg.zeros(6, 1, 3, 3)), "input must have 3 or 4 dimensions"),
    (lambda: F.cross_entropy(tg.zeros(2, 10), tg.tensor([1, 10])), "target contains class 10"),
    (lambda: tg.zeros(2, 3) @ tg.zeros(4, 5), "inner dimensions differ"),
    (lambda: tg.zeros(2, 3).reshape(4, 2), "cannot view a tensor of shape torch.Size([2, 3])"),
    (lambda: F.max_pool2d(tg.zeros(1, 1, 4, 4), 2, padding=2), "at most half"),
    (lambda: F.linear(tg.zeros(2, 5), tg.zeros(3, 4)), "linear: input has 5 features"),
    (lambda: F.max_unpool2d(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 2, 3, dtype=tg.int64), 2),
     "max_unpool2d: indices shape torch.Size([1, 1, 2, 3]) must equal input shape torch.Size([1, 1, 2, 2])"),
    (lambda: F.max_unpool2d(tg.zeros(1, 1, 2, 2), tg.tensor([[[[0, 1], [2, 16]]]]), 2),
     "indices must lie in [0, 16)"),
    (lambda: F.max_unpool2d(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 2, 2), 2), "integer tensor"),
    (lambda: F.max_unpool2d(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 2, 2, dtype=tg.int64), 2,
                            output_size=(6, 4)), "invalid output_size"),
    (lambda: F.adaptive_max_pool2d(tg.zeros(1, 1, 4, 4), (0, 2)), "output_size must be positive"),
    (lambda: F.dropout2d(tg.zeros(1, 2, 3, 3), p=1.5), "dropout2d: p must be a probability"),
    (lambda: F.dropout2d(tg.zeros(2, 3), p=0.5), "dropout2d: input must have 3 or 4 dimensions"),
    (lambda: F.batch_norm(tg.zeros(4, 3), None, None, [1.0, 1.0, 1.0], training=True),
     "batch_norm: weight must be a Tensor, got list"),
    (lambda: F.batch_norm(tg.zeros(4, 3), np.zeros(3), np.ones(3), training=True),
     "batch_norm: running_mean must be a Tensor"),
    (lambda: F.batch_norm(tg.zeros(4, 3), tg.zeros(3, dtype=tg.int64), tg.ones(3), training=True),
     "batch_norm: running_mean must be a floating-point tensor"),
    (lambda: F.batch_norm(tg.zeros(4, 3), None, None, training=True, momentum=None),
     "batch_norm: momentum must be a number"),
    (lambda: F.binary_cross_entropy_with_logits(tg.zeros(3, 4), tg.zeros(3, 4), pos_weight=tg.ones(3)),
     "pos_weight shape torch.Size([3]) does not broadcast to input shape torch.Size([3, 4])"),
    (lambda: F.binary_cross_entropy_with_logits(tg.zeros(3), tg.zeros(3), weight=tg.ones(2)),
     "binary_cross_entropy_with_logits: weight shape torch.Size([2]) does not broadcast"),
    (lambda: F.cross_entropy(tg.zeros(3, 4), tg.zeros(3, 4), weight=tg.ones(3)),
     "cross_entropy: weight must have shape (4,) for input torch.Size([3, 4]), got torch.Size([3])"),
    (lambda: tg.zeros(3, 4).unsqueeze(3), "unsqueeze: dim 3 is out of range for a tensor of shape torch.Size([3, 4])"),
    (lambda: F.interpolate(tg.zeros(1, 1, 3), scale_factor=0.2), "output size (0,)"),
    (lambda: F.interpolate(tg.zeros(1, 1, 3, 3), size=(2, 2, 2)), "size must be a number or 2 numbers"),
    (lambda: F.pad(tg.zeros(1, 1, 3), (3, 0), mode="reflect"), "allows padding of at most 2"),
    (lambda: F.pad(tg.zeros(3), (1, 1), mode="replicate"), "pads the last 1, 2 or 3 axes"),
    (lambda: F.local_response_norm(tg.zeros(3, 4), 2), "input must have 3 or more dimensions"),
    (lambda: tg.zeros(2, 3) @ tg.zeros(3, 2, dtype=tg.float64),
     "matmul: tensors must share one dtype, but input is torch.float32, other is torch.float64"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError, RuntimeError)) as info:
        call()
    assert message in str(info.value)


BAD_VALUES = st.one_of(st.integers(-3, 0), st.floats(-2, 2), st.just("2"), st.none(),
                       st.tuples(st.integers(-1, 3)), st.tuples(st.integers(-1, 3), st.integers(-1, 3), st.integers(0, 2)))
SHAPES = st.lists(st.integers(0, 4), min_size=0, max_size=5).map(tuple)


def _tensor(shape, integer=False):
    return tg.Tensor(np.zeros(shape, dtype=np.int64 if integer else np.float32))


CALLS = {
    "conv2d": lambda x, w, v: F.conv2d(x, w, stride=v),
    "conv2d_padding": lambda x, w, v: F.conv2d(x, w, padding=v),
    "conv2d_groups": lambda x, w, v: F.conv2d(x, w, groups=v),
    "conv_transpose2d": lambda x, w, v: F.conv_transpose2d(x, w, output_padding=v),
    "max_pool2d": lambda x, w, v: F.max_pool2d(x, v),
    "avg_pool2d": lambda x, w, v: F.avg_pool2d(x, 2, stride=v),
    "adaptive_avg_pool2d": lambda x, w, v: F.adaptive_avg_pool2d(x, v),
    "linear": lambda x, w, v: F.linear(x, w),
    "cross_entropy": lambda x, w, v: F.cross_entropy(x, _tensor(w.shape, integer=True)),
    "softmax": lambda x, w, v: F.softmax(x, dim=v),
    "dropout": lambda x, w, v: F.dropout(x, p=v),
    "interpolate": lambda x, w, v: F.interpolate(x, scale_factor=v),
    "local_response_norm": lambda x, w, v: F.local_response_norm(x, v),
    "batch_norm": lambda x, w, v: F.batch_norm(x, None, None, training=True),
    "mse_loss": lambda x, w, v: F.mse_loss(x, w),
    "pad": lambda x, w, v: F.pad(x, v if isinstance(v, tuple) else (v,)),
    "max_pool2d_indices": lambda x, w, v: F.max_pool2d(x, v, return_indices=True),
    "max_unpool2d": lambda x, w, v: F.max_unpool2d(x, _tensor(w.shape, integer=True), v),
    "max_unpool2d_output_size": lambda x, w, v: F.max_unpool2d(
        x, _tensor(x.shape, integer=True), 2, output_size=v),
    "adaptive_max_pool2d": lambda x, w, v: F.adaptive_max_pool2d(x, v),
    "dropout2d": lambda x, w, v: F.dropout2d(x, p=v),
    "interpolate_size": lambda x, w, v: F.interpolate(x, size=v),
    "pad_reflect": lambda x, w, v: F.pad(x, v if isinstance(v, tuple) else (v, v), mode="reflect"),
    "pad_circular": lambda x, w, v: F.pad(x, v if isinstance(v, tuple) else (v, v), mode="circular"),
    "batch_norm_momentum": lambda x, w, v: F.batch_norm(x, None, None, training=True, momentum=v),
    "bce_logits_pos_weight": lambda x, w, v: F.binary_cross_entropy_with_logits(x, x, pos_weight=w),
}


@given(st.sampled_from(sorted(CALLS)), SHAPES, SHAPES, BAD_VALUES)
def test_fuzzed_bad_arguments_only_raise_clear_errors(name, x_shape, w_shape, value):
    try:
        CALLS[name](_tensor(x_shape), _tensor(w_shape), value)
    except (ValueError, TypeError, RuntimeError):
        pass


def test_adaptive_avg_pool2d_names_itself_for_an_empty_plane():
    with pytest.raises(ValueError, match="adaptive_avg_pool2d: input has an empty plane"):
        F.adaptive_avg_pool2d(tg.zeros(1, 1, 0, 4), 2)


# ---- the library errors that used to leak from numpy or Python (issue 15), one test each ----

def test_a_dataset_whose_samples_differ_in_shape_is_a_value_error_naming_the_shapes():
    from tinygrad_cnn.data import DataLoader, TensorDataset
    ragged = [(np.zeros(3, np.float32), 1), (np.zeros(4, np.float32), 0)]
    with pytest.raises(ValueError, match=r"same shape, got \(3,\), \(4,\)"):
        list(DataLoader(ragged, batch_size=2))
    with pytest.raises(ValueError, match=r"tensors\[0\] holds samples of different shapes"):
        TensorDataset([[1.0, 2.0], [3.0]])


def test_string_labels_are_a_type_error_saying_to_map_them_to_integers():
    from tinygrad_cnn.data import DataLoader, TensorDataset
    with pytest.raises(TypeError, match=r"tensors\[1\] has dtype <U3.*map class names to integers"):
        TensorDataset(np.zeros((2, 3), np.float32), np.array(["cat", "dog"]))
    with pytest.raises(TypeError, match="cannot batch samples of type str"):
        list(DataLoader([(np.zeros(3), "cat"), (np.zeros(3), "dog")], batch_size=2))


@pytest.mark.parametrize("reduce", ["max", "min", "argmax"])
def test_max_min_argmax_of_an_empty_tensor_are_value_errors_naming_the_shape(reduce):
    with pytest.raises(ValueError, match=rf"{reduce}\(\): Expected reduction dim.*torch.Size\(\[0\]\)"):
        getattr(tg.zeros(0), reduce)()
    with pytest.raises(ValueError, match=rf"{reduce}\(\): cannot reduce over dim 0 of size 0"):
        getattr(tg.zeros(0, 3), reduce)(dim=0)


def test_sum_over_a_repeated_dim_is_a_value_error():
    with pytest.raises(ValueError, match=r"dim 0 appears multiple times in the list of dims \(0, 0\)"):
        tg.zeros(2, 3).sum(dim=(0, 0))


def test_conv2d_groups_true_is_a_type_error():
    with pytest.raises(TypeError, match="conv2d: groups must be an int, got bool True"):
        F.conv2d(tg.zeros(1, 2, 4, 4), tg.zeros(2, 1, 3, 3), groups=True)


def test_sgd_lr_given_as_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="SGD: lr must be a number, got str '0.1'"):
        tg.optim.SGD(tg.nn.Linear(2, 2).parameters(), lr="0.1")


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("lr", [float("inf"), float("nan"), -0.1])
def test_sgd_with_lr_inf_or_nan_is_refused_without_a_runtime_warning(lr):
    with pytest.raises(ValueError, match="Invalid learning rate"):
        tg.optim.SGD(tg.nn.Linear(2, 2).parameters(), lr=lr, momentum=0.9)


def test_load_state_dict_assign_with_int_arrays_keeps_parameters_floating():
    layer = tg.nn.Linear(2, 2)
    before = layer.weight.array.copy()
    with pytest.raises(TypeError, match="weight would become a int64 parameter that requires grad"):
        layer.load_state_dict({"weight": np.ones((2, 2), np.int64), "bias": np.ones(2, np.int64)},
                              assign=True)
    assert layer.weight.dtype == tg.float32 and np.array_equal(layer.weight.array, before)


def test_shape_mismatches_are_runtime_errors_as_in_pytorch_and_still_value_errors():
    """PyTorch raises RuntimeError for data that does not fit an op; code written against this
    library catches ValueError. The error is both."""
    for call in (lambda: tg.nn.Linear(4, 2)(tg.zeros(3, 5)),
                 lambda: tg.zeros(2, 3) @ tg.zeros(4, 5),
                 lambda: tg.nn.Conv2d(3, 6, 3)(tg.zeros(1, 2, 8, 8))):
        with pytest.raises(RuntimeError) as info:
            call()
        assert isinstance(info.value, ValueError)
