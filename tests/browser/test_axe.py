"""Accessibility of what our notebooks show, measured with axe-core in JupyterLab.

For every lecture notebook: open it in JupyterLab (Chromium) with its stored outputs (the printed
text and figures that nbval proves a re-run reproduces), run its live-widget cells (the panels and
λ sliders, stored only as a placeholder) so that they are drawn, inject axe-core (the npm package
in tests/browser/node_modules, ``npm ci --prefix tests/browser``; no CDN) and run it on OUR
content only: the cells' output areas and the rendered Markdown. JupyterLab's own interface
(toolbar, side bars, prompts, editors) is not ours and not audited. The counts per rule and
notebook are printed and written to test-artifacts/axe_counts.txt (details: axe.json).

Every violation is ours unless ``browserlib.AXE_NOT_OURS`` says whose it is and why we cannot fix
it; each entry must still match something (one that matches nothing any more fails: delete it).
"""
import json
import time
from collections import Counter

import pytest

import browserlib as B
import optional

AXE = B.AXE_JS
NOTEBOOKS = sorted(str(p.relative_to(B.REPO)) for p in (B.REPO / "notebooks").glob("0*.ipynb"))
WIDGET_TEXT = "(a live widget: run this cell to show it)"
CONTEXT = {"include": [".jp-Notebook .jp-OutputArea", ".jp-Notebook .jp-MarkdownOutput"]}
# the exceptions that apply to a notebook in JupyterLab (Voilà's is for the presenter pages)
NOT_OURS = {k: v for k, v in B.AXE_NOT_OURS.items() if v[0] != "Voilà"}


def widget_cells(path):
    cells = json.loads((B.REPO / path).read_text())["cells"]
    return [i for i, c in enumerate(cells) for o in c.get("outputs", [])
            if "".join(o.get("data", {}).get("text/plain", "")).strip() == WIDGET_TEXT]


def audit(page, lab, path, first):
    start = time.monotonic()
    if first:
        B.open_notebook(page, lab, path)
    else:
        B.switch_notebook(page, path)
    opened = time.monotonic()
    cells = widget_cells(path)
    B.run_cells(page, cells)
    for i in cells:  # the panels' and sliders' canvases are drawn
        canvas = page.locator(".jp-Notebook .jp-Cell").nth(i).locator(
            B.CANVAS).first
        B.wait_canvas_drawn(canvas)
    drawn = time.monotonic()
    violations = B.run_axe(page, CONTEXT, NOT_OURS)
    seconds = {"open": opened - start, "widgets": drawn - opened, "axe": time.monotonic() - drawn}
    return {"widget_cells": cells, "errors": B.errors(page), "violations": violations,
            "seconds": {k: round(v, 1) for k, v in seconds.items()}}


@pytest.fixture(scope="module")
def audits(browser, lab, artifacts, timings):
    optional.require(AXE.exists(), f"axe-core is missing: {AXE} (npm ci --prefix tests/browser)")
    results = {}
    context, page = B.new_page(browser, lab)
    try:  # one JupyterLab page, one notebook after the other
        for i, path in enumerate(NOTEBOOKS):
            results[path] = audit(page, lab, path, first=i == 0)
    finally:
        page.evaluate("() => { const w = window.jupyterapp.shell.currentWidget;"
                      " return w && w.sessionContext && w.sessionContext.shutdown(); }")
        context.close()
    (artifacts / "axe.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    owners = ["ours"] + sorted({whose for whose, _ in NOT_OURS.values()})
    lines = [f"{'notebook':36s} {'rule':24s} {'impact':9s} "
             + " ".join(f"{o:>14s}" for o in owners)]
    for path, r in results.items():
        for v in r["violations"]:
            count = Counter(n["owner"] for n in v["nodes"])
            lines.append(f"{path.rsplit('/', 1)[-1]:36s} {v['id']:24s} {v['impact'] or '':9s} "
                         + " ".join(f"{count[o]:14d}" for o in owners))
    (artifacts / "axe_counts.txt").write_text("\n".join(lines) + "\n")
    timings.append("axe-core violations in our outputs (per notebook, rule and owner):\n"
                   + "\n".join(lines))
    print("\n" + "\n".join(lines))
    print({p.rsplit("/", 1)[-1]: r["seconds"] for p, r in results.items()})
    return results


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_our_outputs_have_no_axe_violations(path, audits):
    result = audits[path]
    assert result["errors"] == []
    ours = [(v["id"], n["target"], n["html"][:120], n["summary"][:160])
            for v in result["violations"] for n in v["nodes"] if n["owner"] == "ours"]
    assert ours == []


def test_every_exception_is_still_needed(audits):
    """An entry of NOT_OURS that matches no violation any more must go (it would hide a
    regression later)."""
    seen = {(v["id"], n["owner"]) for r in audits.values() for v in r["violations"]
            for n in v["nodes"]}
    for (rule, sel), (whose, _) in NOT_OURS.items():
        assert (rule, whose) in seen, f"NOT_OURS[{rule!r}, {sel!r}] matches nothing: delete it"
