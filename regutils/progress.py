"""What a long cell is doing while it runs: ``λ sweep: 12 of 27 runs done, about 8 s left``.

    for lam in progress(lams, "λ sweep", "runs"):
        ...

In a Jupyter kernel the line appears below the running cell when the loop starts, is updated as
items finish (at most four times a second) and is erased when the loop ends, stops or is
interrupted. It is a display output marked with ``MARK`` in its metadata: ``make execute`` drops
it from the stored notebook and nbval (notebooks/conftest.py) leaves it out of the comparison, so
the stored outputs do not depend on how fast the machine was. Outside a kernel (scripts, tests,
the homework runner) ``progress`` only passes the items through.
"""
import time

from . import checks

MARK = "regutils-progress"
EVERY = 0.25  # seconds between two updates of the line


def _kernel_display():
    """IPython's ``display`` when running in a kernel with a front end, else None."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    shell = get_ipython()
    return display if shell is not None and getattr(shell, "kernel", None) is not None else None


def describe(what, unit, done, total, elapsed):
    """The progress line: ``what: done of total unit done, about t s left``."""
    line = f"{what}: {done} of {total} {unit} done"
    if 0 < done < total:
        line += f", about {elapsed / done * (total - done):.0f} s left"
    return line


def progress(items, what, unit="runs", total=None):
    """Yield the ``items`` one by one, showing below the running cell how many are done."""
    if not isinstance(what, str) or not isinstance(unit, str):
        checks.fail("what and unit", "strings", (what, unit), TypeError)
    if total is None:
        items = list(items)
        total = len(items)
    total = checks.integer("total", total, 0)
    display = _kernel_display()
    if display is None:
        yield from items
        return
    meta = {MARK: True}
    handle = display({"text/plain": describe(what, unit, 0, total, 0.0)}, raw=True,
                     metadata=meta, display_id=True)
    start = last = time.perf_counter()
    try:
        for done, item in enumerate(items, 1):
            yield item
            now = time.perf_counter()
            if now - last >= EVERY:
                handle.update({"text/plain": describe(what, unit, done, total, now - start)},
                              raw=True, metadata=meta)
                last = now
    finally:
        handle.update({"text/plain": ""}, raw=True, metadata=meta)


def is_progress(output):
    """True for a progress line's output (a notebook output as a dict)."""
    return bool(output.get("metadata", {}).get(MARK))
