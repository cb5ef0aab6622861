"""The student-side homework checker (nbval) can fail, and cannot be fooled by saved outputs.

- the released notebooks (stubs) fail every exercise; the reference solutions pass every one;
- each typical wrong answer in tests/homework_cases/ fails its own exercise through a difference
  in the printed numbers, with a ✗ verdict (and its hint), and no other exercise;
- a wrong solution whose own outputs were saved into the student's notebook (and a check cell
  edited to print the expected text) still fails, while plain `pytest --nbval` on that file passes;
- the release is reproducible (same bytes twice), the committed notebooks are current, and the
  student edition holds no solution and no grading case.

Every check runs nbval in its own subprocess and kernel (a few seconds each), one after another.
Grading (sandbox, hidden cases, attacks) is tested in test_homework_grade.py.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from regutils.homework.notebook import skip_iri_grammar

skip_iri_grammar()  # before nbformat: its jsonschema would spend seconds on a grammar

import nbformat  # noqa: E402
import numpy as np
import pytest

from regutils import homework as helpers
from regutils.homework import check as hw
from regutils.homework import notebook as nbk
from regutils.homework import release as rel

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "homework_cases"
HOMEWORKS = ("hw1", "hw2")
TIMEOUT = 20  # seconds per cell in these tests (a correct cell takes well under 1 s)


def released(name):
    return ROOT / "notebooks" / "homework" / f"{name}.ipynb"


def source(name):
    return ROOT / "instructor" / f"{name}_source.ipynb"


def answer_ids(name):
    return [ex.id for ex in nbk.exercises(nbformat.read(released(name), as_version=4))]


def solutions(name):
    """The instructor's reference answers without the solution markers (as a student types them)."""
    nb = nbformat.read(source(name), as_version=4)
    return {ex.id: "\n".join(line for line in nb.cells[ex.answer].source.split("\n")
                             if line.strip() not in (nbk.BEGIN, nbk.END))
            for ex in nbk.exercises(nb)}


def student(name, answers=None):
    """A student's notebook: the released one with the reference solutions typed in, except for
    ``answers`` (exercise id -> source)."""
    nb = nbformat.read(released(name), as_version=4)
    typed = {**solutions(name), **(answers or {})}
    for ex in nbk.exercises(nb):
        nb.cells[ex.answer].source = typed[ex.id]
    return nb


def save(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def load_case(path):
    text = path.read_text(encoding="utf-8")
    header = dict(re.findall(r"^# (exercise|mistake|hint): (.*)$", text, flags=re.MULTILINE))
    return {"name": path.stem, "source": text, **header}


CASE_FILES = sorted(CASES.glob("*.py"))


def by_exercise(results):
    return {r.exercise: r for r in results}


# -- no kernel needed -----------------------------------------------------------------------------

def test_cases_cover_every_listed_mistake():
    """The issue's list of typical wrong answers, each present once (and for a real exercise)."""
    cases = [load_case(p) for p in CASE_FILES]
    listed = ["l2_without_half", "l1_sign0_is_1", "decay_without_lr", "biases_penalized",
              "vanilla_no_test_scaling", "inverted_divided_at_test", "mask_rand_greater_p",
              "backward_without_mask", "mc_average_of_scores", "jitter_noise_on_labels",
              "shift_wraps_around"]
    assert set(listed) <= {c["name"] for c in cases}
    ids = {i for name in HOMEWORKS for i in answer_ids(name)}
    for case in cases:
        assert case.get("exercise") in ids, case["name"]
        assert case.get("mistake"), case["name"]


def test_strip_solutions_keeps_the_signature_and_indentation():
    src = ('def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return 2 * x\n'
           '    ### END SOLUTION\n')
    out = nbk.strip_solutions(src)
    assert out == ('def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n'
                   '    raise NotImplementedError()\n')
    with pytest.raises(ValueError, match="without"):
        nbk.strip_solutions("### BEGIN SOLUTION\nx = 1\n")


def test_released_notebooks_have_stubs_and_expected_outputs():
    for name in HOMEWORKS:
        nb = nbformat.read(released(name), as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        exs = nbk.exercises(nb)
        assert exs, name
        for ex in exs:
            answer, check = nb.cells[ex.answer], nb.cells[ex.check]
            assert "raise NotImplementedError()" in answer.source and nbk.BEGIN not in answer.source
            assert answer.outputs == []
            printed = "".join(o.get("text", "") for o in check.outputs)
            assert helpers.OK_MARK in printed and "=" in printed, ex.id
            assert check.metadata.get("editable") is False
        text = released(name).read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and '"execution":' not in text
        # the pristine copy the checker uses is the released notebook, byte for byte
        assert (released(name).parent / ".reference" / f"{name}.ipynb").read_bytes() == \
            released(name).read_bytes()


def test_fmt_prints_the_same_text_for_equal_numbers():
    assert helpers.fmt(-0.0) == helpers.fmt(0.0) == "0"
    assert helpers.fmt(np.array([True, False])) == helpers.fmt([1.0, 0.0]) == "[1, 0]"
    assert helpers.fmt(0.1 + 0.2) == helpers.fmt(0.3) == "0.3"
    assert helpers.fmt([[1, 2], [3, 4]]) == "[[1, 2],\n [3, 4]]"


def test_verdict_is_honest(capsys):
    w = np.array([1.0, -2.0])
    helpers.verdict("f", {"g": w}, {"g": w.copy()})
    helpers.verdict("f", {"g": 2 * w}, {"g": w}, hints={"twice": {"g": 2 * w}})
    helpers.verdict("f", {"g": w[:1]}, {"g": w})    # wrong shape
    helpers.verdict("f", {"g": None}, {"g": w})     # nothing returned
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "✓ f: matches the reference"
    assert lines[1] == "✗ f: differs from the reference in g (hint: twice)"
    assert lines[2].startswith("✗") and lines[3].startswith("✗")


def test_merge_uses_the_pristine_copy_and_finds_answers(tmp_path):
    reference = nbformat.read(released("hw1"), as_version=4)
    nb = student("hw1", {
        "hw1-l2-penalty": "# NBVAL_SKIP\ndef l2_penalty(w, lam):\n    return 0, 0\n",
        "hw1-l1-penalty": "def l1_penalty(w, lam):\n    return ru.L1(lam)(w)\n"})
    for cell in nb.cells:  # a student edits every other cell and the saved outputs
        if cell.cell_type == "code" and "answer" not in cell.metadata.get("tags", []):
            cell.source = 'print("✓ all good")'
            cell.outputs = []
    moved = nb.cells.pop(next(i for i, c in enumerate(nb.cells) if c.id == "hw1-soft-threshold"))
    moved.id = "renamed-by-a-copy-paste"
    nb.cells.append(moved)
    del nb.cells[next(i for i, c in enumerate(nb.cells) if c.id == "hw1-sgd-step")]
    merged, problems = hw.merge(nb, reference)
    cells = {c.id: c for c in merged.cells}
    for cell in reference.cells:  # everything but the answer cells is the reference's
        if "answer" not in cell.metadata.get("tags", []):
            assert cells[cell.id].source == cell.source
            assert cells[cell.id].get("outputs") == cell.get("outputs")
    assert "NBVAL_SKIP" not in cells["hw1-l2-penalty"].source
    assert "return 0, 0" in cells["hw1-l2-penalty"].source
    assert "np.sign(w) * np.maximum" in cells["hw1-soft-threshold"].source  # found by its def
    assert problems == {"hw1-l1-penalty": "the answer uses regutils: write it in plain NumPy",
                        "hw1-sgd-step": "answer cell not found (its cell id is 'hw1-sgd-step')"}


def test_invalid_submission_is_reported(tmp_path):
    bad = tmp_path / "x.ipynb"
    bad.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(nbk.InvalidSubmission, match="not a valid notebook"):
        nbk.read_submission(bad)
    bad.write_text('{"cells": 3}', encoding="utf-8")
    with pytest.raises(nbk.InvalidSubmission):
        nbk.read_submission(bad)


# -- nbval runs (a kernel each) -------------------------------------------------------------------

def test_stubs_fail_from_the_command_line():
    """`python -m regutils.homework check` on the released notebook: every exercise FAILs."""
    proc = subprocess.run([sys.executable, "-m", "regutils.homework", "check",
                           str(released("hw1")), "--timeout", str(TIMEOUT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(lines) == len(answer_ids("hw1"))
    assert all(line.startswith("FAIL") and "NotImplementedError" in line for line in lines)
    assert "0 of 5 exercises pass." in proc.stdout


def test_stubs_fail_hw2():
    results = hw.check(released("hw2"), timeout=TIMEOUT)
    assert [r.exercise for r in results] == answer_ids("hw2")
    assert all(not r.passed and r.reason.startswith("not done yet") for r in results)


def test_reference_solutions_pass(tmp_path):
    path = save(student("hw1"), tmp_path / "hw1.ipynb")
    results = hw.check(path, timeout=TIMEOUT)
    assert [(r.exercise, r.passed, r.reason) for r in results] == \
        [(i, True, "ok") for i in answer_ids("hw1")]


def test_reference_solutions_pass_from_the_command_line(tmp_path):
    path = save(student("hw2"), tmp_path / "mine.ipynb")
    proc = subprocess.run([sys.executable, "-m", "regutils.homework", "check", str(path),
                           "--timeout", str(TIMEOUT)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert [line.split()[:2] for line in lines] == [["PASS", i] for i in answer_ids("hw2")]
    assert "8 of 8 exercises pass." in proc.stdout


def case_rounds(name):
    """The wrong answers of one homework, packed so that no two share an exercise in one run
    (the exercises are independent: a check cell calls only its own answer)."""
    rounds = []
    for case in (load_case(p) for p in CASE_FILES):
        if not case["exercise"].startswith(name + "-"):
            continue
        for r in rounds:
            if case["exercise"] not in r:
                r[case["exercise"]] = case
                break
        else:
            rounds.append({case["exercise"]: case})
    return rounds


@pytest.mark.parametrize("name", HOMEWORKS)
def test_each_typical_wrong_answer_fails_its_check(name, tmp_path):
    rounds = case_rounds(name)
    assert rounds
    for k, cases in enumerate(rounds):
        path = save(student(name, {ex: c["source"] for ex, c in cases.items()}),
                    tmp_path / f"round{k}.ipynb")
        results = by_exercise(hw.check(path, timeout=TIMEOUT))
        for ex, result in results.items():
            if ex not in cases:
                assert result.passed, (ex, result.reason)
                continue
            case = cases[ex]
            # fails by the printed numbers, not by an exception, and the verdict says so
            assert not result.passed and result.reason == "output differs", (case["name"], result)
            obtained = [line for line in result.details.splitlines() if "obtained:" in line]
            expected = [line for line in result.details.splitlines() if "expected:" in line]
            assert any("=" in line for line in obtained), case["name"]  # a number changed
            assert any(helpers.OK_MARK in line for line in expected), case["name"]
            assert any(helpers.FAIL_MARK in line for line in obtained), case["name"]
            if case.get("hint"):
                assert case["hint"] in result.details, case["name"]


def test_saved_wrong_outputs_and_edited_checks_do_not_fool_the_checker(tmp_path):
    """The trap of the issue: after a run and a save the notebook holds the student's outputs."""
    from nbclient import NotebookClient

    wrong = {"hw1-l2-penalty": (CASES / "l2_without_half.py").read_text(encoding="utf-8"),
             "hw1-l1-penalty": (CASES / "l1_sign0_is_1.py").read_text(encoding="utf-8")}
    nb = student("hw1", wrong)
    reference = nbformat.read(released("hw1"), as_version=4)
    expected_l1 = next(c for c in reference.cells if c.id == "hw1-l1-penalty-check").outputs[0].text
    check_l1 = next(c for c in nb.cells if c.id == "hw1-l1-penalty-check")
    check_l1.source = f"print({expected_l1!r}, end='')"  # a check cell edited to print the answer
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # run + save
    path = save(nb, tmp_path / "hw1.ipynb")
    saved = next(c for c in nb.cells if c.id == "hw1-l2-penalty-check").outputs[0].text
    assert helpers.FAIL_MARK in saved  # the student's own (wrong) outputs are now in the file

    # plain nbval on the student's file is fooled: every cell reproduces its own saved output
    plain = subprocess.run([sys.executable, "-m", "pytest", str(path), "-p", "nbval.plugin",
                            "--nbval", "--nbval-current-env", "-o", "addopts=",
                            "-p", "no:cacheprovider", "-q", "-c", str(save_ini(tmp_path)),
                            "--rootdir", str(tmp_path)],
                           capture_output=True, text=True, timeout=300, cwd=tmp_path,
                           env=dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"))
    assert plain.returncode == 0, plain.stdout[-2000:]

    results = by_exercise(hw.check(path, timeout=TIMEOUT))
    assert not results["hw1-l2-penalty"].passed and not results["hw1-l1-penalty"].passed
    assert all(results[ex].passed for ex in results if ex not in wrong)


def save_ini(folder):
    ini = folder / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    return ini


def test_release_is_reproducible(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        rel.release(HOMEWORKS, out_dir=out, echo=lambda *a: None)
    for name in HOMEWORKS:
        a = (first / f"{name}.ipynb").read_bytes()
        assert a == (second / f"{name}.ipynb").read_bytes()
        assert a == (first / ".reference" / f"{name}.ipynb").read_bytes()
        # the committed notebooks are what the sources give (re-run `make release` if not)
        assert a == released(name).read_bytes(), f"{name}.ipynb is stale: run `make release`"
        json.loads(a)  # valid JSON


def test_student_edition_has_no_solutions_or_cases(tmp_path):
    """What students get: notebooks, regutils, README; no instructor/, no tests, no solution."""
    import zipfile

    archive = rel.student_edition(ROOT, tmp_path / "student-edition", echo=lambda *a: None)
    dest = tmp_path / "student-edition"
    names = {p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()}
    assert {"README.md", "requirements.txt", "regutils/homework/__init__.py",
            "notebooks/homework/hw1.ipynb", "notebooks/homework/.reference/hw2.ipynb"} <= names
    assert not any(n.startswith(("instructor/", "tests/")) for n in names)
    for path in dest.rglob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert nbk.BEGIN not in text and "CASES" not in text, path
    with zipfile.ZipFile(archive) as z:
        assert sorted(n.split("/", 1)[1] for n in z.namelist()) == sorted(names)
    # a solution that slipped into a notebook is caught
    bad = dest / "notebooks" / "leak.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")])
    nbformat.write(nb, bad)
    with pytest.raises(RuntimeError, match="solution"):
        rel._check_clean(bad, dest)
    with pytest.raises(ValueError, match="dest="):
        rel.student_edition(ROOT, ROOT / "instructor" / "x", echo=lambda *a: None)


def test_check_cell_helpers_import_numpy_only():
    """The module the check cells import pulls in no command code (nbval, sandbox, grading)."""
    code = ("import sys; import regutils.homework; "
            "bad = [m for m in sys.modules if m.startswith('regutils.homework.') or "
            "m in ('nbformat', 'nbclient', 'pytest')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout.strip()
    assert out == "[]"
