"""The lines around the model that every script has: device selection with cuda / mps /
accelerator, cudnn flags, .to(device, dtype), dtypes compared and printed, .type(), Size
checks, int(t) and classes[t], f"{loss:.4f}", torch.manual_seed and torch.cuda.manual_seed."""
import numpy as np
import tinygrad_cnn as torch
import tinygrad_cnn.backends.cudnn as cudnn
import tinygrad_cnn.nn as nn

torch.manual_seed(12)
torch.cuda.manual_seed_all(12)
cudnn.benchmark = True
cudnn.deterministic = True
if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
assert device.type == "cpu" and torch.cuda.device_count() == 0 and str(device) == "cpu"

x = torch.tensor(np.linspace(-1, 1, 12).reshape(3, 4), dtype=torch.float32).to(device)
assert x.dtype == torch.float32 and x.dtype != torch.float64 and x.is_floating_point()
print(x.dtype, x.shape, x.size(), x.size(-1), x.double().dtype, torch.float)
assert str(x.dtype) == "torch.float32" and x.size() == torch.Size([3, 4]) and x.shape[1:] == (4,)
labels = torch.tensor([2, 0, 1])
assert labels.dtype == torch.long == torch.int64 and labels.type() == "torch.LongTensor"
classes = ["a", "b", "c"]
print([classes[label] for label in labels], int(labels[0]), labels.tolist())

model = nn.Linear(4, 3).to(device, dtype=torch.float64)
model.load_state_dict({"weight": torch.tensor(np.full((3, 4), 0.1)), "bias": torch.zeros(3)})
out = model(x.to(device, dtype=torch.float64))
assert out.dtype == torch.float64
loss = nn.functional.cross_entropy(out, labels)
print(f"loss: {loss:.4f} ({loss.item():>8f}) as {loss.dtype}")
half = torch.zeros(2, dtype=torch.half)
as_int = x.type(torch.int32)
losses = [loss.item()]
extras = [float(as_int.sum()), float(half.element_size()), float(x.mean()),
          float(torch.zeros(2, 3, device=device).numel()), float(torch.arange(5).float().mean())]
assert torch.arange(5.0).dtype == torch.float32 and torch.arange(5).dtype == torch.int64
assert torch.full((2,), 7).dtype == torch.long and torch.ones(2, dtype=torch.bool).all()
