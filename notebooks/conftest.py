"""nbval for the lecture notebooks: numbers from training compared within the cell's tolerance.

A code cell whose metadata has ``"tolerance": {"atol": ..., "rtol": ..., "why": ...}`` prints
numbers that come out of a training run, whose last digits depend on the BLAS kernel of the
machine. For such a cell, each number nbval is about to compare is first reconciled with the
stored one (``regutils.notebooks.reconcile``): one within the tolerance counts as equal, one
outside it (or any other change of the text) fails with nbval's usual diff. Every other cell is
compared as exact text, as nbval always does. The progress line a long cell shows while it runs
(``regutils.progress``) is not stored and not compared. See the README, "Tests and CI".
"""
import nbformat
from nbval.plugin import IPyNbCell

from regutils.notebooks import reconcile, tolerance_of
from regutils.progress import is_progress

_exact_compare = IPyNbCell.compare_outputs


def _compare_within_tolerance(self, test, ref, skip_compare=None):
    test = [t for t in test if not is_progress(t)]  # a long cell's "12 of 27 runs done" line
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
