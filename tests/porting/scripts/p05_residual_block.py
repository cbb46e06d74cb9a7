"""A CIFAR-ResNet-style BasicBlock: conv-bn-relu twice, a 1x1 shortcut when the shape changes,
`out += self.shortcut(x)`, then F.relu; a tiny ResNet on top, trained with SGD and weight decay."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
import tinygrad_cnn.optim as optim


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super(BasicBlock, self).__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != self.expansion * planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, self.expansion * planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(self.expansion * planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        out = F.relu(out)
        return out


class TinyResNet(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = nn.Sequential(BasicBlock(8, 8), BasicBlock(8, 16, stride=2))
        self.linear = nn.Linear(16, num_classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer1(out)
        out = F.adaptive_avg_pool2d(out, (1, 1))
        out = out.view(out.size(0), -1)
        return self.linear(out)


rng = np.random.default_rng(4)
net = TinyResNet()
net.load_state_dict({n: torch.tensor(rng.uniform(-0.3, 0.3, tuple(p.shape)))
                     for n, p in net.named_parameters()}, strict=False)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
inputs = torch.tensor(rng.standard_normal((12, 3, 8, 8)), dtype=torch.float32)
targets = torch.tensor(rng.integers(0, 3, 12))
losses = []
for step in range(8):
    net.train()
    optimizer.zero_grad()
    outputs = net(inputs)
    loss = criterion(outputs, targets)
    loss.backward()
    optimizer.step()
    _, predicted = outputs.max(1)
    correct = predicted.eq(targets).sum().item()
    print(f'step {step} Loss: {loss.item():.3f} | Acc: {100. * correct / targets.size(0):.1f}%')
    losses.append(loss.item())
net.eval()
with torch.no_grad():
    losses.append(criterion(net(inputs), targets).item())
FALLS = True
