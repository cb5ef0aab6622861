"""Helpers for the browser tests: start JupyterLab on loopback, drive a notebook in Chromium.

Nothing here imports playwright at module level, so collection works without it (the tests then
skip or, in CI, fail through ``tests/optional.py``'s ``require_module``).
"""
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# JupyterLab settings for the test server: render every cell (no virtual scrolling), no news,
# no update check pop-ups.
OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # never write the notebooks under test back to disk
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Jupyter server (JupyterLab or Voilà) on loopback for one test session, in its own
    process group, with its own runtime/data/config folders under ``workdir`` and a log."""

    name = "server"

    def __init__(self, root, workdir):
        self.root = Path(root)
        self.workdir = Path(workdir)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        for sub in ("runtime", "data", "config"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)

    def _start(self, cmd, ready_path, timeout):
        """Start ``cmd`` and wait until ``ready_path`` answers 200."""
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(self.workdir / "runtime"),
                   JUPYTER_DATA_DIR=str(self.workdir / "data"),
                   JUPYTER_CONFIG_DIR=str(self.workdir / "config"), PYTHONUNBUFFERED="1")
        self.log_path = self.workdir / f"{self.name}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     cwd=self.root, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n"
                                   + self.log()[-3000:])
            try:
                with urllib.request.urlopen(f"{self.url}{ready_path}", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout} s:\n"
                           + self.log()[-3000:])

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(5)
        self._log.close()


class Lab(Server):
    """A JupyterLab server for one test session."""

    name = "jupyterlab"

    def __init__(self, root, workdir, start_timeout=60):
        super().__init__(root, workdir)
        settings = self.workdir / "app-settings"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "overrides.json").write_text(json.dumps(OVERRIDES))
        for sub in ("user-settings", "workspaces"):
            (self.workdir / sub).mkdir(exist_ok=True)
        jupyter = Path(sys.executable).with_name("jupyter")
        cmd = [str(jupyter), "lab", "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
               f"--IdentityProvider.token={self.token}", "--LabApp.expose_app_in_browser=True",
               f"--ServerApp.root_dir={self.root}",
               f"--LabApp.app_settings_dir={settings}",
               f"--LabApp.user_settings_dir={self.workdir / 'user-settings'}",
               f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               # JupyterLab checkpoints a notebook when it opens it: keep those out of the repo
               f"--FileCheckpoints.root_dir={self.workdir / 'checkpoints'}",
               "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self._start(cmd, f"/api/status?token={self.token}", start_timeout)

    def api(self, path, method="GET"):
        req = urllib.request.Request(f"{self.url}{path}?token={self.token}", method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        for kernel in self.api("/api/kernels"):
            try:
                self.api(f"/api/kernels/{kernel['id']}", method="DELETE")
            except OSError:
                pass

    def tree_url(self, relpath):
        return f"{self.url}/lab/tree/{relpath}?token={self.token}&reset"


# -- in-page JavaScript -----------------------------------------------------------------------
# a figure's canvas: a panel's picture (regutils.panels.picture) or ipympl's (the λ sliders)
CANVAS = "canvas.regutils-picture, .jupyter-matplotlib-canvas-div canvas:first-child"
JS_CANVAS_HASHES = """
() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).flatMap((cell, ci) =>
  Array.from(cell.querySelectorAll('CANVAS'))
    .map((c) => {
      const ctx = c.getContext('2d');
      if (!c.width || !c.height) return {cell: ci, w: 0, h: 0, hash: 0, nonwhite: 0};
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let h = 2166136261 >>> 0, nonwhite = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) nonwhite++;
        h = Math.imul(h ^ (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16)), 16777619) >>> 0;
      }
      return {cell: ci, w: c.width, h: c.height, hash: h, nonwhite: nonwhite};
    }))
""".replace("CANVAS", CANVAS)

JS_CELL_STATE = """
() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell')).map((cell) => {
  const prompt = cell.querySelector('.jp-InputArea-prompt');
  return prompt ? prompt.textContent.trim() : '';
})
"""

JS_ERRORS = """
() => {
  const out = [];
  document.querySelectorAll('.jp-Notebook .jp-OutputArea-output').forEach((o) => {
    const mime = o.getAttribute('data-mime-type') || '';
    const text = o.textContent || '';
    if (mime === 'application/vnd.jupyter.stderr' && /Traceback|Error/.test(text)) out.push(text.slice(0, 2000));
    if (text.includes('Error displaying widget')) out.push(text.slice(0, 500));
    if (o.querySelector('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]') && /Traceback/.test(text)) out.push(text.slice(0, 2000));
  });
  return out;
}
"""

JS_KERNEL_STATUS = """
() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return k ? k.status : 'none';
}
"""


def wait_until(predicate, timeout, interval=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


def open_notebook(page, lab, relpath, timeout=60):
    """Open a notebook in JupyterLab and wait until its kernel is idle."""
    page.goto(lab.tree_url(relpath))
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext",
                           timeout=timeout * 1000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
    wait_until(lambda: page.evaluate(JS_KERNEL_STATUS) == "idle", timeout, what="kernel idle")


def run_all(page, timeout=120):
    """Run every cell and wait until every code cell has an execution count and the kernel is
    idle. Returns the seconds it took."""
    start = time.monotonic()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

    def done():
        prompts = page.evaluate(JS_CELL_STATE)
        return (prompts and not any("*" in p for p in prompts)
                and page.evaluate(JS_KERNEL_STATUS) == "idle")

    time.sleep(0.5)
    # done: no cell queued or running ([*]) and the kernel idle on two polls in a row. A cell
    # that raises stops "run all": the cells after it keep no number, which the caller sees.
    quiet = []

    def settled():
        quiet.append(bool(done()))
        return len(quiet) >= 2 and quiet[-1] and quiet[-2]

    wait_until(settled, timeout, interval=0.3, what="all cells executed")
    return time.monotonic() - start


def canvas_hashes(page):
    return page.evaluate(JS_CANVAS_HASHES)


def errors(page):
    return page.evaluate(JS_ERRORS)


def new_page(browser, lab):
    """A fresh browser context and page with a large viewport."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


# -- Voilà (the presenter view) -----------------------------------------------------------------
class Voila(Server):
    """A Voilà server on loopback for the notebooks under ``root`` (own process group), with a
    token; ``render_url("penalty.ipynb")`` is a notebook's page (outputs only, no code)."""

    name = "voila"

    def __init__(self, root, workdir, start_timeout=60):
        super().__init__(root, workdir)
        voila = Path(sys.executable).with_name("voila")
        cmd = [str(voila), str(self.root), "--no-browser", f"--port={self.port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", f"--Voila.token={self.token}",
               "--show_tracebacks=True"]
        self._start(cmd, f"/?token={self.token}", start_timeout)

    def render_url(self, relpath):
        return f"{self.url}/voila/render/{relpath}?token={self.token}"



JS_ONE_CANVAS_HASH = """
(canvas) => {
  if (!canvas.width || !canvas.height) return {hash: 0, nonwhite: 0};
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 2166136261 >>> 0, nonwhite = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) nonwhite++;
    h = Math.imul(h ^ (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16)), 16777619) >>> 0;
  }
  return {hash: h, nonwhite: nonwhite};
}
"""


def canvas_state(canvas):
    """{hash, nonwhite} of one figure's canvas (a Playwright locator of the <canvas>)."""
    return canvas.evaluate(JS_ONE_CANVAS_HASH)


def wait_canvas_drawn(canvas, timeout=60, min_nonwhite=1000):
    """Wait until the canvas shows a picture and has stopped changing; returns its state."""
    last = wait_until(lambda: (s := canvas_state(canvas))["nonwhite"] > min_nonwhite and s,
                      timeout, interval=0.3, what="a drawn canvas")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.4)
        now = canvas_state(canvas)
        if now == last:
            return now
        last = now
    return last


JS_RUN_CELL = """
async (index) => {
  const panel = window.jupyterapp.shell.currentWidget;
  panel.content.activeCellIndex = index;
  await window.jupyterapp.commands.execute('notebook:run-cell');
}
"""


def run_cells(page, indices, timeout=120):
    """Run only the code cells at ``indices`` (0-based, among all cells), one after the other,
    each until it has an execution count and the kernel is idle. Returns the seconds it took."""
    start = time.monotonic()
    for index in indices:
        page.evaluate(JS_RUN_CELL, index)
        prompt = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-InputArea-prompt")
        wait_until(lambda: re.fullmatch(r"\[\d+\]:", prompt.inner_text().strip())
                   and page.evaluate(JS_KERNEL_STATUS) == "idle",
                   timeout, interval=0.2, what=f"cell {index} executed")
    return time.monotonic() - start


JS_CLOSE_AND_OPEN = """
async (path) => {
  const app = window.jupyterapp, old = app.shell.currentWidget;
  if (old && old.sessionContext) {
    await old.sessionContext.shutdown();
    old.context.model.dirty = false;   // outputs changed by running: close without asking
    old.dispose();
  }
  await app.commands.execute('docmanager:open', {path: path, factory: 'Notebook'});
}
"""


def switch_notebook(page, relpath, timeout=60):
    """In a page that already shows JupyterLab: shut down the current notebook's kernel, close
    it, open ``relpath`` instead and wait until its kernel is idle (saves reloading the app)."""
    page.evaluate(JS_CLOSE_AND_OPEN, relpath)
    wait_until(lambda: page.evaluate(
        "(p) => { const w = window.jupyterapp.shell.currentWidget;"
        " return !!w && !!w.context && w.context.path === p; }", relpath),
        timeout, what=f"{relpath} open")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
    wait_until(lambda: page.evaluate(JS_KERNEL_STATUS) == "idle", timeout, what="kernel idle")


# -- axe-core (accessibility) -------------------------------------------------------------------
# the npm package (npm ci --prefix tests/browser), injected into the page: no CDN
AXE_JS = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                     "wcag22aa", "best-practice"]}}
# (rule id, CSS selector of the offending element) -> (whose, why it is not fixed here)
AXE_NOT_OURS = {
    ("image-alt", ".jp-RenderedImage > img"): (
        "JupyterLab", "JupyterLab's image/png renderer (rendermime's renderImage) creates every "
        "figure's <img> without alt and takes none from the output; a notebook cannot set it "
        "short of replacing its PNG figures by HTML (whose bytes nbval would then compare)"),
    ("aria-input-field-name", ".widget-slider .noUi-handle"): (
        "ipywidgets", "ipywidgets 8.1.9's slider view creates its noUiSlider handle "
        "(role=slider) without aria-label/aria-labelledby; the description is a sibling <label> "
        "not tied to it, and no widget trait (description, tooltip) reaches the handle"),
    ("region", "#rendered_cells *"): (
        "Voilà", "Voilà's lab template puts the rendered cells in no landmark (its #main is a "
        "<div>, not <main>); the rule applies to the presenter pages, which are whole pages"),
}

JS_RUN_AXE = """async ([context, options, notOurs]) => {
  const r = await axe.run(context, options);
  return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => {
      const el = document.querySelector(n.target.join(' '));
      const hit = notOurs.find(([rule, sel]) => rule === v.id && el && el.matches(sel));
      return {target: n.target.join(' '), html: n.html.slice(0, 300),
              summary: (n.failureSummary || '').slice(0, 300), owner: hit ? hit[2] : 'ours'};
    })}));
}"""


def run_axe(page, context, not_ours=None):
    """Inject axe-core into the page and run it on ``context`` (axe's include/exclude); returns
    the violations, each node with ``owner``: "ours" or whose it is by ``not_ours`` (default
    AXE_NOT_OURS: {(rule, selector): (whose, why)})."""
    table = AXE_NOT_OURS if not_ours is None else not_ours
    page.add_script_tag(path=str(AXE_JS))
    rows = [[rule, sel, whose] for (rule, sel), (whose, _) in table.items()]
    return page.evaluate(JS_RUN_AXE, [context, AXE_OPTIONS, rows])
