"""Lesson 2: a PyTorch training script, run on tinygrad_cnn by changing only its imports.

Everything below the import block is plain PyTorch: a model class, a DataLoader loop,
`loss.backward()`, `optimizer.step()`, a learning-rate scheduler, evaluation under `no_grad`, and
a checkpoint saved and loaded back. The test suite runs this very file twice, once as it is and
once with the import block swapped for PyTorch's (where torch is installed), to keep the promise
that PyTorch code ports by changing the imports.

The data are the 1,797 handwritten 8×8 digits bundled with tinygrad_cnn, enlarged to 32×32 for
LeNet-5, split 80/20 keeping each digit's share, scaled to [0, 1] and normalised.

    python tutorials/02_pytorch_style_training.py      # 10 epochs, about a minute on 2 cores
"""
import os
import tempfile

import numpy as np

from tinygrad_cnn.data.datasets import load_digits  # the data source; plain numpy arrays

# --- the import block: the only lines that differ from the PyTorch version ---------------------
import tinygrad_cnn as torch
from tinygrad_cnn import nn, optim
from tinygrad_cnn.nn import functional as F
from tinygrad_cnn.data import DataLoader, TensorDataset
# import torch
# from torch import nn, optim
# from torch.nn import functional as F
# from torch.utils.data import DataLoader, TensorDataset
# ------------------------------------------------------------------------------------------------

QUICK = os.environ.get("TUTORIAL_QUICK") == "1"  # the test suite's short run


class LeNet5(nn.Module):
    """conv(5,6) - pool - conv(5,16) - pool - conv(5,120) - fc(84) - fc(10), on 32×32 inputs."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.conv3 = nn.Conv2d(16, 120, kernel_size=5)
        self.fc1 = nn.Linear(120, 84)
        self.fc2 = nn.Linear(84, num_classes)

    def forward(self, x):                                 # (N, 1, 32, 32)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)        # (N, 6, 14, 14)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)        # (N, 16, 5, 5)
        x = F.relu(self.conv3(x)).flatten(1)              # (N, 120)
        return self.fc2(F.relu(self.fc1(x)))              # (N, 10)


def digits(train):
    images, labels = load_digits(train=train, upsample=True)
    images = images.astype(np.float32) / 16.0
    return torch.tensor((images - 0.2) / 0.3), torch.tensor(labels)


def evaluate(model, loader):
    model.eval()
    correct, total, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
            total += y.shape[0]
    return loss_sum / total, correct / total


def main():
    torch.manual_seed(0)
    train_set, test_set = TensorDataset(*digits(True)), TensorDataset(*digits(False))
    if QUICK:
        train_set = TensorDataset(*train_set[:256])
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)

    model = LeNet5()
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)
    criterion = nn.CrossEntropyLoss()

    epochs = 2 if QUICK else 10
    for epoch in range(epochs):
        model.train()
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
        scheduler.step()
        test_loss, accuracy = evaluate(model, test_loader)
        print(f"epoch {epoch + 1}: last batch loss {loss.item():.3f}, test loss {test_loss:.3f}, "
              f"test accuracy {accuracy:.1%}, lr {scheduler.get_last_lr()[0]:g}")

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lenet5.ckpt")
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
        restored = LeNet5()
        restored.load_state_dict(torch.load(path)["model"])
    assert evaluate(restored, test_loader) == evaluate(model, test_loader)
    print(f"checkpoint reloaded: test accuracy {evaluate(restored, test_loader)[1]:.1%}")
    return accuracy


if __name__ == "__main__":
    main()
