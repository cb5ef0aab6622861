"""Plots for the lecture. Each helper takes ``ax=None`` (a new figure if None) and returns its
artists, so a panel can build a figure once and update the artists in place later.

Nothing here changes matplotlib's global settings.
"""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Colormap
from matplotlib.markers import MarkerStyle
from matplotlib.ticker import NullFormatter

from . import checks
from .data import grid_points

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


def _axes_row(axes, n, figsize):
    """``axes`` flattened, or a row of ``n`` new axes (a constrained-layout figure of ``figsize``)."""
    if axes is None:
        _, axes = plt.subplots(1, n, figsize=figsize, layout="constrained", squeeze=False)
        axes = axes[0]
    return np.asarray(axes).ravel()


def grid_extent(X, pad=0.5):
    """(xmin, xmax, ymin, ymax) around 2-D points X (N, 2), padded."""
    X = np.asarray(X)
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
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def class_paths(y):
    """One marker path per label in y (CLASS_MARKERS: circle for class 0, triangle for 1), for
    ``PathCollection.set_paths``."""
    paths = [marker_path(m) for m in CLASS_MARKERS]
    return [paths[int(c) % 2] for c in np.asarray(y)]


def class_legend(ax, test=True, **kw):
    """A small legend for the point encoding: the class by shape and colour, train filled and
    test hollow. Returns the Legend."""
    from matplotlib.lines import Line2D

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
    """P(class 1 | x) on the grid, as an (R, R) image (row 0 at the bottom, for origin="lower")."""
    grid = grid_points(tuple(extent), resolution, net.weights()[0].dtype)
    proba = net.predict_proba(grid, test_rule=test_rule, k=k, seed=seed)
    return proba[:, -1].reshape(resolution, resolution)


def decision_boundary(net, X, y, X_test=None, y_test=None, ax=None, resolution=80, extent=None,
                      test_rule="scale", k=20, seed=0, title=None, cmap=BOUNDARY_CMAP,
                      legend=False):
    """Heat map of P(class 1 | x) for a 2-class net on 2-D data, with train points (filled) and
    test points (hollow); class 0 is a blue circle, class 1 a red triangle (the shape tells the
    class without the colour). ``cmap``: the heat map's colormap ("RdBu_r"; "cividis" is
    colour-blind safe); ``legend=True`` adds a legend of the point encoding.
    Returns {"image", "train", "test", "extent", "legend"}."""
    cmap = check_cmap(cmap)
    ax = _axes(ax, figsize=(4.2, 4))
    extent = grid_extent(np.vstack([X] if X_test is None else [X, X_test])) if extent is None else extent
    image = ax.imshow(probability_map(net, extent, resolution, test_rule, k, seed), origin="lower",
                      extent=extent, cmap=cmap, vmin=0, vmax=1, alpha=BOUNDARY_ALPHA,
                      interpolation="bilinear", aspect="auto")
    y = np.asarray(y) % 2
    train = ax.scatter(X[:, 0], X[:, 1], c=np.array(CLASS_COLORS)[y], s=14, edgecolors="k",
                       linewidths=0.4, label="train")
    train.set_paths(class_paths(y))
    test = None
    if X_test is not None:
        y_test = np.asarray(y_test) % 2
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
    flat = {k: np.ravel(v) for k, v in weights.items()}
    if axes is None:
        fig, axes = plt.subplots(1, len(flat), figsize=(3.2 * len(flat), 2.9), sharex=True,
                                 sharey=True, layout="constrained", squeeze=False)
        axes = axes[0]
        if title:
            fig.suptitle(title)
    if range_ is None:
        r = max(np.abs(v).max() for v in flat.values())
        range_ = (-r, r)
    edges = np.linspace(*range_, bins + 1)
    out = []
    for i, (ax, (label, w)) in enumerate(zip(np.ravel(axes), flat.items())):
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
    ax = _axes(ax, figsize=(4.5, 3))
    epochs = history["epoch"]
    train, = ax.plot(epochs, history[f"train_{metric}"], label=f"train {metric}", color="C0")
    test = None
    if f"test_{metric}" in history:
        test, = ax.plot(epochs, history[f"test_{metric}"], label=f"test {metric}", color="C1")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy" if metric == "acc" else "loss")
    ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    return {"train": train, "test": test}


def digit_grid(images, labels=None, ncols=10, nrows=2, axes=None, title=None, label_color=None):
    """A grid of 8×8 digits with their labels above them. Returns the axes array."""
    images = np.asarray(images).reshape(len(images), 8, 8)
    n = min(len(images), ncols * nrows)
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
