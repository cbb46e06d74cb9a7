"""Started from identical weights and batch order, training LeNet-5 with SGD(momentum) gives the
same losses as PyTorch, to float32 rounding."""
import numpy as np
import pytest

import models
import tinygrad_cnn as tg
from tinygrad_cnn.data import DataLoader, TensorDataset

torch = pytest.importorskip("torch")


def _torch_lenet(net):
    """The same architecture in torch, with `net`'s weights copied in (same state-dict keys)."""
    tnn = torch.nn

    class TorchLeNet5(tnn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = tnn.Conv2d(1, 6, 5, padding=2), tnn.Conv2d(6, 16, 5)
            self.conv3 = tnn.Conv2d(16, 120, 5)
            self.fc1, self.fc2 = tnn.Linear(120, 84), tnn.Linear(84, 10)

        def forward(self, x):
            f = torch.nn.functional
            x = f.max_pool2d(f.relu(self.conv1(x)), 2)
            x = f.max_pool2d(f.relu(self.conv2(x)), 2)
            x = f.relu(self.conv3(x)).flatten(1)
            return self.fc2(f.relu(self.fc1(x)))

    twin = TorchLeNet5()
    twin.load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in net.state_dict().items()})
    return twin


def test_first_training_losses_equal_pytorchs():
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    images = rng.standard_normal((320, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, 320)
    net = models.create("lenet5", activation="relu", pooling="max", padding=2)
    twin = _torch_lenet(net)
    ours = tg.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    theirs = torch.optim.SGD(twin.parameters(), lr=0.01, momentum=0.9)
    loader = DataLoader(TensorDataset(images, labels), batch_size=64, shuffle=True, seed=0)
    for x, y in loader:  # the same batches, in the same order, for both
        loss = tg.nn.functional.cross_entropy(net(x), y)
        ours.zero_grad()
        loss.backward()
        ours.step()
        twin_loss = torch.nn.functional.cross_entropy(twin(torch.tensor(x.detach().numpy())),
                                                      torch.tensor(y.detach().numpy()))
        theirs.zero_grad()
        twin_loss.backward()
        theirs.step()
        assert loss.item() == pytest.approx(twin_loss.item(), rel=1e-5)
