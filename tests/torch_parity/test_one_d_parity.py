"""Conv1d, MaxPool1d, AvgPool1d, AdaptiveAvg/MaxPool1d and BatchNorm1d on (N, C, L) against
torch in float64: outputs, input and weight gradients with torch's weights loaded through
state_dict, reprs, and default initialisation ranges."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn

torch = pytest.importorskip("torch")

X = np.random.default_rng(0).normal(size=(2, 4, 11))


def _run_both(ours, theirs, x=X):
    """Load torch's state into ours, run both on x, backward a shared cotangent; compare."""
    theirs = theirs.double()
    ours.load_state_dict({k: tg.Tensor(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()})
    a, ta = tg.Tensor(x.copy(), requires_grad=True), torch.tensor(x.copy(), requires_grad=True)
    y, ty = ours(a), theirs(ta)
    y, ty = (y[0], ty[0]) if isinstance(ty, tuple) else (y, ty)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-13)
    cot = np.random.default_rng(1).standard_normal(ty.shape)
    y.backward(tg.Tensor(cot))
    ty.backward(torch.tensor(cot))
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-12, atol=1e-13)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-12, atol=1e-12, err_msg=name)
    assert repr(ours) == repr(theirs)


CONV_CASES = [dict(), dict(stride=2, padding=1), dict(dilation=2, groups=2, bias=False),
              dict(padding="same", dilation=2), dict(padding="valid"),
              dict(padding=2, padding_mode="reflect"), dict(padding=1, padding_mode="replicate"),
              dict(padding=3, padding_mode="circular", stride=2)]


@pytest.mark.parametrize("kwargs", CONV_CASES)
def test_conv1d_equals_torch(kwargs):
    _run_both(nn.Conv1d(4, 6, 3, dtype=tg.float64, **kwargs), torch.nn.Conv1d(4, 6, 3, **kwargs))


def test_conv1d_unbatched_and_defaults_equal_torch():
    _run_both(nn.Conv1d(4, 2, 5, dtype=tg.float64), torch.nn.Conv1d(4, 2, 5), X[0])
    ours, theirs = nn.Conv1d(4, 6, 3), torch.nn.Conv1d(4, 6, 3)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.weight.shape == tuple(theirs.weight.shape)
    bound = 1 / np.sqrt(4 * 3)
    assert np.abs(ours.weight.detach().numpy()).max() <= bound
    assert np.abs(ours.bias.detach().numpy()).max() <= bound


@pytest.mark.parametrize("ours, theirs", [
    (nn.MaxPool1d(2), torch.nn.MaxPool1d(2)),
    (nn.MaxPool1d(3, 2, 1, 2, ceil_mode=True), torch.nn.MaxPool1d(3, 2, 1, 2, ceil_mode=True)),
    (nn.MaxPool1d(3, return_indices=True), torch.nn.MaxPool1d(3, return_indices=True)),
    (nn.AvgPool1d(3), torch.nn.AvgPool1d(3)),
    (nn.AvgPool1d(3, 2, 1, True, False), torch.nn.AvgPool1d(3, 2, 1, True, False)),
    (nn.AdaptiveAvgPool1d(4), torch.nn.AdaptiveAvgPool1d(4)),
    (nn.AdaptiveMaxPool1d(5), torch.nn.AdaptiveMaxPool1d(5)),
    (nn.BatchNorm1d(4, dtype=tg.float64), torch.nn.BatchNorm1d(4)),
])
def test_pooling_and_batchnorm_equal_torch(ours, theirs):
    _run_both(ours, theirs)
    if isinstance(ours, nn.MaxPool1d) and ours.return_indices:
        assert ours(tg.Tensor(X))[1].tolist() == theirs(torch.tensor(X))[1].tolist()
    if isinstance(ours, nn.BatchNorm1d):
        np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), rtol=1e-12)
