"""The figures of notebook 02 (norm penalties). Each takes ``ax``/``axes=None`` and returns its
artists; nothing here changes matplotlib's global settings."""
import matplotlib.pyplot as plt
import numpy as np

from ..layers import Dense
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
    """Mean train and validation error against λ (log axis), the seeds as faint points, the λ
    chosen on the validation part marked, and the test error of that λ (reported once)."""
    ax = ax if ax is not None else plt.subplots(figsize=(6, 3.6))[1]
    lams = sweep["lams"]
    for errs, color in ((sweep["train_err"], "C0"), (sweep["val_err"], "C1")):
        for row in errs:
            ax.plot(lams, row, ".", color=color, alpha=0.3, ms=4)
    ax.plot([], [], ".", color="0.5", alpha=0.5, label="single seeds (faint dots)")
    tr, = ax.plot(lams, sweep["train_mean"], "o-", color="C0", label="train error (mean)")
    va, = ax.plot(lams, sweep["val_mean"], "o-", color="C1", label="validation error (mean)")
    best = sweep["best_index"]
    star, = ax.plot(lams[best], sweep["val_mean"][best], "*", color="k", ms=14,
                    label=f"chosen λ = {sweep['best_lam']:.2g} (smallest validation error)")
    test, = ax.plot(lams[best], sweep["test_mean"], "D", color="C3", ms=7,
                    label=f"test error of the chosen λ: {sweep['test_mean']:.3f}")
    ax.set_xscale("log")
    ax.set(xlabel="λ (regularization constant, log scale)", ylabel="error (share misclassified)",
           ylim=(-0.02, 0.55), title="Overfitting ← λ → underfitting (constant function)")
    ax.legend(loc="upper left", fontsize=8)
    return {"train": tr, "val": va, "best": star, "test": test}

def plot_smoothness(smooth, ax=None):
    """The bound ∏‖Wₗ‖₂ and the measured largest slopes on the data against λ (mean over seeds,
    the seeds as faint points); λ = 0 is drawn at the left edge, a value 0 at the bottom edge."""
    ax = ax if ax is not None else plt.subplots(figsize=(6, 3.6))[1]
    lams = np.asarray(smooth["lams"], dtype=float)
    positive = lams[lams > 0]
    x = np.where(lams > 0, lams, positive.min() / 4 if positive.size else 1.0)
    measured = np.concatenate([np.ravel(smooth[k]) for k in ("bound", "gradient", "pairs")])
    low = measured[measured > 0].min() if np.any(measured > 0) else 1.0
    floor = 10.0 ** (np.floor(np.log10(low)) - 1)  # a decade below the smallest non-zero value
    out = {}
    for key, label, style in (("bound", "bound ∏ₗ‖Wₗ‖₂", "o-"),
                              ("gradient", "largest ‖∂f/∂x‖₂ on the data", "s--"),
                              ("pairs", "largest ‖f(x) − f(x′)‖/‖x − x′‖ over pairs", "^:")):
        values = np.maximum(np.asarray(smooth[key]), floor)
        for row in values:
            ax.plot(x, row, style[0], color=f"C{len(out)}", alpha=0.3, ms=4)
        out[key], = ax.plot(x, values.mean(axis=0), style, color=f"C{len(out)}", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ticks = list(x)
    ax.set_xticks(ticks, [("0" if v == 0 else f"{v:g}") for v in lams])
    ax.minorticks_off()
    ax.axhline(floor * 2, color="0.6", lw=0.8, ls=(0, (1, 3)))  # the broken-axis line above 0
    ax.set_ylim(floor / 1.5, None)
    ax.figure.canvas.draw_idle()
    yticks = [t for t in ax.get_yticks() if t >= floor * 4 and t <= ax.get_ylim()[1]]
    ax.set_yticks([floor] + yticks, ["0"] + [f"$10^{{{int(round(np.log10(t)))}}}$" for t in yticks])
    ax.set(xlabel="λ (λ = 0 at the left; log scale)",
           ylabel="largest slope of f (log scale)",
           title="Small weights, a flat function (values of 0 drawn at the bottom)")
    ax.legend(fontsize=8, loc="lower left")
    return out

def plot_moved_boundaries(items, titles=None, axes=None, extent=(-1.5, 6.5, -1.5, 6.5)):
    """Decision boundaries of one-hidden-layer nets on data far from the origin, on a view that
    includes the origin: the axes x₁ = 0 and x₂ = 0, the origin marked, and each hidden unit's own
    boundary wⱼ·x + bⱼ = 0 as a thin grey line (units with ‖wⱼ‖ ≈ 0 have none).

    items: a list of (net, X, y) triples. Returns a list of dicts {"boundary", "units", "origin"}.
    """
    if axes is None:
        _, axes = plt.subplots(1, len(items), figsize=(3.6 * len(items), 3.4), layout="constrained")
    axes = np.atleast_1d(axes)
    x1 = np.linspace(extent[0], extent[1], 2)
    out = []
    for i, (ax, (net, X, y)) in enumerate(zip(axes, items)):
        b = decision_boundary(net, X, y, ax=ax, resolution=80, extent=list(extent))
        first = next(layer for layer in net.layers if isinstance(layer, Dense))
        W, bias = first.params["W"], first.params["b"]
        units = []
        for (w1, w2), bj in zip(W.T, bias):
            if abs(w2) > 1e-9:
                units += ax.plot(x1, -(w1 * x1 + bj) / w2, color="0.45", lw=0.8, alpha=0.9)
            elif abs(w1) > 1e-9:
                units += ax.plot([-bj / w1] * 2, extent[2:], color="0.45", lw=0.8, alpha=0.9)
        ax.axhline(0, color="k", lw=1.8)
        ax.axvline(0, color="k", lw=1.8)
        origin, = ax.plot(0, 0, "ko", ms=5)
        ax.annotate("origin (0, 0)", (0, 0), (0.25, -1.2), fontsize=8)
        ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="x₁", ylabel="x₂", aspect="equal",
               xticks=[t for t in range(-10, 11, 2) if extent[0] <= t <= extent[1]],
               yticks=[t for t in range(-10, 11, 2) if extent[2] <= t <= extent[3]])
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
        out.append({"boundary": b, "units": units, "origin": origin})
    return out

def plot_weight_sizes(study, keys, axes=None, tol=1e-3):
    """Where the weights of each trained net end up (first seed): left, a histogram of
    log₁₀|w| of all weights (|w| below 1e-14 counted at −14), ``tol`` marked; right, every
    hidden unit's ‖incoming weights‖₂, sorted (log scale): switched-off units sit at the bottom.

    study: a ``penalty_study`` result; keys: the (optimizer, penalty) entries to draw.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.4), layout="constrained")
    bins = np.linspace(-14, 1, 61)
    hists, units = [], []
    for i, key in enumerate(keys):
        entry = study[key]
        w = np.concatenate([v.ravel() for v in entry["net"].weights()])
        logw = np.log10(np.maximum(np.abs(w), 1e-14))
        label = f"{key[0]}, {key[1]}"
        style = "-" if key[0] == "adam" else "--"
        hists.append(axes[0].hist(logw, bins=bins, histtype="step", lw=1.4, color=f"C{i}",
                                  ls=style, label=label))
        norms = np.sort(np.concatenate([u["in_norm"] for u in entry["units"]]))
        units += axes[1].plot(np.maximum(norms, 1e-14), style, color=f"C{i}", label=label)
    axes[0].axvline(np.log10(tol), color="k", lw=1, ls=":")
    axes[0].text(np.log10(tol) + 0.15, 0.6, f"|w| = {tol:g}", transform=axes[0].get_xaxis_transform(),
                 fontsize=8, va="top")
    axes[0].set(xlabel="log₁₀|w| (all weights of the net)", ylabel="number of weights",
                title="How close to 0 do the weights get?")
    axes[1].set_yscale("log")
    axes[1].set(xlabel="hidden unit (sorted by the norm of its incoming weights)",
                ylabel="‖incoming weights‖₂ (log)", ylim=(1e-14 / 3, 30),
                title="Which units are switched off?")
    axes[0].legend(fontsize=8, loc="upper left")
    axes[1].legend(fontsize=8, loc="lower right")
    return {"hists": hists, "units": units}

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
