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
    Xtr, Xte, ytr, yte = data
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
    for ax, model, title in zip(axes, models, titles):
        out.append(decision_boundary(model, Xtr, ytr, ax=ax))
        ax.set_title(title, fontsize=9)
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
    """Test error and log-loss of Monte-Carlo averaging against the number of masks k (log x),
    with weight scaling as a horizontal line. Returns {"error", "log_loss"} lines."""
    axes = plots._axes_row(axes, 2, (9, 3.2))
    out = {}
    for ax, key, name in zip(axes, ("error", "log_loss"), ("test error", "test log-loss")):
        out[key], = ax.semilogx(curve["k"], curve[key], color="C0",
                                label="Monte-Carlo mean over k masks")
        ax.axhline(curve[f"scale_{key}"], color="C3", ls="--", label="weight scaling (1 pass)")
        ax.set(xlabel="number of masks k", ylabel=name, title=f"{name} against k")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    return out

def plot_exactness(result, ax=None):
    """Bars (log scale) of max |weight scaling − renormalized geometric mean| for each model of
    ``exactness_experiment``. Returns the bar container."""
    ax = _axes(ax, figsize=(6.5, 2.8))
    names = list(result)
    gaps = [max(result[k]["geo_vs_scale"], 1e-17) for k in names]
    bars = ax.barh(range(len(names)), gaps, color=["C2" if g < 1e-10 else "C3" for g in gaps])
    ax.set_xscale("log")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set(xlabel="max |weight scaling − geometric mean| (probability)", xlim=(1e-17, 1),
           title="Weight scaling = geometric mean of all sub-networks?")
    for i, g in enumerate(gaps):
        ax.text(g * 1.5, i, f"{g:.1e}", va="center", fontsize=8)
    return bars

def plot_dropout_sweep(result, ax=None):
    """Train and test accuracy at the end of training against the keep probability p."""
    ax = _axes(ax)
    p = result["keep_probs"]
    train, = ax.plot(p, result["train_acc"], "s-", color="C0", label="train accuracy")
    test, = ax.plot(p, result["test_acc"], "o-", color="C1", label="test accuracy")
    ax.set(xlabel="keep probability p (1 = no dropout)", ylabel="accuracy",
           title="Keep probability p on digits: train vs test")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return {"train": train, "test": test}
