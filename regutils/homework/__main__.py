"""python -m regutils.homework release | check | grade (run from the project folder).

    release [hw1 ...]   instructor/hwN_source.ipynb -> notebooks/homework/hwN.ipynb (+ .reference/),
                        and the student edition dist/student-edition/ (+ .zip)
    check NOTEBOOK      a student's notebook against the released reference, with nbval
    grade FOLDER        every submission in FOLDER, sandboxed, on public and hidden cases
                        -> OUT/grades.csv, OUT/canvas.csv, OUT/gradescope/*/results.json
"""
import argparse
import sys
import time
from pathlib import Path


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, "
                                             f"got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        return value
    return parse


def parser():
    p = argparse.ArgumentParser(prog="python -m regutils.homework", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("release", help="write the student notebooks and the student edition")
    r.add_argument("names", nargs="*", help="e.g. hw1 (default: every SOURCE_DIR/*_source.ipynb)")
    r.add_argument("--source-dir", type=Path, default=Path("instructor"))
    r.add_argument("--out", type=Path, default=Path("notebooks/homework"))
    r.add_argument("--edition", type=Path, default=Path("dist/student-edition"),
                   help="where the student edition goes (a folder, plus FOLDER.zip)")
    r.add_argument("--no-edition", action="store_true", help="only the notebooks")
    c = sub.add_parser("check", help="check a student's notebook against the reference")
    c.add_argument("notebook", type=Path)
    c.add_argument("--timeout", type=_positive(float), default=30.0, help="seconds per cell")
    c.add_argument("--hw", default=None, help="which homework (default: from the cell ids)")
    c.add_argument("--reference-dir", type=Path, default=Path("notebooks/homework/.reference"))
    g = sub.add_parser("grade", help="grade every notebook in a folder")
    g.add_argument("folder", type=Path)
    g.add_argument("--out", type=Path, default=Path("grading"),
                   help="results folder (outside FOLDER): grades.csv, canvas.csv, gradescope/")
    g.add_argument("--source-dir", type=Path, default=Path("instructor"))
    g.add_argument("--jobs", type=_positive(int), default=None,
                   help="submissions graded at once (default: the number of cores)")
    g.add_argument("--timeout", type=_positive(float), default=30.0,
                   help="wall-clock and CPU seconds per exercise")
    g.add_argument("--memory", type=_positive(int), default=1024,
                   help="address space per exercise, MiB")
    g.add_argument("--no-sandbox", action="store_true",
                   help="run answers without bubblewrap (only for submissions you trust)")
    return p


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    from .notebook import skip_iri_grammar
    skip_iri_grammar()
    if argv[:1] == ["_nbval"]:  # internal: the subprocess that runs nbval for `check`
        from .check import _nbval_main
        return _nbval_main(argv[1], argv[2], float(argv[3]))
    args = parser().parse_args(argv)
    if args.command == "release":
        from .release import release, student_edition
        release(args.names, args.source_dir, args.out)
        if not args.no_edition:
            student_edition(".", args.edition)
        return 0
    if args.command == "check":
        return _check(args)
    return _grade(args)


def _check(args):
    from .check import InvalidSubmission, check, format_report

    if not args.notebook.exists():
        print(f"{args.notebook}: no such file")
        return 2
    start = time.perf_counter()
    try:
        results = check(args.notebook, timeout=args.timeout, homework=args.hw,
                        reference_dir=args.reference_dir)
    except (InvalidSubmission, FileNotFoundError) as e:
        print(f"{args.notebook}: {e}")
        return 2
    print(format_report(results, f"Checking {args.notebook} against the released reference "
                                 f"(nbval, {args.timeout:g} s per cell)\n"))
    print(f"({time.perf_counter() - start:.1f} s)")
    return 0 if all(r.passed for r in results) else 1


def _grade(args):
    from .grade import grade
    from .sandbox import BWRAP_HINT, Limits, find_bwrap

    if not args.no_sandbox and find_bwrap() is None:
        print("grade refuses to run: bubblewrap (bwrap) was not found, and without it a "
              "submission's code could read the solutions and other submissions, rewrite the "
              f"results or kill the grader. {BWRAP_HINT}; or pass --no-sandbox if you trust every "
              "submission.", file=sys.stderr)
        return 2
    if args.no_sandbox:
        print("warning: --no-sandbox: submissions run unconfined (limits only)", file=sys.stderr)
    start = time.perf_counter()
    try:
        records = grade(args.folder, args.out, args.source_dir, args.jobs,
                        Limits(timeout_s=args.timeout, memory_mib=args.memory),
                        use_sandbox=not args.no_sandbox)
    except (ValueError, FileNotFoundError, RuntimeError) as e:
        print(f"grade: {e}", file=sys.stderr)
        return 2
    rows = sum(len(r["exercises"]) for r in records)
    print(f"{len(records)} submissions, {rows} rows -> {args.out / 'grades.csv'}, "
          f"{args.out / 'canvas.csv'}, {args.out / 'gradescope'}/ "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
