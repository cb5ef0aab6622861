"""Plots for the lecture. Each helper takes ``ax=None`` (a new figure if None) and returns its
artists, so a panel can build a figure once and update the artists in place later.

Nothing here changes matplotlib's global settings.
"""
import matplotlib.pyplot as plt
import numpy as np

CLASS_COLORS = ("#1f77b4", "#d62728")  # class 0 blue, class 1 red (matches the "RdBu_r" map)
BOUNDARY_CMAP = "RdBu_r"


def _axes(ax, **fig_kw):
    if ax is None:
        _, ax = plt.subplots(**fig_kw)
    return ax


def grid_extent(X, pad=0.5):
    """(xmin, xmax, ymin, ymax) around 2-D points X (N, 2), padded."""
    X = np.asarray(X)
    return (X[:, 0].min() - pad, X[:, 0].max() + pad, X[:, 1].min() - pad, X[:, 1].max() + pad)


def grid_points(extent, resolution=80):
    """The (R·R, 2) points of a regular grid over ``extent``, row by row from the bottom."""
    xmin, xmax, ymin, ymax = extent
    xs = np.linspace(xmin, xmax, resolution)
    ys = np.linspace(ymin, ymax, resolution)
    xx, yy = np.meshgrid(xs, ys)
    return np.c_[xx.ravel(), yy.ravel()]


def probability_map(net, extent, resolution=80, rule="scale", k=20, seed=0):
    """P(class 1 | x) on the grid, as an (R, R) image (row 0 at the bottom, for origin="lower")."""
    grid = grid_points(extent, resolution).astype(net.weights()[0].dtype)
    proba = net.predict_proba(grid, rule=rule, k=k, seed=seed)
    return proba[:, -1].reshape(resolution, resolution)


def decision_boundary(net, X, y, X_test=None, y_test=None, ax=None, resolution=80, extent=None,
                      rule="scale", k=20, seed=0, title=None):
    """Heat map of P(class 1 | x) for a 2-class net on 2-D data, with train points (filled circles)
    and test points (hollow). Returns {"image", "train", "test", "extent"}."""
    ax = _axes(ax, figsize=(4.2, 4))
    extent = grid_extent(np.vstack([X] if X_test is None else [X, X_test])) if extent is None else extent
    image = ax.imshow(probability_map(net, extent, resolution, rule, k, seed), origin="lower",
                      extent=extent, cmap=BOUNDARY_CMAP, vmin=0, vmax=1, alpha=0.75,
                      interpolation="bilinear", aspect="auto")
    colors = np.array(CLASS_COLORS)
    train = ax.scatter(X[:, 0], X[:, 1], c=colors[np.asarray(y) % 2], s=14, edgecolors="k",
                       linewidths=0.4, label="train")
    test = None
    if X_test is not None:
        test = ax.scatter(X_test[:, 0], X_test[:, 1], facecolors="none",
                          edgecolors=colors[np.asarray(y_test) % 2], s=14, linewidths=0.8,
                          label="test")
    ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])
    if title:
        ax.set_title(title)
    return {"image": image, "train": train, "test": test, "extent": extent}


def weight_histograms(weights, axes=None, bins=40, range_=None, labels=None, color="C0"):
    """One histogram per weight matrix (input → output). Returns the list of bar containers."""
    weights = list(weights)
    if axes is None:
        _, axes = plt.subplots(1, len(weights), figsize=(3 * len(weights), 2.6), squeeze=False)
        axes = axes[0]
    bars = []
    for i, (ax, w) in enumerate(zip(axes, weights)):
        w = np.ravel(w)
        r = range_ if range_ is not None else (-np.abs(w).max() - 1e-12, np.abs(w).max() + 1e-12)
        _, _, patches = ax.hist(w, bins=bins, range=r, color=color)
        ax.set_title(labels[i] if labels else f"W{i + 1}  ({w.size} weights)", fontsize=9)
        ax.set_yticks([])
        bars.append(patches)
    return bars


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
