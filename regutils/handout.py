"""The printed handout: one PDF per lecture notebook and one for the whole lecture, offline.

    python -m regutils.handout [--out DIR] [notebooks ...]   # default: notebooks/0*.ipynb

From the executed notebooks as stored: nbconvert's HTML (the lab template, without prompts)
typeset by a local MathJax (Debian's ``libjs-mathjax``, by a file:// URL, never a CDN), printed
to PDF by Debian's Chromium, headless, through Playwright once MathJax has finished. The page may
load nothing from the network: every request other than file:// and data: is refused. Only the
live-widget cells (a panel or a λ slider, stored as "(a live widget: run this cell to show it)")
are run again, here, to print the static figure they start with, under a note that says where
to move its sliders; the Persian passages (``<div dir="rtl">``) are set right to left.

Needs: ``apt-get install chromium libjs-mathjax`` and ``pip install -r requirements-dev.txt``
(Playwright). Nothing else in regutils imports this module.
"""
import argparse
import ast
import base64
import contextlib
import copy
import io
import sys
from pathlib import Path

MATHJAX = Path("/usr/share/javascript/mathjax/MathJax.js")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDGET_TEXT = "(a live widget: run this cell to show it)"
WIDGET_NOTE = ('<div class="handout-note">▶ Interactive in the notebook: above, the picture it '
               "starts with; run this cell in JupyterLab (or open the presenter view) to move "
               "its sliders.</div>")
PAGE_BREAK = "handout-page-break"  # a cell tag: the whole lecture starts each notebook on a page

PRINT_CSS = """<style>
  @page { size: A4; margin: 14mm 12mm 16mm 12mm; }
  html, body { background: white; }
  body { --jp-content-font-size1: 11.5px; --jp-code-font-size: 10px; font-size: 11.5px; }
  main { max-width: none; padding: 0; }
  .jp-Cell { padding: 2px 0; }
  .jp-InputArea-editor { border: 1px solid #ccc; }
  /* code and printed text wrap instead of running off the page */
  pre, .jp-RenderedText pre, .highlight pre { white-space: pre-wrap; overflow-wrap: anywhere; }
  .jp-RenderedImage, tr { break-inside: avoid; }  /* long tables and printouts may break */
  img { max-width: 100%; height: auto; }
  .jp-RenderedHTMLCommon table { font-size: 10.5px; margin: 0.5em 0; }
  .jp-RenderedHTMLCommon :is(h1, h2, h3) { break-after: avoid; }
  [dir="rtl"] { direction: rtl; text-align: right; font-family: "DejaVu Sans", sans-serif; }
  .jp-RenderedHTMLCommon [dir="rtl"] ul, .jp-RenderedHTMLCommon [dir="rtl"] ol {
    padding-left: 0; padding-right: 2em; }
  [dir="rtl"] .MathJax_CHTML { direction: ltr; unicode-bidi: isolate; }
  .handout-note { border-left: 4px solid #1f5fa8; background: #eef3fa; color: #1b1b1b;
                  padding: 6px 10px; font-style: italic; }
  .celltag_""" + PAGE_BREAK + """ { break-before: page; }
</style>
"""
# run by the page once it has loaded: true when MathJax's queue has typeset everything queued so far
JS_TYPESET = """() => new Promise((done) => {
  if (!window.MathJax || !MathJax.Hub) return done(false);
  MathJax.Hub.Queue(() => done(true));
})"""
JS_MATH_ERRORS = "() => document.querySelectorAll('.MathJax_Error, .mjx-merror, merror').length"
# what sticks out of the printable width (cut off on paper); MathJax's hidden copies excepted
JS_OVERFLOW = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });  // answers printed
  const right = document.querySelector('main').getBoundingClientRect().right + 2;
  return Array.from(document.querySelectorAll('main *'))
    .filter((e) => !e.closest('.MJX_Assistive_MathML') && (e.getBoundingClientRect().right > right
            || (e.scrollWidth > e.clientWidth + 2 && getComputedStyle(e).overflowX !== 'visible')))
    .map((e) => e.tagName.toLowerCase() + ': ' + (e.textContent || '').trim().slice(0, 60));
}"""
PRINTABLE_WIDTH = round((210 - 24) / 25.4 * 96)  # A4 less the @page margins, in CSS pixels


def widget_png(source, folder):
    """Run a widget cell (its last expression makes a panel or a λ slider, whose matplotlib
    figure is ``.fig``) in ``folder``; returns the figure as base64 PNG."""
    tree = ast.parse(source)
    last = tree.body.pop()
    namespace = {}
    with contextlib.chdir(folder):
        exec(compile(tree, "<cell>", "exec"), namespace)
        widget = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
    png = io.BytesIO()
    getattr(widget, "savefig", widget.fig.savefig)(png, format="png", dpi=100)  # (a panel's
    # savefig puts the numbers line, which it shows above the canvas, into the figure)
    if hasattr(widget, "close"):
        widget.close()
    return base64.b64encode(png.getvalue()).decode()


def prepare(nb, folder="."):
    """A copy of the notebook for print: a live widget becomes its static figure and a note,
    nbval markers go. ``folder``: where the notebook runs (its own folder)."""
    import nbformat

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.source = "\n".join(line for line in cell.source.splitlines()
                                if not line.startswith("# NBVAL_"))
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("data", {}).get("text/plain", "").strip() != WIDGET_TEXT:
                outputs.append(out)
                continue
            try:
                png = widget_png(cell.source, folder)
                outputs.append(nbformat.v4.new_output("display_data", {"image/png": png}))
            except Exception as e:  # noqa: BLE001 (the note stays; the handout still prints)
                print(f"handout: warning: no figure for {cell.source.splitlines()[-1]!r}: "
                      f"{type(e).__name__}: {e}", file=sys.stderr)
            outputs.append(nbformat.v4.new_output("display_data", {"text/html": WIDGET_NOTE}))
        cell.outputs = outputs
    return nb


def lecture(notebooks):
    """All notebooks in one, each one starting on a new page."""
    import nbformat

    whole = nbformat.v4.new_notebook(metadata=copy.deepcopy(notebooks[0].metadata))
    for i, nb in enumerate(notebooks):
        cells = copy.deepcopy(nb.cells)
        for cell in cells:  # cell ids must stay unique in one notebook
            cell.id = f"n{i}-{cell.id}"
        if i and cells:
            cells[0].metadata.setdefault("tags", []).append(PAGE_BREAK)
        whole.cells.extend(cells)
    return whole


def to_html(nb, title):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input_prompt=True,
                            exclude_output_prompt=True,
                            mathjax_url=MATHJAX.as_uri() + "?config=TeX-AMS_CHTML-full,Safe",
                            require_js_url="data:text/javascript,")  # no require.js from a CDN
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    return body.replace("</head>", PRINT_CSS + "</head>", 1)


def print_pdfs(pages, chromium=CHROMIUM, timeout=60):
    """pages: [(html_path, pdf_path, title)]; prints each HTML file to its PDF. Returns
    {html_path: [elements wider than the paper]} for those that have any."""
    from playwright.sync_api import sync_playwright

    footer = ('<div style="font-size:8px;width:100%;text-align:center;color:#444">'
              '<span class="title"></span> — <span class="pageNumber"></span>/'
              '<span class="totalPages"></span></div>')
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": PRINTABLE_WIDTH, "height": 1000})
            page.emulate_media(media="print")
            too_wide = {}
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith(("file:", "data:")) else route.abort())
            for html_path, pdf_path, _title in pages:
                page.goto(Path(html_path).resolve().as_uri(), wait_until="load",
                          timeout=timeout * 1000)
                if not page.evaluate(JS_TYPESET):
                    raise RuntimeError(f"{html_path}: MathJax did not load from {MATHJAX}")
                if page.evaluate(JS_MATH_ERRORS):
                    raise RuntimeError(f"{html_path}: MathJax reports a formula it cannot typeset")
                wide = page.evaluate(JS_OVERFLOW)
                if wide:
                    too_wide[str(html_path)] = wide
                page.pdf(path=str(pdf_path), format="A4", print_background=True,
                         display_header_footer=True, header_template="<span></span>",
                         footer_template=footer, prefer_css_page_size=True)
        finally:
            browser.close()
    return too_wide


def build(paths, out):
    """Write out/NAME.pdf for each notebook and out/lecture.pdf for all; returns the PDF paths."""
    import nbformat

    for what, path in (("MathJax (apt-get install libjs-mathjax)", MATHJAX),
                       ("Chromium (apt-get install chromium)", CHROMIUM)):
        if not path.exists():
            raise SystemExit(f"handout: {what} is missing: {path}")
    out = Path(out)
    (out / "html").mkdir(parents=True, exist_ok=True)
    notebooks = [prepare(nbformat.read(p, as_version=4), Path(p).parent) for p in paths]
    jobs = [(Path(p).stem, nb, nb.cells[0].source.splitlines()[0].lstrip("# ") if nb.cells
             else Path(p).stem) for p, nb in zip(paths, notebooks)]
    if len(notebooks) > 1:
        jobs.append(("lecture", lecture(notebooks), "Regularization — منظم‌سازی"))
    pages = []
    for name, nb, title in jobs:
        html_path = out / "html" / f"{name}.html"
        html_path.write_text(to_html(nb, title), encoding="utf-8")
        pages.append((html_path, out / f"{name}.pdf", title))
    for html_path, wide in print_pdfs(pages).items():
        print(f"handout: warning: {html_path}: wider than the paper: {wide[:3]}", file=sys.stderr)
    return [pdf for _, pdf, _ in pages]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m regutils.handout", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/0*.ipynb")
    parser.add_argument("--out", default="handout", help="output folder (default: handout)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(str(p) for p in Path("notebooks").glob("0*.ipynb"))
    if not paths:
        parser.error("no notebooks given and none in notebooks/0*.ipynb")
    for pdf in build(paths, args.out):
        print(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
