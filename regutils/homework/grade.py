"""``grade``: every submission in a folder, each in a sandbox, scored on public and hidden cases.

For each submission the grader takes the answer cells' sources (nothing else of the notebook),
sends them with the cases' inputs to ``runner.py`` in a sandbox (``sandbox.py``), and compares the
values that come back with the values the reference solutions gave on the same cases (computed
here, before any submission runs). Each exercise scores points x passed cases / cases.

Results go to ``OUT/results/<student>--<file>-<hash>.json`` as each submission finishes (a temp file
and ``os.replace``), and ``OUT/grades.csv`` and ``OUT/canvas.csv`` are rewritten from them the
same way; a killed grader leaves every finished row, and a re-run skips submissions whose file,
homework source and grader are unchanged. ``OUT`` must not be inside the submissions folder.
"""
import hashlib
import json
import os
import queue
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from . import export, sandbox
from .cases import changed_inputs, compare, job, load_homework
from .notebook import InvalidSubmission, find_answer, homework_of, read_submission, uses_regutils
from .runner import decode

SOURCE_DIR = Path("instructor")
UID_BASE = 64000   # the answers of worker k run as uid UID_BASE + k (when the grader is root)
_HERE = Path(__file__).resolve().parent


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


def load_homeworks(source_dir):
    sources = sorted(Path(source_dir).glob("*_source.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no instructor sources (*_source.ipynb) in {source_dir}")
    return {hw.name: hw for hw in map(load_homework, sources)}


def fingerprint(homeworks):
    """Changes when a source or the grader changes: a re-run then grades everything again."""
    h = hashlib.sha256()
    for hw in homeworks.values():
        h.update(hw.path.read_bytes())
    for name in ("runner.py", "cases.py", "grade.py", "sandbox.py"):
        h.update((_HERE / name).read_bytes())
    return h.hexdigest()[:16]


def reference_values(hw, limits):
    """{exercise id: [value per case]} from the reference solutions (trusted: no sandbox)."""
    result = sandbox.run(job(hw, hw.solutions), replace(limits, uid=0), sandbox=False)
    values = {ex.id: [None] * len(hw.cases[ex.id]) for ex in hw.exercises}
    done = set()
    for ev in result.events:
        if ev.get("kind") == "case" and "error" not in ev:
            values[ev["exercise"]][ev["index"]] = decode(ev["value"])
            done.add((ev["exercise"], ev["index"]))
        elif ev.get("kind") in ("case", "load_error"):
            raise RuntimeError(f"{hw.path}: the reference solution of {ev['exercise']} fails: "
                               f"{ev['error']}")
    missing = [(ex.id, i) for ex in hw.exercises for i in range(len(hw.cases[ex.id]))
               if (ex.id, i) not in done]
    if missing:
        raise RuntimeError(f"{hw.path}: the reference solution gave no value for {missing[:3]} "
                           f"(timeout? {result.stderr[-500:]})")
    return values


# -- scoring one submission -----------------------------------------------------------------------

def score_exercise(hw, ex, events, expected, limits):
    """{exercise, points, max_points, reason, cases: [{name, public, passed, why}]}."""
    cases = hw.cases[ex.id]
    load = next((e for e in events if e.get("kind") == "load_error"), None)
    end = next((e for e in events if e.get("kind") == "end"), None)
    by_index = {e["index"]: e for e in events if e.get("kind") == "case"}
    refused = any(e.get("refused") for e in events)
    rows = []
    for i, c in enumerate(cases):
        ev, why = by_index.get(i), None
        if load is not None:
            why = f"the answer cell fails: {load['error']}"
        elif ev is None:
            why = _stopped(end, limits)
        elif "error" in ev:
            why = f"error: {ev['error']}"
        else:
            rtol, atol = c.tolerances()
            try:
                why = compare(expected[i], decode(ev["value"]), rtol, atol)
                if why is None:
                    changed = changed_inputs((list(c.args), c.kwargs), decode(ev["inputs"]),
                                             hw.params.get(c.function, []))
                    if changed:
                        why = f"changed its input {', '.join(changed)} in place"
            except (ValueError, KeyError, TypeError) as e:
                why = f"sent back something malformed ({type(e).__name__})"
        rows.append({"name": c.name, "public": c.public, "passed": why is None, "why": why})
    n_pass = sum(r["passed"] for r in rows)
    points = round(ex.points * n_pass / len(rows), 2)
    if refused:
        points, reason = 0.0, "refused: the answer uses regutils (write plain NumPy)"
    elif n_pass == len(rows):
        reason = "ok"
    elif n_pass == 0 and all("NotImplementedError" in r["why"] for r in rows):
        reason = "not done yet (NotImplementedError: the stub is still there)"
    else:
        first = next(r for r in rows if not r["passed"])
        reason = f"{n_pass}/{len(rows)} cases pass; {first['name']}: {first['why']}"
    return {"exercise": ex.id, "points": points, "max_points": ex.points, "reason": reason,
            "cases": rows}


def _stopped(end, limits):
    if end is None:
        return "not run: the sandbox stopped before this exercise"
    if end.get("timeout"):
        return f"timeout (more than {limits.timeout_s:g} s)"
    if end.get("too_big"):
        return "the answer sent back too much data"
    if end.get("signal") == "SIGXCPU":
        return f"CPU time limit ({limits.timeout_s:g} s)"
    if end.get("signal"):
        return f"the answer's process was killed ({end['signal']})"
    return "the answer's process ended before this case (os._exit, crash?)"


def grade_submission(student, path, homeworks, references, limits, use_sandbox):
    """The result record of one submission (never raises for a bad submission)."""
    start = time.perf_counter()
    data = Path(path).read_bytes()
    record = {"student": student, "path": str(path), "sha256": hashlib.sha256(data).hexdigest()}
    try:
        nb, problem = read_submission(path), None
    except InvalidSubmission as e:
        nb, problem = None, str(e)
    name = homework_of(nb, path, list(homeworks))
    if name is None:
        record.update(homework="?", exercises=[{
            "exercise": "*", "points": 0.0, "max_points": 0.0, "cases": [],
            "reason": problem or "cannot tell which homework this is"}])
        return record
    hw = homeworks[name]
    record["homework"] = name
    answers, static = {}, {}
    for ex in hw.exercises:
        src = None if nb is None else find_answer(nb, ex)
        if problem:
            static[ex.id] = problem
        elif src is None:
            static[ex.id] = f"answer cell not found (its cell id is {ex.id!r})"
        elif uses_regutils(src):
            static[ex.id] = "refused: the answer uses regutils (write plain NumPy)"
        else:  # a line of IPython magic (%timeit, !pip) at the margin means nothing here
            answers[ex.id] = re.sub(r"^[%!].*$", "pass", src, flags=re.MULTILINE)
    events, note = [], ""
    if answers:
        result = sandbox.run(job(hw, answers), limits, sandbox=use_sandbox)
        events = result.events
        if not any(e.get("kind") == "done" for e in events):
            last = result.stderr.strip().splitlines()[-1:] or [""]
            note = f" (the sandbox ended early: exit code {result.returncode} {last[0]})"
    rows = []
    for ex in hw.exercises:
        if ex.id in static:
            rows.append({"exercise": ex.id, "points": 0.0, "max_points": ex.points,
                         "reason": static[ex.id], "cases": []})
            continue
        row = score_exercise(hw, ex, [e for e in events if e.get("exercise") == ex.id],
                             references[name][ex.id], limits)
        if note and row["reason"] != "ok" and "sandbox stopped" in row["reason"]:
            row["reason"] += note
        rows.append(row)
    record["exercises"] = rows
    record["seconds"] = round(time.perf_counter() - start, 3)
    return record


# -- the folder -----------------------------------------------------------------------------------

def result_name(student, path, folder):
    rel = Path(path).relative_to(folder)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", "--".join(rel.with_suffix("").parts))
    return f"{safe}-{hashlib.sha256(rel.as_posix().encode()).hexdigest()[:8]}.json"


def write_atomic(path, text):
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _check_folders(folder, out):
    folder, out = Path(folder).resolve(), Path(out).resolve()
    if not folder.is_dir():
        raise ValueError(f"submissions folder {str(folder)!r} is not a folder")
    if out == folder or folder in out.parents or out in folder.parents:
        raise ValueError(f"out={str(out)!r} and the submissions folder {str(folder)!r} must not "
                         "contain each other (submissions must not reach the results)")


def grade(folder, out="grading", source_dir=SOURCE_DIR, jobs=None, limits=None,
          use_sandbox=True, echo=print):
    """Grade every submission in ``folder``; returns the result records. See the module doc."""
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an int >= 1, got {jobs!r}")
    limits = limits or sandbox.Limits()
    if use_sandbox and sandbox.find_bwrap() is None:
        raise RuntimeError(f"bwrap not found: {sandbox.BWRAP_HINT}")
    _check_folders(folder, out)
    if use_sandbox:
        sandbox.preflight(replace(limits, uid=UID_BASE + 1))
    out = Path(out)
    results_dir = out / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    homeworks = load_homeworks(source_dir)
    references = {name: reference_values(hw, limits) for name, hw in homeworks.items()}
    stamp = fingerprint(homeworks)
    todo, records, lock = [], {}, threading.Lock()
    for student, path in submissions(folder):
        target = results_dir / result_name(student, path, folder)
        old = _read_json(target)
        sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if old and old.get("sha256") == sha and old.get("fingerprint") == stamp:
            records[target.name] = old
            echo(f"{student} ({path.name}): done before, skipped")
        else:
            todo.append((student, path, target))
    slots = queue.Queue()
    for k in range(jobs):
        slots.put(UID_BASE + 1 + k)

    def work(item):
        student, path, target = item
        uid = slots.get()
        try:
            rec = grade_submission(student, path, homeworks, references,
                                   replace(limits, uid=uid), use_sandbox)
        except Exception as e:  # noqa: BLE001 - one broken submission must not stop the others
            rec = {"student": student, "path": str(path), "homework": "?", "exercises": [
                {"exercise": "*", "points": 0.0, "max_points": 0.0, "cases": [],
                 "reason": f"grader error: {type(e).__name__}: {e}"}]}
        finally:
            slots.put(uid)
        rec["fingerprint"] = stamp
        rec.setdefault("sha256", hashlib.sha256(Path(path).read_bytes()).hexdigest())
        with lock:
            write_atomic(target, json.dumps(rec, indent=1))
            records[target.name] = rec
            export.write_tables(out, list(records.values()), homeworks, write_atomic)
        got = sum(r["points"] for r in rec["exercises"])
        full = sum(r["max_points"] for r in rec["exercises"])
        echo(f"{student} ({path.name}, {rec.get('homework')}): {got:g}/{full:g} points "
             f"({rec.get('seconds', 0):.1f} s)")

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(work, todo))
    final = list(records.values())
    export.write_tables(out, final, homeworks, write_atomic)
    export.write_gradescope(out, final, write_atomic)
    return final


def _read_json(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
