"""Training speed: regutils vs PyTorch on the CPU, the same MLP, milliseconds per step.

A step = forward + loss + backward + L2 penalty + optimizer update, exactly what ``regutils.fit``
does per mini-batch:
- regutils: ``MLP(sizes, keep_prob=0.8, penalty="l2", lam=LAM, dtype=...)`` (inverted dropout,
  p = keep probability, on the hidden layers), ``loss_and_grads``, the NaN check, ``SGD.step``
  with momentum 0.9;
- PyTorch: ``nn.Linear``/``nn.ReLU``/``nn.Dropout(1 - p)`` (PyTorch takes the DROP probability),
  ``CrossEntropyLoss`` + 0.5·λ·Σ‖W‖² over the weights only (added to the loss, so autograd computes
  the same L̃ and gradient as regutils; ``--torch-l2 weight_decay`` uses SGD's weight_decay on a
  weights-only param group instead), ``backward``, ``SGD(momentum=0.9).step``, ``loss.item()``.
Both start from the same weights and train on the same random batches, same dtype, same number of
threads (numpy's BLAS thread count, read with threadpoolctl, is given to torch.set_num_threads).

Timing: time.perf_counter over blocks of steps after warm-up; regutils, PyTorch and the bare
matmuls are interleaved block by block (a shared machine drifts); the median over repeats is
reported with its interquartile range.

GFLOP per step (matmuls only, elementwise work ignored), N = batch, layers d_in -> d_out:
  forward 2·N·Σ d_in·d_out, backward twice that (dW and dX) minus the first layer's dX
  (2·N·d_0·d_1, never computed), so  flops = 6·N·Σ d_in·d_out − 2·N·d_0·d_1.
"matmul GFLOP/s" times np.matmul on exactly these GEMMs (same shapes, same transposes, same
dtype) with nothing else in between: the speed a step would have if it were only its matmuls.

Usage:  python benchmarks/bench_train.py            (3-4 minutes)
        python benchmarks/bench_train.py --quick    (a smoke run, under a minute)
The machine may set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (they pin OpenBLAS to one kernel); the
header prints them and the kernel in use. To let OpenBLAS pick its own kernel:
        env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_train.py
"""
import argparse
import math
import os
import platform
import sys
import time

import numpy as np

import regutils as ru

KEEP_PROB, LAM, LR, MOMENTUM = 0.8, 1e-4, 0.01, 0.9
# (name, sizes, batch, target ratio regutils/PyTorch at float32)
NETS = [("2-64-64-2", [2, 64, 64, 2], 200, 0.5),
        ("64-256-256-10", [64, 256, 256, 10], 128, 0.7),
        ("784-512-512-10", [784, 512, 512, 10], 128, 1.0)]
MIN_SHARE_OF_MATMUL = 0.40  # the MNIST-sized net, float32
N_BATCHES = 8  # steps cycle through this many different random batches


def blas_info():
    """(library, kernel, threads) of numpy's BLAS, from threadpoolctl when it is installed."""
    try:
        import threadpoolctl
    except ImportError:
        return None, None, None
    blas = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
    blas = [lib for lib in blas if "numpy" in lib["filepath"]] or blas  # not torch's MKL
    if not blas:
        return None, None, None
    return blas[0]["internal_api"], blas[0].get("architecture"), blas[0]["num_threads"]


def limit_blas_threads(n):
    try:
        import threadpoolctl
    except ImportError:
        sys.exit("--threads needs threadpoolctl (it comes with scikit-learn); "
                 "or set OPENBLAS_NUM_THREADS")
    threadpoolctl.threadpool_limits(n, user_api="blas")


def flops_per_step(sizes, batch):
    pairs = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return 6 * batch * pairs - 2 * batch * sizes[0] * sizes[1]


def make_batches(sizes, batch, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_BATCHES, batch, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=(N_BATCHES, batch))
    return list(zip(X, y))


def regutils_step(sizes, dtype, batches):
    """A ``step(i)`` function training a regutils MLP on batch i, and the net (for its weights)."""
    net = ru.MLP(sizes, keep_prob=KEEP_PROB, penalty="l2", lam=LAM, seed=0, dtype=dtype)
    opt = ru.SGD(lr=LR, momentum=MOMENTUM)
    params = net.parameters()

    def step(i):  # the body of fit's mini-batch loop
        X, y = batches[i]
        loss, grads = net.loss_and_grads(X, y)
        if not np.isfinite(loss):
            raise FloatingPointError("regutils diverged")
        opt.step(params, grads)

    return step, net


def torch_model(torch, net, dtype, keep_prob):
    """The same MLP in torch, with the weights of the regutils ``net`` copied in."""
    nn = torch.nn
    dense = [layer for layer in net.layers if isinstance(layer, ru.Dense)]
    modules = []
    for i, layer in enumerate(dense):
        W, b = layer.params["W"], layer.params["b"]
        linear = nn.Linear(*W.shape, dtype=getattr(torch, np.dtype(dtype).name))
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if i < len(dense) - 1:
            modules += [nn.ReLU(), nn.Dropout(1 - keep_prob)]  # nn.Dropout takes the DROP prob.
    return nn.Sequential(*modules)


def torch_step(torch, net, dtype, batches, l2="loss"):
    model = torch_model(torch, net, dtype, KEEP_PROB).train()
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    biases = [m.bias for m in model if isinstance(m, torch.nn.Linear)]
    if l2 == "loss":  # λΩ in the loss: autograd adds λW to the weights' gradients
        opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    else:  # torch's (coupled) weight_decay on the weights only: the same update, Ω not computed
        opt = torch.optim.SGD([{"params": weights, "weight_decay": LAM}, {"params": biases}],
                              lr=LR, momentum=MOMENTUM)
    ce = torch.nn.CrossEntropyLoss()
    data = [(torch.from_numpy(X), torch.from_numpy(y)) for X, y in batches]

    def step(i):
        X, y = data[i]
        opt.zero_grad(set_to_none=True)
        loss = ce(model(X), y)
        if l2 == "loss":
            loss = loss + 0.5 * LAM * sum((W * W).sum() for W in weights)
        loss.backward()
        opt.step()
        if not math.isfinite(loss.item()):
            raise FloatingPointError("torch diverged")

    return step, model


def check_same_network(torch, net, model, batches):
    """Before timing: in test mode (no dropout) both give the same L̃ on the first batch."""
    X, y = batches[0]
    net.eval()
    ours = net.loss_and_grads(X, y)[0]
    net.train()
    model.eval()
    with torch.no_grad():
        W2 = sum(float((m.weight.double() ** 2).sum()) for m in model if hasattr(m, "weight"))
        theirs = float(torch.nn.functional.cross_entropy(model(torch.from_numpy(X)),
                                                         torch.from_numpy(y))) + 0.5 * LAM * W2
    model.train()
    tol = 1e-4 if X.dtype == np.float32 else 1e-10
    if not math.isclose(ours, theirs, rel_tol=tol):
        raise AssertionError(f"regutils and torch disagree before training: {ours} vs {theirs}")


def matmul_step(sizes, batch, dtype, seed=1):
    """Only the GEMMs of one training step (forward, dW = X.T @ dout, dX = dout @ W.T)."""
    rng = np.random.default_rng(seed)
    Ws = [rng.standard_normal((a, b)).astype(dtype) for a, b in zip(sizes[:-1], sizes[1:])]
    Xs = [rng.standard_normal((batch, a)).astype(dtype) for a in sizes[:-1]]
    Ds = [rng.standard_normal((batch, b)).astype(dtype) for b in sizes[1:]]

    def step(i):
        for X, W in zip(Xs, Ws):
            X @ W
        for k in range(len(Ws) - 1, -1, -1):
            Xs[k].T @ Ds[k]
            if k > 0:
                Ds[k] @ Ws[k].T

    return step


def time_block(step, n_steps):
    """Milliseconds per step over one block of n_steps."""
    start = time.perf_counter()
    for i in range(n_steps):
        step(i % N_BATCHES)
    return (time.perf_counter() - start) / n_steps * 1e3


def measure(steps, repeats, block_seconds, warmup_seconds, pause):
    """Median and quartiles (ms/step) of each step function, blocks interleaved.

    Before each block we sleep ``pause`` seconds (not timed): idle OpenBLAS and OpenMP workers
    keep spinning for a while after their last job, and would steal a core from the next block.
    """
    sizes = {}
    for name, step in steps.items():  # warm up and choose a block size lasting ~block_seconds
        n, elapsed = 1, 0.0
        while elapsed < warmup_seconds:
            elapsed += time_block(step, n) * n / 1e3
            n *= 2
        per_step = time_block(step, 3) / 1e3
        sizes[name] = max(3, int(block_seconds / per_step))
    times = {name: [] for name in steps}
    for r in range(repeats):
        order = list(steps) if r % 2 == 0 else list(steps)[::-1]
        for name in order:
            time.sleep(pause)
            steps[name](0)  # one untimed step wakes the worker threads
            times[name].append(time_block(steps[name], sizes[name]))
    return {name: np.percentile(t, [50, 25, 75]) for name, t in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run (noisy numbers)")
    parser.add_argument("--repeats", type=int, help="timed blocks per measurement (default 21)")
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    parser.add_argument("--threads", type=int,
                        help="threads for numpy's BLAS and torch (default: what numpy's BLAS uses)")
    parser.add_argument("--torch-l2", choices=["loss", "weight_decay"], default="loss",
                        help="how torch gets the L2 term (default: 0.5*lam*sum(W**2) in the loss)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 21)
    block, warmup, pause = (0.03, 0.05, 0.05) if args.quick else (0.15, 0.3, 0.1)

    try:
        import torch
    except ImportError:
        torch = None
    if args.threads:
        limit_blas_threads(args.threads)
    blas, kernel, blas_threads = blas_info()
    if torch is not None:
        torch.set_num_threads(args.threads or blas_threads or torch.get_num_threads())

    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                      "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS") if k in os.environ}
    print(f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}, regutils {ru.__version__}")
    print(f"CPU: {platform.processor() or platform.machine()}, os.cpu_count() = {os.cpu_count()}")
    print(f"numpy BLAS: {blas or 'unknown (threadpoolctl not installed)'}, kernel {kernel}, "
          f"{blas_threads} threads; torch threads: {torch.get_num_threads() if torch else '-'}")
    print(f"environment: {env or 'no OPENBLAS_*/OMP_* variables set'}")
    print(f"step: SGD(lr={LR}, momentum={MOMENTUM}), inverted dropout keep_prob={KEEP_PROB} on "
          f"hidden layers, L2 lam={LAM} on weights (torch: {args.torch_l2}); "
          f"{repeats} repeats{', QUICK' if args.quick else ''}\n")

    rows, verdicts = [], []
    for name, sizes, batch, target in NETS:
        for dtype in args.dtypes:
            batches = make_batches(sizes, batch, dtype)
            steps = {}
            steps["regutils"], net = regutils_step(sizes, dtype, batches)
            if torch is not None:
                steps["torch"], model = torch_step(torch, net, dtype, batches, args.torch_l2)
                check_same_network(torch, net, model, batches)
            steps["matmul"] = matmul_step(sizes, batch, dtype)
            with np.errstate(over="raise", invalid="raise"):  # never time NaN arithmetic
                t = measure(steps, repeats, block, warmup, pause)
            gflop = flops_per_step(sizes, batch) / 1e9
            ours, theirs = t["regutils"], t.get("torch")
            share = t["matmul"][0] / ours[0]  # = regutils GFLOP/s / matmul GFLOP/s
            ratio = ours[0] / theirs[0] if theirs is not None else float("nan")
            rows.append((name, batch, dtype, ours, theirs, ratio,
                         gflop / ours[0] * 1e3, gflop / t["matmul"][0] * 1e3, share))
            if dtype == "float32":
                verdicts.append((f"{name} float32: ratio {ratio:.2f} <= {target}",
                                 ratio <= target))
                if sizes[0] == 784:
                    verdicts.append((f"{name} float32: {share:.0%} of matmul GFLOP/s >= "
                                     f"{MIN_SHARE_OF_MATMUL:.0%}", share >= MIN_SHARE_OF_MATMUL))
            print(f"  measured {name} {dtype}", file=sys.stderr)

    def ms(q):
        return "-" if q is None else f"{q[0]:.3f} ({q[1]:.3f}–{q[2]:.3f})"

    print("| network | batch | dtype | regutils ms/step (IQR) | PyTorch ms/step (IQR) "
          "| regutils/PyTorch | regutils GFLOP/s | matmul GFLOP/s | share of matmul |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for name, batch, dtype, ours, theirs, ratio, gf, gf_mm, share in rows:
        print(f"| {name} | {batch} | {dtype} | {ms(ours)} | {ms(theirs)} | {ratio:.2f} "
              f"| {gf:.1f} | {gf_mm:.1f} | {share:.0%} |")
    print()
    for text, ok in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
