"""The progress line of long cells (regutils.progress): shown while a loop runs in a kernel,
erased at its end, not stored by ``make execute`` and not compared by nbval."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from regutils.notebooks import execute
from regutils.progress import MARK, describe, is_progress, progress

ROOT = Path(__file__).resolve().parent.parent
LOOP = ("from regutils.progress import progress\nimport time\n"
        "for i in progress(range(3), 'probe sweep', 'runs'):\n    time.sleep(0.3)\nprint('done')")


def test_outside_a_kernel_the_items_pass_through():
    assert list(progress(range(4), "sweep")) == [0, 1, 2, 3]
    assert list(progress(iter("ab"), "sweep", "letters")) == ["a", "b"]


def test_the_line_says_what_how_many_and_the_time_left():
    assert describe("λ sweep", "runs", 0, 27, 0.0) == "λ sweep: 0 of 27 runs done"
    assert describe("λ sweep", "runs", 9, 27, 6.0) == "λ sweep: 9 of 27 runs done, about 12 s left"
    assert describe("λ sweep", "runs", 27, 27, 18.0) == "λ sweep: 27 of 27 runs done"


@pytest.mark.parametrize("kwargs, name", [({"what": 3}, "what"), ({"what": "x", "total": -1}, "total"),
                                          ({"what": "x", "total": 1.5}, "total")])
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises((TypeError, ValueError), match=name):
        list(progress([1], **kwargs))


def _loop_notebook(path, outputs=()):
    cell = nbformat.v4.new_code_cell(LOOP, execution_count=1, outputs=list(outputs))
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)
    return nb


def test_in_a_kernel_the_line_is_shown_and_erased(tmp_path):
    from nbclient import NotebookClient

    nb = _loop_notebook(tmp_path / "p.ipynb")
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    shown = [o for o in outputs if is_progress(o)]
    assert len(shown) == 1 and shown[0].output_type == "display_data"
    assert shown[0].data["text/plain"] == ""  # erased at the end of the loop
    assert shown[0].metadata[MARK] is True
    assert [o.text for o in outputs if o.output_type == "stream"] == ["done\n"]


def test_make_execute_does_not_store_the_line_and_nbval_passes(tmp_path):
    path = tmp_path / "p.ipynb"
    _loop_notebook(path)
    execute(path)
    stored = nbformat.read(path, as_version=4).cells[0].outputs
    assert [o.output_type for o in stored] == ["stream"] and stored[0].text == "done\n"
    shutil.copy(ROOT / "notebooks" / "conftest.py", tmp_path / "conftest.py")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-o", "addopts=", "--nbval", "--nbval-current-env", "p.ipynb"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    # Without the conftest, nbval sees the progress line as an extra output and fails.
    (tmp_path / "conftest.py").unlink()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-o", "addopts=", "--nbval", "--nbval-current-env", "p.ipynb"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "Cell outputs differ" in run.stdout


def test_under_nbval_a_long_cell_without_a_progress_line_fails_in_ci(tmp_path):
    """notebooks/conftest.py times every cell; with REGUTILS_REQUIRE_ALL=1 a cell over twice SLOW
    that showed no progress line fails (SLOW lowered to 0.3 s here to keep the test short)."""
    conftest = (ROOT / "notebooks" / "conftest.py").read_text()
    assert "SLOW = 3.0" in conftest
    (tmp_path / "conftest.py").write_text(conftest.replace("SLOW = 3.0", "SLOW = 0.3"))
    slow = "import time\ntime.sleep(0.8)\nprint('done')"
    with_line = LOOP.replace("time.sleep(0.3)", "time.sleep(0.4)")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(with_line, execution_count=1,
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="done\n")]),
        nbformat.v4.new_code_cell(slow, execution_count=2,
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="done\n")])])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, tmp_path / "slow.ipynb")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
               "--nbval", "--nbval-current-env", "slow.ipynb", "-rA"]
    strict = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "REGUTILS_REQUIRE_ALL": "1"})
    assert "1 failed, 1 passed" in strict.stdout, strict.stdout[-3000:]
    assert "without showing what it is doing" in strict.stdout
    assert "NO PROGRESS LINE  slow.ipynb Cell 1" in strict.stdout
    lenient = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                             env={k: v for k, v in os.environ.items() if k != "REGUTILS_REQUIRE_ALL"})
    assert lenient.returncode == 0 and "NO PROGRESS LINE" in lenient.stdout, lenient.stdout[-3000:]


def test_under_nbval_a_notebook_over_twice_its_budget_fails_in_ci(tmp_path):
    """notebooks/conftest.py sums the cell times of each notebook; with REGUTILS_REQUIRE_ALL=1 a
    notebook whose cells sum to more than twice BUDGET fails at the cell that crosses it (BUDGET
    lowered to 0.5 s here to keep the test short); the summary lists every notebook's total."""
    conftest = (ROOT / "notebooks" / "conftest.py").read_text()
    assert "BUDGET = 30.0" in conftest
    (tmp_path / "conftest.py").write_text(conftest.replace("BUDGET = 30.0", "BUDGET = 0.5"))

    def notebook(name, sleeps):
        cells = [nbformat.v4.new_code_cell(f"import time\ntime.sleep({s})\nprint('done')", execution_count=i + 1,
                                           outputs=[nbformat.v4.new_output("stream", name="stdout", text="done\n")])
                 for i, s in enumerate(sleeps)]
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
        nbformat.write(nb, tmp_path / name)

    notebook("long.ipynb", [0.4, 0.4, 0.4, 0.1])  # 0.8 s after two cells, 1.2 s > 2 × 0.5 after three
    notebook("short.ipynb", [0.2, 0.2])  # 0.4 s: under the budget
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
               "--nbval", "--nbval-current-env", "long.ipynb", "short.ipynb", "-rA"]
    strict = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "REGUTILS_REQUIRE_ALL": "1"})
    assert "1 failed, 5 passed" in strict.stdout, strict.stdout[-3000:]
    assert "FAILED long.ipynb::Cell 2" in strict.stdout, strict.stdout[-3000:]
    assert "over twice its budget of 0.5 s" in strict.stdout
    assert "OVER BUDGET  long.ipynb" in strict.stdout
    assert "OVER BUDGET  short.ipynb" not in strict.stdout and "short.ipynb" in strict.stdout.split("notebook totals")[1]
    lenient = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                             env={k: v for k, v in os.environ.items() if k != "REGUTILS_REQUIRE_ALL"})
    assert lenient.returncode == 0 and "OVER BUDGET  long.ipynb" in lenient.stdout, lenient.stdout[-3000:]
