"""Training throughput (samples/s) and peak memory of LeNet-5, the seed-003 net and ResNet-18
(CIFAR stem), against PyTorch CPU on the same recipe when torch is installed.

    python benchmarks/bench_train.py                 # 150 timed batches per run (ResNet-18: 6)
    python benchmarks/bench_train.py --batches 40    # a quick look
    python benchmarks/bench_train.py --epoch         # one whole Fashion-MNIST epoch per run
    python benchmarks/bench_train.py --only resnet   # one model

The recipe is the one of the accuracy figures in the README: batch 64, SGD(lr=0.01,
momentum=0.9), cross-entropy, float32, 28×28 single-channel images (Fashion-MNIST when its files
are on this machine, else random images of the same shape: the speed does not depend on the
pixels). ResNet-18 with the CIFAR stem (3×3 first conv, no max-pool) trains on random 3×32×32
images at batch 128, 10 classes, the course's CIFAR set-up, for RESNET_BATCHES batches.
A step is forward, loss, zero_grad, backward and optimizer step, as in any training loop.

Every (framework, model) pair runs in its own fresh Python process, so one library's memory and
worker threads cannot disturb the other's figures. `peak MB` is the growth of the process's
peak resident memory (VmHWM) from just before the first step to the end: the activations,
saved tensors, gradients and optimizer state a training step needs, measured the same way for
both libraries. `ratio` = ours / torch for time per sample (lower is better).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
MODELS = ("lenet5", "seed_net_mnist", "resnet18_cifar")
BATCH = {"lenet5": 64, "seed_net_mnist": 64, "resnet18_cifar": 128}
RESNET_BATCHES, RESNET_WARMUP = 6, 2   # a ResNet-18 step takes seconds: fewer, longer samples


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=150, help="timed batches per run")
    parser.add_argument("--warmup", type=int, default=5, help="untimed batches before timing")
    parser.add_argument("--epoch", action="store_true", help="time one whole epoch (60,000 images)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="BLAS/torch threads")
    parser.add_argument("--no-torch", action="store_true", help="do not run PyTorch")
    parser.add_argument("--only", default="", help="run the models whose name contains this text")
    parser.add_argument("--worker", nargs=2, metavar=("FRAMEWORK", "MODEL"), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image and starts afresh
    at exec; ru_maxrss (the fallback off Linux) can carry over the parent's peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def load_images(limit):
    """(images (N, 1, 28, 28) float32 normalised, labels (N,) int64, source name)."""
    import numpy as np
    sys.path.insert(0, ROOT)
    from tinygrad_cnn.data.datasets import DatasetNotFoundError
    from tinygrad_cnn.train.data import load
    try:
        data = load("fashion_mnist")
        x, y = data.train.tensors
        return np.asarray(x)[:limit], np.asarray(y)[:limit], "Fashion-MNIST"
    except DatasetNotFoundError:
        rng = np.random.default_rng(0)
        return (rng.standard_normal((limit, 1, 28, 28)).astype(np.float32),
                rng.integers(0, 10, limit), "random 28×28 images")


def build_ours(name):
    sys.path.insert(0, ROOT)
    import models
    import tinygrad_cnn as tg
    tg.manual_seed(0)
    if name == "lenet5":
        net = models.create("lenet5", activation="relu", pooling="max", padding=2)
    elif name == "resnet18_cifar":
        net = models.create("resnet18", cifar_stem=True, num_classes=10)
    else:
        net = models.create(name)
    optimizer = tg.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    to_tensor = tg.tensor
    loss_fn = tg.nn.functional.cross_entropy
    return net, optimizer, to_tensor, loss_fn


def build_torch(name):
    """The same architectures in torch (the layer tables of models/lenet.py)."""
    import torch
    from torch import nn
    torch.manual_seed(0)
    if name == "resnet18_cifar":
        net = torch_resnet18_cifar()
    elif name == "lenet5":
        net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(16, 120, 5), nn.ReLU(), nn.Flatten(),
                            nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    else:
        net = nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(64 * 4 * 4, 100), nn.ReLU(), nn.Linear(100, 10))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    return net, optimizer, torch.from_numpy, nn.functional.cross_entropy


def torch_resnet18_cifar():
    """torchvision's ResNet-18 layout (BasicBlock x [2, 2, 2, 2]) with the CIFAR stem of
    models/resnet.py, written out so the benchmark does not need torchvision."""
    from torch import nn

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU()
            self.downsample = None if stride == 1 and cin == cout else nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + (x if self.downsample is None else self.downsample(x)))

    layers = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


def worker(framework, name, args):
    """Train in this process and print one JSON line with the measurements."""
    import numpy as np
    batch = BATCH[name]
    batches, warmup = batch_counts(name, args)
    # Memory-mapped: the data set adds only the pages of the batches read, not a load-time peak
    # that would hide the training step's own memory in ru_maxrss.
    images = np.load(os.path.join(args.data_dir, f"{name}_images.npy"), mmap_mode="r")
    labels = np.load(os.path.join(args.data_dir, f"{name}_labels.npy"), mmap_mode="r")
    if framework == "torch":
        import torch
        torch.set_num_threads(args.threads)
        net, optimizer, to_tensor, loss_fn = build_torch(name)
    else:
        net, optimizer, to_tensor, loss_fn = build_ours(name)
    n_params = sum(int(p.numel()) for p in net.parameters())
    net.train()

    def step(i):
        x = to_tensor(np.array(images[i * batch:(i + 1) * batch]))
        y = to_tensor(np.array(labels[i * batch:(i + 1) * batch]))
        loss = loss_fn(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    base = peak_rss_mb()
    for i in range(warmup):
        step(i)
    start = time.perf_counter()
    for i in range(warmup, warmup + batches):
        last_loss = step(i)
    seconds = time.perf_counter() - start
    print(json.dumps({"samples_per_s": batches * batch / seconds, "seconds": seconds,
                      "samples": batches * batch, "peak_mb": peak_rss_mb() - base,
                      "params": n_params, "loss": last_loss}))


def batch_counts(name, args):
    """(timed batches, warm-up batches) of one model's run."""
    if name == "resnet18_cifar":
        return RESNET_BATCHES, RESNET_WARMUP
    return (60000 // BATCH[name] if args.epoch else args.batches), args.warmup


def save_data(name, args):
    """Write the images and labels one model's workers read; returns the data's description."""
    import numpy as np
    batches, warmup = batch_counts(name, args)
    count = (batches + warmup) * BATCH[name]
    if name == "resnet18_cifar":
        rng = np.random.default_rng(0)
        images = rng.standard_normal((count, 3, 32, 32)).astype(np.float32)
        labels, source = rng.integers(0, 10, count), "random 3×32×32 images"
    else:
        images, labels, source = load_images(count)
    np.save(os.path.join(args.data_dir, f"{name}_images.npy"), images)
    np.save(os.path.join(args.data_dir, f"{name}_labels.npy"), labels.astype(np.int64))
    return source


def run_worker(framework, name, args):
    command = [sys.executable, os.path.abspath(__file__), "--worker", framework, name,
               "--batches", str(args.batches), "--warmup", str(args.warmup),
               "--threads", str(args.threads), "--data-dir", args.data_dir]
    command += ["--epoch"] if args.epoch else []
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
               OPENBLAS_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{framework} {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        worker(*args.worker, args)
        return
    frameworks = ["ours"] + (["torch"] if not args.no_torch and torch_available() else [])
    amount = "one epoch" if args.epoch else f"{args.batches} batches"
    print(f"batch 64 (ResNet-18: 128), SGD momentum 0.9, float32, {amount} after {args.warmup} "
          f"warm-up batches (ResNet-18: {RESNET_BATCHES} after {RESNET_WARMUP}), "
          f"{args.threads} threads; each run in a fresh process")
    if frameworks == ["ours"]:
        print("torch not installed: ours only")
    results, sources = {}, {}
    names = [name for name in MODELS if args.only in name]
    with tempfile.TemporaryDirectory() as data_dir:
        args.data_dir = data_dir
        for name in names:
            sources[name] = save_data(name, args)
            for framework in frameworks:
                print(f"  running {framework} {name} ...", file=sys.stderr, flush=True)
                results[name, framework] = run_worker(framework, name, args)
    print("data: " + "; ".join(f"{name}: {source}" for name, source in sources.items()) + "\n")
    columns = ("model", "params", "ours samples/s", "torch samples/s", "ratio", "ours peak MB",
               "torch peak MB", "mem ratio")
    widths = (16, 10, 15, 16, 6, 13, 14, 10)
    header = " | ".join(f"{c:>{w}}" if i else f"{c:<{w}}" for i, (c, w) in enumerate(zip(columns, widths)))
    print(header)
    print("-" * len(header))
    for name in names:
        ours = results[name, "ours"]
        theirs = results.get((name, "torch"))
        cells = [name, f"{ours['params']:,}", f"{ours['samples_per_s']:.0f}",
                 f"{theirs['samples_per_s']:.0f}" if theirs else "-",
                 f"{theirs['samples_per_s'] / ours['samples_per_s']:.2f}" if theirs else "-",
                 f"{ours['peak_mb']:.0f}", f"{theirs['peak_mb']:.0f}" if theirs else "-",
                 f"{ours['peak_mb'] / theirs['peak_mb']:.2f}" if theirs else "-"]
        print(" | ".join(f"{c:>{w}}" if i else f"{c:<{w}}" for i, (c, w) in enumerate(zip(cells, widths))))


if __name__ == "__main__":
    main()
