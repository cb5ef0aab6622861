"""The figures of notebook 06 (dropout). Each takes ``ax``/``axes=None`` and returns its artists;
nothing here changes matplotlib's global settings."""
import functools
import math

import matplotlib.pyplot as plt
import numpy as np

from .. import plots
from ..lectures.dropout import SubNetwork, sample_masks
from ..plots import decision_boundary


_axes = functools.partial(plots._axes, figsize=(4.5, 3.2), layout="constrained")

def plot_masks(masks, ax=None, title=None):
    """A drawn mask matrix (examples × units): white = kept, black = dropped. Returns the image."""
    ax = _axes(ax, figsize=(6, 2.2))
    masks = np.asarray(masks)
    image = ax.imshow(masks != 0, cmap="gray", vmin=0, vmax=1, aspect="auto",
                      interpolation="nearest")
    ax.set(xlabel="unit", ylabel="example",
           title=title or f"dropout masks: {np.mean(masks == 0):.1%} of units dropped")
    return image

def plot_subnetworks(net, data, masks, axes=None, n_average=100, seed=0):
    """Decision boundaries of the sub-networks picked by ``masks`` (one row per mask), then the
    mean of those, the mean of ``n_average`` random sub-networks and the weight-scaled net.
    Returns the list of ``decision_boundary`` dicts."""
    X_train, X_test, y_train, y_test = data
    n = len(masks[0])
    if axes is None:
        ncols = math.ceil((n + 3) / 2)
        _, axes = plt.subplots(2, ncols, figsize=(2.4 * ncols, 5.4), layout="constrained")
    axes = np.asarray(axes).ravel()
    for ax in axes[n + 3:]:
        ax.set_axis_off()
    shown = [SubNetwork(net, [m[i] for m in masks]) for i in range(n)]
    models = shown + [SubNetwork(net, masks), SubNetwork(net, sample_masks(net, n_average, seed)),
                      net]
    kept = [int(sum(m[i].sum() for m in masks)) for i in range(n)]
    total = sum(m.shape[1] for m in masks)
    titles = ([f"sub-network {i + 1}\n{kept[i]}/{total} units kept" for i in range(n)]
              + [f"mean of the\n{n} above", f"mean of {n_average}\nrandom sub-networks",
                 "all units,\nweight scaling"])
    out = []
    for i, (ax, model, title) in enumerate(zip(axes, models, titles)):
        out.append(decision_boundary(model, X_train, y_train, X_test, y_test, ax=ax, legend=i == 0))
        ax.set_title(title, fontsize=9)
    fig = axes[0].figure
    fig.colorbar(out[0]["image"], ax=list(axes[:len(out)]), shrink=0.6, pad=0.01,
                 label="P(class 1 | x)")
    return out

def plot_test_time_spread(P, P_scale, label, ax=None, what="one test point"):
    """Histogram of P(class ``label``) over random test-time masks, with the weight-scaled value."""
    ax = _axes(ax)
    _, _, bars = ax.hist(P[:, label], bins=25, range=(0, 1), color="C0",
                         label=f"{len(P)} random masks")
    line = ax.axvline(P_scale[label], color="C3", lw=2, label="weight scaling (all units)")
    ax.set(xlabel=f"P(class {label} | x) for {what}", ylabel="number of masks",
           title="A random mask at test time: a random output")
    ax.legend(fontsize=8, loc="upper left")
    return {"hist": bars, "scale": line}

def plot_mc_curve(curve, axes=None):
    """Monte-Carlo averaging over k masks (log x) against weight scaling (dashed), in three panels:
    the number of misclassified test images (a count: one image is one step), the test log-loss,
    and the probability gap max over classes |P_MC(k) − P_scale| (max and mean over the test
    points), beside the 1/√k decay that Monte-Carlo noise alone would give.
    Returns {"error", "log_loss", "gap_max", "gap_mean"} lines."""
    axes = plots._axes_row(axes, 3, (12, 3.4))
    k, n = curve["k"], curve["n_test"]
    out = {}
    out["error"], = axes[0].step(k, curve["n_errors"], where="post", color="C0",
                                 label="Monte-Carlo mean over k masks")
    axes[0].axhline(curve["scale_n_errors"], color="C3", ls="--", label="weight scaling (1 pass)")
    axes[0].yaxis.get_major_locator().set_params(integer=True)
    axes[0].set(ylabel=f"misclassified test images (of {n})",
                title=f"test errors against k (1 image = {100 / n:.2f} %)")
    out["log_loss"], = axes[1].plot(k, curve["log_loss"], color="C0",
                                    label="Monte-Carlo mean over k masks")
    axes[1].axhline(curve["scale_log_loss"], color="C3", ls="--", label="weight scaling (1 pass)")
    axes[1].set(ylabel="test log-loss", title="test log-loss against k")
    out["gap_max"], = axes[2].plot(k, curve["gap_max"], color="C1", label="max over test points")
    out["gap_mean"], = axes[2].plot(k, curve["gap_mean"], color="C0",
                                    label="mean over test points")
    axes[2].plot(k, curve["gap_mean"][0] / np.sqrt(k), color="0.5", ls=":",
                 label="noise alone: mean at k = 1 × 1/√k")
    axes[2].set_yscale("log")
    axes[2].set(ylabel=r"max over classes $|P_{MC} - P_{scale}|$",
                title="probability gap to weight scaling (log y)")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("number of masks k")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    return out

def plot_exactness(result, ax=None):
    """Points on a linear scale: for each model of ``exactness_experiment``, max |weight scaling −
    renormalized geometric mean| and max |weight scaling − arithmetic mean| (probabilities).
    Gaps at rounding level (< 1e-10) are labelled "exact". Returns the two scatter collections."""
    ax = _axes(ax, figsize=(7, 2.8))
    names = list(result)
    y = np.arange(len(names))
    geo = np.array([result[k]["geo_vs_scale"] for k in names])
    arith = np.array([result[k]["arith_vs_scale"] for k in names])
    out = {"geometric": ax.scatter(geo, y - 0.12, marker="o", s=40, color="C2", zorder=3,
                                   label="vs geometric mean"),
           "arithmetic": ax.scatter(arith, y + 0.12, marker="s", s=40, color="C1", zorder=3,
                                    label="vs arithmetic mean $E_z[f(x,z)]$")}
    for i, (g, a) in enumerate(zip(geo, arith)):
        ax.annotate("exact (rounding)" if g < 1e-10 else f"{g:.3f}", (g, i - 0.12),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
        ax.annotate(f"{a:.3f}", (a, i + 0.12), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_yticks(y, names, fontsize=8)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(-0.01, max(0.1, 1.25 * max(geo.max(), arith.max())))
    ax.set(xlabel="max |weight scaling − ensemble mean| (probability, over test digits × classes)",
           title="How far is weight scaling from the mean of all sub-networks?")
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=8, loc="upper right")
    return out

def plot_coadaptation(result, ax=None):
    """Test errors added by removing the most important hidden unit, with and without dropout
    training: one point per seed, the mean as a bar outline. Returns the scatter collections."""
    ax = _axes(ax, figsize=(5, 3.2))
    out = {}
    for i, (name, color) in enumerate((("no dropout", "C0"), ("dropout", "C1"))):
        worst = result[name]["worst_extra_errors"]
        jitter = np.linspace(-0.12, 0.12, len(worst))
        out[name] = ax.scatter(i + jitter, worst, color=color, zorder=3,
                               label="one seed" if i == 0 else None)
        ax.errorbar(i + 0.3, worst.mean(), yerr=worst.std(), fmt="D", color="k", capsize=4,
                    label="mean ± std over seeds" if i == 0 else None)
    ax.set_xticks([0, 1], ["trained without dropout", "trained with dropout"])
    ax.set_xlim(-0.5, 1.6)
    ax.set_ylim(0, None)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set(ylabel=f"extra test errors (of {result['n_test']})",
           title="Remove the most important hidden unit")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8)
    return out

def plot_max_norm(result, ax=None):
    """Test accuracy of dropout nets with and without max-norm, one point per seed (lines join
    the same seed), with mean ± std. Returns the line collection of the pairs."""
    ax = _axes(ax, figsize=(5, 3.2))
    a, b = result["without"]["test_acc"], result["with"]["test_acc"]
    pairs = ax.plot([np.zeros_like(a), np.ones_like(b)], [a, b], "o-", color="0.6", zorder=2)
    for i, v in enumerate((a, b)):
        ax.errorbar(i + 0.15, v.mean(), yerr=v.std(), fmt="D", color="k", capsize=4, zorder=3,
                    label="mean ± std over seeds" if i == 0 else None)
    ax.set_xticks([0, 1], ["dropout", f"dropout + max-norm\n(c = {result['c']:g})"])
    ax.set_xlim(-0.4, 1.4)
    ax.set(ylabel="test accuracy",
           title=f"High learning rate η = {result['lr']:g}: one line per seed")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8)
    return pairs

def plot_dropout_sweep(result, axes=None):
    """Against the keep probability p (``keep_prob_selection``): train and validation accuracy,
    the mean over seeds with one dot per seed (left), and the validation log-loss (right); the p
    chosen on validation data is marked. Returns {"train", "val", "val_loss", "chosen"}."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
    ax, ax_loss = axes
    p = np.asarray(result["keep_probs"], dtype=float)
    n_seeds = len(result["val_acc"])
    for row in result["val_acc"]:
        ax.plot(p, row, ".", color="C1", alpha=0.5)
    train, = ax.plot(p, result["train_mean"], "s-", color="C0", label="train accuracy")
    val, = ax.plot(p, result["val_mean"], "o-", color="C1",
                   label=f"validation accuracy (mean, dots: {n_seeds} seeds)")
    chosen = ax.axvline(result["best_p"], color="k", lw=0.8, ls=":",
                        label=f"chosen on validation: p = {result['best_p']:g}")
    ax.set(xlabel="keep probability p (1 = no dropout)", ylabel="accuracy",
           title="Keep probability p on digits: train vs validation")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    loss, = ax_loss.plot(p, result["val_loss_mean"], "o-", color="C3", label="validation log-loss")
    ax_loss.set(xlabel="keep probability p (1 = no dropout)", ylabel="validation log-loss (log scale)",
                yscale="log", title="Validation log-loss (mean over seeds)")
    ax_loss.grid(alpha=0.3)
    return {"train": train, "val": val, "val_loss": loss, "chosen": chosen}
