"""The panels fit a 1280×720 projector and a 1024-px-wide browser window (issue 14).

In Chromium, every control of every panel (sliders, toggle buttons, dropdowns, buttons) and its
canvas lie fully inside the viewport horizontally: on the presenter pages (Voilà) at 1280×720 and
1024×768, and in JupyterLab (the test notebook with all four panels, JupyterLab's default layout
with the file browser open: there the canvas is scaled down to the notebook's width) at the same
two sizes. On the presenter pages the whole panel, status line included, also fits vertically at
both sizes (nothing to scroll on a projector). Each page is loaded once and resized, so the
kernels run once. Screenshots: /tmp/layout/ (and test-artifacts/layout_*.png).
"""
import shutil
from pathlib import Path

import pytest

import browserlib as B
import optional

PRESENTER = B.REPO / "presenter"
PANELS_NB = "tests/browser/notebooks/panels.ipynb"
PAGES = ("penalty", "dropout", "noise", "corruption")
SIZES = ((1280, 720), (1024, 768))
SHOTS = Path("/tmp/layout")

# the boxes of a panel's controls and canvas, in CSS pixels of the viewport
JS_BOXES = """
(panel) => {
  const sel = '.widget-slider, .widget-toggle-buttons, .widget-dropdown, .widget-button, '
            + 'canvas.regutils-picture';
  return Array.from(panel.querySelectorAll(sel)).filter((el) => el.offsetParent !== null)
    .map((el) => {
      const r = el.getBoundingClientRect();
      const label = el.querySelector('.widget-label');
      const name = el.tagName === 'CANVAS' ? 'canvas'
                   : (label && label.textContent.trim()) || el.textContent.trim().slice(0, 30);
      return {name: name, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
              width: r.width};
    });
}
"""
# the outermost box of each panel (its VBox holds the picture)
JS_PANELS = """
() => Array.from(document.querySelectorAll('canvas.regutils-picture')).map((c) => {
  let box = c.closest('.widget-vbox');
  while (box.parentElement && box.parentElement.closest('.widget-vbox'))
    box = box.parentElement.closest('.widget-vbox');
  const r = box.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
})
"""


def outside(boxes, width):
    """The controls that stick out of a viewport ``width`` px wide (half a pixel of slack)."""
    return [(b["name"], round(b["left"]), round(b["right"])) for b in boxes
            if b["left"] < -0.5 or b["right"] > width + 0.5]


def check_canvas(boxes, where):
    """The canvas is there, at a readable size, not squashed (936×360 px at full size)."""
    (canvas,) = [b for b in boxes if b["name"] == "canvas"]
    height = canvas["bottom"] - canvas["top"]
    assert canvas["width"] >= 560 and height >= 200, (where, canvas)
    assert abs(height / canvas["width"] - 360 / 936) < 0.02, (where, canvas)
    return canvas


def shoot(page, name, artifacts):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    shutil.copy(path, artifacts / f"layout_{name}.png")


@pytest.fixture(scope="module")
def voila(chromium_path, tmp_path_factory):
    optional.require_module("voila", "pip install -r requirements-dev.txt")
    server = B.Voila(PRESENTER, tmp_path_factory.mktemp("voila-layout"))
    yield server
    server.stop()


def settle(page):
    """Wait two animation frames (the layout after a resize)."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => "
                  "requestAnimationFrame(r)))")


def test_presenter_pages_fit_a_projector_and_a_small_window(voila, browser, artifacts, timings):
    """All four pages are opened at once (their kernels start side by side), then each is
    measured at 1280×720 and at 1024×768."""
    width, height = SIZES[0]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(120_000)
    pages = {}
    try:
        for name in PAGES:
            pages[name] = page = context.new_page()
            page.goto(voila.render_url(f"{name}.ipynb"), wait_until="commit")
        for name, page in pages.items():
            canvas = page.locator("canvas.regutils-picture").first
            canvas.wait_for(state="attached")
            B.wait_canvas_drawn(canvas)
            panel = canvas.locator(
                "xpath=ancestor::div[contains(@class, 'widget-vbox')][last()]")
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                settle(page)
                where = f"presenter {name} at {width}×{height}"
                shoot(page, f"present_{name}_{width}x{height}", artifacts)
                boxes = panel.evaluate(JS_BOXES)
                assert len(boxes) >= 5, boxes
                check_canvas(boxes, where)
                assert outside(boxes, width) == [], where
                # nothing to scroll: the whole panel, status line included, is on the screen
                assert page.evaluate("() => window.scrollY") == 0
                bottom = max(b["bottom"] for b in page.evaluate(JS_PANELS))
                timings.append(f"layout: {where}: the panel ends at y = {bottom:.0f} px")
                assert bottom <= height, f"{where}: the panel ends at {bottom:.0f} px"
    finally:
        context.close()
    assert "Traceback" not in voila.log(), voila.log()[-3000:]


def test_a_high_density_screen_gets_twice_the_pixels_at_the_same_size(voila, browser, artifacts):
    """On a screen of 2 device pixels per CSS pixel (an Apple laptop) the figure is drawn at
    twice the dpi and shown at the same CSS size as on an ordinary screen: sharp, not bigger."""
    sizes = {}
    for ratio in (1, 2):
        context = browser.new_context(viewport={"width": 1280, "height": 720},
                                      device_scale_factor=ratio)
        context.set_default_timeout(120_000)
        try:
            page = context.new_page()
            page.goto(voila.render_url(f"{PAGES[0]}.ipynb"))
            canvas = page.locator("canvas.regutils-picture").first
            canvas.wait_for(state="attached")
            B.wait_canvas_drawn(canvas)
            sizes[ratio] = canvas.evaluate("(c) => [c.width, c.height, "
                                           "c.getBoundingClientRect().width]")
            shoot(page, f"present_{PAGES[0]}_ratio{ratio}", artifacts)
        finally:
            context.close()
    (w1, h1, css1), (w2, h2, css2) = sizes[1], sizes[2]
    assert (w2, h2) == (2 * w1, 2 * h1), sizes
    assert abs(css2 - css1) < 1 and abs(css1 - w1) < 1, sizes


def test_panels_in_jupyterlab_fit_1280_and_1024_wide(lab, browser, artifacts, timings):
    context = browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        B.open_notebook(page, lab, PANELS_NB)
        seconds = B.run_all(page, timeout=180)
        timings.append(f"layout: {PANELS_NB} run in JupyterLab in {seconds:.1f} s")
        canvases = page.locator(".jp-Notebook canvas.regutils-picture")
        B.wait_until(lambda: len(states := B.canvas_hashes(page)) == len(PAGES) and all(
            s["w"] > 0 and s["nonwhite"] > 1000 for s in states), 90, interval=0.3,
            what="four panels drawn")
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for i in range(len(PAGES)):
                output = canvases.nth(i).locator(
                    "xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]")
                output.scroll_into_view_if_needed()
                settle(page)
                boxes = output.evaluate(JS_BOXES)
                assert len(boxes) >= 5, boxes
                canvas = check_canvas(boxes, f"{PAGES[i]} at {width}×{height}")
                timings.append(f"layout: JupyterLab {PAGES[i]} at {width}×{height}: canvas "
                               f"{canvas['width']:.0f} px wide")
                area = output.bounding_box()
                assert outside(boxes, width) == [], f"{PAGES[i]} at {width}×{height}"
                # and inside the output area itself (no cut-off by a horizontal scroll)
                right = area["x"] + area["width"]
                assert [b["name"] for b in boxes if b["right"] > right + 0.5] == [], \
                    f"{PAGES[i]} at {width}×{height}: past the output area's edge {right:.0f}"
                if PAGES[i] in ("penalty", "corruption"):
                    shoot(page, f"lab_{PAGES[i]}_{width}x{height}", artifacts)
    finally:
        context.close()
