"""The data tutorial's custom Dataset: __init__/__len__/__getitem__ with transform and
target_transform (a Lambda making one-hot targets), a DataLoader, next(iter(...)) with
.size() prints, then a small model trained with MSELoss on the one-hot targets."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn.utils.data import DataLoader, Dataset


class ArrayImageDataset(Dataset):
    def __init__(self, images, labels, transform=None, target_transform=None):
        self.images = images
        self.img_labels = labels
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        image = self.images[idx]
        label = int(self.img_labels[idx])
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


rng = np.random.default_rng(5)
raw = rng.integers(0, 256, (30, 1, 6, 6)).astype(np.uint8)
labels = (raw[:, 0, :, :3].mean(axis=(1, 2)) > raw[:, 0, :, 3:].mean(axis=(1, 2))).astype(np.int64)
training_data = ArrayImageDataset(
    raw, labels,
    transform=lambda a: torch.tensor(a, dtype=torch.float32) / 255,
    target_transform=lambda y: F.one_hot(torch.tensor(y), num_classes=2).float())
train_dataloader = DataLoader(training_data, batch_size=10, shuffle=False)
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
assert train_features.size() == (10, 1, 6, 6) and train_labels.shape == (10, 2)

model = nn.Sequential(nn.Flatten(), nn.Linear(36, 2))
model.load_state_dict({n: torch.tensor(rng.uniform(-0.1, 0.1, tuple(p.shape)))
                       for n, p in model.named_parameters()}, strict=False)
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
losses = []
for epoch in range(5):
    total = 0.0
    for X, y in train_dataloader:
        pred = model(X)
        loss = loss_fn(pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    losses.append(total / len(train_dataloader))
FALLS = True
