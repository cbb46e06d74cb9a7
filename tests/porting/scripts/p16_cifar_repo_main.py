"""The main.py of a popular CIFAR-10 ResNet repository, data source swapped for arrays: argparse
options, `device = 'cuda' if torch.cuda.is_available() else 'cpu'`, DataParallel and
cudnn.benchmark only on CUDA, best-accuracy checkpoints {'net', 'acc', 'epoch'} under
./checkpoint, --resume from them, CosineAnnealingLR, and `global best_acc` in test()."""
import argparse
import os

import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.backends.cudnn as cudnn
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
import tinygrad_cnn.optim as optim
from tinygrad_cnn.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser(description='PyTorch CIFAR10 Training')
parser.add_argument('--lr', default=0.1, type=float, help='learning rate')
parser.add_argument('--resume', '-r', action='store_true', help='resume from checkpoint')
args = parser.parse_args([])

device = 'cuda' if torch.cuda.is_available() else 'cpu'
best_acc = 0
start_epoch = 0

rng = np.random.default_rng(16)
images = rng.standard_normal((48, 3, 8, 8)).astype(np.float32)
targets = rng.integers(0, 3, 48)
images[np.arange(48), targets, 2:6, 2:6] += 1.0
trainloader = DataLoader(TensorDataset(torch.tensor(images[:32]), torch.tensor(targets[:32])),
                         batch_size=8, shuffle=False, num_workers=2)
testloader = DataLoader(TensorDataset(torch.tensor(images[32:]), torch.tensor(targets[32:])),
                        batch_size=8, shuffle=False, num_workers=2)


class SimpleNet(nn.Module):
    def __init__(self, num_classes=3):
        super(SimpleNet, self).__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.linear = nn.Linear(8 * 4 * 4, num_classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.avg_pool2d(out, 2)
        out = out.view(out.size(0), -1)
        return self.linear(out)


print('==> Building model..')
net = SimpleNet()
net.load_state_dict({n: torch.tensor(rng.uniform(-0.3, 0.3, tuple(p.shape)))
                     for n, p in net.named_parameters()}, strict=False)
net = net.to(device)
if device == 'cuda':
    net = torch.nn.DataParallel(net)
    cudnn.benchmark = True

if args.resume:
    print('==> Resuming from checkpoint..')
    assert os.path.isdir('checkpoint'), 'Error: no checkpoint directory found!'
    checkpoint = torch.load('./checkpoint/ckpt.pth')
    net.load_state_dict(checkpoint['net'])
    best_acc = checkpoint['acc']
    start_epoch = checkpoint['epoch']

criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=200)
losses = []


def train(epoch):
    print('\nEpoch: %d' % epoch)
    net.train()
    train_loss = 0
    correct = 0
    total = 0
    for batch_idx, (inputs, targets) in enumerate(trainloader):
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        train_loss += loss.item()
        _, predicted = outputs.max(1)
        total += targets.size(0)
        correct += predicted.eq(targets).sum().item()
    print('Loss: %.3f | Acc: %.3f%% (%d/%d)' % (train_loss / (batch_idx + 1),
                                               100. * correct / total, correct, total))
    losses.append(train_loss / (batch_idx + 1))


def test(epoch):
    global best_acc
    net.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for batch_idx, (inputs, targets) in enumerate(testloader):
            inputs, targets = inputs.to(device), targets.to(device)
            outputs = net(inputs)
            _, predicted = outputs.max(1)
            total += targets.size(0)
            correct += predicted.eq(targets).sum().item()
    acc = 100. * correct / total
    if acc > best_acc:
        print('Saving..')
        state = {'net': net.state_dict(), 'acc': acc, 'epoch': epoch}
        if not os.path.isdir('checkpoint'):
            os.mkdir('checkpoint')
        torch.save(state, './checkpoint/ckpt.pth')
        best_acc = acc


for epoch in range(start_epoch, start_epoch + 5):
    train(epoch)
    test(epoch)
    scheduler.step()
checkpoint = torch.load('./checkpoint/ckpt.pth')
assert checkpoint['acc'] == best_acc and set(checkpoint['net']) == set(net.state_dict())
extras = [best_acc, scheduler.get_last_lr()[0]]
FALLS = True
