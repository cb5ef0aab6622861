"""Homework checked by nbval: release the student notebooks, check one, grade a folder.

    python -m regutils.homework release [hw1 ...]                          # make release
    python -m regutils.homework check notebooks/homework/hw1.ipynb         # make check HW=hw1
    python -m regutils.homework grade submissions --out grades.csv         # make grade
    (check and grade take --timeout SECONDS per cell, default 30)

How it fits together:

- ``instructor/hwN_source.ipynb`` holds the reference solutions between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` (nbgrader's markers). Each exercise is an *answer* cell (tag ``answer``,
  cell id e.g. ``hw1-l2-penalty``) and a *check* cell (tag ``check``, id ``hw1-l2-penalty-check``)
  that calls the answer on fixed seeded inputs, prints rounded numbers (``show``) and a one-line
  verdict (``verdict``).
- ``release`` runs the source in a fresh kernel, keeps its outputs, replaces every solution by
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` and writes the student notebook
  ``notebooks/homework/hwN.ipynb`` plus a pristine copy ``notebooks/homework/.reference/hwN.ipynb``.
  Same source, same bytes: cell ids come from the source, timings are dropped.
- ``check`` never trusts the outputs saved in the student's file (they are the student's own after
  a save): it copies the student's answer cells, by cell id, into the pristine copy and runs
  ``pytest --nbval`` on that, in a fresh kernel with a time limit per cell. nbval compares the
  printed text with the reference outputs; the report gives PASS/FAIL per exercise and, for a
  failure, the expected and the obtained lines.
- ``grade`` does the same for every notebook in a folder, one after another, and writes a CSV
  (student, exercise, result, reason). A hang, a crashed kernel or a file that is not a notebook is
  reported as such; the other submissions (and the other exercises) are still graded.
"""
import argparse
import contextlib
import copy
import csv
import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "instructor"
HOMEWORK_DIR = ROOT / "notebooks" / "homework"
REFERENCE_DIR = HOMEWORK_DIR / ".reference"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
OK_MARK, FAIL_MARK = "✓", "✗"
DEFAULT_TIMEOUT = 30.0


# -- helpers the check cells call -----------------------------------------------------------------

def fmt(x, digits=6):
    """``x`` (a number or an array) as text with ``digits`` significant digits, identical on every
    machine: booleans print as 0/1, -0 prints as 0, arrays row by row."""
    try:
        a = np.asarray(x)
    except ValueError:  # e.g. a tuple of arrays of different shapes
        return repr(x)
    if a.dtype.kind == "b":
        a = a.astype(np.int64)
    if a.dtype.kind not in "iuf":
        return repr(x)
    a = a.astype(np.float64) + 0.0  # + 0.0 turns -0.0 into 0.0

    def num(v):
        return f"{v:.{digits}g}"

    if a.ndim == 0:
        return num(a.item())
    if a.ndim == 1:
        return "[" + ", ".join(num(v) for v in a) + "]"
    return "[" + ",\n ".join(fmt(row, digits) for row in a) + "]"


def show(label, x, digits=6):
    """Print ``label = x`` with ``fmt`` (multi-line arrays indented under the label)."""
    text = fmt(x, digits).replace("\n", "\n" + " " * (len(label) + 3))
    print(f"{label} = {text}")


def _matches(got, expected, rtol, atol):
    try:
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=atol))


def verdict(name, got, expected, hints=None, rtol=1e-7, atol=1e-10):
    """Print one line: ✓ when every entry of ``got`` matches ``expected`` (dicts of numbers/arrays
    with the same keys), ✗ and the names of the parts that differ otherwise. ``hints`` maps a
    message to the result of a known mistake; the message is added when ``got`` matches it.
    Returns nothing, so that a check cell ending with it displays no value."""
    bad = [key for key in expected if not _matches(got.get(key), expected[key], rtol, atol)]
    if not bad:
        print(f"{OK_MARK} {name}: matches the reference")
        return
    line = f"{FAIL_MARK} {name}: differs from the reference in {', '.join(bad)}"
    for message, wrong in (hints or {}).items():
        if all(_matches(got.get(key), wrong[key], rtol, atol) for key in wrong):
            line += f" (hint: {message})"
            break
    print(line)


# -- notebook structure ---------------------------------------------------------------------------

def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _defined_names(source):
    return re.findall(r"^def\s+(\w+)\s*\(", source, flags=re.MULTILINE)


@dataclass
class Exercise:
    """One exercise of a reference notebook: its answer cell and its check cell (indexes)."""

    id: str
    answer: int
    check: int
    functions: tuple


def exercises(nb):
    """The exercises of a notebook, in order: answer cells tagged ``answer``, each with the check
    cell whose id is the answer's id + ``-check``."""
    by_id = {cell.get("id"): i for i, cell in enumerate(nb.cells)}
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "answer" in _tags(cell):
            check = by_id.get(f"{cell.id}-check")
            if check is None:
                raise ValueError(f"answer cell {cell.id!r} has no check cell "
                                 f"{cell.id + '-check'!r}")
            found.append(Exercise(cell.id, i, check, tuple(_defined_names(cell.source))))
    return found


# -- release --------------------------------------------------------------------------------------

def strip_solutions(source):
    """Replace every ``### BEGIN SOLUTION`` … ``### END SOLUTION`` block by the stub, indented as
    the BEGIN line (nbgrader's convention)."""
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"nested {BEGIN!r}")
            inside = True
            indent = line[:len(line) - len(line.lstrip())]
            out.extend(indent + stub_line for stub_line in STUB.split("\n"))
        elif stripped == END:
            if not inside:
                raise ValueError(f"{END!r} without {BEGIN!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN!r} without {END!r}")
    return "\n".join(out)


def _clean_metadata(nb):
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)


def release_one(source, out_dir=HOMEWORK_DIR, reference_dir=None, timeout=120):
    """Execute ``source`` (…/hwN_source.ipynb), check that every reference solution passes its own
    check, and write the student notebook ``out_dir/hwN.ipynb`` (plus the same bytes to
    ``reference_dir/hwN.ipynb``, default ``out_dir/.reference``). Returns the written paths."""
    import nbformat
    from nbclient import NotebookClient

    source = Path(source)
    name = source.name.removesuffix(".ipynb").removesuffix("_source")
    nb = nbformat.read(source, as_version=4)
    ids = [cell.get("id") for cell in nb.cells]
    if None in ids or len(set(ids)) != len(ids):
        raise ValueError(f"{source}: every cell needs its own fixed id "
                         "(for a reproducible release)")
    found = exercises(nb)
    if not found:
        raise ValueError(f"{source}: no answer cells (tag 'answer')")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    for ex in found:
        printed = "".join(o.get("text", "") for o in nb.cells[ex.check].outputs)
        if OK_MARK not in printed or FAIL_MARK in printed:
            raise RuntimeError(f"{source}: the reference solution of {ex.id} does not pass its own "
                               f"check; it printed:\n{printed}")
    for ex in found:
        cell = nb.cells[ex.answer]
        if BEGIN not in cell.source:
            raise ValueError(f"{source}: answer cell {ex.id} has no {BEGIN!r} block")
        cell.source = strip_solutions(cell.source)
        if cell.outputs:
            raise ValueError(f"{source}: answer cell {ex.id} prints something; answer cells should "
                             "only define functions")
    for cell in nb.cells:
        if BEGIN in cell.source or END in cell.source:
            raise ValueError(f"{source}: cell {cell.id} has solution markers outside an "
                             "answer cell")
        if cell.cell_type == "code" and not ({"answer"} & set(_tags(cell))):
            cell.metadata["editable"] = False  # JupyterLab shows check and setup cells read-only
            cell.metadata["deletable"] = False
    _clean_metadata(nb)
    nbformat.validate(nb)
    if [cell.id for cell in nb.cells] != ids:
        raise RuntimeError(f"{source}: cell ids changed during the release")
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    out_dir = Path(out_dir)
    reference_dir = out_dir / ".reference" if reference_dir is None else Path(reference_dir)
    written = []
    for folder in (out_dir, reference_dir):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.ipynb"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def release(names=(), source_dir=SOURCE_DIR, out_dir=HOMEWORK_DIR, reference_dir=None):
    """Release every ``source_dir/*_source.ipynb`` (or only ``names``, e.g. ``["hw1"]``)."""
    sources = sorted(Path(source_dir).glob("*_source.ipynb"))
    if names:
        sources = [s for s in sources if s.name.removesuffix("_source.ipynb") in names]
        missing = set(names) - {s.name.removesuffix("_source.ipynb") for s in sources}
        if missing:
            raise FileNotFoundError(f"no source notebook for {sorted(missing)} in {source_dir}")
    written = []
    for src in sources:
        start = time.perf_counter()
        paths = release_one(src, out_dir, reference_dir)
        print(f"{src.relative_to(src.parent.parent)} -> "
              f"{', '.join(_short(p) for p in paths)} ({time.perf_counter() - start:.1f} s)")
        written.extend(paths)
    return written


def _short(path):
    path = Path(path).resolve()
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


# -- check ----------------------------------------------------------------------------------------

class InvalidSubmission(Exception):
    """The submission cannot be read as a notebook (not JSON, not nbformat 4, ...)."""


@dataclass
class ExerciseResult:
    exercise: str
    functions: tuple
    passed: bool
    reason: str
    details: str = ""


NBVAL_MARKER = re.compile(r"^\s*#\s*(NBVAL_\w+|PYTEST_VALIDATE_IGNORE_OUTPUT)\s*$", re.MULTILINE)
USES_REGUTILS = re.compile(r"\bregutils\b|\bru\s*\.")


def read_submission(path):
    """The student's notebook as a NotebookNode; InvalidSubmission if it cannot be read."""
    import nbformat

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidSubmission(f"not a valid notebook file ({type(e).__name__}: {e})") from None
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
        cells = nb["cells"]
        for cell in cells:
            cell["cell_type"], cell["source"]  # noqa: B018 - must exist
    except Exception as e:  # nbformat raises many kinds on a malformed file
        raise InvalidSubmission(f"not a valid notebook ({type(e).__name__}: {e})") from None
    return nb


def reference_for(nb, path=None, reference_dir=REFERENCE_DIR, homework=None):
    """Which homework a submission is (``homework``, else the answer cell ids it contains, else its
    file name), and the path of its pristine reference notebook."""
    reference_dir = Path(reference_dir)
    refs = {p.stem: p for p in sorted(reference_dir.glob("*.ipynb"))}
    if not refs:
        raise FileNotFoundError(f"no reference notebooks in {reference_dir} (run `make release`)")
    if homework is None and nb is not None:
        ids = {cell.get("id") for cell in nb.cells}
        scores = {name: sum(cell_id.startswith(name + "-") for cell_id in ids if cell_id)
                  for name in refs}
        best = max(scores.values())
        if best and list(scores.values()).count(best) == 1:
            homework = max(scores, key=scores.get)
    if homework is None and path is not None:
        named = [name for name in refs if name in Path(path).stem]
        if len(named) == 1:
            homework = named[0]
    if homework is None:
        raise InvalidSubmission("cannot tell which homework this is (use --hw)")
    if homework not in refs:
        raise FileNotFoundError(f"no reference notebook {homework}.ipynb in {reference_dir}")
    return homework, refs[homework]


def merge(student, reference):
    """The pristine reference with the student's answer cells put in (by cell id; a cell that lost
    its id is found by the functions it defines). Returns (notebook, problems) where problems maps
    an exercise id to why its answer is not accepted as is."""
    nb = copy.deepcopy(reference)
    problems = {}
    cells = [c for c in student.cells if c.get("cell_type") == "code"]
    by_id = {c.get("id"): c for c in cells if c.get("id")}
    for ex in exercises(reference):
        cell = by_id.get(ex.id)
        if cell is None and ex.functions:
            same = [c for c in cells if set(ex.functions) <= set(_defined_names(c.source))]
            cell = same[-1] if same else None
        if cell is None:
            problems[ex.id] = "answer cell not found (its cell id is " + repr(ex.id) + ")"
            continue
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        source = NBVAL_MARKER.sub("", source)  # the student does not choose what nbval checks
        if USES_REGUTILS.search(source):
            problems[ex.id] = "the answer uses regutils: write it in plain NumPy"
        nb.cells[ex.answer].source = source
    return nb, problems


def _strip_ansi(text):
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _output_text(outputs):
    """Outputs as the lines a student reads: stdout as is, the rest labelled."""
    lines = []
    for out in outputs or []:
        kind = out.get("output_type")
        if kind == "stream":
            prefix = "" if out.get("name") == "stdout" else "[stderr] "
            lines += [prefix + line for line in out.get("text", "").splitlines()]
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            text = data.get("text/plain", "<" + ", ".join(sorted(data)) + ">")
            lines += ["[value] " + line for line in text.splitlines()]
        elif kind == "error":
            lines.append(f"[error] {out.get('ename')}: {_strip_ansi(out.get('evalue', ''))}")
    return lines


def _diff(expected, obtained):
    """Expected vs obtained lines: equal lines once, the others as a labelled pair."""
    rows = []
    matcher = difflib.SequenceMatcher(a=expected, b=obtained, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += ["            " + line for line in expected[i1:i2]]
        else:
            rows += ["  expected: " + line for line in expected[i1:i2]]
            rows += ["  obtained: " + line for line in obtained[j1:j2]]
    return "\n".join(rows)


def _traceback_tail(outputs, n=6):
    for out in outputs or []:
        if out.get("output_type") == "error":
            lines = _strip_ansi("\n".join(out.get("traceback", []))).splitlines()
            lines = [line for line in lines if line.strip() and not set(line.strip()) <= {"-"}]
            return "\n".join("  " + line for line in lines[-n:])
    return ""


@dataclass
class CellResult:
    outcome: str        # "passed", "failed", "xfailed", "missing"
    text: str           # pytest's failure report
    outputs: list       # what the cell printed in this run
    died: bool          # the kernel died while this cell ran (before any time limit)


def _run_nbval(nb, timeout, workdir):
    """Run nbval on ``nb`` (written to ``workdir``) in a subprocess.

    Returns {code cell number: CellResult}."""
    import nbformat

    workdir = Path(workdir)
    path = workdir / "submission.ipynb"
    nbformat.write(nb, path)
    (workdir / "pytest.ini").write_text("[pytest]\n")
    # the report is written outside the kernel's working folder (the student's code runs there)
    report_dir = Path(tempfile.mkdtemp(prefix="regutils-nbval-"))
    report = report_dir / "report.jsonl"
    n_cells = sum(c.cell_type == "code" for c in nb.cells)
    limit = 60 + n_cells * (timeout + 10)  # nbval's own limits end a hang well before this
    cmd = [sys.executable, "-m", "regutils.homework", "_nbval", str(path), str(report),
           str(timeout)]
    # only nbval: other installed pytest plugins (hypothesis, ...) would just slow every check down
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    proc = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True, env=env)
    try:
        log, _ = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)  # pytest and anything it started in its session
        else:
            proc.kill()
        log, _ = proc.communicate()
    results = {}
    if report.exists():
        for line in report.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            results[rec["cell"]] = CellResult(rec["outcome"], rec["text"], rec["outputs"],
                                              rec["died"])
    shutil.rmtree(report_dir, ignore_errors=True)
    if not results and proc.returncode not in (0, 1):
        raise RuntimeError(f"nbval could not run (exit code {proc.returncode}):\n{log[-3000:]}")
    return results


def _nbval_main(path, report, timeout):
    """Inside the subprocess: pytest --nbval on ``path``, one JSON line per cell into ``report``."""
    import threading

    import pytest

    class Recorder:
        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_call(self, item):
            kernel = getattr(item.parent, "kernel", None)
            start, stop, died = time.monotonic(), threading.Event(), []

            def watch():
                while not stop.wait(0.1):
                    if kernel is not None and not kernel.is_alive():
                        died.append(time.monotonic() - start)
                        return

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            try:
                return (yield)
            finally:
                stop.set()
                watcher.join()
                # died before the time limit: a crash (nbval itself stops a kernel after the limit)
                item.regutils_died = bool(died) and died[0] < timeout

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_makereport(self, item, call):
            rep = yield
            if rep.when == "call" or (rep.when == "setup" and not rep.passed):
                if rep.passed:
                    outcome = "passed"
                elif hasattr(rep, "wasxfail"):
                    outcome = "xfailed"
                else:
                    outcome = "failed"
                rec = {"cell": item.cell_num, "outcome": outcome,
                       "text": _strip_ansi(rep.longreprtext or getattr(rep, "wasxfail", "")),
                       "outputs": [dict(o) for o in (item.test_outputs or [])],
                       "died": getattr(item, "regutils_died", False)}
                with open(report, "a", encoding="utf-8") as f:
                    f.write(json.dumps(rec, default=str) + "\n")
            return rep

    ini = str(Path(path).parent / "pytest.ini")
    args = [str(path), "-c", ini, "--rootdir", str(Path(path).parent), "-q", "-o", "addopts=",
            "-p", "no:cacheprovider", "-p", "nbval.plugin", "--nbval", "--nbval-current-env",
            f"--nbval-cell-timeout={timeout}"]
    return pytest.main(args, plugins=[Recorder()])


def _classify(cell_result, timeout):
    """(reason, fatal) for a failed cell; fatal means the kernel is gone or was stopped."""
    if cell_result is None or cell_result.outcome == "missing":
        return "not run (the checker stopped)", True
    text = cell_result.text
    if cell_result.died:
        return "kernel died (crash)", True
    if "Kernel dead on test start" in text:
        return "not run: the kernel died in an earlier cell", True
    if "Timeout of" in text:
        return f"timeout (more than {timeout:g} s in one cell)", True
    if cell_result.outcome == "xfailed":
        return "not checked: an earlier cell timed out", True
    for out in cell_result.outputs:
        if out.get("output_type") == "error":
            if out.get("ename") == "NotImplementedError":
                return "not done yet (NotImplementedError: the stub is still there)", False
            return f"error: {out.get('ename')}: {_strip_ansi(out.get('evalue', ''))}", False
    if "Cell outputs differ" in text:
        return "output differs", False
    return "failed: " + (text.strip().splitlines() or ["?"])[-1], False


def _evaluate(nb, reference, results, timeout):
    """Per exercise (passed, reason, details) from the per-cell nbval results, and the index of
    the first fatal cell (None if the kernel lived through the whole notebook)."""
    code_number, n = {}, 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            code_number[i] = n
            n += 1
    exercise_cells = {}
    for ex in exercises(reference):
        exercise_cells[ex.answer] = exercise_cells[ex.check] = ex.id
    verdicts, first_fatal, setup_failures = {}, None, []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        res = results.get(code_number[i], CellResult("missing", "", [], False))
        if res.outcome == "passed":
            continue
        reason, fatal = _classify(res, timeout)
        if fatal and first_fatal is None:
            first_fatal = i
        owner = exercise_cells.get(i)
        if owner is None:
            setup_failures.append((i, f"a setup cell failed: {reason}"))
            continue
        if owner in verdicts:
            continue  # the answer cell's failure explains the check cell's
        expected = _output_text(reference.cells[i].get("outputs", []))
        obtained = _output_text(res.outputs)
        details = ""
        if reason.startswith(("output differs", "the answer cell", "error", "failed")):
            where = "answer cell" if reference.cells[i].id == owner else "check cell"
            if where == "answer cell" and reason == "output differs":
                reason = "the answer cell printed something (it should only define functions)"
            details = f"  in the {where}:\n" + _diff(expected, obtained)
            tail = _traceback_tail(res.outputs)
            if tail and not reason.startswith("not done"):
                details += "\n  traceback (last lines):\n" + tail
        verdicts[owner] = (False, reason, details)
    out = {}
    for ex in exercises(reference):
        before = [reason for i, reason in setup_failures if i < ex.check]
        if ex.id in verdicts:
            out[ex.id] = verdicts[ex.id]
        elif before:  # the exercise's cells passed, but something it relies on did not run
            out[ex.id] = (False, before[0], "")
        else:
            out[ex.id] = (True, "ok", "")
    return out, first_fatal


def check(path, reference=None, timeout=DEFAULT_TIMEOUT, homework=None,
          reference_dir=REFERENCE_DIR):
    """Check the student's notebook at ``path`` against its pristine reference; a list of
    ExerciseResult in notebook order. Raises InvalidSubmission for a file that is no notebook.

    The student's answer cells go into a copy of the reference, which nbval runs in a fresh kernel
    with ``timeout`` seconds per cell. If an exercise hangs or kills the kernel, it fails with that
    reason and the exercises after it are checked again in a new kernel without it.
    """
    import nbformat

    student = read_submission(path)
    if reference is None:
        _, reference = reference_for(student, path, reference_dir, homework)
    reference = nbformat.read(reference, as_version=4)
    merged, problems = merge(student, reference)
    final = {}
    with tempfile.TemporaryDirectory(prefix="regutils-hw-") as tmp:
        while True:
            results = _run_nbval(merged, timeout, tmp)
            verdicts, fatal = _evaluate(merged, reference, results, timeout)
            if fatal is None:
                final.update({k: v for k, v in verdicts.items() if k not in final})
                break
            # exercises up to the fatal cell are decided; those after it ran in a dead (or
            # interrupted) kernel: check them again without the exercise that broke it.
            broken = None
            for ex in exercises(reference):
                if ex.id in final:
                    continue
                if ex.answer <= fatal or ex.check <= fatal:
                    final[ex.id] = verdicts[ex.id]
                    if fatal in (ex.answer, ex.check):
                        broken = ex
            if broken is None:  # a setup cell is fatal: nothing more to learn
                final.update({k: v for k, v in verdicts.items() if k not in final})
                break
            merged.cells[broken.answer].source = reference.cells[broken.answer].source
            if all(ex.id in final for ex in exercises(reference)):
                break
    results = []
    for ex in exercises(reference):
        passed, reason, details = final[ex.id]
        if ex.id in problems:  # not accepted as is; say why it also failed, if it did
            problem = problems[ex.id]
            if not passed and not problem.startswith("answer cell not found"):
                problem += f"; {reason}"
            passed, reason = False, problem
        results.append(ExerciseResult(ex.id, ex.functions, passed, reason, details))
    return results


def format_report(results, title=""):
    """The text a student reads: PASS/FAIL per exercise, the differences, a summary."""
    lines = [title] if title else []
    width = max(len(r.exercise) for r in results)
    for r in results:
        functions = ", ".join(r.functions)
        status = "PASS" if r.passed else "FAIL"
        lines.append(f"{status}  {r.exercise:<{width}}  {functions}"
                     + ("" if r.passed else f": {r.reason}"))
        if r.details:
            lines.append(r.details)
    n_pass = sum(r.passed for r in results)
    lines.append(f"\n{n_pass} of {len(results)} exercises pass.")
    return "\n".join(lines)


# -- grade ----------------------------------------------------------------------------------------

def submissions(folder):
    """(student, path) for every notebook under ``folder``: ``alice.ipynb`` is alice's,
    ``alice/hw1.ipynb`` too (one subfolder per student)."""
    folder = Path(folder)
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):  # .ipynb_checkpoints, .reference
            continue
        found.append((rel.parts[0] if len(rel.parts) > 1 else path.stem, path))
    return found


def grade(folder, out="grades.csv", timeout=DEFAULT_TIMEOUT, homework=None,
          reference_dir=REFERENCE_DIR, echo=print):
    """Check every submission in ``folder`` (one after another) and write the CSV ``out`` with the
    columns student, exercise, result (pass/fail), reason. Returns the rows."""
    import nbformat

    rows = []
    for student, path in submissions(folder):
        start = time.perf_counter()
        try:
            nb, error = read_submission(path), None
        except InvalidSubmission as e:
            nb, error = None, str(e)
        try:
            _, ref = reference_for(nb, path, reference_dir, homework)
        except InvalidSubmission as e:
            new = [(student, "*", "fail", error or str(e))]
        else:
            ids = [ex.id for ex in exercises(nbformat.read(ref, as_version=4))]
            if error:
                new = [(student, ex, "fail", error) for ex in ids]
            else:
                try:
                    new = [(student, r.exercise, "pass" if r.passed else "fail", r.reason)
                           for r in check(path, ref, timeout)]
                except Exception as e:  # a broken submission must not stop the grading
                    new = [(student, ex, "fail", f"checker error: {type(e).__name__}: {e}")
                           for ex in ids]
        rows += new
        n_pass = sum(r[2] == "pass" for r in new)
        echo(f"{student} ({_short(path)}): {n_pass}/{len(new)} "
             f"({time.perf_counter() - start:.1f} s)")
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "exercise", "result", "reason"])
        writer.writerows(rows)
    return rows


# -- command line ---------------------------------------------------------------------------------

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_nbval"]:  # internal: the subprocess that runs nbval
        return _nbval_main(argv[1], argv[2], float(argv[3]))
    parser = argparse.ArgumentParser(prog="python -m regutils.homework",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help="write notebooks/homework/hwN.ipynb from instructor/")
    p.add_argument("names", nargs="*", help="e.g. hw1 (default: every instructor/*_source.ipynb)")
    p.add_argument("--source-dir", default=SOURCE_DIR, type=Path)
    p.add_argument("--out", default=HOMEWORK_DIR, type=Path)
    p = sub.add_parser("check", help="check a student's notebook against the reference")
    p.add_argument("notebook", type=Path)
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per cell")
    p.add_argument("--hw", default=None, help="which homework (default: from the cell ids)")
    p.add_argument("--reference-dir", type=Path, default=REFERENCE_DIR)
    p = sub.add_parser("grade", help="check every notebook in a folder, write a CSV")
    p.add_argument("folder", type=Path)
    p.add_argument("--out", type=Path, default=Path("grades.csv"))
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per cell")
    p.add_argument("--hw", default=None, help="which homework (default: from the cell ids)")
    p.add_argument("--reference-dir", type=Path, default=REFERENCE_DIR)
    args = parser.parse_args(argv)

    if args.command == "release":
        release(args.names, args.source_dir, args.out)
        return 0
    if args.command == "check":
        if not args.notebook.exists():
            print(f"{args.notebook}: no such file")
            return 2
        start = time.perf_counter()
        try:
            results = check(args.notebook, timeout=args.timeout, homework=args.hw,
                            reference_dir=args.reference_dir)
        except InvalidSubmission as e:
            print(f"{args.notebook}: {e}")
            return 2
        print(format_report(results, f"Checking {args.notebook} against the released reference "
                                     f"(nbval, {args.timeout:g} s per cell)\n"))
        print(f"({time.perf_counter() - start:.1f} s)")
        return 0 if all(r.passed for r in results) else 1
    if not args.folder.is_dir():
        print(f"{args.folder}: no such folder")
        return 2
    rows = grade(args.folder, args.out, args.timeout, args.hw, args.reference_dir)
    print(f"{len(rows)} rows written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
