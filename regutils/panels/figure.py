"""The one figure of an explorer panel (``PanelFigure``) and its numbers line: built once, then
updated in place from a ``Result`` and its ``Data`` (``regutils.panels.compute``)."""
import numpy as np
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from .. import checks
from .raster import Backgrounds, Layer, MapRaster
from ..plots import (BOUNDARY_ALPHA, BOUNDARY_CMAP, CLASS_COLORS, CLASS_EDGE_COLORS,
                     CLASS_MARKERS, CLASS_SYMBOLS, COLORBLIND_CMAP)

COLORMAPS = (BOUNDARY_CMAP, COLORBLIND_CMAP)
"""The heat maps a panel offers: red–blue (the default) and cividis (colour-blind safe)."""

POINTS_KEY = (f"{CLASS_SYMBOLS[0]} class 0   {CLASS_SYMBOLS[1]} class 1   "
              "filled: train, hollow: test")


def format_numbers(metrics, epoch=None, weights=()):
    """The numbers line of a panel: (the epoch,) train/test accuracy, their gap, ‖w‖₂, ‖w‖₁, the
    share of weights with |w| < 1e-3 (``Result.metrics``) and each layer's ‖Wᵢ‖₂ (``weights``)."""
    m = metrics
    layers = " / ".join(f"{np.sqrt(np.sum(w.astype(np.float64) ** 2)):.2f}" for w in weights)
    layers = f"‖Wᵢ‖₂ {layers}" if layers else ""
    return (("" if epoch is None else f"epoch {epoch}   ")
            + f"train acc {m['train_acc']:.3f}   test acc {m['test_acc']:.3f}   "
            f"gap {m['gap']:+.3f}   ‖w‖₂ {m['l2']:.2f}   ‖w‖₁ {m['l1']:.1f}   "
            f"|w| < 1e-3: {100 * m['zero_share']:.1f} %" + (f"   {layers}" if layers else ""))


def _over_white(name):
    """Colormap ``name`` as it looks at ``BOUNDARY_ALPHA`` over the white axes, opaque: the
    same picture as an image with that alpha, drawn in one pass instead of two (colour and
    alpha are resampled separately otherwise)."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    colors = colormaps[name](np.linspace(0, 1, 256))
    colors[:, :3] = BOUNDARY_ALPHA * colors[:, :3] + (1 - BOUNDARY_ALPHA)
    return ListedColormap(colors, name=name)


def nice_ceil(value):
    """The smallest round number (1, 1.5, 2, 3, 5 × 10ⁿ) at or above ``value`` > 0."""
    scale = 10.0 ** np.floor(np.log10(value))
    return float(next(m for m in (1, 1.5, 2, 3, 5, 10) if m * scale >= value * (1 - 1e-12))
                 * scale)


class PanelFigure:
    """The one figure of an explorer panel, built once; ``show(result, data)`` updates its artists.

    Layout: left, the decision boundary (heat map of P(class 1 | x) in ``colormap``, one of
    ``COLORMAPS``, with train points filled and test points hollow; class 0 circles, class 1
    triangles, one scatter per class and role, so an update only moves offsets) or, for the digits, a strip of training images with the labels the network
    is trained on (red: a corrupted label); middle, train/test loss and accuracy against the epoch;
    right, one weight histogram per layer on fixed bins (so shrinking weights are seen to shrink;
    weights beyond the range are counted in the outer bins); top, the numbers line.

    The figure is a plain ``matplotlib.figure.Figure`` (never registered with pyplot); attach an
    Agg canvas to it (a panel shows its pixels with a ``picture.Picture``). Updates only call
    ``set_data``, ``set_offsets``, ``set_text``, ``set_xlim``/``set_ylim``: the number of
    artists stays the same.

    ``render(canvas)`` draws it by blitting: the artists a result changes (``dynamic_artists``)
    over a cached picture of everything else (axes, ticks, labels; ``raster.Backgrounds``): when
    axis limits change only those axes are redrawn into it. The heat map, the points and the
    texts that change (title, digit labels) are written straight into the pixels
    (``raster.MapRaster``, ``raster.Layer``): matplotlib 3.11 draws text glyph by glyph, and a
    full draw costs ~100 ms, a blitted picture 3-6 ms. The loss axis ends at round values
    (``nice_ceil``) and the epoch axis, in live mode, at the budget doubled, so that their
    ticks rarely change.
    Saved figures (``fig.savefig``) are drawn by the artists as usual.
    """

    N_BINS = 41  # odd: 0 sits in the middle of a bin
    BACKGROUNDS = 6  # cached backgrounds (1.3 MB each at the default size)
    N_DIGITS = 20
    DIGIT_COLS = 5
    MAX_TEST_POINTS = 200

    def __init__(self, n_layers, kind="2d", figsize=(10.4, 4.0), dpi=90, weight_ranges=None,
                 colormap=BOUNDARY_CMAP):
        from matplotlib.figure import Figure

        if kind not in ("2d", "digits"):
            raise ValueError(f"kind must be one of '2d', 'digits', got {kind!r}")
        checks.choice("colormap", colormap, COLORMAPS)
        self.kind = kind
        self.colormap = colormap
        self.fig = fig = Figure(figsize=figsize, dpi=dpi)
        fig.patch.set_facecolor("white")
        self.numbers = fig.text(0.012, 0.985, "", fontsize=10, va="top", ha="left",
                                family="DejaVu Sans")
        gs = fig.add_gridspec(n_layers * 2, 3, left=0.015, right=0.985, bottom=0.08, top=0.85,
                              wspace=0.16, hspace=1.1, width_ratios=[1.0, 1.1, 0.8])
        if kind == "2d":
            self.ax_main = ax = fig.add_subplot(gs[:, 0])
            self.image = ax.imshow(np.full((2, 2), 0.5), origin="lower", extent=(0, 1, 0, 1),
                                   cmap=_over_white(colormap), vmin=0, vmax=1,
                                   interpolation="bilinear", aspect="auto")
            # (one artist per class and role, each with a single colour and marker: an update
            # only sets offsets, and Agg draws them as markers; per-point paths in one artist
            # measured the same to draw and 5× slower to update)
            self.train_points = [ax.scatter(np.zeros(1), np.zeros(1), s=16, marker=m, color=c,
                                            edgecolors="k", linewidths=0.4, zorder=3,
                                            label=f"train, class {i}")
                                 for i, (m, c) in enumerate(zip(CLASS_MARKERS, CLASS_COLORS))]
            self.test_points = [ax.scatter(np.zeros(1), np.zeros(1), s=16, marker=m,
                                           facecolors="none", edgecolors=c, linewidths=0.9,
                                           zorder=2, label=f"test, class {i}")
                                for i, (m, c) in enumerate(zip(CLASS_MARKERS, CLASS_EDGE_COLORS))]
            ax.set(xticks=[], yticks=[])
        else:
            self.ax_main = ax = fig.add_subplot(gs[:, 0])
            self.image = ax.imshow(np.zeros((2, 2)), cmap="gray_r", vmin=0, vmax=1,
                                   interpolation="nearest", aspect="equal")
            ax.set_axis_off()
            self.digit_labels = [ax.text(0, 0, "", ha="center", va="bottom", fontsize=9)
                                 for _ in range(self.N_DIGITS)]
        # (y given: a fixed place, not the one Axes.draw works out; render draws it alone)
        self.main_title = ax.set_title("", fontsize=8.5, loc="left", y=1.0)
        half = n_layers
        self.ax_loss = fig.add_subplot(gs[:half, 1])
        self.ax_acc = fig.add_subplot(gs[half:, 1], sharex=self.ax_loss)
        self.curves = {}
        # (no legends, no axis labels: plain texts draw several times faster, and this figure is
        # redrawn on every slider move)
        for ax, metric, label in ((self.ax_loss, "loss", "loss L"),
                                  (self.ax_acc, "acc", "accuracy")):
            # (the curves over the frame and the labels under the curves: the labels and the
            # frame then belong to the cached background, see render)
            self.curves[f"train_{metric}"], = ax.plot([], [], color="C0", lw=1.4, label="train",
                                                      zorder=2.6)
            self.curves[f"test_{metric}"], = ax.plot([], [], color="C1", lw=1.4, label="test",
                                                     zorder=2.6)
            ax.text(0.02, 0.96, label, transform=ax.transAxes, fontsize=8, va="top", zorder=1.9)
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(4))
            ax.tick_params(labelsize=7, pad=1, length=2)
            ax.grid(alpha=0.3)
        self.ax_loss.tick_params(labelbottom=False)
        self.ax_loss.text(0.60, 1.03, "— train", color="C0", transform=self.ax_loss.transAxes,
                          fontsize=8.5, fontweight="bold", zorder=1.9)
        self.ax_loss.text(0.82, 1.03, "— test", color="C1", transform=self.ax_loss.transAxes,
                          fontsize=8.5, fontweight="bold", zorder=1.9)
        self.ax_acc.text(0.98, 0.04, "epoch →", transform=self.ax_acc.transAxes, fontsize=8,
                         ha="right", va="bottom", zorder=1.9)
        self.ax_acc.set_ylim(0.0 if kind == "digits" else 0.4, 1.02)
        self.ax_hist, self.hists, self.hist_titles = [], [], []
        for i in range(n_layers):
            ax = fig.add_subplot(gs[2 * i:2 * i + 2, 2])
            self.hists.append(ax.stairs(np.zeros(self.N_BINS), np.linspace(-1, 1, self.N_BINS + 1),
                                        fill=True, color="C0", alpha=0.8))
            ax.axvline(0, color="k", lw=0.5, alpha=0.5)
            ax.set_yticks([])
            for side in ("top", "left", "right"):  # a baseline, no box (fewer lines to redraw)
                ax.spines[side].set_visible(False)
            ax.tick_params(labelsize=7, pad=1, length=2)
            # (a text at a fixed place above the axes, not ax.set_title: a title is placed by
            # Axes.draw, and render draws it without drawing its axes)
            self.hist_titles.append(ax.text(0.5, 1.0, "", fontsize=8, ha="center", va="baseline", zorder=0.5,
                                            transform=offset_copy(ax.transAxes, fig, y=4,
                                                                  units="points")))
            self.ax_hist.append(ax)
        self.weight_ranges = None
        if weight_ranges is not None:
            self.set_weight_ranges(weight_ranges)
        self._data = None
        self._data_version = 0  # counts set_data calls (the points' layer depends on it)
        self._quick = self._quick_draws()
        # the pictures without the dynamic artists, by what they depend on (the last few: a
        # slider that moves between two loss scales finds both)
        self._backgrounds = Backgrounds(fig, self.BACKGROUNDS)

    def set_weight_ranges(self, ranges):
        """Fix the histogram bins of layer i to [-ranges[i], ranges[i]] (41 bins)."""
        self.weight_ranges = [float(r) for r in ranges]
        for ax, r in zip(self.ax_hist, self.weight_ranges):
            ax.set_xlim(-r, r)
            ax.set_xticks([-r, 0, r], [f"{-r:g}", "0", f"{r:g}"])

    def set_colormap(self, colormap):
        """Colour the heat map with ``colormap`` (one of ``COLORMAPS``), in place."""
        checks.choice("colormap", colormap, COLORMAPS)
        self.colormap = colormap
        if self.kind == "2d":
            self.image.set_cmap(_over_white(colormap))

    @staticmethod
    def nice_range(weights):
        """A round bound a little above max |w| (1, 1.5, 2, 3, 5 × 10ⁿ), for the histograms."""
        return nice_ceil(max(float(np.max(np.abs(weights))), 1e-6) * 1.1)

    # -- updates ----------------------------------------------------------------------------
    def set_data(self, data):
        """Show a new data set (``Data``): points, extent or digit strip."""
        if data is self._data:
            return
        self._data = data
        self._data_version += 1
        if self.kind == "2d":
            ax = self.ax_main
            self.image.set_extent(data.extent)
            ax.set_xlim(data.extent[:2])
            ax.set_ylim(data.extent[2:])
            n = min(len(data.X_test), self.MAX_TEST_POINTS)
            X_test, y_test = data.X_test[:n], data.y_test[:n] % 2
            for c, (train, test) in enumerate(zip(self.train_points, self.test_points)):
                train.set_offsets(data.X[data.y % 2 == c].reshape(-1, 2))
                test.set_offsets(X_test[y_test == c].reshape(-1, 2))
        else:
            n, cols = self.N_DIGITS, self.DIGIT_COLS
            rows = n // cols
            strip = np.zeros((12 * rows - 4, 9 * cols - 1))
            for i in range(n):
                r, c = divmod(i, cols)
                strip[12 * r:12 * r + 8, 9 * c:9 * c + 8] = data.images[i]
                label = self.digit_labels[i]
                label.set_position((9 * c + 3.5, 12 * r - 0.7))
                wrong = data.y[i] != data.y_clean[i]
                label.set_text(f"{data.y[i]}" + (f" ({data.y_clean[i]})" if wrong else ""))
                label.set_color("#d62728" if wrong else "k")
                label.set_fontweight("bold" if wrong else "normal")
            self.image.set_data(strip)
            self.image.set_extent((-0.5, strip.shape[1] - 0.5, strip.shape[0] - 0.5, -0.5))
            self.ax_main.set_xlim(-0.5, strip.shape[1] - 0.5)
            self.ax_main.set_ylim(strip.shape[0] - 0.5, -3.6)

    def _drawn(self):
        """The artists that show a result (hidden while an error is shown instead)."""
        main = [self.image] + ([*self.train_points, *self.test_points] if self.kind == "2d"
                               else self.digit_labels)
        return main + list(self.curves.values()) + self.hists

    def show_error(self, text):
        """No picture, a message: after an error (e.g. training diverged) the last result must
        not stay on screen as if it were the current one."""
        for artist in self._drawn():
            artist.set_visible(False)
        self.main_title.set_text("no picture for these settings:\n" + text)
        for title in [self.numbers, *self.hist_titles]:  # no stale numbers either
            title.set_text("")

    def show(self, result, data, title=""):
        """Draw ``result`` (a ``Result``) of a network trained on ``data``."""
        for artist in self._drawn():
            artist.set_visible(True)
        self.set_data(data)
        s = result.settings
        if self.kind == "2d":
            self.image.set_data(result.proba)
            rule = "weight scaling" if s.test_rule == "scale" else f"MC, k = {s.k}"
            self.main_title.set_text(title or f"P(class 1 | x), {rule}\n" + POINTS_KEY)
        else:
            share = float(np.mean(data.corrupted))
            self.main_title.set_text(title or "training images and the labels the network sees\n"
                                     f"red: corrupted (true label), {100 * share:.0f} % of all")
        h = result.history
        for key, line in self.curves.items():
            line.set_data(h["epoch"], h[key])
        last = max(float(h["epoch"][-1]), 1.0)
        # compare mode: the budget; live mode past it: the budget doubled as often as needed, so
        # the ticks (and the axes drawn behind the curves) change rarely
        doublings = max(0, int(np.ceil(np.log2(last / s.epochs - 1e-9))))
        self.ax_loss.set_xlim(0, s.epochs * 2 ** doublings)
        losses = np.r_[h["train_loss"], h["test_loss"]]
        losses = losses[np.isfinite(losses)]
        top = float(losses.max()) if losses.size else 1.0
        # a round top that grows as needed and shrinks only once the curves fill less than
        # a fifth of it: settings then share one scale (they compare at a glance), and moving
        # a slider rarely changes the ticks (and the cached background). A preview keeps the
        # scale (a spike of its first epochs may pass the top): the final picture sets it.
        top = nice_ceil(max(top * 1.05, 1e-3))
        current = self.ax_loss.get_ylim()[1]
        if result.done and not 0.2 * current <= top <= current:
            self.ax_loss.set_ylim(0, top)
        if self.weight_ranges is None:  # the first result fixes the bins
            self.set_weight_ranges([self.nice_range(w) for w in result.weights])
        for i, (w, stairs) in enumerate(zip(result.weights, self.hists)):
            r = self.weight_ranges[i]
            counts, edges = np.histogram(np.clip(w.ravel(), -r, r), bins=self.N_BINS, range=(-r, r))
            stairs.set_data(counts, edges)
            self.ax_hist[i].set_ylim(0, max(counts.max(), 1) * 1.08)
            n_in, n_out = w.shape
            self.hist_titles[i].set_text(f"W{i + 1} ({n_in}×{n_out})")  # (‖Wᵢ‖₂: numbers line)
        self.numbers.set_text(format_numbers(result.metrics, result.epochs, result.weights))

    # -- drawing ----------------------------------------------------------------------------
    def _changing(self):
        """The artists a result changes: the curves, the histograms, the main title, and the
        heat map and the points over it (2-D) or the digit strip and its labels (digits)."""
        main = ([self.image, *self.train_points, *self.test_points] if self.kind == "2d"
                else [self.image, *self.digit_labels])
        return main + [self.main_title] + list(self.curves.values()) + self.hists

    def dynamic_artists(self):
        """What ``render`` draws over the cached background, in the order ``Axes.draw`` would:
        per axes the changing artists and whatever a full draw puts over them (the frame, the
        histograms' 0 line), sorted by zorder (stable). Not the axes' ticks and titles: they lie
        outside the axes, where nothing changing is drawn."""
        changing = set(self._changing())
        out = []
        for ax in [self.ax_main, self.ax_loss, self.ax_acc, *self.ax_hist]:
            mine = [a for a in ax.get_children() if a in changing]
            if not mine:
                continue
            low = min(a.get_zorder() for a in mine)
            outside = {ax.xaxis, ax.yaxis, ax.title, ax._left_title, ax._right_title, ax.patch}
            over = [a for a in ax.get_children() if a not in changing and a not in outside
                    and a.get_zorder() > low
                    and not (a in ax.spines.values() and not (ax.axison and ax.get_frame_on()))]
            out += sorted(mine + over, key=lambda a: a.get_zorder())
        return out

    def _quick_draws(self):
        """How ``render`` draws the artists that cost the most, straight into the pixels
        (``raster``): artist → a function of the renderer, or None for an artist drawn with
        another one. 2-D: the heat map with the points over it, and the title (text); digits:
        the strip, its labels and the title, as one layer redrawn when the data change."""
        title = Layer([self.main_title])
        if self.kind == "2d":
            raster = MapRaster(self.image, [*self.test_points, *self.train_points])
            quick = {self.image: lambda r: raster.draw(r, self._data_version),
                     self.main_title: lambda r: title.draw(r, self.main_title.get_text())}
            return quick | dict.fromkeys(raster.points.artists)
        strip = Layer([self.image, *self.digit_labels, self.main_title])
        quick = {self.image: lambda r: strip.draw(r, (self._data_version,
                                                      self.main_title.get_text()))}
        return quick | dict.fromkeys([*self.digit_labels, self.main_title])

    def _axes_keys(self):
        """What the picture without the dynamic artists depends on, per axes: the limits of
        the axes that carry ticks (not the histograms' heights: they have no y axis; not the
        2-D map's limits: it has no ticks) and the histograms' titles."""
        keys = {ax: (ax.get_xlim(), ax.get_ylim()) for ax in (self.ax_loss, self.ax_acc)}
        return keys | {ax: (ax.get_xlim(), t.get_text())
                       for ax, t in zip(self.ax_hist, self.hist_titles)}

    @property
    def alt(self):
        """What the figure shows, in words (for a screen reader)."""
        main = ("the decision map of the network (class probability as colour) with the "
                "training and test points" if self.kind == "2d" else
                f"{self.N_DIGITS} test digits with the network's labels")
        return (f"{main}; the loss and the accuracy by epoch, on the training and the test set; "
                f"a histogram of the weights of each of the {len(self.ax_hist)} layers")

    def render(self, canvas):
        """Draw the figure into ``canvas``'s pixels (an Agg canvas) by blitting. Returns "blit",
        "axes" (some axes' ticks were redrawn first) or "full" (the whole background was drawn
        first): see ``raster.Backgrounds``.

        The costliest artists are drawn straight into the pixels (``_quick_draws``). The
        numbers line is left out (a panel shows it as text above the canvas, and hides it in
        the figure but for ``Panel.savefig``: a line of text costs about 8 ms in Agg).
        Not thread-safe: a panel calls it under its lock."""
        dynamic = self.dynamic_artists()
        kind = self._backgrounds.restore(canvas, self._axes_keys(), dynamic + [self.numbers])
        renderer = canvas.get_renderer()
        for artist in dynamic:
            if artist in self._quick:  # (the image comes first: the lowest zorder)
                if self._quick[artist] is not None:
                    self._quick[artist](renderer)
            elif artist.get_visible():
                artist.draw(renderer)
        return kind

    def n_artists(self, ticks=True):
        """How many artists the figure holds (the memory test checks it stays constant).
        ``ticks=False`` leaves out the axis ticks, whose number matplotlib adapts to the limits."""
        from matplotlib.axis import Tick

        if ticks:
            return sum(1 for _ in self.fig.findobj())
        inside_ticks = {id(a) for t in self.fig.findobj(Tick) for a in t.findobj()}
        return sum(1 for a in self.fig.findobj() if id(a) not in inside_ticks)
