"""A long cell shows what it is doing while it runs, in the real JupyterLab: the progress line of
regutils.progress appears below the running cell, counts up with the time left, and is gone when
the cell ends (so only the cell's own output stays)."""
import time

import browserlib as B

NOTEBOOK = "tests/browser/notebooks/progress.ipynb"


def test_the_progress_line_counts_up_and_is_erased(browser, lab, artifacts):
    context, page = B.new_page(browser, lab)
    try:
        B.open_notebook(page, lab, NOTEBOOK)
        output = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea")
        # not awaited: the command's promise settles only when the cell has finished
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        seen, shot = [], False
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = output.inner_text()
            if "probe sweep" in text and text not in seen:
                seen.append(text)
                if "left" in text and not shot:
                    page.screenshot(path=str(artifacts / "progress_line.png"))
                    shot = True
            if "all runs done" in text:
                break
            time.sleep(0.1)
        final = output.inner_text()
        assert "all runs done" in final, final
        assert "probe sweep" not in final, final  # erased at the end of the loop
        assert any("of 8 runs done" in t for t in seen), seen
        counts = [int(t.split("probe sweep: ")[1].split(" of")[0]) for t in seen]
        assert counts == sorted(counts) and counts[-1] > counts[0], seen  # it counts up
        assert any("s left" in t for t in seen), seen
        assert B.errors(page) == []
    finally:
        context.close()
