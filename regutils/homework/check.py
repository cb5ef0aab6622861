"""``check``: a student's notebook against the pristine released copy, with nbval.

The student's answer cells go, by cell id, into a copy of ``.reference/hwN.ipynb`` (which holds
the instructor's expected outputs of the public cases), and ``pytest --nbval`` runs that copy in a
fresh kernel with a time limit per cell. The outputs saved in the student's file are never used.
This is the student's tool (it runs their own code, without a sandbox); grades come from
``grade``, which compares values on hidden cases in a sandbox.
"""
import copy
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

from .notebook import (NBVAL_MARKER, InvalidSubmission, defined_names, exercises, homework_of,
                       read_submission, source_text, uses_regutils)

DEFAULT_TIMEOUT = 30.0
REFERENCE_DIR = Path("notebooks/homework/.reference")


@dataclass
class ExerciseResult:
    exercise: str
    functions: tuple
    passed: bool
    reason: str
    details: str = ""


def reference_for(nb, path=None, reference_dir=REFERENCE_DIR, homework=None):
    """Which homework a submission is (``homework``, else its answer cell ids, else its file
    name), and the path of its pristine reference notebook."""
    reference_dir = Path(reference_dir)
    refs = {p.stem: p for p in sorted(reference_dir.glob("*.ipynb"))}
    if not refs:
        raise FileNotFoundError(f"no reference notebooks in {reference_dir} (run `make release`)")
    if homework is None:
        homework = homework_of(nb, path or "", list(refs))
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
            same = [c for c in cells if set(ex.functions) <= set(defined_names(c.source))]
            cell = same[-1] if same else None
        if cell is None:
            problems[ex.id] = "answer cell not found (its cell id is " + repr(ex.id) + ")"
            continue
        source = source_text(cell)
        source = NBVAL_MARKER.sub("", source)  # the student does not choose what nbval checks
        if uses_regutils(source):
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
