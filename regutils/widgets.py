"""The explorer panels: sliders for λ, p (keep) and σ wired to one figure updated in place.

    from regutils.widgets import penalty_panel
    penalty_panel(dataset="moons", penalty="l2", lam=1e-3)     # last expression of a cell

Each panel shows ONE figure (decision boundary or digits, train/test loss and accuracy, the weight
histograms, the numbers line) and the controls. Two modes:

- **compare**: a slider change retrains from the same initial weights on the same data for a fixed
  number of epochs (``regutils.explore.train``); results are cached per settings, so going back to a
  value is instant.
- **live**: ▶ keeps training a few epochs per tick; a slider change modifies the *running*
  network (warm start, ``regutils.explore.LiveTrainer``); ↺ Reset starts over.

The figure is a plain ``matplotlib.figure.Figure`` with ipympl's canvas attached directly: no
pyplot, no ``%matplotlib widget``, so a notebook keeps the inline backend for its static figures
and ``plt.get_fignums()`` never grows. Updates only change artists' data, then draw (at once when
the browser's view is up, else ``draw_idle()``).
An error in a callback (e.g. training diverged) becomes a message in the panel's status line;
the next valid change clears it.
"""
import html
import time
import warnings

from . import checks, explore
from .plots import PanelFigure

# λ: 0 and a 1-2-5 log scale from 1e-5 to 10
LAMBDAS = (0.0,) + tuple(float(f"{m}e{e}") for e in range(-5, 1) for m in (1, 2, 5)) + (10.0,)
LEARNING_RATES = tuple(float(f"{m}e{e}") for e in range(-4, 1) for m in (1, 2, 5)) + (10.0,)
N_TRAIN = (20, 30, 50, 100, 150, 200, 300, 500, 1000)
DATASET_LABELS = (("moons", "moons"), ("circles", "circles"), ("spiral", "spiral"), ("xor", "xor"))


IPYMPL = "module://ipympl.backend_nbagg"


def _ipympl():
    """ipympl's ``Canvas`` and ``FigureManager``, imported without switching pyplot's backend.

    ``import ipympl`` runs ``matplotlib.use("module://ipympl.backend_nbagg")`` when matplotlib is
    already imported: every later static figure of an inline notebook would become a widget.
    While importing, the backend setting is made to read as ipympl already (so that call does
    nothing) and is restored right after; pyplot itself is never touched.
    """
    import sys

    import matplotlib

    if "ipympl.backend_nbagg" not in sys.modules:
        rc = matplotlib.rcParams
        keys = ("backend", "backend_fallback")
        saved = {key: rc._get(key) for key in keys} if hasattr(rc, "_get") else None
        if saved is not None:
            rc._set("backend", IPYMPL)
        try:
            import ipympl.backend_nbagg  # noqa: F401
        finally:
            if saved is not None:
                for key, value in saved.items():
                    rc._set(key, value)
    from ipympl.backend_nbagg import Canvas, FigureManager

    return Canvas, FigureManager


def ipympl_canvas(fig):
    """An ipympl canvas (a widget) for a plain ``Figure``: no toolbar, header, footer or resizing."""
    Canvas, FigureManager = _ipympl()
    with warnings.catch_warnings():  # ipympl 0.10's Toolbar trips a traitlets deprecation
        warnings.simplefilter("ignore", DeprecationWarning)
        canvas = Canvas(fig)
        FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    canvas.capture_scroll = False
    return canvas


def _label(value):
    """'0', '1e-05' → '1e-5', '0.01', '10' for slider readouts."""
    if value == 0:
        return "0"
    text = f"{value:g}"
    return text.replace("e-0", "e-").replace("e+0", "e+").replace("e+", "e")


class Panel:
    """An explorer panel: controls + one figure + a status line (see the module docstring).

    ``controls``: dict, settings field → widget (``panel.controls["lam"].value = 0.01`` moves the
    λ slider). ``settings``: the current ``explore.Settings``; ``result``: what is drawn.
    ``mode``: "compare" or "live"; ``tick()``: one live step (what ▶ calls every interval);
    ``figure``: the ``PanelFigure`` (``fig``, ``canvas``); ``status``: the status line widget;
    ``widget``: the whole layout. Display the panel (last expression of a cell) to see it.
    """

    def __init__(self, settings, controls, title="", epochs_per_tick=10, interval=60,
                 cache_size=64, canvas="ipympl"):
        import ipywidgets as W

        if not isinstance(settings, explore.Settings):
            checks.fail("settings", "a regutils.explore.Settings", settings, TypeError)
        self.title = title
        self.epochs_per_tick = checks.integer("epochs_per_tick", epochs_per_tick, minimum=1)
        self.explorer = explore.Explorer(cache_size)
        self.live = None
        self.result = None
        self.error = None
        self.update_count = 0
        self._settings = settings
        self._note = ""
        self.seconds = 0.0

        n_layers = len(settings.hidden) + 1
        # the histogram bins are fixed by the first result (so later changes are seen against them)
        self.figure = PanelFigure(n_layers, kind="2d" if settings.is_2d else "digits")
        self.fig = self.figure.fig
        self.canvas = self._attach_canvas(canvas)

        self.controls = {}
        for name in controls:
            widget = self._make_control(W, name, getattr(settings, name))
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
        self.play = W.Play(value=0, min=0, max=10**9, step=1, interval=int(interval),
                           show_repeat=False, description="play", tooltip="train (live mode)")
        self.play.observe(self._on_play, names="value")
        self.reset_button = W.Button(description="Reset", icon="undo", tooltip="start over",
                                     layout=W.Layout(width="90px"))
        self.reset_button.on_click(self._on_reset)
        self.status = W.HTML(value="")
        self._sync_enabled()
        self.widget = self._layout(W)
        self._guard(self._redraw)  # e.g. settings that diverge: the panel opens with the message

    # -- construction ---------------------------------------------------------------------
    def _attach_canvas(self, kind):
        if kind == "agg":
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            return FigureCanvasAgg(self.fig)
        return ipympl_canvas(self.fig)

    def _make_control(self, W, name, value):
        cont = dict(continuous_update=True)
        style = {"description_width": "70px"}
        wide = W.Layout(width="330px")
        if name == "dataset":
            if value not in dict(DATASET_LABELS).values():
                checks.fail("dataset", "one of " + ", ".join(v for _, v in DATASET_LABELS)
                            + " (the digits have corruption_panel)", value)
            return W.Dropdown(options=DATASET_LABELS, value=value, description="data set",
                              style=style, layout=W.Layout(width="200px"))
        if name == "noise":
            return W.FloatSlider(value=value, min=0.0, max=max(0.6, value), step=0.05,
                                 description="data noise",
                                 readout_format=".2f", continuous_update=False, style=style,
                                 layout=wide)
        if name == "n_train":
            options = tuple(sorted(set(N_TRAIN) | {value}))
            return W.SelectionSlider(options=[(str(n), n) for n in options], value=value,
                                     description="n train", continuous_update=False, style=style,
                                     layout=wide)
        if name == "seed":
            return W.IntSlider(value=value, min=0, max=max(99, value), description="seed",
                               continuous_update=False, style=style, layout=wide)
        if name == "lam":
            options = sorted(set(LAMBDAS) | {float(value)})
            return W.SelectionSlider(options=[(_label(v), v) for v in options],
                                     value=float(value), description="λ", style=style,
                                     layout=wide, **cont)
        if name == "penalty":
            return W.ToggleButtons(options=[("none", "none"), ("L1", "l1"), ("L2", "l2")],
                                   value=value, description="penalty",
                                   style=dict(style, button_width="62px"))
        if name == "decoupled":
            return W.ToggleButtons(options=[("λΩ in the loss", False), ("decoupled", True)],
                                   value=value, description="apply as",
                                   tooltips=["L̃ = L + λΩ(w): the gradient gets λw (L2) or "
                                             "λ·sign(w) (L1)",
                                             "L2: weight decay w ← (1 − ηλ)w (AdamW for Adam); "
                                             "L1: proximal step sign(w)·max(|w| − ηλ, 0)"],
                                   style=dict(style, button_width="118px"))
        if name == "lr":
            options = sorted(set(LEARNING_RATES) | {float(value)})
            return W.SelectionSlider(options=[(_label(v), v) for v in options],
                                     value=float(value), description="η",
                                     style=style, layout=wide, **cont)
        if name == "optimizer":
            return W.ToggleButtons(options=[("Adam", "adam"), ("SGD μ=0.9", "sgd")],
                                   value=value, description="optimizer",
                                   tooltips=["Adam (AdamW when decoupled)",
                                             "SGD with momentum μ = 0.9"],
                                   style=dict(style, button_width="100px"))
        if name == "keep_prob":
            return W.FloatSlider(value=value, min=min(0.05, value), max=1.0, step=0.05,
                                 description="p (keep)",
                                 readout_format=".2f", style=style, layout=wide, **cont)
        if name == "rule":
            return W.ToggleButtons(options=[("vanilla", "vanilla"), ("inverted", "inverted")],
                                   value=value, description="dropout",
                                   tooltips=["mask at training, × p at test time",
                                             "mask / p at training, nothing at test time"],
                                   style=dict(style, button_width="90px"))
        if name == "test_rule":
            return W.ToggleButtons(options=[("weight scaling", "scale"), ("Monte-Carlo", "mc")],
                                   value=value, description="test time",
                                   tooltips=["all units, scaled (one pass)",
                                             "average over k random masks"],
                                   style=dict(style, button_width="118px"))
        if name == "k":
            return W.IntSlider(value=value, min=1, max=max(100, value), description="k (masks)",
                               style=style, layout=wide, **cont)
        if name in ("input_sigma", "hidden_sigma"):
            label = "σ input" if name == "input_sigma" else "σ hidden"
            return W.FloatSlider(value=value, min=0.0, max=max(1.0, value), step=0.05,
                                 description=label,
                                 readout_format=".2f", style=style, layout=wide, **cont)
        if name == "corruption":
            return W.FloatSlider(value=value, min=0.0, max=1.0, step=0.1,
                                 description="corrupted", readout_format=".1f",
                                 continuous_update=False, style=style, layout=wide,
                                 tooltip="share of training labels redrawn at random")
        raise ValueError(f"control must be a Settings field with a control, got {name!r}")

    def _layout(self, W):
        data_names = [n for n in ("dataset", "noise", "n_train", "seed", "optimizer", "lr")
                      if n in self.controls]
        reg_names = [n for n in self.controls if n not in data_names]
        column = W.Layout(display="flex", flex_flow="column", align_items="flex-start",
                          margin="0 16px 0 0", width="auto")
        reg = W.VBox([self.controls[n] for n in reg_names], layout=column)
        data = W.VBox([self.controls[n] for n in data_names], layout=column)
        run = W.HBox([self.mode_toggle, self.play, self.reset_button],
                     layout=W.Layout(align_items="center"))
        header = W.HTML(f"<b>{html.escape(self.title)}</b>") if self.title else W.HTML("")
        figure = [self.canvas] if isinstance(self.canvas, W.Widget) else []  # "agg": headless
        return W.VBox([header, W.HBox([reg, data]), run, *figure, self.status])

    # -- state ----------------------------------------------------------------------------
    @property
    def settings(self):
        return self._settings

    @property
    def mode(self):
        return self.mode_toggle.value

    def _show_error(self, exc):
        self.error = exc
        name = type(exc).__name__
        self.status.value = (f"<span style='color:#b00020'>⚠ {html.escape(name)}: "
                             f"{html.escape(str(exc))}</span>")

    def _show_status(self, text):
        self.error = None
        self.status.value = f"<span style='color:#555'>{html.escape(text)}</span>"

    def _guard(self, action):
        """Run ``action``; any exception becomes the status message (never a traceback)."""
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - a slider must never leave a traceback
            if self.play.playing:
                self.play.playing = False
            self._show_error(exc)
            return False
        return True

    # -- callbacks ------------------------------------------------------------------------
    def _on_control(self, change):
        name = next(n for n, w in self.controls.items() if w is change["owner"])
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
                self.live = explore.LiveTrainer(self._settings)
            else:
                if self.play.playing:
                    self.play.playing = False
                self.live = None
            self._redraw()
        self._guard(switch)

    def _on_play(self, change):
        if change["new"] > change["old"]:  # (■ stop sets the counter back: no tick)
            self._guard(self.tick)

    def _on_reset(self, _button=None):
        def reset():
            if self.mode == "live":
                self.live = explore.LiveTrainer(self._settings)
            self._redraw()
        self._guard(reset)

    def tick(self):
        """One live step: train ``epochs_per_tick`` epochs and redraw (▶ calls it every interval).
        In compare mode the first tick switches to live mode."""
        if self.mode != "live":
            self.mode_toggle.value = "live"  # builds the live trainer and draws epoch 0
            return
        if self.live is None:  # building it failed before: try again, so the real error shows
            self.live = explore.LiveTrainer(self._settings)
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
                     + ("cached" if cached else f"trained in {1000 * result.seconds:.0f} ms"))
        self.result = result
        self.figure.show(result, explore.make_data(self._settings))
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
        """Move controls programmatically, e.g. ``panel.set(lam=0.01)`` (as a student would)."""
        for name, value in values.items():
            if name not in self.controls:
                checks.fail("control", "one of " + ", ".join(self.controls), name)
            self.controls[name].value = value
        return self

    def draw(self):
        """Render the figure now (``draw_idle`` only asks the front end to ask for it)."""
        self.canvas.draw()

    def close(self):
        """Close the widgets (frees the front-end models)."""
        if self.play.playing:
            self.play.playing = False
        for w in [*self.controls.values(), self.mode_toggle, self.play, self.reset_button,
                  self.status, self.widget]:
            w.close()
        if hasattr(self.canvas, "close"):
            self.canvas.close()

    # -- display ----------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self):
        fields = ", ".join(f"{n}={getattr(self._settings, n)!r}" for n in self.controls)
        return f"{type(self).__name__}({fields})"


class PenaltyPanel(Panel):
    """λ, penalty none/L1/L2, L2-in-the-loss vs decoupled weight decay."""


class DropoutPanel(Panel):
    """p (keep), rule vanilla/inverted, test-time rule weight scaling vs Monte-Carlo (k masks)."""


class NoisePanel(Panel):
    """σ input and σ hidden (Gaussian noise drawn afresh every epoch)."""


class CorruptionPanel(Panel):
    """8×8 digits with a share of the training labels redrawn at random (Zhang et al. 2017)."""


DATA_CONTROLS = ("dataset", "noise", "n_train", "seed", "optimizer", "lr")


def _settings(dataset, n_train, noise, seed, epochs, lr, optimizer, **fields):
    base = dict(dataset=dataset, n_train=n_train, noise=noise, seed=seed, optimizer=optimizer)
    if epochs is not None:
        base["epochs"] = epochs
    base["lr"] = lr if lr is not None else (0.02 if optimizer == "adam" else 0.1)
    return explore.Settings(**base, **fields)


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
    100 epochs (``explore.digits_settings``), about 0.6 s per new setting on a 2-core laptop.
    Left: training digits with the labels the network sees (red: corrupted, true label in
    brackets); middle: train/test loss and accuracy; right: weight histograms."""
    changes = {"corruption": fraction, "seed": seed}
    if epochs is not None:
        changes["epochs"] = epochs
    s = explore.digits_settings(**changes)
    kwargs.setdefault("epochs_per_tick", 1)
    return CorruptionPanel(s, ("corruption", "seed"),
                           title="Random labels: the network memorizes what it is given", **kwargs)
