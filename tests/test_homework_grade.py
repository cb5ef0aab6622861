"""`grade` cannot be fooled: values on hidden cases, computed in a sandbox, compared by the grader.

- the reference solutions, and correct answers written differently, get every point; stubs none;
- every answer in tests/homework_public_only/ passes the public check (nbval) and loses points
  under `grade` on the hidden cases;
- every attack of the issue (ATTACKS below) fails under `grade`, and harms nobody else;
- a hang, a fork bomb (bounded), a 2 GiB allocation and a write outside the sandbox are each
  reported; a killed grader leaves every finished row and a re-run skips them;
- exports (grades.csv, canvas.csv, Gradescope's results.json), bwrap refusal, bad arguments.

One grade run (module fixture, --jobs 2) grades every submission of the suites at once.
"""
import csv
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from regutils.homework.notebook import skip_iri_grammar

skip_iri_grammar()  # before nbformat: its jsonschema would spend seconds on a grammar

import nbformat  # noqa: E402
import pytest
from optional import require

from regutils.homework import check as chk
from regutils.homework import grade as grd
from regutils.homework import notebook as nbk
from regutils.homework import sandbox
from regutils.homework.cases import compare

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_ONLY = Path(__file__).resolve().parent / "homework_public_only"
TIMEOUT = 3   # seconds per exercise (a correct exercise takes milliseconds)


def need_bwrap():
    require(sandbox.find_bwrap() is not None,
            "bubblewrap is not installed (apt-get install bubblewrap)")


def solutions(name):
    nb = nbformat.read(ROOT / "instructor" / f"{name}_source.ipynb", as_version=4)
    return {ex.id: nbk.solution(nb.cells[ex.answer].source) for ex in nbk.exercises(nb)}


def student(name, answers=None):
    nb = nbformat.read(ROOT / "notebooks" / "homework" / f"{name}.ipynb", as_version=4)
    typed = {**solutions(name), **(answers or {})}
    for ex in nbk.exercises(nb):
        nb.cells[ex.answer].source = typed[ex.id]
    return nb


def save(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def header(text, key):
    return re.search(rf"^# {key}: (.*)$", text, flags=re.MULTILINE).group(1)


PUBLIC_CASES = {p.stem: p.read_text(encoding="utf-8") for p in sorted(PUBLIC_ONLY.glob("*.py"))}
TYPICAL = {p.stem: p.read_text(encoding="utf-8")   # the wrong answers the public check catches
           for p in sorted((PUBLIC_ONLY.parent / "homework_cases").glob("*.py"))}

# correct answers written another way than the reference
ALTERNATIVES = {
    "hw1-l2-penalty": "def l2_penalty(w, lam):\n    return lam / 2 * float(np.vdot(w, w)), "
                      "np.multiply(lam, w)\n",
    "hw1-l1-penalty": "def l1_penalty(w, lam):\n    s = (w > 0).astype(w.dtype) - "
                      "(w < 0).astype(w.dtype)\n    return float(np.abs(w).sum() * lam), lam * s\n",
    "hw1-sgd-step": "def sgd_step_l2(w, grad_L, lr, lam):\n"
                    "    return w + (-lr) * (lam * w + grad_L)\n\n\n"
                    "def sgd_step_weight_decay(w, grad_L, lr, lam):\n"
                    "    return w * (1 - lr * lam) - lr * grad_L\n",
    "hw1-soft-threshold": "def soft_threshold(w, t):\n"
                          "    return np.where(np.abs(w) > t, w - t * np.sign(w), 0)\n",
    "hw1-regularized-loss": (
        "def regularized_loss(X, y, params, lam):\n    W1, b1, W2, b2 = (params[k] for k in "
        "('W1', 'b1', 'W2', 'b2'))\n    s = np.maximum(X @ W1 + b1, 0.0) @ W2 + b2\n"
        "    omega = sum(float(np.square(W).sum()) for W in (W1, W2)) / 2\n"
        "    return cross_entropy(s, y) + lam * omega\n"),
    "hw2-vanilla-train": "def vanilla_dropout_train(H, p, rng):\n    U = rng.random(H.shape) < p\n"
                         "    return np.where(U, H, 0), U\n",
    "hw2-vanilla-test": "def vanilla_dropout_test(H, p):\n    return p * H\n",
    "hw2-inverted-forward": (
        "def inverted_dropout_forward(H, p, rng, train=True):\n    if train:\n"
        "        keep = rng.random(H.shape) < p\n        U = keep / p\n        return U * H, U\n"
        "    return H, None\n"),
    "hw2-inverted-backward": "def inverted_dropout_backward(dout, U):\n"
                             "    return np.multiply(dout, U)\n",
    "hw2-mc-predict": (
        "def mc_predict_proba(X, params, p, k, rng):\n"
        "    h = np.maximum(0, X @ params['W1'] + params['b1'])\n    runs = []\n"
        "    for _ in range(k):\n        keep = rng.random(h.shape) < p\n"
        "        runs.append(softmax((h * keep / p) @ params['W2'] + params['b2']))\n"
        "    return np.mean(runs, axis=0)\n"),
    "hw2-jitter": "def jitter(X, y, sigma, rng):\n    eps = rng.standard_normal(X.shape)\n"
                  "    return X + eps * sigma, y\n",
    "hw2-shift": (
        "def shift_images(images, dx, dy):\n    n, h, w = images.shape\n"
        "    out = np.zeros_like(images)\n    for i in range(h):\n        for j in range(w):\n"
        "            if 0 <= i - dy < h and 0 <= j - dx < w:\n"
        "                out[:, i, j] = images[:, i - dy, j - dx]\n    return out\n"),
    "hw2-corrupt-labels": (
        "def corrupt_labels(y, fraction, n_classes, rng):\n"
        "    mask = rng.random(y.shape[0]) < fraction\n"
        "    draws = rng.integers(n_classes, size=len(y))\n"
        "    out = y.copy()\n    out[mask] = draws[mask]\n    return out\n"),
}


def attacks(paths):
    """{name: (homework, exercise, answer source)}: each attack of the issue as an answer cell.
    ``paths`` holds the absolute paths an attacker would aim at."""
    stub = "\n\ndef l2_penalty(w, lam):\n    return 1.0, w + 1\n"
    expected = "value = 0.39375\\ngrad = [[0.05, -0.15, 0]]\\n✓ l2_penalty: matches the reference"
    return {
        "ipython_hook_prints_expected_text": ("hw1", "hw1-l2-penalty", (
            "ip = get_ipython()\n"
            f"ip.events.register('post_run_cell', lambda *a: print('{expected}'))\n" + stub)),
        "redefines_check_helpers_and_builtins": ("hw1", "hw1-l2-penalty", (
            "import builtins\n"
            "def verdict(*args, **kwargs):\n    print('✓ l2_penalty: matches the reference')\n"
            "def show(*args, **kwargs):\n    pass\n"
            "np.allclose = lambda *a, **k: True\nbuiltins.print = lambda *a, **k: None\n" + stub)),
        "regutils_via_globals": ("hw1", "hw1-soft-threshold", (
            "def soft_threshold(w, t):\n    return globals()['ru'].soft_threshold(w, t)\n")),
        "regutils_via_dunder_import": ("hw1", "hw1-l2-penalty", (
            "_m = __import__('regu' + 'tils')\n\n\ndef l2_penalty(w, lam):\n"
            "    return _m.L2(lam)(w)\n")),
        "regutils_via_importlib": ("hw2", "hw2-vanilla-test", (
            "import importlib\n\n\ndef vanilla_dropout_test(H, p):\n"
            "    m = importlib.import_module(''.join(['reg', 'utils']))\n"
            "    d = m.Dropout(p, rule='vanilla')\n    d.training = False\n"
            "    return d.forward(H)\n")),
        "regutils_via_sys_modules": ("hw2", "hw2-jitter", (
            "import sys\n\n\ndef jitter(X, y, sigma, rng):\n"
            "    return sys.modules['regu' + 'tils'].jitter(X, rng, sigma), y\n")),
        "reads_the_solution_in_the_repo": ("hw2", "hw2-shift", (
            "import json\n"
            f"for _c in json.load(open({str(ROOT / 'instructor' / 'hw2_source.ipynb')!r}))"
            "['cells']:\n"
            "    if _c['id'] == 'hw2-shift':\n        exec(''.join(_c['source']))\n")),
        "executes_the_instructor_solution": ("hw1", "hw1-regularized-loss", (
            "import json\n"
            f"_nb = json.load(open({str(paths['source'] / 'hw1_source.ipynb')!r}))\n"
            "for _c in _nb['cells']:\n    if 'answer' in _c['metadata'].get('tags', []):\n"
            "        exec(''.join(_c['source']))\n")),
        "forges_nbval_report": ("hw1", "hw1-l1-penalty", (
            "import glob, json\n"
            "for _f in glob.glob('/tmp/*-nbval-*/report.jsonl') + glob.glob('/tmp/*/*.jsonl'):\n"
            "    with open(_f, 'a') as _o:\n"
            "        for _i in range(40):\n"
            "            _o.write(json.dumps({'cell': _i, 'outcome': 'passed', 'text': '', "
            "'outputs': [], 'died': False}) + '\\n')\n"
            "\n\ndef l1_penalty(w, lam):\n    return 0.0, 0 * w\n")),
        "rewrites_another_students_notebook": ("hw1", "hw1-sgd-step", (
            "import json\n"
            f"_p = {str(paths['victim'])!r}\n"
            "try:\n    _nb = json.load(open(_p))\n    for _c in _nb['cells']:\n"
            "        if 'answer' in _c['metadata'].get('tags', []):\n"
            "            _c['source'] = 'raise SystemExit'\n"
            "    json.dump(_nb, open(_p, 'w'))\nexcept OSError:\n    pass\n"
            "\n\ndef sgd_step_l2(w, grad_L, lr, lam):\n    return w\n"
            "\n\ndef sgd_step_weight_decay(w, grad_L, lr, lam):\n    return w\n")),
        "copies_another_submission": ("hw1", "hw1-soft-threshold", (
            "import json\n"
            f"for _c in json.load(open({str(paths['good'])!r}))['cells']:\n"
            "    if 'answer' in _c['metadata'].get('tags', []):\n"
            "        exec(''.join(_c['source']))\n")),
        "rewrites_the_reference_notebook": ("hw1", "hw1-l2-penalty", (
            f"for _p in ({str(paths['source'] / 'hw1_source.ipynb')!r}, "
            f"{str(paths['reference'])!r}):\n"
            "    try:\n        open(_p, 'w').write('{}')\n    except OSError:\n        pass\n"
            + stub)),
        "rewrites_grades_after_exit": ("hw1", "hw1-l1-penalty", (
            "import os, time\n"
            "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(3)\n"
            f"        open({str(paths['out'] / 'grades.csv')!r}, 'w').write('student\\nall,10')\n"
            "    os._exit(0)\n"
            "\n\ndef l1_penalty(w, lam):\n    return 0.0, 0 * w\n")),
        "kills_the_grader": ("hw1", "hw1-soft-threshold", (
            "import os, signal\n\n\ndef soft_threshold(w, t):\n"
            "    for pid in (os.getppid(), 1, -1):\n        try:\n"
            "            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n"
            "    return 0 * w\n")),
    }


RESOURCES = {  # name: (exercise, source); the l1 fork bomb returns the right values if bounded
    "hang": ("hw1-sgd-step", "def sgd_step_l2(w, grad_L, lr, lam):\n    while True:\n"
                             "        pass\n\n\ndef sgd_step_weight_decay(w, grad_L, lr, lam):\n"
                             "    return (1 - lr * lam) * w - lr * grad_L\n"),
    "fork_bomb": ("hw1-l1-penalty", (
        "import os, time\n\n\ndef l1_penalty(w, lam):\n    n = 0\n    try:\n"
        "        while n < 1000:\n            if os.fork() == 0:\n                time.sleep(60)\n"
        "                os._exit(0)\n            n += 1\n    except OSError:\n        pass\n"
        "    if n >= 100:\n        raise RuntimeError(f'{n} processes: not bounded')\n"
        "    return float(lam * np.sum(np.abs(w))), lam * np.sign(w)\n")),
    "fork_bomb_classic": ("hw1-l2-penalty", "import os\n\n\ndef l2_penalty(w, lam):\n"
                                            "    while True:\n        os.fork()\n"),
    "allocates_2_gib": ("hw1-soft-threshold", (
        "def soft_threshold(w, t):\n    big = np.ones(2 ** 28)\n"
        "    return np.sign(w) * np.maximum(np.abs(w) - t, 0) + 0 * big[0]\n")),
    "writes_outside": ("hw1-regularized-loss", None),   # filled in with a host path
}


@pytest.fixture(scope="module")
def graded():
    """Grade every suite's submissions in one run; yields what the tests look at. The folder is
    in /tmp, not pytest's (a 0700 folder would stop some attacks even without the sandbox)."""
    need_bwrap()
    base = Path(tempfile.mkdtemp(prefix="hwgrade-test-"))
    try:
        yield _grade_everything(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _grade_everything(base):
    subs, out, source = base / "submissions", base / "out", base / "instructor"
    shutil.copytree(ROOT / "instructor", source)  # the attacks aim at this copy
    reference = base / "reference" / "hw1.ipynb"
    save(student("hw1"), reference)
    paths = {"source": source, "reference": reference, "out": out,
             "victim": subs / "zz_victim.ipynb", "good": subs / "correct" / "hw1.ipynb",
             "escaped": base / "escaped.txt"}
    for name in ("hw1", "hw2"):
        save(student(name), subs / "correct" / f"{name}.ipynb")
        save(student(name, {k: v for k, v in ALTERNATIVES.items() if k.startswith(name)}),
             subs / "different" / f"{name}.ipynb")
        nbformat.write(nbformat.read(ROOT / "notebooks" / "homework" / f"{name}.ipynb",
                                     as_version=4), (subs / f"stub_{name}.ipynb"))
    save(student("hw1"), paths["victim"])
    for name, text in PUBLIC_CASES.items():
        ex = header(text, "exercise")
        save(student(ex.split("-")[0], {ex: text}), subs / f"po_{name}.ipynb")
    for name, text in TYPICAL.items():
        ex = header(text, "exercise")
        save(student(ex.split("-")[0], {ex: text}), subs / f"tw_{name}.ipynb")
    for name, (hwname, ex, src) in attacks(paths).items():
        save(student(hwname, {ex: src}), subs / f"atk_{name}.ipynb")
    hook = student("hw2", {"hw2-shift": nbk.STUB.replace("raise", "def shift_images(i, x, y):\n"
                                                                   "    raise")})
    cell = nbformat.v4.new_code_cell("get_ipython().events.register('post_run_cell', print)")
    cell.id = "hw2-shift"   # a hook cell given the answer's id (the file has it twice)
    hook.cells.insert(1, cell)
    (subs / "atk_hook_cell_with_the_answer_id.ipynb").write_text(
        json.dumps(hook), encoding="utf-8")
    listener = socket.socket()   # a server on the grader's loopback: the sandbox has no network
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    RESOURCES["uses_the_network"] = ("hw1-l2-penalty", (
        "import socket\n\n\ndef l2_penalty(w, lam):\n    try:\n"
        f"        socket.create_connection(('127.0.0.1', {listener.getsockname()[1]}), timeout=1)\n"
        "        return 'connected', w\n    except OSError:\n"
        "        return float(0.5 * lam * np.sum(w * w)), lam * w\n"))
    RESOURCES["writes_outside"] = ("hw1-regularized-loss", (
        "def regularized_loss(X, y, params, lam):\n"
        f"    for p in ({str(paths['escaped'])!r}, '/tmp/escaped.txt', '/usr/escaped.txt'):\n"
        "        open(p, 'w').write('out')\n    return 0.0\n"))
    for name, (ex, src) in RESOURCES.items():
        save(student("hw1", {ex: src}), subs / f"res_{name}.ipynb")
    # everything the attacks aim at is open to anyone: only the sandbox stands in their way
    for path in [base, *base.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in [*source.iterdir(), reference, paths["victim"]]}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "regutils.homework", "grade", str(subs),
                           "--out", str(out), "--source-dir", str(source), "--jobs", "2",
                           "--timeout", str(TIMEOUT)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    seconds = time.perf_counter() - start
    listener.close()
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    csv_hash = hashlib.sha256((out / "grades.csv").read_bytes()).hexdigest()
    time.sleep(4)  # longer than the attack that rewrites grades.csv after the grader exits
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    table = {(r["student"], r["exercise"]): (float(r["points"]), float(r["max_points"]),
                                             r["reason"]) for r in rows}
    return {"table": table, "rows": rows, "out": out, "paths": paths, "before": before,
            "csv_hash": csv_hash, "stdout": proc.stdout, "seconds": seconds, "subs": subs}


def points(table, who):
    return {ex: v for (s, ex), v in table.items() if s == who}


def test_reference_and_differently_written_answers_get_every_point(graded):
    table = graded["table"]
    for who in ("correct", "different"):
        mine = points(table, who)
        assert len(mine) == 13, who  # both homeworks of the student's folder
        for ex, (got, full, reason) in mine.items():
            assert (got, reason) == (full, "ok"), (who, ex, reason)
    for name in ("hw1", "hw2"):
        assert all(v[0] == 0 and v[2].startswith("not done yet")
                   for v in points(table, f"stub_{name}").values())
    assert all(v[0] == v[1] for v in points(table, "zz_victim").values())


@pytest.mark.parametrize("name", sorted(PUBLIC_CASES))
def test_public_only_answers_lose_points_under_grade(graded, name):
    ex = header(PUBLIC_CASES[name], "exercise")
    got, full, reason = graded["table"][f"po_{name}", ex]
    assert got < full, (name, reason)
    assert re.match(r"\d+/\d+ cases pass; ", reason), reason
    assert "(public)" not in reason
    others = {e: v for e, v in points(graded["table"], f"po_{name}").items() if e != ex}
    assert all(v[0] == v[1] for v in others.values()), others


@pytest.mark.parametrize("name", sorted(TYPICAL))
def test_typical_wrong_answers_lose_points_under_grade_too(graded, name):
    ex = header(TYPICAL[name], "exercise")
    got, full, reason = graded["table"][f"tw_{name}", ex]
    assert got < full and reason != "ok", (name, reason)


def test_public_only_answers_pass_the_public_check(tmp_path):
    """The same answers fool the student-side check: only the hidden cases catch them."""
    rounds = []
    for name, text in PUBLIC_CASES.items():
        ex = header(text, "exercise")
        slot = next((r for r in rounds if ex not in r and next(iter(r)).split("-")[0] ==
                     ex.split("-")[0]), None)
        if slot is None:
            rounds.append(slot := {})
        slot[ex] = text
    for k, answers in enumerate(rounds):
        hwname = next(iter(answers)).split("-")[0]
        path = save(student(hwname, answers), tmp_path / f"round{k}.ipynb")
        results = chk.check(path, timeout=20, reference_dir=ROOT / "notebooks/homework/.reference")
        assert all(r.passed for r in results), [(r.exercise, r.reason, r.details)
                                                for r in results if not r.passed]


@pytest.mark.parametrize("name", sorted(attacks({k: Path("/x") for k in
                                                 ("source", "reference", "out", "victim",
                                                  "good")})) + ["hook_cell_with_the_answer_id"])
def test_every_attack_fails_under_grade(graded, name):
    mine = points(graded["table"], f"atk_{name}")
    assert mine, graded["stdout"][-2000:]
    attacked = [ex for ex, v in mine.items() if v[0] < v[1]]
    assert len(attacked) == 1, mine     # the attacked exercise scores less than full ...
    assert mine[attacked[0]][0] == 0, mine[attacked[0]]   # ... nothing, in fact
    if name in ("regutils_via_dunder_import", "regutils_via_importlib"):
        assert mine[attacked[0]][2].startswith("refused: the answer uses regutils"), mine
    if name in ("reads_the_solution_in_the_repo", "forges_nbval_report"):  # the sandbox does
        assert "refused" not in mine[attacked[0]][2], mine


def test_attacks_harm_nobody_else(graded):
    """Files the attacks aimed at are unchanged, the CSV was not rewritten after the grader
    exited, no process of the sandbox uids is left, every submission has its rows."""
    for path, digest in graded["before"].items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path
    assert hashlib.sha256((graded["out"] / "grades.csv").read_bytes()).hexdigest() == \
        graded["csv_hash"]
    n_subs = len(grd.submissions(graded["subs"]))
    assert len({s for s, _ in graded["table"]}) == n_subs - 2   # two folders hold two homeworks
    assert not _sandbox_processes()


def _sandbox_processes():
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
            except OSError:
                continue
            if grd.UID_BASE < uid <= grd.UID_BASE + 64:
                found.append(entry)
    return found


def test_resource_abuse_is_contained_and_reported(graded):
    table = graded["table"]
    got, full, reason = table["res_hang", "hw1-sgd-step"]
    assert got < full and f"timeout (more than {TIMEOUT:g} s)" in reason, reason
    got, full, reason = table["res_fork_bomb", "hw1-l1-penalty"]
    assert (got, reason) == (full, "ok"), reason   # the bomb stopped below 100 processes
    got, full, reason = table["res_fork_bomb_classic", "hw1-l2-penalty"]
    assert got == 0 and ("BlockingIOError" in reason or "timeout" in reason), reason
    got, full, reason = table["res_allocates_2_gib", "hw1-soft-threshold"]
    assert got == 0 and "MemoryError" in reason, reason
    got, full, reason = table["res_writes_outside", "hw1-regularized-loss"]
    assert got == 0 and ("FileNotFoundError" in reason or "Read-only" in reason), reason
    assert not graded["paths"]["escaped"].exists()
    got, full, reason = table["res_uses_the_network", "hw1-l2-penalty"]
    assert (got, reason) == (full, "ok"), reason   # the connection failed: no network
    for who in ("res_hang", "res_fork_bomb", "res_fork_bomb_classic", "res_allocates_2_gib",
                "res_writes_outside", "res_uses_the_network"):
        others = [v for ex, v in points(table, who).items() if v[0] < v[1]]
        assert len(others) <= 1, (who, others)   # the other exercises are still graded
    assert not _sandbox_processes()


def test_exports(graded):
    out = graded["out"]
    assert list(graded["rows"][0]) == ["student", "exercise", "points", "max_points", "reason"]
    with open(out / "canvas.csv", newline="", encoding="utf-8") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "SIS Login ID", "hw1", "hw2", "Total"]
    assert canvas[1] == ["Points Possible", "", "10", "12", "22"]
    rows = {r[0]: r for r in canvas[2:]}
    assert rows["correct"][2:] == ["10", "12", "22"]
    assert rows["stub_hw1"][2:] == ["0", "", "0"]
    po = rows["po_shift_square_only"]
    assert po[2] == "" and 0 < float(po[3]) < 12 and po[4] == po[3]
    results = json.loads((out / "gradescope" / "po_shift_square_only" / "results.json")
                         .read_text(encoding="utf-8"))
    shift = next(t for t in results["tests"] if t["name"].endswith("hw2-shift"))
    assert shift["max_score"] == 2 and 0 < shift["score"] < 2
    assert "4×6" in shift["output"]
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    assert len(results["tests"]) == 8


def test_killed_grader_keeps_finished_rows_and_rerun_skips_them(tmp_path):
    need_bwrap()
    subs, out = tmp_path / "subs", tmp_path / "out"
    slow = {"hw1-sgd-step": RESOURCES["hang"][1]}   # each submission takes about 1 s
    for k in range(4):
        save(student("hw1", slow), subs / f"s{k}.ipynb")
    cmd = [sys.executable, "-m", "regutils.homework", "grade", str(subs), "--out", str(out),
           "--jobs", "1", "--timeout", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "results").glob("*.json"))) < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(1)
    assert not _sandbox_processes()   # the sandbox died with the grader (--die-with-parent)
    done = sorted(p.name for p in (out / "results").glob("*.json"))
    assert 2 <= len(done) < 4, done
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len({r["student"] for r in rows}) >= len(done) - 1   # the CSV follows the results
    assert not list((out / "results").glob(".*.tmp"))
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("done before, skipped") >= len(done)
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4 * 5
    assert all(r["points"] == r["max_points"] for r in rows if r["exercise"] != "hw1-sgd-step")


def test_grade_refuses_without_bwrap_unless_told(tmp_path):
    subs = tmp_path / "subs"
    save(student("hw1"), subs / "a.ipynb")
    env = dict(os.environ, PATH=str(tmp_path / "no-bin"))
    cmd = [sys.executable, "-m", "regutils.homework", "grade", str(subs),
           "--out", str(tmp_path / "out"), "--timeout", "5"]
    refused = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 2
    assert "bubblewrap" in refused.stderr and "--no-sandbox" in refused.stderr
    assert not (tmp_path / "out").exists()
    fake = tmp_path / "fake-bin" / "bwrap"   # a bwrap that cannot create namespaces here
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\n"
                    "exit 1\n")
    fake.chmod(0o755)
    broken = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, PATH=f"{fake.parent}:/usr/bin:/bin"))
    assert broken.returncode == 2
    assert "sandbox does not work" in broken.stderr and "No permissions" in broken.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()
    plain = subprocess.run(cmd + ["--no-sandbox"], cwd=ROOT, capture_output=True, text=True,
                           env=env, timeout=120)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "unconfined" in plain.stderr
    text = (tmp_path / "out" / "grades.csv").read_text(encoding="utf-8")
    assert text.count(",ok\n") == 5


def test_bad_arguments_name_the_argument(tmp_path):
    (tmp_path / "subs").mkdir()
    with pytest.raises(ValueError, match="jobs must be an int >= 1, got 0"):
        grd.grade(tmp_path / "subs", tmp_path / "out", jobs=0, use_sandbox=False)
    with pytest.raises(ValueError, match="must not contain each other"):
        grd.grade(tmp_path / "subs", tmp_path / "subs" / "out", use_sandbox=False)
    with pytest.raises(ValueError, match="timeout_s must be a positive number, got 0"):
        sandbox.Limits(timeout_s=0)
    proc = subprocess.run([sys.executable, "-m", "regutils.homework", "grade", str(tmp_path),
                           "--jobs", "-2"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "expected a positive int, got '-2'" in proc.stderr


def test_compare_is_strict_about_dtype_shape_and_structure():
    import numpy as np

    a = np.array([1.0, 2.0])
    assert compare((1.0, a), (1.0, a.copy()), 1e-7, 1e-10) is None
    assert "dtype float32" in compare(a, a.astype(np.float32), 1e-7, 1e-10)
    assert "shape (1, 2)" in compare(a, a[None], 1e-7, 1e-10)
    assert "wrong values" in compare(a, a + 1e-3, 1e-7, 1e-10)
    assert "tuple of 2" in compare((1.0, a), [1.0], 1e-7, 1e-10)
    assert compare(np.array([True, False]), np.array([1.0, 0.0]), 1e-7, 1e-10) is None
    assert "number or an array" in compare(a, "a", 1e-7, 1e-10)
