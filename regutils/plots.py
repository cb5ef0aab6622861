"""Plots for the lecture. Each helper takes ``ax=None`` (a new figure if None) and returns its
artists, so a panel can build a figure once and update the artists in place later.

Nothing here changes matplotlib's global settings. Every argument is checked before anything is
drawn (``regutils.checks``: the message names the argument, the value and what is allowed).
"""
from collections.abc import Mapping

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, is_color_like
from matplotlib.markers import MarkerStyle
from matplotlib.ticker import NullFormatter

from . import checks
from .data import grid_points
from .model import TEST_RULES

CLASS_COLORS = ("#1f77b4", "#d62728")  # class 0 blue, class 1 red (matches the "RdBu_r" map)
# hollow (test) points: darker shades of the same hues, so that a ring stands out on every colour
# of both heat maps drawn at BOUNDARY_ALPHA (contrast >= 2.9:1; the old blue and red rings: 1.1:1
# where the map has the class's own colour); filled points have black edges (>= 4.7:1)
CLASS_EDGE_COLORS = ("#08306b", "#67000d")
BOUNDARY_ALPHA = 0.6
CLASS_MARKERS = ("o", "^")  # class 0 circle, class 1 triangle: the shape tells the class too
CLASS_SYMBOLS = ("●", "▲")  # the same shapes as text, for titles and legends
BOUNDARY_CMAP = "RdBu_r"
COLORBLIND_CMAP = "cividis"  # uniform in lightness, readable with every colour-vision deficiency


def _axes(ax, **fig_kw):
    """``ax`` itself, or the axes of a new figure ``plt.subplots(**fig_kw)``."""
    if ax is None:
        _, ax = plt.subplots(**fig_kw)
    return ax


def _check_ax(ax, optional=True):
    """None (a new figure) or a matplotlib Axes."""
    if not (isinstance(ax, Axes) or (optional and ax is None)):
        checks.fail("ax", ("None or " if optional else "") + "a matplotlib Axes", ax, TypeError)
    return ax


def _check_axes(axes, n, what):
    """None, or at least ``n`` matplotlib Axes (one per ``what``), returned flattened."""
    if axes is None:
        return None
    flat = np.ravel(np.asarray(axes, dtype=object))
    if not all(isinstance(a, Axes) for a in flat):
        checks.fail("axes", "None or an array of matplotlib Axes", axes, TypeError)
    if len(flat) < n:
        checks.fail("axes", f"at least {n} Axes (one per {what})", f"{len(flat)} Axes")
    return flat


def _check_title(title):
    if title is not None and not isinstance(title, str):
        checks.fail("title", "None or a string", title, TypeError)


def _check_colors(name, colors, n):
    """None, or a list of at least ``n`` matplotlib colours ("C0", "k", "#d62728", (r, g, b))."""
    if colors is None:
        return
    if isinstance(colors, str) or not hasattr(colors, "__len__"):
        checks.fail(name, f"None or a list of {n} matplotlib colours", colors, TypeError)
    if len(colors) < n or not all(is_color_like(c) for c in list(colors)[:n]):
        checks.fail(name, f"None or a list of {n} matplotlib colours", colors)


def _points(name, X):
    """2-D points: a finite (N, 2) array, N >= 1 (float32 kept)."""
    X = checks.finite_array(name, X, ndim=2)
    if X.shape[1] != 2 or len(X) == 0:
        checks.fail(f"{name}.shape", "(N, 2) with N >= 1: points in the plane", X.shape)
    return X


def _axes_row(axes, n, figsize):
    """``axes`` flattened, or a row of ``n`` new axes (a constrained-layout figure of ``figsize``)."""
    if axes is None:
        _, axes = plt.subplots(1, n, figsize=figsize, layout="constrained", squeeze=False)
        axes = axes[0]
    return np.asarray(axes).ravel()


def grid_extent(X, pad=0.5):
    """(xmin, xmax, ymin, ymax) around 2-D points X (N, 2), padded."""
    X, pad = _points("X", X), checks.nonnegative("pad", pad)
    return (X[:, 0].min() - pad, X[:, 0].max() + pad, X[:, 1].min() - pad, X[:, 1].max() + pad)


def check_cmap(cmap, name="cmap"):
    """A matplotlib colormap name (e.g. "RdBu_r", "cividis") or a ``Colormap``; else an error
    naming ``name``, the value and what is allowed."""
    if isinstance(cmap, Colormap) or (isinstance(cmap, str) and cmap in matplotlib.colormaps):
        return cmap
    checks.fail(name, f"a matplotlib colormap name such as {BOUNDARY_CMAP!r} or "
                f"{COLORBLIND_CMAP!r} (colour-blind safe), or a Colormap", cmap)


def marker_path(marker):
    """The path of a marker ("o", "^", ...) in points, as a scatter draws it at s = 1."""
    try:
        style = MarkerStyle(marker)
    except (ValueError, TypeError):
        checks.fail("marker", "a matplotlib marker such as 'o' or '^'", marker)
    return style.get_path().transformed(style.get_transform())


def class_paths(y):
    """One marker path per label in y (CLASS_MARKERS: circle for class 0, triangle for 1), for
    ``PathCollection.set_paths``."""
    y = checks.labels("y", y, n_classes=2)
    paths = [marker_path(m) for m in CLASS_MARKERS]
    return [paths[c] for c in y]


def class_legend(ax, test=True, **kw):
    """A small legend for the point encoding: the class by shape and colour, train filled and
    test hollow. Returns the Legend."""
    from matplotlib.lines import Line2D

    _check_ax(ax, optional=False)
    test = checks.boolean("test", test)
    handles = [Line2D([], [], ls="", marker=m, markersize=5, markerfacecolor=c,
                      markeredgecolor="k", markeredgewidth=0.4, label=f"class {i}")
               for i, (m, c) in enumerate(zip(CLASS_MARKERS, CLASS_COLORS))]
    if test:
        handles.append(Line2D([], [], ls="", marker="o", markersize=5, markerfacecolor="none",
                              markeredgecolor="k", label="test (hollow)"))
    kw = dict(dict(loc="lower right", fontsize=7, framealpha=0.85, handletextpad=0.2,
                   borderpad=0.3, labelspacing=0.25), **kw)
    return ax.legend(handles=handles, **kw)


def probability_map(net, extent, resolution=80, test_rule="scale", k=20, seed=0):
    """P(class 1 | x) on the grid, as an (R, R) image (row 0 at the bottom, for origin="lower").
    ``net``: a 2-class network (``predict_proba`` checks ``k`` and ``seed``)."""
    if not all(callable(getattr(net, name, None)) for name in ("predict_proba", "weights")):
        checks.fail("net", "a network with predict_proba and weights, e.g. regutils.MLP", net,
                    TypeError)
    checks.choice("test_rule", test_rule, TEST_RULES)
    grid = grid_points(extent, resolution, net.weights()[0].dtype)  # checks extent and resolution
    proba = net.predict_proba(grid, test_rule=test_rule, k=k, seed=seed)
    if proba.shape[1] != 2:
        checks.fail("net", "a network with 2 outputs (2 classes)", f"{proba.shape[1]} outputs")
    return proba[:, -1].reshape(resolution, resolution)


def decision_boundary(net, X, y, X_test=None, y_test=None, ax=None, resolution=80, extent=None,
                      test_rule="scale", k=20, seed=0, title=None, cmap=BOUNDARY_CMAP,
                      legend=False):
    """Heat map of P(class 1 | x) for a 2-class net on 2-D data, with train points (filled) and
    test points (hollow); class 0 is a blue circle, class 1 a red triangle (the shape tells the
    class without the colour). ``cmap``: the heat map's colormap ("RdBu_r"; "cividis" is
    colour-blind safe); ``legend=True`` adds a legend of the point encoding.
    Returns {"image", "train", "test", "extent", "legend"}."""
    X = _points("X", X)
    y = checks.labels("y", y, n_classes=2, n=len(X))
    if (X_test is None) != (y_test is None):
        missing, other = ("X_test", "y_test") if X_test is None else ("y_test", "X_test")
        checks.fail(missing, f"given together with {other}", None)
    if X_test is not None:
        X_test = _points("X_test", X_test)
        y_test = checks.labels("y_test", y_test, n_classes=2, n=len(X_test), name_X="X_test")
    _check_ax(ax)
    _check_title(title)
    cmap = check_cmap(cmap)
    legend = checks.boolean("legend", legend)
    if extent is None:
        extent = grid_extent(X if X_test is None else np.vstack([X, X_test]))
    proba = probability_map(net, extent, resolution, test_rule, k, seed)  # checks the rest
    ax = _axes(ax, figsize=(4.2, 4))
    image = ax.imshow(proba, origin="lower", extent=extent, cmap=cmap, vmin=0, vmax=1,
                      alpha=BOUNDARY_ALPHA, interpolation="bilinear", aspect="auto")
    train = ax.scatter(X[:, 0], X[:, 1], c=np.array(CLASS_COLORS)[y], s=14, edgecolors="k",
                       linewidths=0.4, label="train")
    train.set_paths(class_paths(y))
    test = None
    if X_test is not None:
        test = ax.scatter(X_test[:, 0], X_test[:, 1], facecolors="none",
                          edgecolors=np.array(CLASS_EDGE_COLORS)[y_test], s=14, linewidths=0.9,
                          label="test")
        test.set_paths(class_paths(y_test))
    ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])
    if title:
        ax.set_title(title)
    shown = class_legend(ax, test=test is not None) if legend else None
    return {"image": image, "train": train, "test": test, "extent": extent, "legend": shown}


def weight_histograms(weights, axes=None, bins=81, range_=None, log=False, title=None,
                      colors=None):
    """One histogram per entry of ``weights`` (dict label → array, flattened), side by side on the
    same bins, symmetric around 0 (an odd number, so 0 is the centre of a bin); weights beyond
    ``range_`` are counted in the outer bins. Returns the list of bar containers."""
    if not isinstance(weights, Mapping):
        checks.fail("weights", "a dict label → array of weights", weights, TypeError)
    if not weights:
        checks.fail("weights", "a non-empty dict label → array of weights", weights)
    flat = {k: checks.finite_array(f"weights[{k!r}]", v).ravel() for k, v in weights.items()}
    axes = _check_axes(axes, len(flat), "entry of weights")
    bins = checks.integer("bins", bins, 1, 1001)
    if range_ is not None:
        r = checks.finite_array("range_", range_)
        if r.shape != (2,) or not r[0] < r[1]:
            checks.fail("range_", "None or (low, high) with low < high", range_)
        range_ = tuple(r)
    log = checks.boolean("log", log)
    _check_title(title)
    _check_colors("colors", colors, len(flat))
    if axes is None:
        fig, axes = plt.subplots(1, len(flat), figsize=(3.2 * len(flat), 2.9), sharex=True,
                                 sharey=True, layout="constrained", squeeze=False)
        axes = axes[0]
        if title:
            fig.suptitle(title)
    if range_ is None:
        r = max((np.abs(v).max() for v in flat.values() if v.size), default=0) or 1.0  # all 0: ±1
        range_ = (-r, r)
    edges = np.linspace(*range_, bins + 1)
    out = []
    for i, (ax, (label, w)) in enumerate(zip(axes, flat.items())):
        color = colors[i] if colors is not None else f"C{i}"
        _, _, patches = ax.hist(np.clip(w, *range_), bins=edges, color=color, log=log)
        if log:
            ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("weight value w")
        if i == 0:
            ax.set_ylabel("number of weights" + (" (log scale)" if log else ""))
        out.append(patches)
    return out


def learning_curves(history, ax=None, metric="acc", title=None):
    """Train and test curves of ``metric`` ("acc" or "loss") against the epoch.
    Returns {"train": Line2D, "test": Line2D or None}."""
    checks.choice("metric", metric, ("acc", "loss"))
    if not isinstance(history, Mapping):
        checks.fail("history", "a History from fit (or a dict of lists)", history, TypeError)
    keys = ["epoch", f"train_{metric}"] + [f"test_{metric}"] * (f"test_{metric}" in history)
    for key in keys:
        if key not in history:
            raise ValueError(f"history must have the key {key!r} (a History from fit has it), "
                             f"got the keys {list(history)}")
        values = np.asarray(history[key])
        if values.dtype.kind not in "fiub":
            checks.fail(f"history[{key!r}]", "a list of numbers", f"array of dtype {values.dtype}",
                        TypeError)
        if values.shape != (len(history["epoch"]),):
            checks.fail(f"history[{key!r}].shape", "one number per epoch, as in history['epoch']",
                        values.shape)
    _check_ax(ax)
    _check_title(title)
    ax = _axes(ax, figsize=(4.5, 3))
    epochs = history["epoch"]
    train, = ax.plot(epochs, history[f"train_{metric}"], label=f"train {metric}", color="C0")
    test = None
    if len(keys) == 3:
        test, = ax.plot(epochs, history[f"test_{metric}"], label=f"test {metric}", color="C1")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy" if metric == "acc" else "loss")
    ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    return {"train": train, "test": test}


def digit_grid(images, labels=None, ncols=10, nrows=2, axes=None, title=None, label_color=None):
    """A grid of 8×8 digits (N, 64) or (N, 8, 8) with their labels above them (one per image, any
    text); ``label_color``: a colour per image. Returns the axes array."""
    images = checks.finite_array("images", images)
    if images.shape[1:] not in ((64,), (8, 8)):
        checks.fail("images.shape", "(N, 64) or (N, 8, 8): 8×8 digits", images.shape)
    images = images.reshape(len(images), 8, 8)
    if labels is not None and (np.ndim(labels) != 1 or len(labels) != len(images)):
        checks.fail("labels", f"None or one label per image ({len(images)})", labels)
    ncols = checks.integer("ncols", ncols, 1, 50)
    nrows = checks.integer("nrows", nrows, 1, 50)
    n = min(len(images), ncols * nrows)
    axes = _check_axes(axes, n, "image shown")
    _check_title(title)
    _check_colors("label_color", label_color, n)
    if axes is None:
        fig, axes = plt.subplots(nrows, ncols, figsize=(0.9 * ncols, 1.05 * nrows), squeeze=False)
        if title:
            fig.suptitle(title)
    axes = np.asarray(axes).ravel()
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i < n:
            ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=10,
                             color=label_color[i] if label_color is not None else "k")
    return axes
