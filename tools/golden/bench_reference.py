#!/usr/bin/python3
"""Benchmarks the reference adder (PyTorch, float32) for comparison with `pnpm bench`.

Run: /usr/bin/python3 tools/golden/bench_reference.py [--threads 2] [--batch 32] [--repeats 3] [--train-steps 2]
       [--train-kind adder|cnn] [--warmup-steps 1] [--skip-layers]

Prints one JSON object: for the three ResNet-20 layer shapes (3x3, stride 1, padding 1) the forward
throughput in G adder-ops/s (one op = one |x - w| accumulate, Cout*Cin*9*N*Ho*Wo per call) and the
forward+backward seconds per layer call; the peak RSS after each (--skip-layers leaves the layers out);
and a whole ResNet-20 training step (forward, cross-entropy, backward, SGD) in images/s, of the
AdderNet (--train-kind adder, the reference adder) or of PyTorch's own CNN (--train-kind cnn: nn.Conv2d,
oneDNN where torch has it). Layer times are the best of `repeats`; the step reports the best and the
median of `train-steps` steps after `warmup-steps` untimed ones, and the median CPU time per step.
"""
import argparse
import json
import os
import platform
import resource
import statistics
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


def bench_train_step(batch, steps, gen, kind="adder", warmup=1):
    torch.manual_seed(0)
    model = cifar_resnet(20, kind=kind)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(batch, 3, 32, 32, generator=gen)
    target = torch.randint(0, 10, (batch,), generator=gen)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), target)
        loss.backward()
        opt.step()

    for _ in range(warmup):
        step()
    times, cpu = [], []
    for _ in range(steps):
        c0, t0 = time.process_time(), time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    t = min(times)
    return {
        "kind": kind,
        "batch": batch,
        "steps": steps,
        "warmup_steps": warmup,
        "step_seconds": t,
        "median_seconds": statistics.median(times),
        "cpu_seconds": statistics.median(cpu),
        "images_per_s": batch / t,
        "mkldnn": torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled,
        "peak_rss_mb": peak_rss_mb(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3, help="timed repetitions per layer measurement (best is kept)")
    ap.add_argument("--train-steps", type=int, default=2, help="timed ResNet-20 training steps (0 skips them)")
    ap.add_argument("--train-kind", choices=["adder", "cnn"], default="adder",
                    help="the trained network: the reference AdderNet, or PyTorch's nn.Conv2d CNN (default adder)")
    ap.add_argument("--warmup-steps", type=int, default=1, help="untimed training steps before the timed ones (default 1)")
    ap.add_argument("--skip-layers", action="store_true", help="leave out the per-layer measurements")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    layers = []
    for name, channels, size in [] if args.skip_layers else LAYERS:
        layers.append(bench_layer(name, channels, size, args.batch, args.repeats, gen))
        print(f"{name}: {layers[-1]['forward_gops_per_s']:.3f} G adder-ops/s forward, "
              f"{layers[-1]['forward_backward_seconds']:.2f} s forward+backward", file=sys.stderr)
    result = {
        "implementation": "PyTorch, float32: the reference adder (tools/golden/reference_adder.py) for the layers and the "
                          "AdderNet step, nn.Conv2d for the CNN step",
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
        result["resnet20_train_step"] = bench_train_step(args.batch, args.train_steps, gen, args.train_kind, args.warmup_steps)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
