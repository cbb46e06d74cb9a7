"""The "training a classifier" tutorial: a LeNet-style Net with torch.flatten(x, 1), SGD with
momentum, running_loss printed every few mini-batches, classes[labels[j]] lines, saving and
reloading the weights, and the accuracy loop with torch.max(outputs.data, 1)."""
import os

import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
import tinygrad_cnn.optim as optim

classes = ('plane', 'car', 'bird', 'cat')
rng = np.random.default_rng(1)
images = rng.standard_normal((48, 3, 16, 16)).astype(np.float32)
labels = rng.integers(0, 4, 48)
images[np.arange(48), labels % 3, :8, :8] += 1.5                    # a learnable signature
trainloader = [(torch.tensor(images[i:i + 4]), torch.tensor(labels[i:i + 4])) for i in range(0, 32, 4)]
testloader = [(torch.tensor(images[i:i + 4]), torch.tensor(labels[i:i + 4])) for i in range(32, 48, 4)]

dataiter = iter(trainloader)
images_batch, labels_batch = next(dataiter)
print(' '.join(f'{classes[labels_batch[j]]:5s}' for j in range(4)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 2 * 2, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 4)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
net.load_state_dict({n: torch.tensor(rng.uniform(-0.2, 0.2, tuple(p.shape)))
                     for n, p in net.named_parameters()}, strict=False)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
losses = []
for epoch in range(4):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels_ = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels_)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 4 == 3:
            print(f'[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 4:.3f}')
            losses.append(running_loss / 4)
            running_loss = 0.0
print('Finished Training')

PATH = './cifar_net.pth'
torch.save(net.state_dict(), PATH)
net = Net()
net.load_state_dict(torch.load(PATH, weights_only=True))
os.remove(PATH)

correct = 0
total = 0
correct_pred = {classname: 0 for classname in classes}
total_pred = {classname: 0 for classname in classes}
with torch.no_grad():
    for data in testloader:
        images_batch, labels_batch = data
        outputs = net(images_batch)
        _, predicted = torch.max(outputs.data, 1)
        total += labels_batch.size(0)
        correct += (predicted == labels_batch).sum().item()
        for label, prediction in zip(labels_batch, predicted):
            if label == prediction:
                correct_pred[classes[label]] += 1
            total_pred[classes[label]] += 1
print(f'Accuracy of the network on the test images: {100 * correct // total} %')
for classname, correct_count in correct_pred.items():
    accuracy = 100 * float(correct_count) / max(total_pred[classname], 1)
    print(f'Accuracy for class: {classname:5s} is {accuracy:.1f} %')
losses.append(correct / total)
