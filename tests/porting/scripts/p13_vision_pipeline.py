"""torchvision idioms: a transforms.Compose pipeline (RandomCrop with padding, flips, ToTensor,
Normalize), FakeData as the dataset, a DataLoader, utils.make_grid / save_image of a batch, and
a models.resnet18(num_classes=...) trained a few steps. Random crops differ between the two
libraries' generators, so only learning is compared (PARITY = False)."""
import os

import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.vision as torchvision
import tinygrad_cnn.vision.transforms as transforms
from tinygrad_cnn.utils.data import DataLoader

PARITY = False
transform_train = transforms.Compose([
    transforms.RandomCrop(16, padding=2),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
])
trainset = torchvision.datasets.FakeData(size=16, image_size=(3, 16, 16), num_classes=2,
                                         transform=transform_train)
trainloader = DataLoader(trainset, batch_size=8, shuffle=True)
images, labels = next(iter(trainloader))
print(images.shape, labels)
grid = torchvision.utils.make_grid(images, nrow=4, normalize=True)
torchvision.utils.save_image(images * 0.2 + 0.5, "batch.png", nrow=4)
assert grid.shape == (3, 2 * 18 + 2, 4 * 18 + 2) and os.path.getsize("batch.png") > 0

net = torchvision.models.resnet18(num_classes=2)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
fixed_images, fixed_labels = images, labels
losses = []
for step in range(4):
    optimizer.zero_grad()
    loss = criterion(net(fixed_images), fixed_labels)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
FALLS = True
