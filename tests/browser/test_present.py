"""The presenter view: each panel alone on a page served by Voilà (``make present``), for
projecting in class. In Chromium at a projector's 1280×720: the page shows the title and the
panel, no code; axe-core finds no violation of ours on it; a key press on a slider changes the
canvas. Screenshots go to test-artifacts/.
"""
import json

import pytest

import browserlib as B
import optional

PRESENTER = B.REPO / "presenter"
# per page: the key-to-new-canvas deadline in seconds (the corruption panel retrains on digits)
PAGES = {"penalty": 10, "dropout": 10, "noise": 10, "corruption": 25}


@pytest.fixture(scope="module")
def voila(chromium_path, tmp_path_factory):
    optional.require_module("voila", "pip install -r requirements-dev.txt")
    optional.require(B.AXE_JS.exists(),
                     f"axe-core is missing: {B.AXE_JS} (npm ci --prefix tests/browser)")
    server = B.Voila(PRESENTER, tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


def test_every_panel_has_a_presenter_page():
    assert sorted(p.stem for p in PRESENTER.glob("*.ipynb")) == sorted(PAGES)
    for name in PAGES:
        cells = json.loads((PRESENTER / f"{name}.ipynb").read_text())["cells"]
        assert [c["cell_type"] for c in cells] == ["markdown", "code"]
        assert f"{name}_panel(" in "".join(cells[1]["source"])


@pytest.mark.parametrize("name", list(PAGES))
def test_presenter_page_shows_the_panel_and_a_key_press_redraws(name, voila, browser, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(voila.render_url(f"{name}.ipynb"))
        canvas = page.locator("canvas.regutils-picture").first
        canvas.wait_for(state="attached")
        before = B.wait_canvas_drawn(canvas)
        title = json.loads((PRESENTER / f"{name}.ipynb").read_text())["cells"][0]["source"]
        assert page.locator("h1").first.inner_text().strip() == "".join(title).lstrip("# ")
        # just the panel: Voilà strips the code, and nothing went wrong in the kernel
        text = page.inner_text("body")
        assert page.locator(".jp-CodeCell .jp-InputArea, .cm-editor").count() == 0
        assert "import" not in text and "Traceback" not in text
        page.screenshot(path=str(artifacts / f"present_{name}.png"))
        # accessibility of the whole page: nothing of ours (browserlib.AXE_NOT_OURS: whose else)
        ours = [(v["id"], n["html"][:120]) for v in B.run_axe(page, {"include": ["body"]})
                for n in v["nodes"] if n["owner"] == "ours"]
        assert ours == []

        slider = page.locator(".widget-slider").first
        label = slider.locator(".widget-label").first.inner_text().strip()
        readout = slider.locator(".widget-readout").inner_text()
        slider.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")
        B.wait_until(lambda: B.canvas_state(canvas)["hash"] != before["hash"], PAGES[name],
                     interval=0.1, what=f"{name}: a new canvas after {label} →")
        assert slider.locator(".widget-readout").inner_text() != readout, label
        B.wait_canvas_drawn(canvas)
        status = page.locator(".widget-html").last.inner_text()
        assert "⚠" not in status, status
        page.screenshot(path=str(artifacts / f"present_{name}_after.png"))
    finally:
        context.close()
    assert "Traceback" not in voila.log(), voila.log()[-3000:]
