"""The figures of notebook 02 (norm penalties). Each takes ``ax``/``axes=None`` and returns its
artists; nothing here changes matplotlib's global settings."""
import matplotlib.pyplot as plt
import numpy as np

from ..plots import decision_boundary


def plot_boundaries(items, X=None, y=None, axes=None, titles=None, width=2.6):
    """Decision boundaries of several trained 2-D nets side by side (``width`` inches each).

    items: a list of nets (all drawn on X, y) or of (net, X, y) triples.
    """
    if axes is None:
        _, axes = plt.subplots(1, len(items), figsize=(width * len(items), 2.7))
    axes = np.atleast_1d(axes)
    out = []
    for i, (ax, item) in enumerate(zip(axes, items)):
        net, Xi, yi = item if isinstance(item, tuple) else (item, X, y)
        out.append(decision_boundary(net, Xi, yi, ax=ax, resolution=60))
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    return out

def plot_lambda_sweep(sweep, ax=None):
    """Mean train and test error against λ (log axis), the seeds as faint points, best λ marked."""
    ax = ax if ax is not None else plt.subplots(figsize=(6, 3.6))[1]
    lams = sweep["lams"]
    for errs, color in ((sweep["train_err"], "C0"), (sweep["test_err"], "C1")):
        for row in errs:
            ax.plot(lams, row, ".", color=color, alpha=0.3, ms=4)
    tr, = ax.plot(lams, sweep["train_mean"], "o-", color="C0", label="train error")
    te, = ax.plot(lams, sweep["test_mean"], "o-", color="C1", label="test error")
    best = sweep["best_index"]
    star, = ax.plot(lams[best], sweep["test_mean"][best], "*", color="k", ms=14,
                    label=f"best λ = {sweep['best_lam']:.2g}")
    ax.set_xscale("log")
    ax.set(xlabel="λ (regularization constant, log scale)", ylabel="error (share misclassified)",
           ylim=(-0.02, 0.55), title="Overfitting ← λ → underfitting (constant function)")
    ax.legend(loc="upper left", fontsize=8)
    return {"train": tr, "test": te, "best": star}

def plot_unit_balls(ax=None):
    """The points at distance 1 from zero under L1, L2 and L∞ in 2-D, and the L0 'ball'."""
    ax = ax if ax is not None else plt.subplots(figsize=(6.4, 3.4))[1]
    t = np.linspace(0, 2 * np.pi, 361)
    c, s = np.cos(t), np.sin(t)
    lines = []
    for q, name, color in ((1, "L1: |w₁| + |w₂| = 1", "C3"), (2, "L2: √(w₁² + w₂²) = 1", "C0"),
                           (np.inf, "L∞: max(|w₁|, |w₂|) = 1", "C2")):
        if np.isinf(q):
            r = 1 / np.maximum(np.abs(c), np.abs(s))
        else:
            r = 1 / (np.abs(c) ** q + np.abs(s) ** q) ** (1 / q)
        lines += ax.plot(r * c, r * s, color=color, label=name)
    lines += ax.plot([-1.4, 1.4], [0, 0], color="C4", lw=3, alpha=0.5,
                     label="L0 ≤ 1: on an axis (count)")
    ax.plot([0, 0], [-1.4, 1.4], color="C4", lw=3, alpha=0.5)
    ax.set(xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), xlabel="w₁", ylabel="w₂", aspect="equal",
           title="Distance 1 from zero")
    ax.legend(loc="center left", fontsize=8, bbox_to_anchor=(1.03, 0.5))
    return lines
