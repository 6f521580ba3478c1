#!/usr/bin/python3
"""Benchmarks the reference adder (PyTorch, float32) for comparison with `pnpm bench`.

Run: /usr/bin/python3 tools/golden/bench_reference.py [--threads 2] [--batch 32] [--repeats 3] [--train-steps 2]

Prints one JSON object: for the three ResNet-20 layer shapes (3x3, stride 1, padding 1) the forward
throughput in G adder-ops/s (one op = one |x - w| accumulate, Cout*Cin*9*N*Ho*Wo per call) and the
forward+backward seconds per layer call; the peak RSS after each; and a whole ResNet-20 AdderNet
training step (forward, cross-entropy, backward, SGD) in images/s. Times are the best of `repeats`.
"""
import argparse
import json
import os
import platform
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from reference_adder import adder2d_function  # noqa: E402
from reference_resnet import cifar_resnet  # noqa: E402

LAYERS = [("16->16@32x32", 16, 32), ("32->32@16x16", 32, 16), ("64->64@8x8", 64, 8)]


def peak_rss_mb():
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_layer(name, channels, size, batch, repeats, gen):
    x = torch.randn(batch, channels, size, size, generator=gen)
    w = torch.randn(channels, channels, 3, 3, generator=gen)
    ops = channels * channels * 9 * batch * size * size

    def forward():
        with torch.no_grad():
            adder2d_function(x, w, 1, 1)

    def forward_backward():
        xg = x.clone().requires_grad_()
        wg = w.clone().requires_grad_()
        out = adder2d_function(xg, wg, 1, 1)
        out.backward(torch.ones_like(out))

    forward()  # warm-up
    t_fwd = best_of(repeats, forward)
    t_fb = best_of(repeats, forward_backward)
    return {
        "layer": name,
        "adder_ops": ops,
        "forward_seconds": t_fwd,
        "forward_gops_per_s": ops / t_fwd / 1e9,
        "forward_backward_seconds": t_fb,
        "forward_backward_gops_per_s": ops / t_fb / 1e9,
        "peak_rss_mb": peak_rss_mb(),
    }


def bench_train_step(batch, steps, gen):
    torch.manual_seed(0)
    model = cifar_resnet(20)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(batch, 3, 32, 32, generator=gen)
    target = torch.randint(0, 10, (batch,), generator=gen)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), target)
        loss.backward()
        opt.step()

    step()  # warm-up
    t = best_of(steps, step)
    return {"batch": batch, "step_seconds": t, "images_per_s": batch / t, "peak_rss_mb": peak_rss_mb()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3, help="timed repetitions per layer measurement (best is kept)")
    ap.add_argument("--train-steps", type=int, default=2, help="timed ResNet-20 training steps (0 skips them)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    layers = []
    for name, channels, size in LAYERS:
        layers.append(bench_layer(name, channels, size, args.batch, args.repeats, gen))
        print(f"{name}: {layers[-1]['forward_gops_per_s']:.3f} G adder-ops/s forward, "
              f"{layers[-1]['forward_backward_seconds']:.2f} s forward+backward", file=sys.stderr)
    result = {
        "implementation": "reference adder (PyTorch, float32, tools/golden/reference_adder.py)",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "threads": args.threads,
        "batch": args.batch,
        "repeats": args.repeats,
        "layers": layers,
    }
    if args.train_steps > 0:
        result["resnet20_train_step"] = bench_train_step(args.batch, args.train_steps, gen)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
