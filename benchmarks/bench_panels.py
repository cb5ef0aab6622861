"""Slider latency of the explorer panels: from a value change to the figure being updated.

    .venv/bin/python benchmarks/bench_panels.py [--moves 20] [--ticks 60] [--quick]

Each panel is built headless (ipywidgets work without a front end) and each slider is moved
programmatically (``slider.value = v``), as a student's key press would. The time runs from the
value change to the end of the callback, which (as with a connected front end) trains (compare
mode, cache OFF, so every move retrains), updates the artists and calls ``canvas.draw()`` on the
panel's ipympl canvas: the Agg render and the PNG diff that ipympl sends to the browser. The
cached-return time revisits values seen before (cache ON). Live mode: ticks back to back, each
training ``epochs_per_tick`` epochs and rendering, reported as figure updates per second.

Targets (issue 3): compare mode p95 ≤ 150 ms for the 2-D panels (200 training points,
2-64-64-2, 150 epochs); live mode ≥ 10 updates/s. The machine's load average is printed too:
on a shared 2-core machine other processes slow everything down.
"""
import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from regutils import panels as rw  # noqa: E402

PLANS = [  # panel, control, values to cycle through (each move is a new setting)
    ("penalty", "lam", [0.0, 1e-4, 1e-3, 1e-2, 0.1, 1.0]),
    ("penalty", "penalty", ["l1", "none", "l2"]),
    ("penalty", "decoupled", [True, False]),
    ("dropout", "keep_prob", [0.3, 0.5, 0.7, 0.9, 1.0]),
    ("dropout", "test_rule", ["mc", "scale"]),
    ("noise", "input_sigma", [0.05, 0.1, 0.2, 0.3, 0.5]),
    ("noise", "hidden_sigma", [0.1, 0.2, 0.5, 0.8]),
]
DIGITS_PLAN = ("corruption", "corruption", [0.2, 0.5, 1.0])


def make(panel, cache_size):
    p = getattr(rw, f"{panel}_panel")(cache_size=cache_size)
    # as after the browser's "initialized" message: the panel then renders and sends the picture
    # (Agg + PNG diff) inside the slider's callback
    p.canvas.syncing_data_url = False
    return p


def timed_move(panel, control, value):
    """(wall seconds, CPU seconds of this process) from the value change to the drawn figure."""
    start, cpu = time.perf_counter(), time.process_time()
    panel.controls[control].value = value  # trains, updates the artists, draws
    if panel.error is not None:
        raise RuntimeError(panel.status.value)
    return time.perf_counter() - start, time.process_time() - cpu


def moves(values, n):
    """n moves cycling through ``values`` (a different value each time)."""
    return [values[i % len(values)] for i in range(n)]


def bench_compare(panel_name, control, values, n_moves):
    fresh = make(panel_name, cache_size=0)
    fresh.draw()
    fresh_times = [timed_move(fresh, control, v) for v in moves(values, n_moves)]
    cached = make(panel_name, cache_size=64)
    for v in values:
        timed_move(cached, control, v)
    cached_times = [timed_move(cached, control, v) for v in moves(values, n_moves)]
    return fresh_times, cached_times


def bench_live(panel_name, n_ticks):
    panel = make(panel_name, cache_size=0)
    panel.mode_toggle.value = "live"
    panel.draw()
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(n_ticks):
        panel.play.value += 1  # trains epochs_per_tick epochs, updates the artists, draws
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if panel.error is not None:
        raise RuntimeError(panel.status.value)
    return n_ticks / seconds, panel.epochs_per_tick, n_ticks / cpu


def ms(values, q, column=0):
    return 1000 * float(np.percentile([v[column] for v in values], q))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=20, help="slider moves per slider")
    parser.add_argument("--ticks", type=int, default=60, help="live-mode ticks per panel")
    parser.add_argument("--quick", action="store_true", help="5 moves, 20 ticks")
    args = parser.parse_args(argv)
    n_moves, n_ticks = (5, 20) if args.quick else (args.moves, args.ticks)

    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"({os.cpu_count()} CPUs)\n")
    rows, live = [], {}
    for panel_name, control, values in PLANS + [DIGITS_PLAN]:
        n = min(n_moves, 6) if panel_name == "corruption" else n_moves
        fresh, cached = bench_compare(panel_name, control, values, n)
        rows.append((panel_name, control, fresh, cached))
        if panel_name not in live:
            live[panel_name] = bench_live(panel_name, n_ticks)
        print(f"  measured {panel_name}/{control}", file=sys.stderr, flush=True)

    header = ("| panel | slider | median ms | p95 ms | p95 CPU ms | cached median ms "
              "| cached p95 ms | live updates/s (epochs/tick) |")
    print(header)
    print("|" + "---|" * 8)
    done = set()
    for panel_name, control, fresh, cached in rows:
        rate, ept, cpu_rate = live[panel_name]
        live_cell = (f"{rate:.1f} ({ept}; CPU-bound {cpu_rate:.0f})"
                     if panel_name not in done else "")
        done.add(panel_name)
        print(f"| {panel_name} | {control} | {ms(fresh, 50):.0f} | {ms(fresh, 95):.0f} | "
              f"{ms(fresh, 95, 1):.0f} | {ms(cached, 50):.0f} | {ms(cached, 95):.0f} | "
              f"{live_cell} |")
    print("\n(compare: cache OFF, every move retrains; cached: values seen before; wall-clock "
          "times unless marked CPU — the CPU time of this process is what an idle machine "
          "would show as wall time)")

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
    worst = max(ms(fresh, 95) for p, _, fresh, _ in rows if p != "corruption")
    worst_cpu = max(ms(fresh, 95, 1) for p, _, fresh, _ in rows if p != "corruption")
    slowest = min(v[0] for p, v in live.items() if p != "corruption")
    slowest_cpu = min(v[2] for p, v in live.items() if p != "corruption")
    print(f"\n2-D compare p95 (worst slider): {worst:.0f} ms wall, {worst_cpu:.0f} ms CPU "
          f"(target ≤ 150); live: {slowest:.1f} updates/s wall, {slowest_cpu:.1f} CPU-bound "
          f"(target ≥ 10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
