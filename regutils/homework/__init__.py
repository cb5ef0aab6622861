"""Homework: the helpers that the check cells of the homework notebooks import.

    from regutils.homework import show, verdict

This module imports NumPy only. The commands (``python -m regutils.homework release | check |
grade``) live in the submodules ``release``, ``check``, ``grade`` (with ``sandbox`` and
``runner``); nothing else in ``regutils`` imports them.
"""
import numpy as np

OK_MARK, FAIL_MARK = "✓", "✗"

__all__ = ["fmt", "show", "verdict", "OK_MARK", "FAIL_MARK"]
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
