"""Re-execute notebooks in place so their stored outputs are current (``make execute``).

    python -m regutils.notebooks execute notebooks/02_norm_penalties.ipynb [...]

Each notebook runs top to bottom in a fresh kernel (the one of this Python), in its own folder,
and is written back with its outputs. The kernelspec is set, so JupyterLab starts a kernel without
asking, and volatile metadata (timings) are dropped, so a re-run changes no more than the outputs.
It prints how long each notebook took.

Live widgets (the explorer panels, the λ sliders) cannot be stored: their saved output keeps only
a line of text that says to run the cell, which JupyterLab and GitHub show until the cell is run,
instead of a widget reference that would read "model not found". No widget state
is stored either (it holds random model ids, so every run would change the file).
"""
import sys
import time
from pathlib import Path

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
        if "outputs" in cell:
            cell.outputs = _merge_streams(cell.outputs)
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
