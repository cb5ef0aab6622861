"""The figures of notebook 01 (overfitting, random labels). Each takes ``ax``/``axes=None`` and
returns its artists; nothing here changes matplotlib's global settings."""
import matplotlib.pyplot as plt
import numpy as np

from ..lectures.digits import N_CLASSES
from ..lectures.overfitting import FRACTIONS, variant_data
from ..plots import digit_grid


def plot_label_grid(images, y_true, y_random, n=16, axes=None):
    """The slide's picture: the same digits with their true labels (top row) and random labels
    (bottom row, red where the label is wrong)."""
    if axes is None:
        fig, axes = plt.subplots(2, n, figsize=(0.62 * n, 2.1))
        fig.suptitle("The same images, true labels (top) and random labels (bottom, red = wrong)",
                     fontsize=10, y=1.02)
    axes = np.asarray(axes).reshape(2, -1)
    digit_grid(images[:n], y_true[:n], ncols=n, nrows=1, axes=axes[0])
    colors = ["k" if a == b else "#d62728" for a, b in zip(y_true[:n], y_random[:n])]
    digit_grid(images[:n], y_random[:n], ncols=n, nrows=1, axes=axes[1], label_color=colors)
    return axes

def plot_true_vs_random(run_true, run_random, axes=None):
    """Train and test accuracy against the epoch, true labels beside random labels."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    lines = []
    for ax, run, name in zip(axes, (run_true, run_random), ("true labels", "random labels")):
        h = run.history
        lines.append(ax.plot(h["epoch"], h["train_acc"], color="C0", label="train accuracy"))
        lines.append(ax.plot(h["epoch"], h["test_acc"], color="C1", label="test accuracy"))
        ax.axhline(1 / N_CLASSES, color="gray", ls=":", lw=1, label="chance (10 %)")
        ax.set(xlabel="epoch", ylim=(0, 1.03),
               title=f"{name}: 100 % train after {run.epochs_to_fit} epochs\n"
                     f"test {100 * run.test_acc:.0f} %, gap {100 * run.gap:.0f} points")
        ax.title.set_fontsize(10)
    axes[0].set_ylabel("accuracy")
    axes[0].legend(loc="center right", fontsize=8)
    return lines

def plot_corruption(runs, fractions=FRACTIONS, references=None, axes=None):
    """Zhang et al. Fig. 1b/1c: test error and epochs to fit against the label corruption.

    references: {label: [Spread per fraction]} drawn as mean with a band of ± spread on the left
    panel, e.g. the k-NN errors of ``lectures.overfitting.memorizer_comparison``.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    err = [r.test_error for r in runs]
    ep = [r.epochs_to_fit if r.fitted else np.nan for r in runs]
    a = axes[0].plot(fractions, err, "o-", color="C3", lw=2, label="the network (at 100 % train)")
    for i, (name, spreads) in enumerate((references or {}).items()):
        mean = np.array([sp.mean for sp in spreads])
        half = np.array([sp.spread for sp in spreads])
        color, style = ("C7", "--") if i == 0 else ("C0", ":")
        a += axes[0].plot(fractions, mean, style, color=color, lw=1.6, label=name)
        axes[0].fill_between(fractions, mean - half, mean + half, color=color, alpha=0.2, lw=0)
    axes[0].axhline(0.9, color="gray", ls=":", lw=1, label="chance (90 % error)")
    axes[0].set(xlabel="label corruption (share of labels redrawn)", ylabel="test error",
                ylim=(0, 1), title="Test error vs corruption"
                + (": the network errs like a memorizer (1-NN)" if references else ""))
    axes[0].legend(loc="upper left", fontsize=8)
    b = axes[1].plot(fractions, ep, "s-", color="C2")
    axes[1].set(xlabel="label corruption (share of labels redrawn)",
                ylabel="epochs to 100 % train accuracy", ylim=(0, None),
                title="Fitting takes longer with corruption")
    for ax in axes:
        ax.title.set_fontsize(10)
    return a + b

def plot_variant_images(X, y, kinds=("true labels", "shuffled pixels", "random pixels"), n=12,
                        seed=1, axes=None):
    """The same training images as each kind of data (``variant_data``), one row per kind."""
    if axes is None:
        fig, axes = plt.subplots(len(kinds), n, figsize=(0.62 * n, 0.95 * len(kinds) + 0.3))
    axes = np.asarray(axes).reshape(len(kinds), -1)
    for row, kind in zip(axes, kinds):
        Xk, yk, _, _ = variant_data(kind, X[:n], y[:n], X[:1], y[:1], seed)
        digit_grid(Xk, yk, ncols=n, nrows=1, axes=row)
        name = "original images" if kind == "true labels" else kind  # every row keeps its true labels
        row[0].text(-0.6, 0.5, name, transform=row[0].transAxes, ha="right", va="center",
                    fontsize=9)
    return axes

def plot_variants(runs, ax=None):
    """Training accuracy against the epoch for each kind of data (Zhang et al. Fig. 1a)."""
    ax = ax if ax is not None else plt.subplots(figsize=(5.5, 3.4))[1]
    lines = []
    for i, (kind, run) in enumerate(runs.items()):
        h = run.history
        # the second line dashed: curves that coincide (true labels, shuffled pixels) stay visible
        lines += ax.plot(h["epoch"], h["train_acc"], color=f"C{i}", ls="--" if i == 1 else "-",
                         lw=2.2 if i == 1 else 1.5, label=f"{kind} (test {100 * run.test_acc:.0f} %)")
    ax.axhline(1.0, color="gray", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set(xlabel="epoch (log scale)", ylabel="training accuracy", ylim=(0, 1.03),
           title="Every kind of data is memorized (100 % train)")
    ax.legend(loc="lower right", fontsize=8)
    return lines

def plot_regularizers(results, ax=None):
    """Training accuracy on random labels against the epoch, one line per regularizer, with the
    epoch budget marked."""
    ax = ax if ax is not None else plt.subplots(figsize=(6.5, 3.6))[1]
    lines = []
    budget = None
    for i, (name, r) in enumerate(results.items()):
        run = r["random"]
        budget = run.budget
        end = f"fits at {run.epochs_to_fit}" if run.fitted else f"{100 * run.train_acc:.0f} % at {budget}"
        lines += ax.plot(run.history["epoch"], run.history["train_acc"], color=f"C{i}",
                         label=f"{name}: {end}")
    lines.append(ax.axvline(budget, color="gray", ls="--", lw=1, label=f"budget: {budget} epochs"))
    ax.set(xlabel="epoch", ylabel="training accuracy (random labels)", ylim=(0, 1.03),
           title="Random labels with explicit regularizers")
    ax.legend(loc="lower right", fontsize=8)
    return lines


def plot_long_run(run, budget, ax=None):
    """Training accuracy on random labels of one long run, with the usual budget marked: does it
    reach 100 % if we wait longer?"""
    ax = ax if ax is not None else plt.subplots(figsize=(6.5, 3.2))[1]
    h = run.history
    acc = np.asarray(h["train_acc"])
    lines = ax.plot(h["epoch"], acc, color="C4", label=run.label)
    lines.append(ax.axvline(budget, color="gray", ls="--", lw=1, label=f"budget: {budget} epochs"))
    lines.append(ax.axhline(1.0, color="gray", ls=":", lw=1, label="100 % (memorized)"))
    best = int(np.argmax(acc))
    lines += ax.plot(h["epoch"][best], acc[best], "v", color="C4", ms=7,
                     label=f"highest: {100 * acc[best]:.0f} % at epoch {h['epoch'][best]}")
    ax.set(xlabel="epoch", ylabel="training accuracy (random labels)", ylim=(0, 1.03),
           title=(f"100 % at epoch {run.epochs_to_fit}" if run.fitted
                  else f"Not 100 % within {h['epoch'][-1]} epochs: {100 * acc[-1]:.0f} % at the end"))
    ax.title.set_fontsize(10)
    ax.legend(loc="lower right", fontsize=8)
    return lines


def plot_early_stopping(result, ax=None):
    """One seed of ``lectures.overfitting.early_stopping``: accuracy on the noisy training labels,
    on the noisy validation labels and on the true test labels, against the epoch; the best epoch
    on validation data and the epoch where ``patience`` stopped the run."""
    ax = ax if ax is not None else plt.subplots(figsize=(6.8, 3.4))[1]
    h = result.history
    lines = ax.plot(h["epoch"], h["train_acc"], color="C0", label="train (noisy labels)")
    lines += ax.plot(h["epoch"], h["val_acc"], color="C2", label="validation (noisy labels)")
    lines += ax.plot(h["epoch"], h["test_acc"], color="C1", lw=2, label="test (true labels)")
    lines.append(ax.axvline(result.best_epoch, color="C2", ls="--", lw=1,
                            label=f"lowest validation loss (not drawn): epoch {result.best_epoch}"))
    lines.append(ax.axvline(result.stopped_epoch, color="gray", ls=":", lw=1,
                            label=f"patience stops: epoch {result.stopped_epoch}"))
    ax.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.03),
           title=f"Test {100 * result.test_at_best:.0f} % at the best epoch, "
                 f"{100 * result.final_test:.0f} % once the noise is memorized")
    ax.title.set_fontsize(10)
    ax.legend(loc="lower right", fontsize=8)
    return lines
