"""pytorch/examples' MNIST script: a Net with Dropout and log_softmax, Adadelta with StepLR,
the accelerator / cudnn / mps device preamble, output.argmax(dim=1, keepdim=True) and
pred.eq(target.view_as(pred)).sum().item() in the test loop. Dropout draws masks, so the two
libraries' runs differ (PARITY = False); both must learn."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
import tinygrad_cnn.optim as optim
from tinygrad_cnn.optim.lr_scheduler import StepLR
from tinygrad_cnn.utils.data import DataLoader, TensorDataset

PARITY = False
FALLS = True


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % 4 == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
        test_loss, correct, len(test_loader.dataset), 100. * correct / len(test_loader.dataset)))
    return test_loss


use_accel = torch.accelerator.is_available()
torch.manual_seed(1)
if torch.cuda.is_available():
    torch.backends.cudnn.benchmark = True
device = torch.accelerator.current_accelerator() if use_accel else torch.device("cpu")
if torch.backends.mps.is_available():
    device = torch.device("mps")

rng = np.random.default_rng(2)
targets = rng.integers(0, 10, 160)
images = rng.standard_normal((160, 1, 14, 14)).astype(np.float32) * 0.3
images[np.arange(160), 0, targets, :] += 1.0                        # the label is a bright row
train_kwargs = {'batch_size': 16}
test_kwargs = {'batch_size': 40}
dataset1 = TensorDataset(torch.tensor(images[:120]), torch.tensor(targets[:120]))
dataset2 = TensorDataset(torch.tensor(images[120:]), torch.tensor(targets[120:]))
train_loader = DataLoader(dataset1, **train_kwargs)
test_loader = DataLoader(dataset2, **test_kwargs)

model = Net().to(device)
optimizer = optim.Adadelta(model.parameters(), lr=1.0)
scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
losses = [test(model, device, test_loader)]
for epoch in range(1, 5):
    train(model, device, train_loader, optimizer, epoch)
    losses.append(test(model, device, test_loader))
    scheduler.step()
torch.save(model.state_dict(), "mnist_cnn.pt")
