"""Time conv2d, max_pool2d and linear (forward, and forward + backward) against PyTorch CPU.

    python benchmarks/bench_ops.py              # full run (best of 5)
    python benchmarks/bench_ops.py --quick      # best of 2, smaller cases only: a smoke test
    python benchmarks/bench_ops.py --threads 1  # pin numpy's BLAS and torch to one thread

Every case runs in float32 through the public API (tg.Tensor, F.conv2d, ...). "fwd" is one
forward call with inputs that require grad (so the graph is recorded, as in training);
"fwd+bwd" adds `y.backward(dy)` with a fixed upstream gradient dy. A time is the best of
`--repeat` runs after one warm-up run. When torch is importable it runs the same case in the
same process with the same number of threads, and `ratio` = ours / torch (lower is better).

`peak MB` is the peak of memory allocated through numpy during one fwd+bwd of ours, measured
with tracemalloc (numpy reports its array buffers to it), above what was allocated before the
call: the column matrices, gradients and temporaries. Torch's allocations are not traced.

The header names numpy's BLAS (threadpoolctl) and measures its float32 GEMM rate on this machine
(a 2048^3 product, best of the same repeats); `GFLOP/s` of a convolution counts its multiply-adds
(forward 2*N*F*C*KH*KW*Ho*Wo, fwd+bwd three times that), so `% GEMM` says how close the whole
convolution, copies included, comes to the machine's matrix-multiply rate. 3x3 stride-1
convolutions run Winograd F(2x2, 3x3), which needs 2.25x fewer multiply-adds than that count, so
their `% GEMM` can pass 100. `GEMM share` is the fraction of the op's time spent inside
numpy.matmul (the BLAS products; every product of ops/fast/ goes through it), from one extra
run with numpy.matmul wrapped by a timer: the rest is copies, transforms and Python.
See benchmarks/README.md.
"""
import argparse
import os
import sys
import time
import tracemalloc

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case (best is kept)")
    parser.add_argument("--quick", action="store_true", help="best of 2, skip the large cases")
    parser.add_argument("--threads", type=int, help="BLAS/torch threads (default: numpy's BLAS)")
    parser.add_argument("--only", default="", help="run cases whose name contains this text")
    parser.add_argument("--no-torch", action="store_true", help="do not time PyTorch")
    return parser.parse_args()


ARGS = parse_args()
if ARGS.threads:
    # BLAS libraries read these once, when numpy is first imported: set them before that.
    for var in THREAD_VARS:
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tinygrad_cnn as tg  # noqa: E402
import tinygrad_cnn.nn.functional as F  # noqa: E402

try:
    if ARGS.no_torch:
        raise ImportError
    import torch
    import torch.nn.functional as TF
except ImportError:
    torch = TF = None


def blas_description():
    """numpy's BLAS as threadpoolctl reports it, e.g. 'openblas 0.3.31 (Haswell kernels, pthreads)'."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown BLAS (threadpoolctl not installed)"
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return (f"{pool.get('internal_api')} {pool.get('version')} "
                    f"({pool.get('architecture')} kernels, {pool.get('threading_layer')})")
    return "no BLAS found by threadpoolctl"


def gemm_rate(repeat, size=2048):
    """This machine's float32 matrix-multiply rate through numpy, GFLOP/s (best of `repeat`)."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((size, size)).astype(np.float32) for _ in range(2))
    return 2 * size**3 / best_of(lambda: a @ b, repeat) / 1e6


def blas_threads():
    """How many threads numpy's BLAS uses: threadpoolctl knows for sure; otherwise the usual
    environment variables; otherwise the number of cores (OpenBLAS's and MKL's default)."""
    try:
        from threadpoolctl import threadpool_info
        counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
        if counts:
            return counts[0], "threadpoolctl"
    except ImportError:
        pass
    for var in THREAD_VARS:
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var]), var
    return os.cpu_count() or 1, "os.cpu_count()"


# ----------------------------------------------------------------------------------------------
# Cases: name -> (shapes of the float inputs, our op, torch's op)
# ----------------------------------------------------------------------------------------------
def conv_case(N, C, F_out, H, k, stride=1, padding=0):
    shapes = [(N, C, H, H), (F_out, C, k, k), (F_out,)]
    ours = lambda x, w, b: F.conv2d(x, w, b, stride=stride, padding=padding)  # noqa: E731
    theirs = (lambda x, w, b: TF.conv2d(x, w, b, stride=stride, padding=padding)) if torch else None  # noqa: E731
    Ho = (H + 2 * padding - k) // stride + 1
    return shapes, ours, theirs, 2 * N * F_out * C * k * k * Ho * Ho   # forward flops


def pool_case(shape, k, stride, padding=0):
    ours = lambda x: F.max_pool2d(x, k, stride, padding)  # noqa: E731
    theirs = (lambda x: TF.max_pool2d(x, k, stride, padding)) if torch else None  # noqa: E731
    return [shape], ours, theirs, None


def linear_case(N, I, O):
    theirs = TF.linear if torch else None
    return [(N, I), (O, I), (O,)], F.linear, theirs, 2 * N * I * O


CONV_SIZES = {  # name: (N, C, F, H, k, stride, padding)
    "lenet": (64, 6, 16, 14, 5, 1, 0),
    "resnet": (8, 64, 64, 56, 3, 1, 1),
    "strided": (8, 64, 128, 56, 3, 2, 1),
    "unet": (4, 32, 32, 128, 3, 1, 1),
}
POOL_INPUTS = {"lenet": (64, 6, 14, 14), "resnet": (8, 64, 56, 56), "unet": (4, 32, 128, 128)}
LARGE = ("unet",)


def all_cases(quick):
    cases = {}
    for name, (N, C, F_out, H, k, s, p) in CONV_SIZES.items():
        cases[f"conv2d {name} {N}x{C}x{H}x{H} -> {F_out} k{k} s{s} p{p}"] = conv_case(N, C, F_out, H, k, s, p)
    for name, shape in POOL_INPUTS.items():
        dims = "x".join(map(str, shape))
        cases[f"max_pool2d {name} {dims} k2 s2"] = pool_case(shape, 2, 2)
        cases[f"max_pool2d {name} {dims} k3 s2 p1"] = pool_case(shape, 3, 2, 1)
    cases["linear 64x400 -> 120"] = linear_case(64, 400, 120)
    cases["linear 64x4096 -> 1000"] = linear_case(64, 4096, 1000)
    if quick:
        cases = {k: v for k, v in cases.items() if not any(big in k for big in LARGE)}
    return cases


# ----------------------------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------------------------
def best_of(fn, repeat):
    # Let the other library's worker threads stop spinning first: OpenBLAS and OpenMP threads
    # busy-wait for a while after each parallel region, and on a small machine that steals a
    # core from whoever runs next (it made torch's pooling look 5x slower here).
    time.sleep(0.25)
    fn()  # warm-up: first-touch page faults, BLAS thread start-up, torch's kernel selection
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1e3


def ours_runners(shapes, op, rng):
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    inputs = [tg.Tensor(a, requires_grad=True) for a in arrays]
    dy = tg.Tensor(rng.standard_normal(op(*inputs).shape).astype(np.float32))

    def forward():
        return op(*inputs)

    def forward_backward():
        for t in inputs:
            t.grad = None
        y = op(*inputs)
        y.backward(dy)
        return y

    y = forward_backward()  # stays float32 end to end: a silent upcast would flatter nobody
    for t in [y] + [t.grad for t in inputs]:
        assert t.dtype == np.float32, f"float32 input gave a {t.dtype} result"
    return forward, forward_backward, arrays, dy.numpy()


def torch_runners(arrays, dy, op):
    inputs = [torch.from_numpy(a).requires_grad_(True) for a in arrays]
    dy = torch.from_numpy(dy)

    def forward():
        return op(*inputs)

    def forward_backward():
        for t in inputs:
            t.grad = None
        y = op(*inputs)
        y.backward(dy)
        return y

    return forward, forward_backward


def gemm_share(fn, repeat=3):
    """Fraction of fn's time spent in numpy.matmul, from the fastest of `repeat` timed runs."""
    real, spent = np.matmul, [0.0]

    def timed_matmul(*args, **kwargs):
        start = time.perf_counter()
        result = real(*args, **kwargs)
        spent[0] += time.perf_counter() - start
        return result

    best = None
    np.matmul = timed_matmul
    try:
        for _ in range(repeat):
            spent[0] = 0.0
            start = time.perf_counter()
            fn()
            total = time.perf_counter() - start
            if best is None or total < best[0]:
                best = (total, spent[0])
    finally:
        np.matmul = real
    return best[1] / best[0]


def peak_megabytes(fn):
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 2**20


def main():
    repeat = 2 if ARGS.quick and ARGS.repeat == 5 else ARGS.repeat
    threads, source = (ARGS.threads, "--threads") if ARGS.threads else blas_threads()
    header = f"numpy {np.__version__}, BLAS threads {threads} (from {source})"
    if torch is not None:
        torch.set_num_threads(threads)
        header += f"; torch {torch.__version__} CPU, torch.set_num_threads({threads})"
    else:
        header += "; torch not installed: ours only"
    print(header)
    gemm = gemm_rate(repeat)
    print(f"BLAS: {blas_description()}; float32 GEMM 2048^3: {gemm:.0f} GFLOP/s")
    print(f"float32, best of {repeat} after 1 warm-up; ratio = ours / torch\n")

    rng = np.random.default_rng(0)
    rows = []
    widths = (52, 8, 10, 10, 7, 8, 8, 6, 10)
    columns = ("case", "pass", "ours ms", "torch ms", "ratio", "peak MB", "GFLOP/s", "% GEMM", "GEMM share")
    line = " | ".join(f"{c:<{w}}" if i < 2 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(columns, widths)))
    print(line)
    print("-" * len(line))
    for name, (shapes, op, theirs, flops) in all_cases(ARGS.quick).items():
        if ARGS.only and ARGS.only not in name:
            continue
        forward, forward_backward, arrays, dy = ours_runners(shapes, op, rng)
        peak = peak_megabytes(forward_backward)
        pairs = [("fwd", forward, None), ("fwd+bwd", forward_backward, peak)]
        if theirs is not None:
            t_forward, t_forward_backward = torch_runners(arrays, dy, theirs)
            pairs = [(p, f, m, t) for (p, f, m), t in zip(pairs, (t_forward, t_forward_backward))]
        else:
            pairs = [(p, f, m, None) for p, f, m in pairs]
        for pass_name, fn, mem, t_fn in pairs:
            ours = best_of(fn, repeat)
            cells = [name, pass_name, f"{ours:.2f}"]
            if t_fn is not None:
                ref = best_of(t_fn, repeat)
                cells += [f"{ref:.2f}", f"{ours / ref:.2f}"]
            else:
                cells += ["-", "-"]
            cells.append(f"{mem:.1f}" if mem is not None else "")
            if flops is not None:  # fwd+bwd: the forward product and the two gradient products
                rate = flops * (3 if pass_name == "fwd+bwd" else 1) / ours / 1e6
                cells += [f"{rate:.0f}", f"{100 * rate / gemm:.0f}", f"{100 * gemm_share(fn):.0f}%"]
            rows.append(cells)
            print(" | ".join(f"{c:<{w}}" if i < 2 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(cells, widths))),
                  flush=True)


if __name__ == "__main__":
    main()
