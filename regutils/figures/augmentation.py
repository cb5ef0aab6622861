"""The figures of notebook 05 (data augmentation and noise). Each takes ``ax``/``axes=None`` and
returns its artists; nothing here changes matplotlib's global settings."""
import functools

import matplotlib.pyplot as plt
import numpy as np

from .. import checks, plots
from ..plots import CLASS_COLORS, decision_boundary, digit_grid


_axes = functools.partial(plots._axes, figsize=(4.5, 3.2), layout="constrained")

def plot_accuracy_vs_size(result, ax=None):
    """Test (and train) accuracy against the number of training digits, mean ± std over seeds.
    Returns {"test": ErrorbarContainer, "train": Line2D}."""
    ax = _axes(ax)
    n, acc = result["sizes"], result["test_acc"]
    test = ax.errorbar(n, acc.mean(axis=1), yerr=acc.std(axis=1), marker="o", capsize=3,
                       color="C1", label="test accuracy")
    train, = ax.plot(n, result["train_acc"].mean(axis=1), "s--", color="C0", ms=4,
                     label="train accuracy")
    ax.set_xscale("log")
    ax.set_xticks(n, [str(v) for v in n])
    ax.minorticks_off()
    ax.set(xlabel="number of training digits n (log scale)", ylabel="accuracy",
           title="More data is the best regularizer")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return {"test": test, "train": train}

def plot_flips(images, labels, axes=None):
    """One digit of each class (top row) and its mirror image (bottom row). Returns the axes."""
    images = np.asarray(images).reshape(-1, 8, 8)
    labels = np.asarray(labels)
    first = [int(np.flatnonzero(labels == c)[0]) for c in np.unique(labels)]
    if axes is None:
        fig, axes = plt.subplots(2, len(first), figsize=(0.85 * len(first), 2.3),
                                 layout="constrained")
        fig.suptitle("Top: digits.  Bottom: the same digits flipped left ↔ right", fontsize=10)
    axes = np.asarray(axes).reshape(2, -1)
    digit_grid(images[first], labels[first], axes=axes[0])
    digit_grid(images[first][:, :, ::-1], [f"flip {c}" for c in labels[first]], axes=axes[1])
    for ax in axes[1]:
        ax.title.set_fontsize(8)
    return axes

def plot_per_class(per_class, per_class_flipped, ax=None, survive=0.8):
    """Per-class accuracy on ordinary and on flipped test digits (grouped bars), with the level
    above which a class is said to survive the flip. Returns {"plain", "flipped", "line"}."""
    ax = _axes(ax, figsize=(8, 3))
    c = np.arange(len(per_class))
    plain = ax.bar(c - 0.2, per_class, 0.4, label="ordinary test digits", color="C0")
    flipped = ax.bar(c + 0.2, per_class_flipped, 0.4, label="flipped test digits", color="C3")
    line = ax.axhline(survive, color="k", lw=0.8, ls=":",
                      label=f"survives the flip (≥ {survive:g})")
    ax.set_xticks(c)
    ax.set(xlabel="digit class", ylabel="accuracy", ylim=(0, 1.05),
           title="A net trained on ordinary digits, tested on mirrored ones")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return {"plain": plain, "flipped": flipped, "line": line}

def plot_with_without(results, ax=None):
    """Test accuracy without and with each augmentation: one dot per seed and the mean as a bar
    mark (no filled bars: the axis does not start at 0, and a bar's length would exaggerate a gap
    of a point or two). ``results``: {label: {"without": (S,), "with": (S,)}}. Returns the list
    of mean marks."""
    ax = _axes(ax, figsize=(8, 3))
    marks = []
    for i, (label, r) in enumerate(results.items()):
        for j, (key, color) in enumerate((("without", "C7"), ("with", "C2"))):
            x = 3 * i + j
            marks += ax.plot([x - 0.35, x + 0.35], [r[key].mean()] * 2, color=color, lw=3,
                             label=f"{key} augmentation (mean)" if i == 0 else None)
            ax.plot(np.full(len(r[key]), x), r[key], ".", color=color, mec="k", mew=0.5, ms=6)
    ax.set_xticks([3 * i + 0.5 for i in range(len(results))], list(results), fontsize=8)
    lo = min(min(r["without"].min(), r["with"].min()) for r in results.values())
    ax.set(ylabel="test accuracy", ylim=(max(0.0, lo - 0.05), 1.0),
           title="Test accuracy without and with augmentation (dots: seeds; the axis does not start at 0)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return marks

def plot_jitter(X, y, sigma, n_copies=5, seed=0, ax=None):
    """The training points (black edges) and ``n_copies`` jittered copies x + σε of each (small,
    faded): what ``Jitter(σ)`` shows the network over a few epochs. Returns the two scatters."""
    ax = _axes(ax, figsize=(3.6, 3.2))
    rng = checks.rng("seed", seed)
    colors = np.array(CLASS_COLORS)[np.asarray(y) % 2]
    Xn = X[None] + sigma * rng.standard_normal((n_copies, *X.shape))
    copies = ax.scatter(Xn[..., 0].ravel(), Xn[..., 1].ravel(), c=np.tile(colors, n_copies), s=5,
                        alpha=0.35, linewidths=0, label=f"{n_copies} jittered copies")
    points = ax.scatter(X[:, 0], X[:, 1], c=colors, s=14, edgecolors="k", linewidths=0.5,
                        label="training points")
    ax.set(xlim=(X[:, 0].min() - 0.8, X[:, 0].max() + 0.8), ylim=(X[:, 1].min() - 0.8,
           X[:, 1].max() + 0.8), xticks=[], yticks=[], title=f"x + σε, σ = {sigma:g}")
    ax.legend(fontsize=7, loc="lower left")
    return {"copies": copies, "points": points}

def plot_noise_boundaries(result, axes=None, label="σ"):
    """Decision boundaries of the nets of ``noise_experiment`` side by side, titled with σ, the
    test accuracy and the boundary length. Returns the list of ``decision_boundary`` dicts."""
    nets = result["nets"]
    axes = plots._axes_row(axes, len(nets), (2.6 * len(nets), 2.9))
    Xtr, Xte, ytr, yte = result["data"]
    out = []
    for ax, net, s, acc, length in zip(axes, nets, result["sigmas"], result["test_acc"],
                                       result["length"]):
        out.append(decision_boundary(net, Xtr, ytr, ax=ax, extent=result["extent"]))
        ax.set_title(f"{label} = {s:g}\ntest acc {acc:.3f}, boundary {length:.1f}", fontsize=9)
    return out

def plot_bishop(result, ax=None):
    """Relative distance of least squares on K noisy copies to the ridge solution against K
    (log-log, with a 1/√K guide) and the distances of ridge with wrong constants."""
    ax = _axes(ax, figsize=(5.5, 3.4))
    K, dist = result["copies"], result["distance"]
    line, = ax.loglog(K, dist, "o-", color="C0", label="noisy copies vs ridge c = σ²")
    guide, = ax.loglog(K, dist[0] / np.sqrt(K / K[0]), ":", color="gray", label="∝ 1/√K")
    wrong = []
    for i, (name, d) in enumerate(result["wrong"].items()):
        wrong.append(ax.axhline(d, color=f"C{i + 1}", ls="--", lw=1,
                                label=f"K = {K[-1]} fit vs ridge with {name.split(' (')[0]}"))
    ax.set(xlabel="number of noisy copies K", ylabel="‖w − w_ridge‖ / ‖w_ridge‖",
           title="Input noise → ridge regression (Bishop 1995)")
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(alpha=0.3, which="both")
    return {"noisy": line, "guide": guide, "wrong": wrong}

def plot_transforms(images, transforms, seed=0, n=8, ax=None):
    """The first ``n`` ``images`` (top row) and, one row per transform, what a fit hook makes of
    them on one draw, as one mosaic (one image, fast to draw). ``transforms``: {label:
    hook(X, y, rng) -> (X, y)}. Returns the AxesImage."""
    images = np.asarray(images)[:n]
    n = len(images)
    rows = [("original", images)]
    rng = checks.rng("seed", seed)
    labels = np.zeros(n, dtype=int)
    rows += [(k, hook(images, labels, rng)[0]) for k, hook in transforms.items()]
    ax = _axes(ax, figsize=(0.8 * n + 1.6, 0.8 * len(rows) + 0.4))
    mosaic = np.full((9 * len(rows) - 1, 9 * n - 1), np.nan)
    for r, (_, X) in enumerate(rows):
        for j, x in enumerate(np.asarray(X).reshape(n, 8, 8)):
            mosaic[9 * r:9 * r + 8, 9 * j:9 * j + 8] = x
    cmap = plt.get_cmap("gray_r").with_extremes(bad="0.75")   # grey lines between the digits
    image = ax.imshow(mosaic, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_yticks([9 * r + 3.5 for r in range(len(rows))], [k for k, _ in rows], fontsize=8)
    ax.set_xticks([])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title("What each transform makes of the same digits (one random draw)", fontsize=10)
    return image

def plot_gains(result, names, ax=None):
    """Test-accuracy gain over no augmentation for each transform: a bar for the mean over seeds,
    a dot per seed. ``result``: ``augmentation_experiment(...)``. Returns the bar container."""
    ax = _axes(ax, figsize=(6, 3))
    gains = [100 * (result[k] - result["without"]) for k in names]
    y = np.arange(len(names))
    bars = ax.barh(y, [g.mean() for g in gains], color=["C2" if g.mean() > 0 else "C3" for g in gains],
                   alpha=0.7)
    for i, g in enumerate(gains):
        ax.plot(g, np.full(len(g), i), "k.", ms=5)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set(xlabel="test accuracy with − without (points; bar: mean, dots: seeds)",
           title="Each transform's effect, 100 training digits")
    ax.grid(alpha=0.3, axis="x")
    return bars
