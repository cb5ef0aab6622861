"""nbval for the lecture notebooks: numbers from training compared within the cell's tolerance.

A code cell whose metadata has ``"tolerance": {"atol": ..., "rtol": ..., "why": ...}`` prints
numbers that come out of a training run, whose last digits depend on the BLAS kernel of the
machine. For such a cell, each number nbval is about to compare is first reconciled with the
stored one (``regutils.notebooks.reconcile``): one within the tolerance counts as equal, one
outside it (or any other change of the text) fails with nbval's usual diff. Every other cell is
compared as exact text, as nbval always does. The progress line a long cell shows while it runs
(``regutils.progress``) is not stored and not compared.

Each cell is also timed: one that runs for more than SLOW seconds must show a progress line. The
summary lists the cells over SLOW; in CI (``REGUTILS_REQUIRE_ALL=1``) a cell over twice SLOW
without one fails (on a slower laptop the times are only reported). The cells of one notebook are
summed as well: a notebook must run top to bottom in under BUDGET seconds; the summary lists every
notebook's total, and in CI a notebook whose cells sum to more than twice BUDGET fails (at the cell
that crosses it). See the README, "Tests and CI".
"""
import os
import time

import nbformat
import pytest
from nbval import plugin as _nbval
from nbval.plugin import IPyNbCell

from regutils.notebooks import reconcile, tolerance_of
from regutils.progress import is_progress

_exact_compare = IPyNbCell.compare_outputs


def _compare_within_tolerance(self, test, ref, skip_compare=None):
    # a long cell's "12 of 27 runs done" line: in the run, and in a notebook saved from JupyterLab
    test = [t for t in test if not is_progress(t)]
    ref = [r for r in ref if not is_progress(r)]
    tol = tolerance_of(self.cell.metadata)
    if tol is not None and len(test) == len(ref):
        test = [_reconciled(t, r, *tol) for t, r in zip(test, ref)]
    return _exact_compare(self, test, ref, skip_compare)


def _reconciled(test, ref, atol, rtol):
    """A copy of the output ``test`` whose texts are reconciled with those of ``ref``."""
    if test.get("output_type") != ref.get("output_type"):
        return test
    test = nbformat.from_dict(test)
    if test.output_type == "stream" and ref.get("name") == test.name:
        test.text = reconcile(ref.text, test.text, atol, rtol)
    for key, value in test.get("data", {}).items():
        stored = ref.get("data", {}).get(key)
        if key.startswith("text/") and isinstance(value, str) and isinstance(stored, str):
            test.data[key] = reconcile(stored, value, atol, rtol)
    return test


IPyNbCell.compare_outputs = _compare_within_tolerance


SLOW = 3.0  # seconds: a cell that runs longer says what it is doing (issue "Ready for a real classroom")
_ran = {}  # the outputs of the cell that runs now (nbval keeps them local to runtest)
_long_cells = []  # (cell, seconds, shows progress)
BUDGET = 30.0  # seconds: a notebook runs top to bottom in less (issue "Lessons that teach the right thing")
_totals = {}  # notebook -> seconds its cells ran so far


def _coalesce_noting_outputs(outputs):
    _ran.setdefault("outputs", list(outputs))  # nbval's first call in runtest: the run's outputs
    return _coalesce(outputs)


def _runtest_timed(self):
    _ran.clear()
    start = time.perf_counter()
    _runtest(self)
    seconds = time.perf_counter() - start
    strict = os.environ.get("REGUTILS_REQUIRE_ALL") == "1"
    notebook = self.parent.name
    before = _totals.get(notebook, 0.0)
    _totals[notebook] = total = before + seconds
    if seconds > SLOW:
        shown = any(is_progress(o) for o in _ran.get("outputs", []))
        _long_cells.append((f"{notebook} {self.name}", seconds, shown))
        if not shown and seconds > 2 * SLOW and strict:
            pytest.fail(f"this cell ran for {seconds:.1f} s without showing what it is doing: wrap its "
                        "loop in regutils.progress.progress(...)", pytrace=False)
    if before <= 2 * BUDGET < total and strict:
        pytest.fail(f"the cells of {notebook} ran for {total:.1f} s in total, over twice its budget of "
                    f"{BUDGET:g} s: make it faster (float32, fewer epochs, reuse of runs)", pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if _totals:
        terminalreporter.write_sep("-", f"notebook totals (budget {BUDGET:g} s)")
        for notebook, seconds in _totals.items():
            over = "  OVER BUDGET" if seconds > BUDGET else ""
            terminalreporter.write_line(f"{seconds:6.1f} s{over}  {notebook}")
    if _long_cells:
        terminalreporter.write_sep("-", f"notebook cells over {SLOW:g} s")
        for name, seconds, shown in _long_cells:
            terminalreporter.write_line(f"{seconds:6.1f} s  {'progress' if shown else 'NO PROGRESS LINE'}  {name}")


_coalesce = _nbval.coalesce_streams
_nbval.coalesce_streams = _coalesce_noting_outputs
_runtest = IPyNbCell.runtest
IPyNbCell.runtest = _runtest_timed
