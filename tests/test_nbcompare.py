"""The tolerance comparison of training-run numbers under nbval (regutils.notebooks.reconcile and
notebooks/conftest.py): within the tolerance a number passes, beyond it the cell fails, and a
cell without a tolerance is compared as exact text."""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from regutils.notebooks import reconcile, tolerance_of

ROOT = Path(__file__).resolve().parent.parent


def test_numbers_within_the_tolerance_take_the_stored_spelling():
    assert reconcile("test 0.158  train 0.991", "test 0.159  train 0.990", atol=0.01) == \
        "test 0.158  train 0.991"


def test_a_number_beyond_the_tolerance_is_left_as_obtained():
    assert reconcile("test 0.158  train 0.991", "test 0.200  train 0.990", atol=0.01) == \
        "test 0.200  train 0.991"


def test_relative_tolerance_scales_with_the_stored_number():
    assert reconcile("after 110 epochs", "after 118 epochs", rtol=0.1) == "after 110 epochs"
    assert reconcile("after 110 epochs", "after 125 epochs", rtol=0.1) == "after 125 epochs"
    assert reconcile("after 11 epochs", "after 13 epochs", rtol=0.1) == "after 13 epochs"


def test_other_text_must_match_exactly():
    assert reconcile("best λ = 0.010", "best p = 0.010", atol=1.0) == "best p = 0.010"
    assert reconcile("0.1 0.2", "0.1 0.2 0.3", atol=1.0) == "0.1 0.2 0.3"  # one number more


def test_signs_and_exponents_are_numbers():
    assert reconcile("gap -0.004 and 1.5e-03", "gap +0.004 and 1.4e-03", atol=0.01) == \
        "gap -0.004 and 1.5e-03"


@pytest.mark.parametrize("bad", [{"atol": -1}, {"atol": "x"}, {"tol": 0.1}, 0.1, {"rtol": float("nan")}])
def test_a_malformed_tolerance_is_an_error(bad):
    with pytest.raises(ValueError, match="tolerance"):
        tolerance_of({"tolerance": bad})


def test_no_tolerance_means_exact():
    assert tolerance_of({"tags": ["x"]}) is None


def _notebook(path, stored, printed, tolerance=None):
    """A one-cell notebook that prints ``printed`` while its stored output says ``stored``."""
    cell = nbformat.v4.new_code_cell(f"print({printed!r})", execution_count=1, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=stored + "\n")])
    if tolerance is not None:
        cell.metadata["tolerance"] = tolerance
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)


@pytest.mark.parametrize("printed, tolerance, passes", [
    ("test accuracy 0.955", {"atol": 0.01, "why": "trained"}, True),
    ("test accuracy 0.970", {"atol": 0.01, "why": "trained"}, False),   # beyond the tolerance
    ("test accuracy 0.955", None, False),                                # exact cell: any change fails
    ("test accuracy 0.950", None, True),
    ("test error 0.955", {"atol": 0.01, "why": "trained"}, False),      # the words changed
])
def test_nbval_with_the_notebooks_conftest(tmp_path, printed, tolerance, passes):
    shutil.copy(ROOT / "notebooks" / "conftest.py", tmp_path / "conftest.py")
    _notebook(tmp_path / "probe.ipynb", "test accuracy 0.950", printed, tolerance)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-o", "addopts=", "--nbval", "--nbval-current-env", "probe.ipynb"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert (run.returncode == 0) == passes, run.stdout[-2000:] + run.stderr[-2000:]
    if not passes:
        assert "Cell outputs differ" in run.stdout
