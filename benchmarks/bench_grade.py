"""Grading throughput: submissions per minute of `python -m regutils.homework grade`.

    .venv/bin/python benchmarks/bench_grade.py               # 100 submissions, --jobs 2 and 1
    .venv/bin/python benchmarks/bench_grade.py --n 40 --jobs 2

Generates ``--n`` submissions (half hw1, half hw2; 40 % correct, 40 % with one wrong answer from
tests/homework_cases/ or tests/homework_public_only/, 20 % untouched stubs) in a temporary folder
and grades them with the command line, as the instructor would (bubblewrap sandbox, unless
``--no-sandbox``), once per ``--jobs`` value with a fresh output folder. Prints a Markdown table:
jobs, submissions, wall seconds (reference solutions and exports included), submissions/min,
and the machine's load average (colleagues' jobs on a shared machine slow it down).
Run it from the project folder.
"""
import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from regutils.homework.notebook import exercises, solution  # noqa: E402


def wrong_answers():
    """{homework: [(exercise, source)]} from the two folders of wrong answers."""
    found = {"hw1": [], "hw2": []}
    for folder in ("homework_cases", "homework_public_only"):
        for path in sorted((ROOT / "tests" / folder).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            ex = re.search(r"^# exercise: (\S+)", text, flags=re.MULTILINE).group(1)
            found[ex.split("-")[0]].append((ex, text))
    return found


def make_submissions(folder, n):
    wrong = wrong_answers()
    for k in range(n):
        name = ("hw1", "hw2")[k % 2]
        src = nbformat.read(ROOT / "instructor" / f"{name}_source.ipynb", as_version=4)
        nb = nbformat.read(ROOT / "notebooks" / "homework" / f"{name}.ipynb", as_version=4)
        kind = ("correct", "correct", "wrong", "wrong", "stub")[(k // 2) % 5]
        if kind != "stub":
            answers = {ex.id: solution(src.cells[ex.answer].source) for ex in exercises(src)}
            if kind == "wrong":
                ex, text = wrong[name][k % len(wrong[name])]
                answers[ex] = text
            for ex in exercises(nb):
                nb.cells[ex.answer].source = answers[ex.id]
        nbformat.write(nb, folder / f"student{k:03d}_{kind}_{name}.ipynb")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100, help="number of submissions")
    p.add_argument("--jobs", type=int, nargs="+", default=[2, 1])
    p.add_argument("--no-sandbox", action="store_true")
    args = p.parse_args()
    if args.n < 1 or any(j < 1 for j in args.jobs):
        p.error(f"--n and --jobs must be >= 1, got n={args.n}, jobs={args.jobs}")
    print(f"# grade throughput: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, "
          f"{'no sandbox' if args.no_sandbox else 'bubblewrap sandbox'}\n")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        subs = Path(tmp) / "submissions"
        subs.mkdir()
        make_submissions(subs, args.n)
        for jobs in args.jobs:
            out = Path(tmp) / f"out-{jobs}"
            cmd = [sys.executable, "-m", "regutils.homework", "grade", str(subs), "--out",
                   str(out), "--jobs", str(jobs), "--timeout", "10"]
            if args.no_sandbox:
                cmd.append("--no-sandbox")
            load = os.getloadavg()[0]
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if proc.returncode != 0:
                sys.exit(f"grade failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
            graded = (out / "grades.csv").read_text(encoding="utf-8").count("\n") - 1
            load = max(load, os.getloadavg()[0])
            rows.append((jobs, args.n, graded, seconds, 60 * args.n / seconds, load))
    print("| --jobs | submissions | rows | wall s | submissions/min | load average |")
    print("|---:|---:|---:|---:|---:|---:|")
    for jobs, n, graded, seconds, rate, load in rows:
        print(f"| {jobs} | {n} | {graded} | {seconds:.1f} | {rate:.0f} | {load:.1f} |")
    print("\n(load average: the higher of the 1-minute load before and after the run; other work "
          "on the machine slows the wall clock)")


if __name__ == "__main__":
    main()
