"""Parameter count and forward / forward+backward time of every zoo model at batch 1.

    python benchmarks/bench_models.py                    # every model, best of 3
    python benchmarks/bench_models.py --only resnet18,unet --repeat 5
    python benchmarks/bench_models.py --no-torch         # skip the PyTorch column

Each model runs at its nominal input size (LeNet-5 32×32×1, the seed-003 nets 28×28×1 and
32×32×3, CaffeNet 227×227, the ImageNet networks 224×224, U-Net 128×128) in float32.
"fwd" is inference: eval mode under no_grad. "fwd+bwd" is a training step without the update:
train mode, forward, cross-entropy against class 0, backward to every parameter. A time is the
best of --repeat runs after one warm-up run.

When torch is importable the same architectures are timed in PyTorch where a twin is easy to
get: torchvision's models when torchvision is installed, small hand-written twins for LeNet-5,
the seed nets and CaffeNet. "ratio" is ours / torch for fwd+bwd (lower is better).
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import models  # noqa: E402
import tinygrad_cnn as tg  # noqa: E402
import tinygrad_cnn.nn.functional as F  # noqa: E402

# name in the zoo -> (input shape at batch 1, builder kwargs)
CASES = {
    "lenet5": ((1, 1, 32, 32), {}),
    "seed_net_mnist": ((1, 1, 28, 28), {}),
    "seed_net_cifar": ((1, 3, 32, 32), {}),
    "caffenet": ((1, 3, 227, 227), {}),
    "alexnet": ((1, 3, 224, 224), {}),
    "vgg16": ((1, 3, 224, 224), {}),
    "resnet18": ((1, 3, 224, 224), {}),
    "resnet50": ((1, 3, 224, 224), {}),
    "googlenet": ((1, 3, 224, 224), {}),
    "densenet121": ((1, 3, 224, 224), {}),
    "unet": ((1, 1, 128, 128), {}),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="",
                        help="comma-separated model names to run (default: all of " +
                             ", ".join(CASES) + ")")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case (best kept)")
    parser.add_argument("--no-torch", action="store_true", help="do not time PyTorch")
    args = parser.parse_args()
    args.names = [n.strip() for n in args.only.split(",") if n.strip()] or list(CASES)
    unknown = [n for n in args.names if n not in CASES]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def best_time(fn, repeat: int) -> float:
    fn()  # warm-up: first-touch allocations and BLAS start-up are not the model's cost
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def time_ours(name, shape, kwargs, repeat):
    tg.manual_seed(0)
    net = models.create(name, **kwargs)
    params = sum(p.array.size for p in net.parameters())
    x = tg.tensor(np.random.default_rng(0).standard_normal(shape).astype(np.float32))

    def forward():
        net.eval()
        with tg.no_grad():
            net(x)

    def forward_backward():
        net.train()
        out = net(x)
        target = tg.zeros(*((1,) + out.shape[2:]), dtype=tg.int64)  # class 0 (per pixel for U-Net)
        net.zero_grad()
        F.cross_entropy(out, target).backward()

    return params, best_time(forward, repeat), best_time(forward_backward, repeat)


def torch_twin(name, torch):
    """The same architecture in PyTorch, or None when no twin is at hand."""
    tnn = torch.nn
    if name == "lenet5":  # the defaults: tanh, average pooling
        return tnn.Sequential(tnn.Conv2d(1, 6, 5), tnn.Tanh(), tnn.AvgPool2d(2),
                              tnn.Conv2d(6, 16, 5), tnn.Tanh(), tnn.AvgPool2d(2),
                              tnn.Conv2d(16, 120, 5), tnn.Tanh(), tnn.Flatten(),
                              tnn.Linear(120, 84), tnn.Tanh(), tnn.Linear(84, 10))
    if name.startswith("seed_net"):
        channels, side = (1, 4) if name.endswith("mnist") else (3, 5)
        return tnn.Sequential(tnn.Conv2d(channels, 32, 5), tnn.ReLU(), tnn.MaxPool2d(2),
                              tnn.Conv2d(32, 64, 5), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Flatten(),
                              tnn.Linear(64 * side * side, 100), tnn.ReLU(), tnn.Linear(100, 10))
    if name == "caffenet":
        lrn = lambda: tnn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1.0)  # noqa: E731
        return tnn.Sequential(
            tnn.Conv2d(3, 96, 11, stride=4), tnn.ReLU(), tnn.MaxPool2d(3, 2), lrn(),
            tnn.Conv2d(96, 256, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(3, 2), lrn(),
            tnn.Conv2d(256, 384, 3, padding=1), tnn.ReLU(), tnn.Conv2d(384, 384, 3, padding=1),
            tnn.ReLU(), tnn.Conv2d(384, 256, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(3, 2),
            tnn.Flatten(), tnn.Linear(9216, 4096), tnn.ReLU(), tnn.Dropout(),
            tnn.Linear(4096, 4096), tnn.ReLU(), tnn.Dropout(), tnn.Linear(4096, 1000))
    try:
        import torchvision.models as tv
    except Exception:  # absent, or built for another torch version
        return None
    if not hasattr(tv, name):
        return None
    extra = {"aux_logits": False, "init_weights": False} if name == "googlenet" else {}
    return getattr(tv, name)(weights=None, **extra)


def time_torch(name, shape, repeat, torch):
    net = torch_twin(name, torch)
    if net is None:
        return None, None
    x = torch.tensor(np.random.default_rng(0).standard_normal(shape).astype(np.float32))
    target = torch.zeros(1, dtype=torch.int64)

    def forward():
        net.eval()
        with torch.no_grad():
            net(x)

    def forward_backward():
        net.train()
        net.zero_grad()
        torch.nn.functional.cross_entropy(net(x), target).backward()

    return best_time(forward, repeat), best_time(forward_backward, repeat)


def ms(seconds) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:,.1f}"


def main():
    args = parse_args()
    torch = None
    if not args.no_torch:
        try:
            import torch
            torch.manual_seed(0)
        except ImportError:
            torch = None
    header = ["model", "input", "params", "fwd ms", "fwd+bwd ms"]
    if torch is not None:
        header += ["torch fwd ms", "torch fwd+bwd ms", "ratio"]
    rows = []
    for name in args.names:
        shape, kwargs = CASES[name]
        params, fwd, fwd_bwd = time_ours(name, shape, kwargs, args.repeat)
        row = [name, "×".join(map(str, shape[1:])), f"{params:,}", ms(fwd), ms(fwd_bwd)]
        if torch is not None:
            t_fwd, t_fwd_bwd = time_torch(name, shape, args.repeat, torch)
            ratio = "-" if t_fwd_bwd is None else f"{fwd_bwd / t_fwd_bwd:.1f}"
            row += [ms(t_fwd), ms(t_fwd_bwd), ratio]
        rows.append(row)
        print(f"  done {name}", file=sys.stderr, flush=True)
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) if i < 2 else c.rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    print(f"batch 1, float32, best of {args.repeat}; numpy {np.__version__}"
          + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else ""))
    print(line(header))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


if __name__ == "__main__":
    main()
