"""The panels and the lecture notebooks in a real JupyterLab, driven by Chromium (Playwright).

For the test notebook (every panel) and for every notebook matching notebooks/0*.ipynb: run all
cells, wait for the kernel to be idle, assert that there is no error output, no "Error displaying
widget" and that every panel's canvas is drawn. For the panels: every slider moves from the
keyboard (focus + ArrowRight) and the canvas changes within a deadline (the browser-measured time
from the key press to the new picture is written to test-artifacts/browser_timings.txt); ▶ changes
the picture over time and pausing stops it. Screenshots of each panel before and after go to
test-artifacts/.
"""
import json
import time

import pytest

import browserlib as B
from browserlib import new_page

PANELS = "tests/browser/notebooks/panels.ipynb"
NOTEBOOKS = [PANELS] + sorted(str(p.relative_to(B.REPO))
                              for p in (B.REPO / "notebooks").glob("0*.ipynb"))
# per panel: the call in the test notebook, and the key-to-canvas deadline in seconds
PANEL_CALLS = {"penalty": ("penalty_panel(", 8), "dropout": ("dropout_panel(", 8),
               "noise": ("noise_panel(", 8), "corruption": ("corruption_panel(", 25)}

JS_WATCH = """
(canvas) => {
  const hash = () => {
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 2166136261 >>> 0;
    for (let i = 0; i < d.length; i += 4)
      h = Math.imul(h ^ (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16)), 16777619) >>> 0;
    return h;
  };
  if (window.__watch && window.__watch.timer) clearInterval(window.__watch.timer);
  const w = {h0: hash(), keyAt: null, changedAt: null, timer: null};
  window.__watch = w;
  document.addEventListener('keydown', () => { if (w.keyAt === null) w.keyAt = performance.now(); },
                            {capture: true, once: true});
  w.timer = setInterval(() => {
    if (w.changedAt === null && hash() !== w.h0) { w.changedAt = performance.now(); clearInterval(w.timer); }
  }, 10);
  return w.h0;
}
"""
JS_HASH = """
(canvas) => {
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 2166136261 >>> 0;
  for (let i = 0; i < d.length; i += 4)
    h = Math.imul(h ^ (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16)), 16777619) >>> 0;
  return h;
}
"""


JS_SHA256 = """
async (canvas) => {
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const h = await crypto.subtle.digest('SHA-256', d);
  return [...new Uint8Array(h)].map(b => b.toString(16).padStart(2, '0')).join('');
}
"""
JS_KERNEL_EXEC = """
async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  let out = '';
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  future.onIOPub = (m) => { if (m.header.msg_type === 'stream') out += m.content.text; };
  await future.done;
  return out;
}
"""
KERNEL_LIVE_PICTURE = """
import hashlib
import numpy as np
from regutils.panels.panel import Panel
# the panels are the cells' results (Out); not gc.get_objects(): a panel freezes those before it
live = [p for p in Out.values() if isinstance(p, Panel) and p.mode == "live"]
print(hashlib.sha256(np.asarray(live[0].canvas.buffer_rgba()).tobytes()).hexdigest(), len(live))
"""


def cell_index(path, needle):
    cells = json.loads((B.REPO / path).read_text())["cells"]
    return next(i for i, c in enumerate(cells) if needle in "".join(c["source"]))


def run_notebook(page, lab, path, timings, timeout):
    B.open_notebook(page, lab, path)
    seconds = B.run_all(page, timeout=timeout)
    timings.append(f"{path}: run all cells in the browser {seconds:.1f} s")
    return seconds


def wait_drawn(page, timeout=30):
    """Wait until every figure canvas on the page shows a picture; returns their states."""
    def drawn():
        states = B.canvas_hashes(page)
        return states if all(s["w"] > 0 and s["nonwhite"] > 1000 for s in states) else None

    try:
        return B.wait_until(drawn, timeout, interval=0.3, what="every canvas drawn")
    except TimeoutError:
        return B.canvas_hashes(page)


def stable_hash(canvas, settle=0.4, timeout=20):
    """The canvas hash once it stopped changing for ``settle`` seconds."""
    deadline = time.monotonic() + timeout
    last = canvas.evaluate(JS_HASH)
    while time.monotonic() < deadline:
        time.sleep(settle)
        now = canvas.evaluate(JS_HASH)
        if now == last:
            return now
        last = now
    return last


def shutdown_kernel(page):
    page.evaluate("() => { const w = window.jupyterapp.shell.currentWidget;"
                  " return w && w.sessionContext && w.sessionContext.shutdown(); }")


@pytest.fixture(scope="module")
def panels_page(browser, lab, timings):
    context, page = new_page(browser, lab)
    run_notebook(page, lab, PANELS, timings, timeout=180)
    yield page
    shutdown_kernel(page)
    context.close()


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_runs_clean_and_draws_every_panel(path, request, browser, lab, timings,
                                                   artifacts):
    name = path.rsplit("/", 1)[-1].removesuffix(".ipynb")
    if path == PANELS:
        page, context = request.getfixturevalue("panels_page"), None
    else:
        context, page = new_page(browser, lab)
    try:
        if context is not None:
            run_notebook(page, lab, path, timings, timeout=180)
        states = wait_drawn(page)
        assert B.errors(page) == []
        prompts = page.evaluate(B.JS_CELL_STATE)
        assert prompts and all("*" not in p and p not in ("", "[ ]:") for p in prompts), prompts
        if path == PANELS:
            # four panels, and the static figure after them is still an inline image (creating
            # a panel must not switch pyplot to the widget backend)
            assert len(states) == len(PANEL_CALLS)
            after = page.locator(".jp-Notebook .jp-Cell").nth(
                cell_index(PANELS, "a static figure after the panels"))
            assert after.locator(".jp-OutputArea-output img").count() == 1
            assert "backend: module://matplotlib_inline.backend_inline" in after.inner_text()
        for state in states:
            assert state["w"] > 0 and state["nonwhite"] > 1000, f"blank canvas: {state}"
    finally:
        page.screenshot(path=str(artifacts / f"notebook_{name}.png"))
        if context is not None:
            shutdown_kernel(page)
            context.close()


def panel_output(page, name):
    index = cell_index(PANELS, PANEL_CALLS[name][0])
    return page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea-output").last


@pytest.mark.parametrize("name", list(PANEL_CALLS))
def test_every_slider_moves_from_the_keyboard_and_redraws(name, panels_page, timings, artifacts):
    page, deadline = panels_page, PANEL_CALLS[name][1]
    out = panel_output(page, name)
    out.scroll_into_view_if_needed()
    canvas = out.locator(B.CANVAS).first
    stable_hash(canvas)
    out.screenshot(path=str(artifacts / f"panel_{name}_before.png"))
    sliders = out.locator(".widget-slider")
    assert sliders.count() >= 2
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        label = slider.locator(".widget-label").first.inner_text().strip()
        readout = slider.locator(".widget-readout").inner_text()
        stable_hash(canvas)
        slider.locator(".noUi-handle").focus()
        canvas.evaluate(JS_WATCH)
        page.keyboard.press("ArrowRight")
        try:
            B.wait_until(lambda: page.evaluate("() => window.__watch.changedAt !== null"),
                         deadline, interval=0.05, what=f"{name}: canvas change after {label} →")
        finally:
            watch = page.evaluate("() => { const w = window.__watch; clearInterval(w.timer);"
                                  " return {keyAt: w.keyAt, changedAt: w.changedAt}; }")
        assert slider.locator(".widget-readout").inner_text() != readout, label
        assert watch["keyAt"] is not None
        ms = watch["changedAt"] - watch["keyAt"]
        timings.append(f"{name:10s} slider {label!r:14s} {readout.strip():>6s} → "
                       f"{slider.locator('.widget-readout').inner_text().strip():<6s} "
                       f"key press to new canvas: {ms:6.0f} ms")
        status = out.locator(".widget-html").last.inner_text()
        assert "⚠" not in status, status
    stable_hash(canvas)
    out.screenshot(path=str(artifacts / f"panel_{name}_after.png"))
    assert B.errors(page) == []


def test_play_changes_the_picture_and_pause_stops_it(panels_page, timings, artifacts):
    page = panels_page
    out = panel_output(page, "penalty")
    out.scroll_into_view_if_needed()
    canvas = out.locator(B.CANVAS).first
    play = out.get_by_role("button", name="Play")
    pause = out.get_by_role("button", name="Pause")
    stable_hash(canvas)
    play.click()
    seen, start = [canvas.evaluate(JS_HASH)], time.monotonic()
    while time.monotonic() - start < 4.0:
        h = canvas.evaluate(JS_HASH)
        if h != seen[-1]:
            seen.append(h)
        time.sleep(0.02)
    changes = len(seen) - 1
    timings.append(f"live mode (penalty panel, ▶): {changes} canvas updates in 4 s = "
                   f"{changes / 4:.1f} updates/s seen by the browser")
    out.screenshot(path=str(artifacts / "panel_penalty_live.png"))
    assert changes >= 4, "▶ did not keep changing the picture"
    pause.click()
    time.sleep(1.5)  # let the last tick in flight arrive
    first = canvas.evaluate(JS_HASH)
    time.sleep(1.0)
    assert canvas.evaluate(JS_HASH) == first, "the picture still changes after pause"
    status = out.locator(".widget-html").last.inner_text()
    assert "live: epoch" in status and "⚠" not in status
    # the browser shows exactly the kernel's last picture: no frame of the fast live updates was
    # lost on the way (a lost diff frame leaves stale pixels behind)
    kernel = page.evaluate(JS_KERNEL_EXEC, KERNEL_LIVE_PICTURE).split()
    assert kernel[1] == "1", "one panel in live mode"
    assert canvas.evaluate(JS_SHA256) == kernel[0], "the canvas is not the kernel's picture"
