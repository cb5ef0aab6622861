"""Re-execute notebooks in place so their stored outputs are current (``make execute``).

    python -m regutils.notebooks execute notebooks/02_norm_penalties.ipynb [...]

Each notebook runs top to bottom in a fresh kernel (the one of this Python), in its own folder,
and is written back with its outputs. The kernelspec is set, so JupyterLab starts a kernel without
asking, and volatile metadata (timings) are dropped, so a re-run changes no more than the outputs.
It prints how long each notebook took.

Numbers that come out of a training run differ in their last digits from one BLAS kernel (one
CPU) to another, and hundreds of epochs can turn that into another printed accuracy. A cell whose
printed numbers come from training carries its tolerance in its metadata,

    "tolerance": {"atol": 0.02, "rtol": 0.0, "why": "test error on 200 points after 1,000 epochs"}

and ``notebooks/conftest.py`` makes nbval compare that cell's numbers within it
(``reconcile``): the text between the numbers must be the same, and each number must lie within
atol + rtol·|stored| of the stored one. Every other cell is compared as exact text.

Live widgets (the explorer panels, the λ sliders) cannot be stored: their saved output keeps only
a line of text that says to run the cell, which JupyterLab and GitHub show until the cell is run,
instead of a widget reference that would read "model not found". No widget state
is stored either (it holds random model ids, so every run would change the file), and neither are
the progress lines of long cells (``regutils.progress``).
"""
import math
import re
import sys
import time
from pathlib import Path

from .progress import is_progress

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "(a live widget: run this cell to show it)"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def execute(path, timeout=600):
    """Run the notebook at ``path`` and save it with its outputs; returns the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "outputs" in cell:  # progress lines say how fast this machine was: not stored
            cell.outputs = _merge_streams([o for o in cell.outputs if not is_progress(o)])
        for output in cell.get("outputs", []):
            if output.get("data", {}).pop(WIDGET_VIEW, None) is not None:
                output["data"]["text/plain"] = WIDGET_NOTE
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return seconds


def _merge_streams(outputs):
    """Join consecutive stdout (or stderr) chunks: how the kernel happened to split a cell's text
    depends on timing, and the stored file should not."""
    merged = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (output.output_type == "stream" and last is not None
                and last.output_type == "stream" and last.name == output.name):
            last.text += output.text
        else:
            merged.append(output)
    return merged


NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def tolerance_of(metadata):
    """(atol, rtol) from a cell's ``tolerance`` metadata, or None for an exact comparison."""
    tol = metadata.get("tolerance")
    if tol is None:
        return None
    if not isinstance(tol, dict) or not set(tol) <= {"atol", "rtol", "why"}:
        raise ValueError(f"cell metadata 'tolerance' must be a dict with keys atol, rtol, why; got {tol!r}")
    atol, rtol = tol.get("atol", 0.0), tol.get("rtol", 0.0)
    if not all(isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t) and t >= 0
               for t in (atol, rtol)):
        raise ValueError(f"cell metadata 'tolerance' needs numbers atol, rtol >= 0; got {tol!r}")
    return float(atol), float(rtol)


def reconcile(expected, obtained, atol=0.0, rtol=0.0):
    """``obtained`` with each number that lies within ``atol + rtol·|e|`` of its counterpart ``e``
    in ``expected`` written as in ``expected``.

    The text between the numbers must be identical and the numbers as many; otherwise, and for
    every number outside the tolerance, ``obtained`` is left as it is, so an exact comparison of
    the result with ``expected`` fails exactly where the two disagree by more than the tolerance.
    """
    exp_parts, obt_parts = NUMBER.split(expected), NUMBER.split(obtained)
    if exp_parts != obt_parts:
        return obtained
    exp_nums, obt_nums = NUMBER.findall(expected), NUMBER.findall(obtained)
    merged = [e if abs(float(o) - float(e)) <= atol + rtol * abs(float(e)) else o
              for e, o in zip(exp_nums, obt_nums)]
    pieces = [exp_parts[0]]
    for number, text in zip(merged, exp_parts[1:]):
        pieces += [number, text]
    return "".join(pieces)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2 or argv[0] != "execute":
        print(__doc__)
        return 2
    for name in argv[1:]:
        print(f"{name}: {execute(name):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
