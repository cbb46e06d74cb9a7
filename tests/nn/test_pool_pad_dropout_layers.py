"""MaxPool2d(return_indices) with MaxUnpool2d, AdaptiveMaxPool2d, Dropout2d, ZeroPad2d,
ConstantPad2d and Unflatten: argument checks, behaviour, repr (agreement with torch.nn:
tests/torch_parity/test_nn_layers_parity.py)."""
import numpy as np
import pytest

import tinygrad_cnn as tg
from tinygrad_cnn import nn
from tinygrad_cnn.random import get_rng


@pytest.mark.parametrize("make, error, match", [
    (lambda: nn.MaxUnpool2d(0), RuntimeError, "MaxUnpool2d: kernel_size=0"),
    (lambda: nn.MaxUnpool2d(2, padding=-1), RuntimeError, "padding=-1"),
    (lambda: nn.AdaptiveMaxPool2d((1, 2, 3)), RuntimeError, "AdaptiveMaxPool2d: output_size"),
    (lambda: nn.AdaptiveMaxPool2d(0), RuntimeError, "output_size=0"),
    (lambda: nn.Dropout2d(-0.1), ValueError, "Dropout2d: p=-0.1 must be between 0.0 and 1.0"),
    (lambda: nn.ZeroPad2d((1, 2)), ValueError, "ZeroPad2d: padding must be an int or a 4-tuple"),
    (lambda: nn.ZeroPad2d(-1), ValueError, "ZeroPad2d: padding=-1"),
    (lambda: nn.ConstantPad2d(1, "x"), TypeError, "ConstantPad2d: value must be a number"),
    (lambda: nn.Unflatten(1, 4), TypeError, "Unflatten: unflattened_size"),
    (lambda: nn.Unflatten(1, (2, -1, -1)), ValueError, "at most one -1"),
])
def test_bad_arguments_raise_before_drawing_any_random_number(make, error, match):
    state = get_rng().bit_generator.state
    with pytest.raises(error, match=match):
        make()
    assert get_rng().bit_generator.state == state


def test_max_pool_indices_then_unpool_restores_the_maxima():
    pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    x = tg.tensor(np.random.default_rng(0).permutation(50).reshape(1, 2, 5, 5).astype(np.float32))
    y, indices = pool(x)
    assert y.shape == indices.shape == (1, 2, 2, 2) and indices.dtype == np.int64
    restored = unpool(y, indices, output_size=x.shape).detach().numpy()
    kept = restored != 0
    np.testing.assert_array_equal(restored[kept], x.detach().numpy()[kept])
    assert kept.sum() == 8 and unpool(*pool(tg.randn(1, 2, 4, 4))).shape == (1, 2, 4, 4)
    assert repr(unpool) == "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"


def test_adaptive_max_pool_layer():
    x = tg.randn(2, 3, 7, 5)
    assert nn.AdaptiveMaxPool2d((3, None))(x).shape == (2, 3, 3, 5)
    y, indices = nn.AdaptiveMaxPool2d(1, return_indices=True)(x)
    np.testing.assert_array_equal(y.detach().numpy()[..., 0, 0], x.detach().numpy().max(axis=(2, 3)))
    np.testing.assert_array_equal(indices.detach().numpy()[..., 0, 0],
                                  x.detach().numpy().reshape(2, 3, -1).argmax(-1))


def test_dropout2d_layer_train_and_eval():
    tg.manual_seed(0)
    drop = nn.Dropout2d(0.25)
    y = drop(tg.ones(100, 40, 2, 2)).numpy()
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.75], rtol=1e-6)
    assert ((y == 0).all(axis=(2, 3)) | (y != 0).all(axis=(2, 3))).all()
    assert abs((y[:, :, 0, 0] == 0).mean() - 0.25) < 0.03
    x = tg.ones(2, 3, 2, 2)
    assert drop.eval()(x) is x
    assert repr(drop) == "Dropout2d(p=0.25, inplace=False)"


def test_padding_layers():
    x = tg.ones(1, 1, 2, 3)
    y = nn.ConstantPad2d((1, 0, 2, 1), -2.5)(x).detach().numpy()[0, 0]   # (left, right, top, bottom)
    assert y.shape == (5, 4)
    np.testing.assert_array_equal(y[2:4, 1:], np.ones((2, 3)))
    assert (y[:2] == -2.5).all() and (y[4] == -2.5).all() and (y[:, 0] == -2.5).all()
    z = nn.ZeroPad2d(1)(tg.ones(3, 2, 2)).numpy()
    assert z.shape == (3, 4, 4) and z.sum() == 12 and z[:, 0].sum() == 0
    assert repr(nn.ZeroPad2d(1)) == "ZeroPad2d((1, 1, 1, 1))"
    assert repr(nn.ConstantPad2d(2, 3)) == "ConstantPad2d(padding=(2, 2, 2, 2), value=3)"  # as torch
    with pytest.raises(ValueError, match="ZeroPad2d: input must have 3 or 4 dimensions"):
        nn.ZeroPad2d(1)(tg.ones(2, 2))


def test_padding_layer_gradient_is_the_centre():
    x = tg.ones(1, 1, 2, 2, requires_grad=True)
    nn.ZeroPad2d((0, 1, 1, 0))(x).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), np.ones((1, 1, 2, 2)))


def test_unflatten_is_the_inverse_of_flatten():
    x = tg.randn(2, 3, 4, 5)
    flat = nn.Flatten()(x)
    np.testing.assert_array_equal(nn.Unflatten(1, (3, 4, 5))(flat).detach().numpy(), x.detach().numpy())
    assert nn.Unflatten(-1, [2, -1])(tg.zeros(3, 8)).shape == (3, 2, 4)
    assert nn.Unflatten(0, (1, 3))(tg.zeros(3, 8)).shape == (1, 3, 8)
    assert repr(nn.Unflatten(1, (2, 2))) == "Unflatten(dim=1, unflattened_size=(2, 2))"
    with pytest.raises(ValueError, match="does not split dimension 1 of size 8"):
        nn.Unflatten(1, (3, 3))(tg.zeros(2, 8))
    with pytest.raises(ValueError, match="dim=2 is out of range"):
        nn.Unflatten(2, (2, 2))(tg.zeros(2, 4))
