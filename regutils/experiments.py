"""The training experiments of notebooks 01 (overfitting, random labels) and 02 (norm penalties).

Slide 1, بیش‌برازش (overfitting): Zhang et al. (ICLR 2017) at classroom scale on the 8×8 digits —
a 64-512-10 MLP, SGD with momentum 0.9, lr 0.05, mini-batches of 32, trained until it fits its
training set (100 % train accuracy) or runs out of its epoch budget:

- ``train_digits`` — one run, returned as a ``Run`` (epochs to fit, train/test accuracy, history);
- ``corruption_sweep`` — label corruption 0, 0.2, …, 1.0 (the paper's Fig. 1b, 1c);
- ``input_variants`` — shuffled pixels, random pixels, Gaussian inputs (Fig. 1a);
- ``regularizer_comparison`` — each explicit regularizer on true labels and on random labels
  (the paper's Table 1 message: neither necessary nor sufficient).

Slide 2, جریمه اندازه پارامترها (penalizing the size of the parameters): L̃ = L + λΩ(w) on 2-D data,

- ``train_2d`` / ``output_spread`` / ``constant_function`` — a large λ makes the output constant;
- ``lambda_sweep`` — train and test error against λ (the U-shaped test curve);
- ``bias_penalty`` — why Ω takes w and not b;
- ``norms`` / ``distance_to_zero`` — "how do we measure the distance to zero?".

Every function is pure: it takes its data and a ``seed`` and returns numbers and histories. The
figures of both notebooks are in the last section (each takes ``ax``/``axes=None`` and returns its
artists). Training runs with BLAS limited to one thread: these matrices are small, and on a
shared 2-core machine extra threads only wait for each other.

Conventions: p = ``keep_prob`` is the probability of KEEPING a unit; L2 is Ω = ½‖w‖² (gradient
λw); biases are not penalized unless ``penalize_bias=True``.
"""
from dataclasses import dataclass, field

import numpy as np

from . import checks
from .data import corrupt_labels, gaussian_pixels, make_2d, random_pixels, shuffle_pixels
from .model import MLP
from .optim import SGD, Adam
from .train import History, fit, one_blas_thread

# =============================================================================================
# Notebook 01 — memorization of random labels (Zhang et al. 2017)
# =============================================================================================
N_CLASSES = 10
FRACTIONS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def epochs_to_fit(history, target=1.0):
    """The first epoch at which the training accuracy reached ``target`` (None if it never did)."""
    target = checks.in_range("target", target, 0, 1, low_open=True)
    for epoch, acc in zip(history["epoch"], history["train_acc"]):
        if acc >= target:
            return int(epoch)
    return None


@dataclass
class Run:
    """One training run on the digits.

    ``epochs_to_fit``: first epoch with 100 % training accuracy, None if not within ``budget``;
    ``train_acc`` / ``test_acc``: at the end of the run; ``gap`` = train_acc − test_acc.
    """

    label: str
    epochs_to_fit: int | None
    train_acc: float
    test_acc: float
    budget: int
    history: History = field(repr=False)

    @property
    def fitted(self):
        return self.epochs_to_fit is not None

    @property
    def gap(self):
        return self.train_acc - self.test_acc

    @property
    def test_error(self):
        return 1.0 - self.test_acc

    def summary(self):
        """One line: label, epochs to fit (or '> budget'), train/test accuracy and the gap."""
        fit_ = f"{self.epochs_to_fit:4d}" if self.fitted else f">{self.budget:3d}"
        return (f"{self.label:<26} epochs to fit {fit_}   train {self.train_acc:.3f}   "
                f"test {self.test_acc:.3f}   gap {100 * self.gap:5.1f} points")


BUDGET = 250  # epochs: random labels fit in ≈ 110–200 without or with a weak regularizer


def train_digits(X_train, y_train, X_test, y_test, epochs=BUDGET, stop_at_fit=True, hidden=512,
                 lr=0.05, momentum=0.9, batch_size=32, lam=0.0, keep_prob=1.0, augment=None,
                 seed=0, dtype=np.float64, track_test=True, label=""):
    """Train a 64-``hidden``-10 MLP with SGD (momentum) on (X_train, y_train); return a ``Run``.

    ``lam``: L2 penalty λ·½‖w‖²; ``keep_prob``: dropout p (keep) after the hidden layer;
    ``augment``: a fit hook such as ``Jitter(0.05)`` or ``RandomShift(1)``. With ``stop_at_fit``
    the run stops at the first epoch with 100 % training accuracy (``fit(..., until=...)``),
    otherwise after ``epochs``. The initial weights depend on ``seed`` only, so runs that differ by
    their labels or their regularizer start from the same network. ``track_test=False`` measures
    the test accuracy at the end only (no test curve; ≈ 10 % faster).
    """
    epochs = checks.integer("epochs", epochs, minimum=1)
    net = MLP([X_train.shape[1], hidden, N_CLASSES], keep_prob=keep_prob, penalty="l2", lam=lam,
              seed=seed, dtype=dtype)
    until = (lambda h: h["train_acc"][-1] >= 1.0) if stop_at_fit else None
    test = (X_test, y_test) if track_test else (None, None)
    with one_blas_thread():
        h = fit(net, SGD(lr=lr, momentum=momentum), X_train, y_train, *test, epochs=epochs,
                batch_size=batch_size, seed=seed, augment=augment, until=until)
        test_acc = h["test_acc"][-1] if track_test else net.accuracy(X_test, y_test)
    return Run(label=label, epochs_to_fit=epochs_to_fit(h), train_acc=float(h["train_acc"][-1]),
               test_acc=float(test_acc), budget=epochs, history=h)


def corruption_sweep(X_train, y_train, X_test, y_test, fractions=FRACTIONS, label_seed=1,
                     **train_kw):
    """Train on labels corrupted by each ``fraction`` (``corrupt_labels``; test labels stay true).

    Returns one ``Run`` per fraction, each trained until it fits (or its budget ends).
    """
    runs = []
    for fraction in fractions:
        y = corrupt_labels(y_train, fraction, N_CLASSES, seed=label_seed)
        runs.append(train_digits(X_train, y, X_test, y_test, label=f"corruption {fraction:.1f}",
                                 **train_kw))
    return runs


INPUT_VARIANTS = ("true labels", "random labels", "shuffled pixels", "random pixels", "gaussian")


def variant_data(kind, X_train, y_train, X_test, y_test, seed=1):
    """Zhang et al.'s variants of the data (Fig. 1a): returns X_train, y_train, X_test, y_test.

    "shuffled pixels": one fixed permutation of the pixels for train and test images alike;
    "random pixels": a different permutation for every image; "gaussian": pixels replaced by noise
    with the data's mean and std; "random labels": labels redrawn uniformly. Test labels stay true.
    """
    checks.choice("kind", kind, INPUT_VARIANTS)
    if kind == "true labels":
        return X_train, y_train, X_test, y_test
    if kind == "random labels":
        return X_train, corrupt_labels(y_train, 1.0, N_CLASSES, seed=seed), X_test, y_test
    if kind == "shuffled pixels":  # the same permutation for both parts: same seed
        return shuffle_pixels(X_train, seed), y_train, shuffle_pixels(X_test, seed), y_test
    if kind == "random pixels":
        return random_pixels(X_train, seed), y_train, random_pixels(X_test, seed + 1), y_test
    return gaussian_pixels(X_train, seed), y_train, gaussian_pixels(X_test, seed + 1), y_test


def input_variants(X_train, y_train, X_test, y_test, kinds=("shuffled pixels", "random pixels"),
                   data_seed=1, **train_kw):
    """One ``Run`` per kind of data (see ``variant_data``), each trained until it fits."""
    return {kind: train_digits(*variant_data(kind, X_train, y_train, X_test, y_test, data_seed),
                               label=kind, **train_kw)
            for kind in kinds}


def regularizer_comparison(X_train, y_train, X_test, y_test, settings, label_seed=1,
                           epochs=BUDGET, done=None, track_test=False, **train_kw):
    """Each explicit regularizer on true labels and on random labels, the same epoch budget.

    settings: {name: keyword arguments of ``train_digits``}, e.g.
    ``{"none": {}, "L2 λ=1e-4": {"lam": 1e-4}, "dropout p=0.95": {"keep_prob": 0.95}}``.
    done: {name: {"true": Run, "random": Run}} already trained (e.g. the runs without a
    regularizer from ``corruption_sweep``, fractions 0 and 1 with the same ``label_seed``); they
    are reused, not retrained. Returns {name: {"true": Run, "random": Run}}; every run stops when
    it fits its training set.
    """
    y_random = corrupt_labels(y_train, 1.0, N_CLASSES, seed=label_seed)
    out = dict(done or {})
    for name, kw in settings.items():
        if name in out:
            continue
        kw = {"track_test": track_test, **kw, **train_kw}
        out[name] = {
            "true": train_digits(X_train, y_train, X_test, y_test, epochs=epochs,
                                 label=f"{name}, true labels", **kw),
            "random": train_digits(X_train, y_random, X_test, y_test, epochs=epochs,
                                   label=f"{name}, random labels", **kw),
        }
    return {name: out[name] for name in [*(done or {}), *settings] if name in out}


# =============================================================================================
# Notebook 02 — penalizing the size of the parameters: L̃ = L + λΩ(w)
# =============================================================================================
def train_2d(X, y, lam=0.0, penalty="l2", penalize_bias=False, sizes=(2, 64, 64, 2), epochs=500,
             lr=0.01, seed=0):
    """A ReLU MLP trained full batch with Adam on L̃ = L + λΩ(w) (2-D data, two classes).

    Full batch and a fixed number of epochs: the result depends on (data, λ, seed) only.
    """
    net = MLP(list(sizes), penalty=penalty, lam=lam, penalize_bias=penalize_bias, seed=seed)
    with one_blas_thread():
        fit(net, Adam(lr=lr), X, y, epochs=epochs, seed=seed)
    return net


def output_spread(net, X):
    """How far the network is from a constant function on the inputs X (N, 2).

    Returns {"std": std of P(class 1 | x), "range": max − min of it, "mean": its mean}. A constant
    function has std = range = 0.
    """
    p = net.predict_proba(X)[:, 1]
    return {"std": float(p.std()), "range": float(p.max() - p.min()), "mean": float(p.mean())}


def constant_function(X, y, lams, X_eval=None, **train_kw):
    """Train one network per λ; returns a list of {"lam", "net", "spread", "train_acc"}.

    The spread (``output_spread``) is measured on ``X_eval`` (default: X) and shrinks toward 0 as
    λ grows: with Ω(w) dominating, w → 0 and the output becomes softmax(b), the same for all x.
    """
    X_eval = X if X_eval is None else X_eval
    out = []
    for lam in lams:
        net = train_2d(X, y, lam=lam, **train_kw)
        out.append({"lam": float(lam), "net": net, "spread": output_spread(net, X_eval),
                    "train_acc": net.accuracy(X, y)})
    return out


SWEEP_LAMS = tuple(float(v) for v in np.geomspace(1e-4, 1.0, 9))


def lambda_sweep(lams=SWEEP_LAMS, dataset="moons", n_train=30, noise=0.3, n_test=1000,
                 seeds=(0, 1, 2), sizes=(2, 128, 128, 2), epochs=1000, lr=0.01):
    """Train and test error against λ, averaged over ``seeds`` (each seed: a new training set of
    ``n_train`` noisy points and new initial weights; one fixed test set of ``n_test`` points).

    Few noisy points and a big network overfit at small λ; a large λ underfits (the constant
    function, 50 % error): the test error is U-shaped. Returns {"lams", "train_err", "test_err"
    (arrays (S, L)), "train_mean", "test_mean" (L,), "best_lam", "best_index"}.
    """
    lams = np.asarray(lams, dtype=float)
    X_test, y_test = make_2d(dataset, n_test, noise, seed=10_000)
    train_err = np.zeros((len(seeds), len(lams)))
    test_err = np.zeros_like(train_err)
    for i, s in enumerate(seeds):
        X, y = make_2d(dataset, n_train, noise, seed=100 + s)
        for j, lam in enumerate(lams):
            net = train_2d(X, y, lam=lam, sizes=sizes, epochs=epochs, lr=lr, seed=s)
            train_err[i, j] = 1 - net.accuracy(X, y)
            test_err[i, j] = 1 - net.accuracy(X_test, y_test)
    test_mean = test_err.mean(axis=0)
    best = int(np.argmin(test_mean))
    return {"lams": lams, "train_err": train_err, "test_err": test_err,
            "train_mean": train_err.mean(axis=0), "test_mean": test_mean,
            "best_lam": float(lams[best]), "best_index": best}


def bias_penalty(offset=(4.0, 4.0), lam=0.03, dataset="moons", n_train=200, noise=0.2,
                 n_test=1000, seeds=(0, 1, 2), **train_kw):
    """Penalize w only, or w and b, on centred data and on the same data moved by ``offset``.

    A unit's boundary is w·x + b = 0; for data centred at c it needs b ≈ −w·c. Ω(w) leaves b free,
    so moving the data changes nothing; a penalty on b too pulls every boundary toward the origin,
    away from data far from it. Returns {(position, penalize_bias): mean test accuracy} with
    position in ("centred", "moved") — plus the trained nets of the first seed under "nets".
    """
    offset = np.asarray(offset, dtype=float)
    X0, y0 = make_2d(dataset, n_test, noise, seed=10_000)
    acc, nets = {}, {}
    for position, shift in (("centred", 0.0 * offset), ("moved", offset)):
        for penalize in (False, True):
            scores = []
            for s in seeds:
                X, y = make_2d(dataset, n_train, noise, seed=100 + s)
                net = train_2d(X + shift, y, lam=lam, penalize_bias=penalize, seed=s, **train_kw)
                scores.append(net.accuracy(X0 + shift, y0))
                if s == seeds[0]:
                    nets[(position, penalize)] = (net, X + shift, y)
            acc[(position, penalize)] = float(np.mean(scores))
    acc["nets"] = nets
    return acc


def norms(weights, tol=1e-3):
    """Four ways to measure the distance of the weights to zero (all weight matrices as one vector).

    "L2": ‖w‖₂ = √Σw²; "L1": ‖w‖₁ = Σ|w|; "Linf": max|w|; "L0": the number of weights with
    |w| > ``tol`` (a count, not a norm: it ignores how large the weights are and has no useful
    gradient, so it can measure but not be trained with gradient descent).
    """
    w = np.concatenate([np.ravel(v) for v in weights])
    a = np.abs(w)
    return {"L2": float(np.sqrt(np.sum(w * w))), "L1": float(a.sum()), "Linf": float(a.max()),
            "L0": int(np.count_nonzero(a > tol)), "size": int(w.size)}


def distance_to_zero(X, y, penalties=(("none", 0.0), ("l2", 0.01), ("l1", 0.001)), tol=1e-3,
                     **train_kw):
    """Train the same network (same data, same start) with each (penalty, λ); measure its weights
    with every norm of ``norms``. Returns {name: {"net", "norms", "train_acc"}}."""
    out = {}
    for name, lam in penalties:
        net = train_2d(X, y, lam=lam, penalty=name, **train_kw)
        out[f"{name} λ={lam:g}" if lam else name] = {
            "net": net, "norms": norms(net.weights(), tol), "train_acc": net.accuracy(X, y)}
    return out


# =============================================================================================
# Figures (matplotlib is imported when a figure is drawn, not when regutils is imported)
# =============================================================================================
def _plt():
    import matplotlib.pyplot as plt
    return plt


def plot_label_grid(images, y_true, y_random, n=16, axes=None):
    """The slide's picture: the same digits with their true labels (top row) and random labels
    (bottom row, red where the label is wrong)."""
    from .plots import digit_grid

    plt = _plt()
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
    plt = _plt()
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


def plot_corruption(runs, fractions=FRACTIONS, axes=None):
    """Zhang et al. Fig. 1b/1c: test error and epochs to fit against the label corruption."""
    plt = _plt()
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    err = [r.test_error for r in runs]
    ep = [r.epochs_to_fit if r.fitted else np.nan for r in runs]
    a = axes[0].plot(fractions, err, "o-", color="C3", label="test error")
    axes[0].axhline(0.9, color="gray", ls=":", lw=1, label="chance (90 % error)")
    axes[0].set(xlabel="label corruption (share of labels redrawn)", ylabel="test error",
                ylim=(0, 1), title="Test error rises with corruption")
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
    from .plots import digit_grid

    plt = _plt()
    if axes is None:
        fig, axes = plt.subplots(len(kinds), n, figsize=(0.62 * n, 0.95 * len(kinds) + 0.3))
    axes = np.asarray(axes).reshape(len(kinds), -1)
    for row, kind in zip(axes, kinds):
        Xk, yk, _, _ = variant_data(kind, X[:n], y[:n], X[:1], y[:1], seed)
        digit_grid(Xk, yk, ncols=n, nrows=1, axes=row)
        row[0].text(-0.6, 0.5, kind, transform=row[0].transAxes, ha="right", va="center",
                    fontsize=9)
    return axes


def plot_variants(runs, ax=None):
    """Training accuracy against the epoch for each kind of data (Zhang et al. Fig. 1a)."""
    plt = _plt()
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
    plt = _plt()
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


def plot_boundaries(items, X=None, y=None, axes=None, titles=None, width=2.6):
    """Decision boundaries of several trained 2-D nets side by side (``width`` inches each).

    items: a list of nets (all drawn on X, y) or of (net, X, y) triples.
    """
    from .plots import decision_boundary

    plt = _plt()
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
    plt = _plt()
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
    plt = _plt()
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
