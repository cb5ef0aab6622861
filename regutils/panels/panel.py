"""The explorer panels: the controls (``controls.CONTROLS``) wired to one ``PanelFigure`` updated in
place, through the pure compute of ``compute`` (compare mode: ``Explorer``; live mode:
``LiveTrainer``).

    from regutils.panels import penalty_panel
    penalty_panel(dataset="moons", penalty="l2", lam=1e-3)     # last expression of a cell

The figure is a plain ``matplotlib.figure.Figure`` drawn by Agg and shown by a ``picture.Picture``
widget (a ``<canvas>`` the kernel sends the changed pixels to): no pyplot, no
``%matplotlib widget``, so a notebook keeps the inline backend for its static figures. An error
in a callback (e.g. training diverged) becomes a message in the panel's status line; the next
valid change clears it.

Every panel has a Save button (``save``: PNG or SVG, named after the panel and its settings). The
2-D panels also offer the heat map in cividis, colour-blind safe (the "colours" control).

Speed (``benchmarks/bench_panels.py``, tests/browser/test_speed.py): the figure is blitted
(``PanelFigure.render``); a new setting trains in steps on the kernel's event loop (``jobs``), so
the next key press is answered between two steps and drops the stale run; previews (after 2
epochs, then every ``preview_every`` s) lead to the final picture, the same network as without
them. Live training ticks on the loop too. ``set()`` / ``wait()``: until the final picture.
"""
import contextlib
import html
import os
import threading
import time

from .. import checks
from .canvas import attach_canvas, close_widgets, error_html, guarded
from .compute import PREVIEW_MASKS, Explorer, LiveTrainer, make_data, training
from .controls import PANEL_CSS, VIEW, allowed_values, make_button, make_control, readout
from .figure import COLORMAPS, PanelFigure
from .jobs import Job, every, freeze_what_lives
from .picture import Picture
from .save import FORMATS, file_name, write_figure
from .settings import Settings


class Panel:
    """An explorer panel: controls + one figure + a status line (see the module docstring).

    ``controls``: dict, settings field → widget (``panel.controls["lam"].value = 0.01`` moves the
    λ slider). ``settings``: the current ``Settings``; ``result``: what is drawn.
    ``mode``: "compare" or "live"; ``tick()``: one live step; ``play()`` / ``pause()`` /
    ``playing``: live training, a tick every ``interval`` seconds (▶ and ■);
    ``figure``: the ``PanelFigure`` (``fig``; ``canvas``: its Agg canvas; ``picture``: the widget
    that shows it, None with ``canvas="agg"``, headless); ``status``: the status line widget;
    ``widget``: the whole layout. Display the panel (last expression of a cell) to see it.
    ``colormap``: the heat map, one of ``figure.COLORMAPS`` ("RdBu_r"; "cividis" is colour-blind
    safe), also a control of the 2-D panels; ``save_dir``: where Save writes (None: the current
    directory, which in JupyterLab is the notebook's folder). ``background``: train new settings in
    steps, with previews, on the kernel's event loop (``jobs``; "auto": with the picture widget);
    ``preview_after`` / ``preview_every``: when the previews come (seconds); ``numbers``: the
    numbers line widget; ``wait()``: until the final picture is shown.
    """

    slug = "panel"  # the start of the saved files' names
    PREVIEW_PAUSE = 0.04  # seconds without training after a preview is sent
    LIVE_TEXT_EVERY = 0.25  # seconds: ▶'s status and numbers lines at most this often
    LIVE_TRAINING = 0.4  # share of ``interval`` a ▶ tick trains at most (``_live_step``)

    def __new__(cls, *args, **kwargs):
        freeze_what_lives()  # (before the panel exists: no long garbage collections, ``jobs``)
        return super().__new__(cls)

    def __init__(self, settings, controls, title="", epochs_per_tick=10, interval=0.03,
                 cache_size=64, canvas="widget", colormap="RdBu_r", save_dir=None,
                 background="auto", preview_after=0.0, preview_every=0.15):
        import ipywidgets as W

        if not isinstance(settings, Settings):
            checks.fail("settings", "a regutils.panels.Settings", settings, TypeError)
        checks.choice("colormap", colormap, COLORMAPS)
        if not settings.is_2d and colormap != COLORMAPS[0]:
            checks.fail("colormap", f"{COLORMAPS[0]!r} for the digits (no heat map)", colormap)
        if save_dir is not None and not isinstance(save_dir, (str, os.PathLike)):
            checks.fail("save_dir", "a folder (str or Path) or None", save_dir, TypeError)
        self.save_dir = save_dir
        if background != "auto":
            checks.boolean("background", background)
        checks.choice("canvas", canvas, ("widget", "agg"))
        self.background = (canvas == "widget") if background == "auto" else background
        self.preview_after = checks.nonnegative("preview_after", preview_after)
        self.preview_every = checks.positive("preview_every", preview_every)
        self._job = None  # the compare-mode training in steps (``jobs.Job``)
        self._live_change = ""
        self.title = title
        self.epochs_per_tick = checks.integer("epochs_per_tick", epochs_per_tick, minimum=1)
        self.explorer = Explorer(cache_size)
        self.live = self.result = self.error = None
        self.update_count = 0
        self._settings = settings
        self._note = ""
        self._text = [None, 0.0, None]  # the status line's key, when shown, a line held back
        self._snapping = False
        self.seconds = 0.0

        self._lock = threading.RLock()  # the figure, the canvas and what they show
        n_layers = len(settings.hidden) + 1
        # the histogram bins are fixed by the first result (so later changes are seen against them)
        self.figure = PanelFigure(n_layers, kind="2d" if settings.is_2d else "digits",
                                  colormap=colormap)
        self.fig = self.figure.fig
        self.canvas = attach_canvas(self.fig)
        self.picture = (Picture(self.fig, self._paint, alt=self.figure.alt)
                        if canvas == "widget" else None)
        self.figure.numbers.set_visible(False)  # shown as text above the canvas; savefig has it

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
        # live mode: a tick every ``interval`` s at most, in steps on the kernel's event loop
        # (``play()``; no timer in the browser, whose ticks would queue up behind a busy kernel)
        self.interval = checks.positive("interval", interval)
        self._loop = None
        self._pending = {}
        self._pending_lock = threading.Lock()
        self.play_button = make_button("Play", "play", "train (live mode)",
                                       lambda: self._guard(self.play))
        self.pause_button = make_button("Pause", "pause", "stop training", self.pause)
        self.reset_button = make_button("Reset", "undo", "start over", self._on_reset)
        self.save_button = make_button("Save", "save", "write the figure to a file in the "
                                       "notebook's folder", self._on_save, width="80px")
        self.save_format = W.ToggleButtons(options=[("PNG", "png"), ("SVG", "svg")], value="png",
                                           tooltips=["a picture (150 dpi)",
                                                     "a vector drawing (slides, print)"],
                                           style={"button_width": "50px"})
        self.status = W.HTML(value="")
        # the numbers line as text above the canvas (quicker than drawing it, and selectable)
        self.numbers = W.HTML(value="", layout=W.Layout(margin="2px 0 0 6px"))
        self._sync_enabled()
        self.widget = self._layout(W)
        # the first picture at once (e.g. settings that diverge: the panel opens with the message)
        self._guard(lambda: self._redraw(background=False))

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
        run = W.HBox([self.mode_toggle, self.play_button, self.pause_button,
                      self.reset_button, *view, self.save_format, self.save_button],
                     layout=wrap)
        title = f"<b>{html.escape(self.title)}</b>" if self.title else ""
        header = W.HTML(PANEL_CSS + title)
        figure = [self.picture] if self.picture is not None else []  # "agg": headless
        box = W.VBox([header, W.HBox(columns, layout=wrap), run, self.numbers, *figure,
                      self.status])
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
            self._fail(exc)
        return exc is None

    def _fail(self, exc):
        with self._lock:
            self.status.value = error_html(exc)
            self.error, self._text[2] = exc, None  # (no held-back live line replaces it)
            self._stop_loop()
            self.figure.show_error(f"{type(exc).__name__} (see the message below)")
            self.numbers.value = ""
            self._paint()

    # -- callbacks ------------------------------------------------------------------------
    def _on_control(self, change):
        name = next(n for n, w in self.controls.items() if w is change["owner"])
        if self._snapping:
            return
        if name in VIEW:  # the picture only: no retraining
            with self._lock:
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
        if self.playing:  # live training applies it before its next tick
            with self._pending_lock:
                self._pending[name] = change["new"]
            return
        self._guard(lambda: self._apply(**{name: change["new"]}))

    def _sync_enabled(self):
        """k (masks) only matters for the Monte-Carlo test-time rule."""
        if "k" in self.controls:
            self.controls["k"].disabled = self._settings.test_rule != "mc"

    def _apply(self, redraw=True, **changes):
        new = self._settings.replace(**changes)
        self._settings = new
        self._sync_enabled()
        if self.mode == "live" and self.live is not None:
            restarted = self.live.update(**changes)
            if restarted:
                self._note = "new data or network: live training started over"
            else:
                name = next(iter(changes))
                self._live_change = (f"{self.controls[name].description} = "
                                     f"{readout(self.controls[name])} from epoch {self.live.epoch}")
        if redraw:
            self._redraw()

    def _on_mode(self, change):
        def switch():
            self._live_change = ""
            if change["new"] == "live":
                self.live = LiveTrainer(self._settings)
            else:
                self.pause()
                self.live = None
            self._redraw()
        self._guard(switch)

    def _on_save(self, _button=None):
        exc = guarded(self.save, self.status)  # e.g. a read-only folder: a message, not a traceback
        if exc is not None:
            self.error = exc

    def _on_reset(self, _button=None):
        if self.playing:  # live training starts over before its next tick
            with self._pending_lock:
                self._pending["__reset__"] = True
            return
        self._guard(self._reset)

    def _reset(self, redraw=True):
        self._live_change = ""
        if self.mode == "live":
            self.live = LiveTrainer(self._settings)
        if redraw:
            self._redraw()

    def tick(self):
        """One live step: train ``epochs_per_tick`` epochs and redraw (what live training does
        every ``interval``). In compare mode the first tick switches to live mode. An error
        becomes the status message. Returns False after an error."""
        with self._lock:
            return self._guard(self._tick)

    @property
    def playing(self):
        """True while live training runs (▶ Play; ■ Pause stops it)."""
        return self._loop is not None and not self._loop.done.is_set()

    def play(self):
        """Start live training: a tick every ``interval`` seconds (back to back when a tick
        takes longer), in steps on the kernel's event loop (``jobs``), so a slider moved
        meanwhile changes the running network before the next tick. In compare mode this
        switches to live mode."""
        if self.playing:
            return
        if self.mode != "live":
            self.mode_toggle.value = "live"  # builds the live trainer and draws epoch 0
        self._loop = Job(every(self.interval, self._live_step), self._fail)

    def pause(self, wait=True):
        """Stop live training after the tick in progress."""
        loop = self._stop_loop()
        if wait and loop is not None and loop.loop is None:  # (a thread: let it end)
            loop.finish()
        with self._pending_lock:
            pending, self._pending = self._pending, {}
        if pending:  # moved while the last tick ran: applied now
            self._apply_pending(pending, redraw=True)
        with self._lock:
            if self._text[2] is not None:  # the lines of the last tick, held back
                self._show_text(self._text[2])

    def _stop_loop(self):
        if self._loop is not None:
            self._loop.cancel()
        return self._loop

    def _live_step(self):
        """One step of ▶: what was moved meanwhile, then a tick of ``epochs_per_tick`` epochs,
        fewer if they take longer than ``LIVE_TRAINING`` × ``interval`` (1000 points, a slow
        laptop): the picture keeps its rate (False after an error)."""
        with self._pending_lock:
            pending, self._pending = self._pending, {}
        with self._lock:
            if pending:
                self._apply_pending(pending)
            return self._guard(lambda: self._tick(self.LIVE_TRAINING * self.interval))

    def _apply_pending(self, pending, redraw=False):
        """Apply what was moved while live training ran (the next tick draws it)."""
        if pending.pop("__reset__", False):
            self._guard(lambda: self._reset(redraw))
        for name, value in pending.items():
            self._guard(lambda: self._apply(redraw=redraw, **{name: value}))

    def _tick(self, seconds=None):
        if self.mode != "live":
            self.mode_toggle.value = "live"  # builds the live trainer and draws epoch 0
            return
        if self.live is None:  # building it failed before: try again, so the real error shows
            self.live = LiveTrainer(self._settings)
        if self.live.diverged:
            self._note = "restarted after the divergence"
        self.live.step(self.epochs_per_tick, seconds)
        self._redraw()

    def _redraw(self, background=None):
        """Show the current result: live, cached, or trained now (with ``background``, by
        default the panel's: in a thread, with previews, and this returns at once)."""
        start = time.perf_counter()
        self._cancel_job()  # a run for other settings is not shown any more
        s = self._settings
        if self.mode == "live" and self.live is not None:
            result = self.live.result()
            change = f" — {self._live_change}" if self._live_change else ""
            self._show(result, f"live: epoch {result.epochs}{change}", start, text_key=change)
        elif s in self.explorer:
            self._show(self.explorer.result(s), f"{self._budget(s)}, cached", start)
        elif self.background if background is None else background:
            self._train_in_background(s, start)
        else:
            result = self.explorer.result(s)
            self._show(result, self._trained(result), start)

    @staticmethod
    def _budget(s):
        return f"compare: {s.epochs} epochs from the same start"

    def _trained(self, result):
        return (f"{self._budget(result.settings)}, trained and evaluated in "
                f"{1000 * result.seconds:.0f} ms")

    def _train_in_background(self, settings, start):
        masks = (f" (preview: {min(settings.k, PREVIEW_MASKS)} masks)"
                 if settings.test_rule == "mc" else "")

        def steps():
            for result in training(settings, self.preview_after, self.preview_every, steps=True):
                if result is None:
                    yield None
                    continue
                with self._lock:
                    if result.done:
                        self.explorer.store(result)
                        self._show(result, self._trained(result), start)
                        return
                    self._show(result, f"compare: training … epoch {result.epochs} of "
                                       f"{settings.epochs}{masks}", start)
                # a pause: the picture reaches the browser before training goes on (on 2 cores
                # the kernel shares the CPU with the server and the browser)
                yield self.PREVIEW_PAUSE

        self._job = Job(steps(), self._fail)

    def _cancel_job(self):
        job, self._job = self._job, None
        if job is not None:
            job.cancel()

    def _show(self, result, where, start, text_key=None):
        """Draw ``result`` and say ``where`` it comes from in the status line. (The two lines
        of text go first: the browser lays them out while the picture is drawn and encoded.)"""
        with self._lock:
            self.result = result
            self.figure.show(result, make_data(result.settings))
            self._show_text(where, text_key)
            self._paint()
            self.update_count += 1
            self.seconds = time.perf_counter() - start

    def _show_text(self, where, key=None):
        """The status and numbers lines; while ▶ plays, a new epoch and numbers only (the same
        ``key``) every ``LIVE_TEXT_EVERY`` s (text changing 30×/s is unreadable, and costs)."""
        now = time.perf_counter()
        if (key is not None and key == self._text[0] and not self._note and self.playing
                and now - self._text[1] < self.LIVE_TEXT_EVERY):
            self._text[2] = where  # not shown yet: pause() shows it
            return
        note, self._note = self._note, ""
        self._show_status(where + (f" — {note}" if note else ""))
        self.numbers.value = ("<span style='font-size:13px; white-space:pre-wrap'>"
                              f"{html.escape(self.figure.numbers.get_text())}</span>")
        self._text = [key, now, None]

    def _paint(self, full=False):
        """Render the picture by blitting (``full``: a full draw) and hand it to the widget
        (which sends the changed pixels as soon as the browser is ready for them)."""
        with self._lock:  # (the widget calls this too, for a screen of another pixel ratio)
            self.canvas.draw() if full else self.figure.render(self.canvas)
            if self.picture is not None:
                self.picture.show(self.canvas.buffer_rgba())

    def wait(self, timeout=None):
        """Finish the training in progress (if any): its final picture is shown when this
        returns. (In a kernel the training runs in steps on the event loop; this runs the rest
        of them now.)"""
        job = self._job
        if job is not None:
            job.finish(timeout)
        return self

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
        return self.wait()

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
        with self._lock, self._numbers_shown():  # (savefig changes the dpi while it draws)
            path = write_figure(self.fig, os.path.join(folder, self.file_name(fmt)), fmt)
        self._show_status(f"saved the figure to {path}")
        return path

    def savefig(self, *args, **kwargs):
        """``fig.savefig`` with the numbers line in the figure (the handout prints this)."""
        with self._lock, self._numbers_shown():
            return self.fig.savefig(*args, **kwargs)

    @contextlib.contextmanager
    def _numbers_shown(self):
        self.figure.numbers.set_visible(self.error is None)
        try:
            yield
        finally:
            self.figure.numbers.set_visible(False)

    def draw(self):
        """Render the figure now, in full, and show it."""
        self._paint(full=True)

    def close(self):
        """Close every widget of the panel (layouts and styles too) and drop the cached results,
        the live run and the figure: a closed panel holds nothing."""
        self.pause()
        self._cancel_job()
        close_widgets(self.widget)
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
