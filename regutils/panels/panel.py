"""The explorer panels: the controls (``controls.CONTROLS``) wired to one ``PanelFigure`` updated in
place, through the pure compute of ``compute`` (compare mode: ``Explorer``; live mode:
``LiveTrainer``).

    from regutils.panels import penalty_panel
    penalty_panel(dataset="moons", penalty="l2", lam=1e-3)     # last expression of a cell

The figure is a plain ``matplotlib.figure.Figure`` with ipympl's canvas attached directly
(``canvas.attach_canvas``): no pyplot, no ``%matplotlib widget``, so a notebook keeps the inline
backend for its static figures. An error in a callback (e.g. training diverged) becomes a message
in the panel's status line; the next valid change clears it.

Every panel has a Save button: the current figure as PNG or SVG (the format next to it) in the
notebook's folder (the kernel's working directory, or ``save_dir``), named after the panel and its
settings (``save.file_name``: ``penalty-panel_L2_lam0.03.png``); the status line says where.
The 2-D panels also offer the heat map in cividis, colour-blind safe (``colormap="cividis"``, the
"colours" control).
"""
import html
import os
import time

from .. import checks
from .canvas import attach_canvas, close_widgets, error_html, guarded
from .compute import Explorer, LiveTrainer, make_data
from .controls import VIEW, allowed_values, make_control
from .figure import COLORMAPS, PanelFigure
from .save import FORMATS, file_name, write_figure
from .settings import Settings, digits_settings


# (scoped to the panel) a toggle's description beside its buttons, not above them; the canvas
# scaled down, never cut off, where the notebook is narrower than the figure (a 1024-px window
# with JupyterLab's file browser open). ipympl sets the canvas size inline and stacks its two
# canvases absolutely: the picture is put back in the flow, the overlay follows its size.
PANEL_CSS = """<style>
.regutils-panel .widget-toggle-buttons {display: flex; flex-flow: row nowrap; align-items: center}
.regutils-panel .widget-toggle-buttons > .widget-label {flex: 0 0 auto}
.regutils-panel .jupyter-matplotlib, .regutils-panel .jupyter-matplotlib-figure,
.regutils-panel .jupyter-matplotlib-canvas-container {max-width: 100%; min-width: 0}
.regutils-panel .jupyter-matplotlib-canvas-div {max-width: 100%; height: auto !important}
.regutils-panel .jupyter-matplotlib-canvas-div canvas:first-child
  {position: relative !important; max-width: 100%; height: auto !important}
.regutils-panel .jupyter-matplotlib-canvas-div canvas + canvas
  {width: 100% !important; height: 100% !important}
</style>"""


class Panel:
    """An explorer panel: controls + one figure + a status line (see the module docstring).

    ``controls``: dict, settings field → widget (``panel.controls["lam"].value = 0.01`` moves the
    λ slider). ``settings``: the current ``Settings``; ``result``: what is drawn.
    ``mode``: "compare" or "live"; ``tick()``: one live step (what ▶ calls every interval);
    ``figure``: the ``PanelFigure`` (``fig``, ``canvas``); ``status``: the status line widget;
    ``widget``: the whole layout. Display the panel (last expression of a cell) to see it.
    ``colormap``: the heat map, one of ``figure.COLORMAPS`` ("RdBu_r"; "cividis" is colour-blind
    safe), also a control of the 2-D panels; ``save_dir``: where Save writes (None: the current
    directory, which in JupyterLab is the notebook's folder).
    """

    slug = "panel"  # the start of the saved files' names

    def __init__(self, settings, controls, title="", epochs_per_tick=10, interval=60,
                 cache_size=64, canvas="ipympl", colormap="RdBu_r", save_dir=None):
        import ipywidgets as W

        if not isinstance(settings, Settings):
            checks.fail("settings", "a regutils.panels.Settings", settings, TypeError)
        checks.choice("colormap", colormap, COLORMAPS)
        if not settings.is_2d and colormap != COLORMAPS[0]:
            checks.fail("colormap", f"{COLORMAPS[0]!r} for the digits (no heat map)", colormap)
        if save_dir is not None and not isinstance(save_dir, (str, os.PathLike)):
            checks.fail("save_dir", "a folder (str or Path) or None", save_dir, TypeError)
        self.save_dir = save_dir
        self.title = title
        self.epochs_per_tick = checks.integer("epochs_per_tick", epochs_per_tick, minimum=1)
        self.explorer = Explorer(cache_size)
        self.live = None
        self.result = None
        self.error = None
        self.update_count = 0
        self._settings = settings
        self._note = ""
        self._snapping = False
        self.seconds = 0.0

        n_layers = len(settings.hidden) + 1
        # the histogram bins are fixed by the first result (so later changes are seen against them)
        self.figure = PanelFigure(n_layers, kind="2d" if settings.is_2d else "digits",
                                  colormap=colormap)
        self.fig = self.figure.fig
        self.canvas = attach_canvas(self.fig, canvas)

        self.controls = {}
        view = {"colormap": colormap} if settings.is_2d else {}
        for name in (*controls, *view):
            widget = make_control(name, view[name] if name in view else getattr(settings, name))
            widget.observe(self._on_control, names="value")
            self.controls[name] = widget
        self.mode_toggle = W.ToggleButtons(options=[("compare", "compare"), ("live", "live")],
                                           value="compare", description="mode",
                                           tooltips=["retrain from the same start for each value "
                                                     "(cached)", "keep training; sliders change "
                                                     "the running network"],
                                           style={"button_width": "84px",
                                                  "description_width": "70px"})
        self.mode_toggle.observe(self._on_mode, names="value")
        # the timer; its own ▶ ■ buttons have no accessible names, so it stays hidden behind
        # two named buttons
        self.play = W.Play(value=0, min=0, max=10**9, step=1, interval=int(interval),
                           show_repeat=False, layout=W.Layout(display="none"))
        self.play.observe(self._on_play, names="value")
        self.play_button = W.Button(description="Play", icon="play", tooltip="train (live mode)",
                                    layout=W.Layout(width="90px"))
        self.play_button.on_click(lambda _b: setattr(self.play, "playing", True))
        self.pause_button = W.Button(description="Pause", icon="pause", tooltip="stop training",
                                     layout=W.Layout(width="90px"))
        self.pause_button.on_click(lambda _b: setattr(self.play, "playing", False))
        self.reset_button = W.Button(description="Reset", icon="undo", tooltip="start over",
                                     layout=W.Layout(width="90px"))
        self.reset_button.on_click(self._on_reset)
        self.save_button = W.Button(description="Save", icon="save",
                                    tooltip="write the figure to a file in the notebook's folder",
                                    layout=W.Layout(width="80px"))
        self.save_button.on_click(self._on_save)
        self.save_format = W.ToggleButtons(options=[("PNG", "png"), ("SVG", "svg")], value="png",
                                           tooltips=["a picture (150 dpi)",
                                                     "a vector drawing (slides, print)"],
                                           style={"button_width": "50px"})
        self.status = W.HTML(value="")
        self._sync_enabled()
        self.widget = self._layout(W)
        self._guard(self._redraw)  # e.g. settings that diverge: the panel opens with the message

    # -- construction ---------------------------------------------------------------------
    def _layout(self, W):
        data_names = [n for n in ("dataset", "noise", "n_train", "seed", "optimizer", "lr")
                      if n in self.controls]
        reg_names = [n for n in self.controls if n not in data_names and n not in VIEW]
        view = [self.controls[n] for n in VIEW if n in self.controls]

        def column(names):
            return W.VBox([self.controls[n] for n in names], layout=W.Layout(
                display="flex", flex_flow="column", align_items="flex-start",
                margin="0 12px 0 0", width="auto"))

        # three short columns side by side (the panel fits a 1280×720 projector), wrapping
        # onto two rows in a narrower window (1024 px); the same for the row of buttons
        wrap = W.Layout(display="flex", flex_flow="row wrap", align_items="center",
                        width="auto")
        half = (len(data_names) + 1) // 2
        columns = [column(reg_names)] + [column(part) for part in
                                         (data_names[:half], data_names[half:]) if part]
        run = W.HBox([self.mode_toggle, self.play, self.play_button, self.pause_button,
                      self.reset_button, *view, self.save_format, self.save_button],
                     layout=wrap)
        title = f"<b>{html.escape(self.title)}</b>" if self.title else ""
        header = W.HTML(PANEL_CSS + title)
        figure = [self.canvas] if isinstance(self.canvas, W.Widget) else []  # "agg": headless
        box = W.VBox([header, W.HBox(columns, layout=wrap), run, *figure, self.status])
        box.add_class("regutils-panel")
        return box

    # -- state ----------------------------------------------------------------------------
    @property
    def settings(self):
        return self._settings

    @property
    def mode(self):
        return self.mode_toggle.value

    def _show_status(self, text):
        self.error = None
        self.status.value = f"<span style='color:#555'>{html.escape(text)}</span>"

    def _guard(self, action):
        """Run ``action``; any exception becomes the status message (never a traceback), and the
        figure shows that there is no picture for these settings instead of the last one."""
        exc = guarded(action, self.status)
        if exc is not None:
            self.error = exc
            if self.play.playing:
                self.play.playing = False
            self.figure.show_error(f"{type(exc).__name__} (see the message below)")
            self.canvas.draw_idle()
        return exc is None

    # -- callbacks ------------------------------------------------------------------------
    def _on_control(self, change):
        name = next(n for n, w in self.controls.items() if w is change["owner"])
        if self._snapping:
            return
        if name in VIEW:  # the picture only: no retraining
            self.figure.set_colormap(change["new"])
            self._guard(self._redraw)
            return
        try:
            self._settings.replace(**{name: change["new"]})
        except (ValueError, TypeError) as exc:  # a rejected value: the control snaps back
            self._snapping = True
            try:
                change["owner"].value = change["old"]
            finally:
                self._snapping = False
            self.status.value = error_html(exc)
            self.error = exc
            return
        self._guard(lambda: self._apply(**{name: change["new"]}))

    def _sync_enabled(self):
        """k (masks) only matters for the Monte-Carlo test-time rule."""
        if "k" in self.controls:
            self.controls["k"].disabled = self._settings.test_rule != "mc"

    def _apply(self, **changes):
        new = self._settings.replace(**changes)
        self._settings = new
        self._sync_enabled()
        if self.mode == "live" and self.live is not None:
            restarted = self.live.update(**changes)
            if restarted:
                self._note = "new data or network: live training started over"
        self._redraw()

    def _on_mode(self, change):
        def switch():
            if change["new"] == "live":
                self.live = LiveTrainer(self._settings)
            else:
                if self.play.playing:
                    self.play.playing = False
                self.live = None
            self._redraw()
        self._guard(switch)

    def _on_play(self, change):
        if change["new"] > change["old"]:  # (■ stop sets the counter back: no tick)
            self.tick()

    def _on_save(self, _button=None):
        exc = guarded(self.save, self.status)  # e.g. a read-only folder: a message, not a traceback
        if exc is not None:
            self.error = exc

    def _on_reset(self, _button=None):
        def reset():
            if self.mode == "live":
                self.live = LiveTrainer(self._settings)
            self._redraw()
        self._guard(reset)

    def tick(self):
        """One live step: train ``epochs_per_tick`` epochs and redraw (▶ calls it every interval).
        In compare mode the first tick switches to live mode. An error becomes the status message."""
        return self._guard(self._tick)

    def _tick(self):
        if self.mode != "live":
            self.mode_toggle.value = "live"  # builds the live trainer and draws epoch 0
            return
        if self.live is None:  # building it failed before: try again, so the real error shows
            self.live = LiveTrainer(self._settings)
        if self.live.diverged:
            self._note = "restarted after the divergence"
        self.live.step(self.epochs_per_tick)
        self._redraw()

    def _redraw(self):
        """Show the current result. Once the browser's view of the canvas is up (ipympl then stops
        syncing ``_data_url``), render and send the picture at once; before that, and without a
        front end, only ``draw_idle()`` (the front end asks for the picture when it is ready).
        Drawing at once saves the round trip of ``draw_idle`` (twice the live frame rate)."""
        start = time.perf_counter()
        if self.mode == "live" and self.live is not None:
            result = self.live.result()
            where = f"live: epoch {result.epochs}"
        else:
            cached = self._settings in self.explorer
            result = self.explorer.result(self._settings)
            where = (f"compare: {self._settings.epochs} epochs from the same start, "
                     + ("cached" if cached else
                        f"trained and evaluated in {1000 * result.seconds:.0f} ms"))
        self.result = result
        self.figure.show(result, make_data(self._settings))
        if getattr(self.canvas, "syncing_data_url", True):
            self.canvas.draw_idle()
        else:
            self.canvas.draw()
        self.update_count += 1
        note, self._note = self._note, ""
        self._show_status(where + (f" — {note}" if note else ""))
        self.seconds = time.perf_counter() - start

    # -- programmatic use -----------------------------------------------------------------
    def set(self, **values):
        """Move controls programmatically, e.g. ``panel.set(lam=0.01)`` (as a student would).
        A value the control does not offer is an error naming the control and what it offers
        (a slider would otherwise clamp it silently)."""
        for name, value in values.items():
            if name not in self.controls:
                checks.fail("control", "one of " + ", ".join(self.controls), name)
            allowed_values(name, self.controls[name], value)
        for name, value in values.items():
            self.controls[name].value = value
        return self

    def file_name(self, fmt="png"):
        """The name Save gives the current figure (``save.file_name``), e.g.
        ``penalty-panel_L2_lam0.03.png``."""
        names = [n for n in self.controls if n not in VIEW]
        live = self.result.epochs if self.mode == "live" and self.result is not None else None
        return file_name(self.slug, self._settings, names, fmt, live_epoch=live)

    def save(self, fmt=None, directory=None):
        """Write the current figure as ``fmt`` ("png" or "svg"; default: the format chosen next
        to the Save button) into ``directory`` (default ``save_dir``, else the current directory);
        the status line says where. Returns the path. (The Save button runs this; an error there
        becomes the status message.)"""
        fmt = self.save_format.value if fmt is None else checks.choice("format", fmt, FORMATS)
        folder = directory if directory is not None else self.save_dir
        folder = os.getcwd() if folder is None else folder
        path = write_figure(self.fig, os.path.join(folder, self.file_name(fmt)), fmt)
        self._show_status(f"saved the figure to {path}")
        return path

    def draw(self):
        """Render the figure now (``draw_idle`` only asks the front end to ask for it)."""
        self.canvas.draw()

    def close(self):
        """Close every widget of the panel (layouts and styles too) and drop the cached results,
        the live run and the figure: a closed panel holds nothing."""
        if self.play.playing:
            self.play.playing = False
        close_widgets(self.widget)
        close_widgets(self.canvas)
        self.explorer = Explorer(0)
        self.live = self.result = None
        self.fig.clear()

    # -- display ----------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self):
        fields = ", ".join(f"{n}={getattr(self._settings, n)!r}" for n in self.controls
                           if n not in VIEW)
        return f"{type(self).__name__}({fields})"

class PenaltyPanel(Panel):
    """λ, penalty none/L1/L2, L2-in-the-loss vs decoupled weight decay."""
    slug = "penalty-panel"

class DropoutPanel(Panel):
    """p (keep), rule vanilla/inverted, test-time rule weight scaling vs Monte-Carlo (k masks)."""
    slug = "dropout-panel"

class NoisePanel(Panel):
    """σ input and σ hidden (Gaussian noise drawn afresh every epoch)."""
    slug = "noise-panel"

class CorruptionPanel(Panel):
    """8×8 digits with a share of the training labels redrawn at random (Zhang et al. 2017)."""
    slug = "corruption-panel"

DATA_CONTROLS = ("dataset", "noise", "n_train", "seed", "optimizer", "lr")

def _settings(dataset, n_train, noise, seed, epochs, lr, optimizer, **fields):
    base = dict(dataset=dataset, n_train=n_train, noise=noise, seed=seed, optimizer=optimizer)
    if epochs is not None:
        base["epochs"] = epochs
    base["lr"] = lr if lr is not None else (0.02 if optimizer == "adam" else 0.1)
    return Settings(**base, **fields)

def penalty_panel(dataset="moons", penalty="l2", lam=1e-3, decoupled=False, n_train=200,
                  noise=0.25, seed=0, epochs=None, lr=None, optimizer="adam", **kwargs):
    """A panel for the norm penalties: λ (log slider, 0 and 1e-5 … 10), penalty none/L1/L2, and
    the penalty in the loss (L̃ = L + λΩ) vs decoupled (L2: w ← (1 − ηλ)w; L1: proximal step).
    ``epochs``: the compare-mode budget (default 150); ``lr``: η (default 0.02 for Adam, 0.1 for
    SGD); other keyword arguments go to ``Panel`` (``cache_size``, ``interval``, ...)."""
    s = _settings(dataset, n_train, noise, seed, epochs, lr, optimizer,
                  penalty=penalty, lam=lam, decoupled=decoupled)
    return PenaltyPanel(s, ("penalty", "lam", "decoupled") + DATA_CONTROLS,
                        title="Norm penalties: L̃ = L + λΩ(w)", **kwargs)

def dropout_panel(dataset="moons", keep_prob=0.5, rule="inverted", test_rule="scale", k=20,
                  n_train=200, noise=0.25, seed=0, epochs=None, lr=None, optimizer="adam",
                  **kwargs):
    """A panel for dropout on both hidden layers: p (keep) 0.05 … 1, rule vanilla/inverted,
    test-time rule weight scaling vs Monte-Carlo average over k masks."""
    s = _settings(dataset, n_train, noise, seed, epochs, lr, optimizer,
                  keep_prob=keep_prob, rule=rule, test_rule=test_rule, k=k)
    return DropoutPanel(s, ("keep_prob", "rule", "test_rule", "k") + DATA_CONTROLS,
                        title="Dropout: keep each hidden unit with probability p", **kwargs)

def noise_panel(dataset="moons", input_sigma=0.0, hidden_sigma=0.0, n_train=200, noise=0.25,
                seed=0, epochs=None, lr=None, optimizer="adam", **kwargs):
    """A panel for noise as a regularizer: Gaussian noise σ on the inputs (augmentation) and on
    the hidden units, drawn afresh every epoch."""
    s = _settings(dataset, n_train, noise, seed, epochs, lr, optimizer,
                  input_sigma=input_sigma, hidden_sigma=hidden_sigma)
    return NoisePanel(s, ("input_sigma", "hidden_sigma") + DATA_CONTROLS,
                      title="Noise: x + σε on the inputs, h + σε on the hidden units", **kwargs)

def corruption_panel(fraction=0.0, seed=0, epochs=None, **kwargs):
    """A panel for Zhang et al.'s random labels on the 8×8 digits: a slider for the share of
    training labels redrawn at random (0 … 1, step 0.1); a 64-512-10 network trained with Adam for
    100 epochs (``digits_settings``), about 0.6 s per new setting on a 2-core laptop.
    Left: training digits with the labels the network sees (red: corrupted, true label in
    brackets); middle: train/test loss and accuracy; right: weight histograms."""
    fraction = checks.in_range("fraction", fraction, 0, 1)  # the slider calls it "corruption"
    changes = {"corruption": fraction, "seed": seed}
    if epochs is not None:
        changes["epochs"] = epochs
    s = digits_settings(**changes)
    kwargs.setdefault("epochs_per_tick", 1)
    return CorruptionPanel(s, ("corruption", "seed"),
                           title="Random labels: the network memorizes what it is given", **kwargs)
