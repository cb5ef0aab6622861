"""Slider latency of the explorer panels in the kernel: from a value change to the first picture
and to the final one, and live mode's figure updates per second.

    .venv/bin/python benchmarks/bench_panels.py [--moves 12] [--ticks 60] [--quick]

Each panel is built headless (ipywidgets work without a front end), its picture widget connected
to a stand-in for the browser's view that reports each frame painted at once (so every picture is
rendered and its PNG diff made and sent at once: ``picture.HeadlessView``), and
runs inside an asyncio event loop, as in a Jupyter kernel: a new setting trains in steps on the
loop (``regutils.panels.jobs``), with a preview after the first 2 epochs and then every 0.15 s.
Each slider is moved programmatically (``slider.value = v``), as a key press would, to a value not
seen before (cache off); the times run from the change to the first and to the final picture
drawn and encoded. The cached time revisits values seen before. Live mode: ▶ for a few seconds,
figure updates per second (``epochs_per_tick`` = 10 epochs each).

The browser adds the websocket, the PNG decode and the paint: tests/browser/test_speed.py measures
the same from a key press in JupyterLab. The machine's load average is printed too: on a shared
2-core machine other processes slow everything down.
"""
import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from regutils import panels as rw  # noqa: E402
from regutils.panels import jobs  # noqa: E402
from regutils.panels.picture import HeadlessView  # noqa: E402

jobs.ANY_RUNNING_LOOP = True  # this asyncio loop runs the steps, as a kernel's would

PLANS = [  # panel, control, values to cycle through (each move is a new setting)
    ("penalty", "lam", [0.0, 1e-4, 1e-3, 1e-2, 0.1, 1.0]),
    ("penalty", "penalty", ["l1", "none", "l2"]),
    ("penalty", "decoupled", [True, False]),
    ("penalty", "lr", [0.05, 0.1, 0.2, 0.01, 0.005]),
    ("dropout", "keep_prob", [0.3, 0.5, 0.7, 0.9, 1.0]),
    ("dropout", "test_rule", ["mc", "scale"]),
    ("noise", "input_sigma", [0.05, 0.1, 0.2, 0.3, 0.5]),
    ("noise", "hidden_sigma", [0.1, 0.2, 0.5, 0.8]),
]
DIGITS_PLAN = ("corruption", "corruption", [0.2, 0.5, 1.0])


def make(panel, cache_size):
    p = getattr(rw, f"{panel}_panel")(cache_size=cache_size)
    HeadlessView(p.picture, decode=False)  # a browser's view, painting every frame at once
    return p


async def timed_move(panel, control, value):
    """(ms to the first picture, ms to the final one) after ``control`` is set to ``value``."""
    updates, start = panel.update_count, time.perf_counter()
    panel.controls[control].value = value  # starts the training in steps (or draws the cached)
    first = None
    while True:
        if first is None and panel.update_count > updates:
            first = time.perf_counter()
        if panel.error is not None:
            raise RuntimeError(panel.status.value)
        r = panel.result
        if r is not None and r.done and r.settings == panel.settings and panel.update_count > updates:
            final = time.perf_counter()
            return 1000 * ((first or final) - start), 1000 * (final - start)
        await asyncio.sleep(0)  # the loop runs the training's steps


async def bench_compare(panel_name, control, values, n_moves):
    fresh = make(panel_name, cache_size=0)
    fresh_times = [await timed_move(fresh, control, values[i % len(values)])
                   for i in range(n_moves)]
    cached = make(panel_name, cache_size=64)
    for v in values:
        await timed_move(cached, control, v)
    cached_times = [await timed_move(cached, control, values[i % len(values)])
                    for i in range(n_moves)]
    return fresh_times, cached_times


async def bench_live(panel_name, seconds):
    panel = make(panel_name, cache_size=0)
    panel.play()
    await asyncio.sleep(0.5)
    updates, start, cpu = panel.update_count, time.perf_counter(), time.process_time()
    await asyncio.sleep(seconds)
    n = panel.update_count - updates
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    panel.pause()
    if panel.error is not None:
        raise RuntimeError(panel.status.value)
    return n / wall, panel.epochs_per_tick, cpu / wall


def pct(values, q, column):
    return float(np.percentile([v[column] for v in values], q))


async def run(n_moves, live_seconds):
    rows, live = [], {}
    for panel_name, control, values in PLANS + [DIGITS_PLAN]:
        n = min(n_moves, 4) if panel_name == "corruption" else n_moves
        fresh, cached = await bench_compare(panel_name, control, values, n)
        rows.append((panel_name, control, fresh, cached))
        if panel_name not in live:
            live[panel_name] = await bench_live(panel_name, live_seconds)
        print(f"  measured {panel_name}/{control}", file=sys.stderr, flush=True)
    return rows, live


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="slider moves per slider")
    parser.add_argument("--live", type=float, default=3.0, help="seconds of live mode per panel")
    parser.add_argument("--quick", action="store_true", help="5 moves, 1.5 s of live mode")
    args = parser.parse_args(argv)
    n_moves, live_seconds = (5, 1.5) if args.quick else (args.moves, args.live)

    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"({os.cpu_count()} CPUs)\n")
    rows, live = asyncio.run(run(n_moves, live_seconds))

    print("| panel | slider | first picture median ms | first p95 ms | final median ms "
          "| final p95 ms | cached median ms | live updates/s (epochs/tick) |")
    print("|" + "---|" * 8)
    done = set()
    for panel_name, control, fresh, cached in rows:
        rate, ept, busy = live[panel_name]
        live_cell = f"{rate:.1f} ({ept}; {busy:.2f} CPUs busy)" if panel_name not in done else ""
        done.add(panel_name)
        print(f"| {panel_name} | {control} | {pct(fresh, 50, 0):.0f} | {pct(fresh, 95, 0):.0f} "
              f"| {pct(fresh, 50, 1):.0f} | {pct(fresh, 95, 1):.0f} | {pct(cached, 50, 1):.0f} "
              f"| {live_cell} |")
    print("\n(cache off: every move trains; cached: values seen before; wall-clock times)")

    # the overfitting the 2-D panels are meant to show, with the benchmark's settings
    base = rw.Settings()
    free, reg = rw.train(base), rw.train(base.replace(penalty="l2", lam=1e-2))
    print(f"\ngap (train acc − test acc), moons, 200 points, 2-64-64-2, {base.epochs} epochs: "
          f"λ = 0: {free.metrics['gap']:.3f}   L2 λ = 1e-2: {reg.metrics['gap']:.3f}")
    digits = rw.train(rw.digits_settings(corruption=1.0))
    print(f"digits, all labels random, {digits.settings.epochs} epochs: train acc "
          f"{digits.metrics['train_acc']:.3f}, test acc {digits.metrics['test_acc']:.3f} "
          f"({1000 * digits.seconds:.0f} ms per setting)")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    two_d = [r for r in rows if r[0] != "corruption"]
    worst_first = max(pct(fresh, 95, 0) for _, _, fresh, _ in two_d)
    worst_final = max(pct(fresh, 95, 1) for _, _, fresh, _ in two_d)
    digits_first = max(pct(fresh, 95, 0) for p, _, fresh, _ in rows if p == "corruption")
    slowest = min(v[0] for p, v in live.items() if p != "corruption")
    print(f"\nkernel side, 2-D sliders: first picture p95 (worst slider) {worst_first:.0f} ms, "
          f"final p95 {worst_final:.0f} ms; corruption first picture p95 {digits_first:.0f} ms; "
          f"live {slowest:.1f} updates/s (slowest 2-D panel)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
