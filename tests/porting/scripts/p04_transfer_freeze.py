"""The transfer-learning tutorial's fine-tuning pattern: a "pretrained" feature extractor frozen
with requires_grad = False (and requires_grad_(False)), a new head whose parameters alone go to
the optimizer, train/val phases under torch.set_grad_enabled(phase == 'train'), StepLR, and
running_corrects summed with torch.sum(preds == labels.data)."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.nn as nn
import tinygrad_cnn.optim as optim
from tinygrad_cnn.optim import lr_scheduler

rng = np.random.default_rng(3)
features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten())
features.load_state_dict({n: torch.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)))
                          for n, p in features.named_parameters()}, strict=False)
for param in features.parameters():
    param.requires_grad = False
features[1].requires_grad_(False)


class Finetuned(nn.Module):
    def __init__(self, backbone, num_ftrs):
        super().__init__()
        self.backbone = backbone
        self.fc = nn.Linear(num_ftrs, 2)

    def forward(self, x):
        return self.fc(self.backbone(x))


model_ft = Finetuned(features, 32)
model_ft.fc.load_state_dict({"weight": torch.tensor(rng.uniform(-0.1, 0.1, (2, 32))),
                             "bias": torch.zeros(2)})
criterion = nn.CrossEntropyLoss()
optimizer_ft = optim.SGD(model_ft.fc.parameters(), lr=0.1, momentum=0.9)
exp_lr_scheduler = lr_scheduler.StepLR(optimizer_ft, step_size=4, gamma=0.5)

images = rng.standard_normal((40, 3, 6, 6)).astype(np.float32)
targets = (images[:, 0].mean(axis=(1, 2)) > 0).astype(np.int64)
dataloaders = {"train": [(torch.tensor(images[i:i + 8]), torch.tensor(targets[i:i + 8]))
                         for i in range(0, 32, 8)],
               "val": [(torch.tensor(images[32:]), torch.tensor(targets[32:]))]}
dataset_sizes = {"train": 32, "val": 8}
losses = []
for epoch in range(6):
    for phase in ['train', 'val']:
        if phase == 'train':
            model_ft.train()
        else:
            model_ft.eval()
        running_loss = 0.0
        running_corrects = 0
        for inputs, labels in dataloaders[phase]:
            optimizer_ft.zero_grad()
            with torch.set_grad_enabled(phase == 'train'):
                outputs = model_ft(inputs)
                _, preds = torch.max(outputs, 1)
                loss = criterion(outputs, labels)
                if phase == 'train':
                    loss.backward()
                    optimizer_ft.step()
            running_loss += loss.item() * inputs.size(0)
            running_corrects += torch.sum(preds == labels.data)
        if phase == 'train':
            exp_lr_scheduler.step()
        epoch_loss = running_loss / dataset_sizes[phase]
        epoch_acc = running_corrects.double() / dataset_sizes[phase]
        print(f'{phase} Loss: {epoch_loss:.4f} Acc: {epoch_acc:.4f}')
        if phase == 'train':
            losses.append(epoch_loss)
assert all(p.grad is None for p in features.parameters())
FALLS = True
