"""Notebook 05, data augmentation (داده‌افزایی) and noise.

- ``accuracy_vs_size`` — more data is the best regularizer;
- ``flip_experiment`` / ``augmentation_experiment`` — flips that change the label, shifts,
  rotations, crops, affine and elastic distortions (``regutils.augment``);
- ``noise_experiment`` — Gaussian noise on the inputs (augmentation) or in the hidden layers, and
  ``noise_selection``: σ chosen on a validation split, over seeds;
- ``bishop_experiment`` / ``noisy_training`` — input noise is ridge regression in expectation
  (Bishop 1995), against ``regutils.lectures.quadratic.ridge``.

The digits MLP here is 64-128-10 trained with Adam for about ``steps`` mini-batch updates,
whatever the size of the training set (``train_steps``). Everything random takes ``seed``.
A run is fully determined by its data, seed, steps and hook, so ``train_steps`` keeps the nets it
trained and hands the same net back when a later cell asks for the same run (``clear_runs()``
empties that store).
"""
import math

import numpy as np

from .. import checks
from ..augment import Jitter, flip_horizontal, shift
from ..data import digits_split, grid_points, make_2d, train_test_split, train_val_test_split
from ..layers import Dense
from ..model import MLP
from ..optim import SGD, Adam
from ..progress import progress
from ..train import fit, one_blas_thread
from .digits import train_digits
from .quadratic import ridge


def subset(X, y, n, seed=0):
    """The first n rows of a seeded stratified shuffle of (X, y) (every class keeps its share)."""
    n = checks.integer("n", n, minimum=1)
    if n >= len(y):
        return X, y
    Xs, _, ys, _ = train_test_split(X, y, test_size=1 - n / len(y), seed=seed)
    return Xs, ys

_RUNS = {}


def clear_runs():
    """Forget the nets ``train_steps`` kept."""
    _RUNS.clear()


def train_steps(X, y, steps=1000, batch_size=32, augment=None, seed=0):
    """The MLP 64-128-10 of this notebook trained with Adam (η = 10⁻³) on digits (X, y), for the
    number of epochs that gives about ``steps`` mini-batch updates; returns the net. The same
    (X, y, steps, batch_size, augment, seed) again returns the net already trained (hooks are
    told apart by their ``repr``, which names their settings)."""
    steps = checks.integer("steps", steps, minimum=1)
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    checks.rng("seed", seed)
    X, y = np.asarray(X), np.asarray(y)
    key = (hash(X.tobytes()), X.shape, hash(y.tobytes()), steps, batch_size, repr(augment), seed)
    if key not in _RUNS:
        epochs = max(1, round(steps / math.ceil(len(y) / batch_size)))
        # evaluated only after the last epoch: nobody reads the per-epoch numbers
        _RUNS[key], _ = train_digits(X, y, hidden=(128,), optimizer="adam", lr=1e-3,
                                     batch_size=batch_size, epochs=epochs, augment=augment,
                                     seed=seed, eval_every=epochs)
    return _RUNS[key]

class RandomNudge:
    """fit hook: with probability ``prob`` an image is moved by ONE pixel up, down, left or right
    (the label is kept); the others stay as they are. A gentler shift than ``RandomShift(1)``,
    which moves 8 of 9 images, diagonally too — a lot for an 8×8 digit."""

    def __init__(self, prob=0.5, shape=(8, 8)):
        self.prob = checks.in_range("prob", prob, 0, 1)
        self.shape = tuple(shape)

    def __call__(self, X, y, rng):
        X = np.array(X, copy=True)
        moved = rng.random(len(X)) < self.prob
        direction = rng.integers(0, 4, size=len(X))
        for d, (dx, dy) in enumerate(((1, 0), (-1, 0), (0, 1), (0, -1))):
            rows = moved & (direction == d)
            if rows.any():
                X[rows] = shift(X[rows], dx, dy, self.shape)
        return X, y

    def __repr__(self):
        return f"RandomNudge(prob={self.prob:g})"

@one_blas_thread()
def accuracy_vs_size(sizes=(50, 100, 200, 400, 800, 1347), seeds=(0, 1, 2), steps=1000):
    """"More data is the best regularizer": test accuracy of the same MLP (64-128-10, Adam, about
    ``steps`` updates) trained on a seeded stratified subset of n training digits, for each n in
    ``sizes``. Returns {"sizes", "test_acc" (len(sizes), len(seeds)), "train_acc"}."""
    steps = checks.integer("steps", steps, minimum=1)
    sizes = [checks.integer("sizes[i]", n, minimum=1) for n in sizes]
    seeds = [checks.integer("seeds[i]", s, minimum=0) for s in seeds]
    X_train, X_test, y_train, y_test = digits_split()
    test_acc = np.zeros((len(sizes), len(seeds)))
    train_acc = np.zeros_like(test_acc)
    for i, n in enumerate(progress(sizes, "training-set sizes", "sizes")):
        for j, seed in enumerate(seeds):
            Xs, ys = subset(X_train, y_train, n, seed=seed)
            net = train_steps(Xs, ys, steps=steps, seed=seed)
            test_acc[i, j], train_acc[i, j] = net.accuracy(X_test, y_test), net.accuracy(Xs, ys)
    return {"sizes": np.array(sizes), "test_acc": test_acc, "train_acc": train_acc}

def per_class_accuracy(net, X, y, n_classes=10):
    """Accuracy of ``net`` on each class: an array (n_classes,)."""
    pred = net.predict(X)
    return np.array([np.mean(pred[y == c] == c) for c in range(n_classes)])

@one_blas_thread()
def flip_experiment(seeds=(0, 1, 2), steps=1000):
    """Which digits survive a horizontal flip? A net trained on ordinary digits classifies the
    mirrored test digits; a class whose mirror image still looks like itself keeps its accuracy.
    One net per seed (the same runs as ``augmentation_experiment``'s "without" on all digits).
    Returns {"seeds", "net" (of the first seed), "acc", "flipped_acc" (S,): plain and mirrored
    test sets, "per_class", "per_class_flipped" (S, 10), and "mean" / "spread" of both per-class
    arrays over the seeds ({"per_class": (10,), "per_class_flipped": (10,)}; spread = half the
    range)}."""
    steps = checks.integer("steps", steps, minimum=1)
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        checks.fail("seeds", "a list of integer seeds", seeds, TypeError)
    seeds = [checks.integer("seeds[i]", s, minimum=0) for s in seeds]
    if not seeds:
        checks.fail("seeds", "a non-empty list of seeds", seeds)
    X_train, X_test, y_train, y_test = digits_split()
    X_flip = flip_horizontal(X_test)
    rows = {"acc": [], "flipped_acc": [], "per_class": [], "per_class_flipped": []}
    nets = []
    for seed in progress(seeds, "flip runs", "networks"):
        net = train_steps(X_train, y_train, steps=steps, seed=seed)
        nets.append(net)
        rows["acc"].append(net.accuracy(X_test, y_test))
        rows["flipped_acc"].append(net.accuracy(X_flip, y_test))
        rows["per_class"].append(per_class_accuracy(net, X_test, y_test))
        rows["per_class_flipped"].append(per_class_accuracy(net, X_flip, y_test))
    out = {"seeds": seeds, "net": nets[0], **{k: np.array(v) for k, v in rows.items()}}
    out["mean"] = {k: out[k].mean(axis=0) for k in ("per_class", "per_class_flipped")}
    out["spread"] = {k: np.ptp(out[k], axis=0) / 2 for k in ("per_class", "per_class_flipped")}
    return out

@one_blas_thread()
def augmentation_experiment(hooks, n_train=None, seeds=(0, 1, 2), steps=1000):
    """Test accuracy without and with each augmentation hook (``{"shift": RandomShift(1), ...}``)
    on the first ``n_train`` digits of the training split (all of them if None), one run per seed
    (the same subset and initial weights for every hook of a seed).
    Returns {"without": (len(seeds),), name: (len(seeds),) for each hook}."""
    steps = checks.integer("steps", steps, minimum=1)
    if n_train is not None:
        n_train = checks.integer("n_train", n_train, minimum=1)
    X_train, X_test, y_train, y_test = digits_split()
    out = {"without": [], **{name: [] for name in hooks}}
    runs = [(seed, name, hook) for seed in seeds for name, hook in (("without", None), *hooks.items())]
    for seed, name, hook in progress(runs, "augmentation runs", "networks"):
        Xs, ys = ((X_train, y_train) if n_train is None
                  else subset(X_train, y_train, n_train, seed=seed))
        net = train_steps(Xs, ys, steps=steps, seed=seed, augment=hook)
        out[name].append(net.accuracy(X_test, y_test))
    return {k: np.array(v) for k, v in out.items()}

def moons_split(n_train=100, n_test=1000, noise=0.3, seed=0):
    """A small noisy training set of moons and a large test set from the same distribution."""
    n_train = checks.integer("n_train", n_train, minimum=1)
    n_test = checks.integer("n_test", n_test, minimum=1)
    noise = checks.nonnegative("noise", noise)
    X, y = make_2d("moons", n_train + n_test, noise=noise, seed=seed)
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]

def boundary_length(net, extent, resolution=120):
    """Length of the decision boundary of a 2-class ``net`` inside ``extent`` (x0, x1, y0, y1):
    the number of grid edges whose two ends are classified differently, times the grid spacing.
    A wiggly, overfitted boundary is long; a smooth one is short. (Measured along the grid, it is
    a |dx| + |dy| length: a diagonal line counts √2 times its true length.)"""
    x0, x1, y0, y1 = extent
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    pred = net.predict(grid_points(tuple(extent), resolution)).reshape(resolution, resolution)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    return float(np.sum(pred[:, 1:] != pred[:, :-1]) * dy + np.sum(pred[1:] != pred[:-1]) * dx)

@one_blas_thread()
def noise_experiment(sigmas=(0.0, 0.1, 0.2, 0.3, 0.5), where="input", data=None, hidden=(64, 64),
                     epochs=1000, lr=0.01, seed=0, extent=(-2.0, 2.0, -1.5, 1.5)):
    """Train the same MLP on the same small noisy moons with Gaussian noise of each σ.

    where="input": ``Jitter(σ)`` adds fresh noise to the inputs every epoch (data augmentation);
    where="hidden": ``MLP(hidden_sigma=σ)`` adds it after every hidden layer (a GaussianNoise
    layer). Full-batch Adam for ``epochs``. Returns {"sigmas", "nets", "train_acc", "test_acc",
    "length" (decision-boundary length in ``extent``), "data" (Xtr, Xte, ytr, yte)}.
    """
    checks.choice("where", where, ("input", "hidden"))
    epochs = checks.integer("epochs", epochs, minimum=1)
    lr = checks.positive("lr", lr)
    Xtr, Xte, ytr, yte = moons_split(seed=seed) if data is None else data
    out = {"sigmas": np.array(sigmas, dtype=float), "nets": [], "train_acc": [], "test_acc": [],
           "length": [], "data": (Xtr, Xte, ytr, yte), "extent": extent}
    for sigma in sigmas:
        sigma = checks.nonnegative("sigma", sigma)
        # σ = 0 is the same run for "input" and "hidden": trained once, handed back after that
        key = (hash(np.asarray(Xtr).tobytes()), hash(np.asarray(ytr).tobytes()), tuple(hidden),
               epochs, lr, seed, sigma, where if sigma > 0 else "none")
        if key not in _RUNS:
            net = MLP([2, *hidden, 2], hidden_sigma=sigma if where == "hidden" else 0.0, seed=seed)
            hook = Jitter(sigma) if where == "input" and sigma > 0 else None
            fit(net, Adam(lr=lr), Xtr, ytr, epochs=epochs, seed=seed, augment=hook,
                eval_every=epochs)                 # only the final net is used
            _RUNS[key] = net
        net = _RUNS[key]
        out["nets"].append(net)
        out["train_acc"].append(net.accuracy(Xtr, ytr))
        out["test_acc"].append(net.accuracy(Xte, yte))
        out["length"].append(boundary_length(net, extent))
    for key in ("train_acc", "test_acc", "length"):
        out[key] = np.array(out[key])
    return out

def moons_val_split(n_train=100, n_val=200, n_test=1000, noise=0.3, seed=0):
    """Noisy moons in three parts from one draw (``train_val_test_split``, stratified):
    X_train, X_val, X_test, y_train, y_val, y_test with n_train, n_val and n_test points."""
    n_train = checks.integer("n_train", n_train, minimum=1)
    n_val = checks.integer("n_val", n_val, minimum=1)
    n_test = checks.integer("n_test", n_test, minimum=1)
    n = n_train + n_val + n_test
    X, y = make_2d("moons", n, noise=checks.nonnegative("noise", noise), seed=seed)
    return train_val_test_split(X, y, val_size=n_val / n, test_size=n_test / n, seed=seed)

@one_blas_thread()
def noise_selection(sigmas=(0.0, 0.1, 0.2, 0.3, 0.5), where="input", seeds=(0, 1, 2),
                    n_train=100, hidden=(64, 64), epochs=1000, lr=0.01):
    """σ chosen on validation data, once per seed: for each seed a fresh draw of moons
    (``moons_val_split``: 100 train, 200 validation, 1,000 test points), one net per σ
    (``noise_experiment`` on the training part, validation part as its "test"), σ* = the σ with
    the best validation accuracy (the smallest such σ on a tie), and the test accuracy of σ* and
    of σ = 0 reported once. Returns {"sigmas", "seeds", "train_acc", "val_acc", "test_acc",
    "length" (S, len(sigmas)), "chosen" (S,) σ*, "test_chosen" (S,), "test_none" (S,),
    "gain" (S,) = test_chosen − test_none, "first" (the seed-0 ``noise_experiment``, for the
    figure)}."""
    checks.choice("where", where, ("input", "hidden"))
    n_train = checks.integer("n_train", n_train, minimum=1)
    epochs = checks.integer("epochs", epochs, minimum=1)
    lr = checks.positive("lr", lr)
    sigmas = [checks.nonnegative("sigma", s) for s in sigmas]
    seeds = [checks.integer("seeds[i]", s, minimum=0) for s in seeds]
    if 0.0 not in sigmas:
        checks.fail("sigmas", "a list that contains 0 (the run without noise)", sigmas)
    out = {k: [] for k in ("train_acc", "val_acc", "test_acc", "length", "chosen", "test_chosen",
                           "test_none")}
    first = None
    for seed in progress(seeds, f"{where} σ on validation data", "seeds"):
        X_train, X_val, X_test, y_train, y_val, y_test = moons_val_split(n_train=n_train, seed=seed)
        r = noise_experiment(sigmas, where, (X_train, X_val, y_train, y_val), hidden, epochs, lr,
                             seed)
        test = np.array([net.accuracy(X_test, y_test) for net in r["nets"]])
        best = int(np.argmax(r["test_acc"]))           # r's "test" part is the validation split
        out["train_acc"].append(r["train_acc"])
        out["val_acc"].append(r["test_acc"])
        out["test_acc"].append(test)
        out["length"].append(r["length"])
        out["chosen"].append(sigmas[best])
        out["test_chosen"].append(test[best])
        out["test_none"].append(test[sigmas.index(0.0)])
        if first is None:
            first = {**r, "test_acc": test, "data": (X_train, X_test, y_train, y_test)}
    out = {k: np.array(v) for k, v in out.items()}
    out.update(sigmas=np.array(sigmas), seeds=np.array(seeds), first=first,
               gain=out["test_chosen"] - out["test_none"])
    return out

def linear_data(n=50, d=5, noise=0.5, seed=0):
    """A small linear regression problem: X (n, d) ~ N(0, I), y = Xw* + b* + noise·N(0, 1)."""
    n = checks.integer("n", n, minimum=1)
    d = checks.integer("d", d, minimum=1)
    noise = checks.nonnegative("noise", noise)
    rng = checks.rng("seed", seed)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d)
    return X, X @ w_true + 0.5 + noise * rng.standard_normal(n)

def least_squares_on_noisy_copies(X, y, sigma, n_copies, seed=0):
    """Train on ``n_copies`` noisy copies of the data set, inputs x + ε, ε ~ N(0, σ²I) drawn fresh
    for every copy (targets unchanged): the exact least-squares minimizer (w, b) of their mean
    squared error."""
    n_copies = checks.integer("n_copies", n_copies, minimum=1)
    sigma = checks.nonnegative("sigma", sigma)
    rng = checks.rng("seed", seed)
    d = X.shape[1]
    # The normal equations, accumulated copy by copy (no K·N×d matrix in memory).
    A, c = np.zeros((d + 1, d + 1)), np.zeros(d + 1)
    for start in range(0, n_copies, 256):
        k = min(256, n_copies - start)
        Xn = (X[None] + sigma * rng.standard_normal((k, *X.shape))).reshape(-1, d)
        Z = np.c_[Xn, np.ones(len(Xn))]
        A += Z.T @ Z
        c += Z.T @ np.tile(y, k)
    wb = np.linalg.solve(A, c)
    return wb[:-1], float(wb[-1])

@one_blas_thread()
def noisy_training(X, y, sigma, epochs=6000, burn_in=1000, lr=0.05, seed=0):
    """The same with regutils' own training: a linear model ``MLP([D, 1], loss="mse",
    input_sigma=σ)`` (a GaussianNoise layer draws fresh noise at every step) trained by full-batch
    SGD; with a constant step the weights keep jittering, so their average after ``burn_in``
    epochs is returned, (w, b)."""
    net = MLP([X.shape[1], 1], loss="mse", input_sigma=sigma, seed=seed)
    dense = next(l for l in net.layers if isinstance(l, Dense))
    total = {"W": 0.0, "b": 0.0, "n": 0}

    class AveragingSGD(SGD):
        """SGD that adds the weights after every step past ``burn_in`` to their running sum
        (full batch: step t ends epoch t), so ``fit`` need not evaluate after every epoch."""

        def step(self, params, grads):
            super().step(params, grads)
            self.t = getattr(self, "t", 0) + 1
            if self.t > burn_in:
                total["W"] = total["W"] + dense.params["W"][:, 0]
                total["b"] = total["b"] + dense.params["b"][0]
                total["n"] += 1

    fit(net, AveragingSGD(lr=lr), X, y, epochs=epochs, seed=seed, eval_every=epochs)
    return total["W"] / total["n"], float(total["b"] / total["n"])

@one_blas_thread()
def bishop_experiment(sigma=0.5, copies=(1, 10, 100, 1000, 2000, 10000), n=50, d=5, seed=0):
    """Bishop (1995): E_ε (y − wᵀ(x + ε) − b)² = (y − wᵀx − b)² + σ²‖w‖², so least squares on inputs
    with fresh noise N(0, σ²I) approaches ridge regression with λ = σ² on the mean squared error.

    Returns {"copies", "distance" (relative distance ‖w_K − w_ridge‖/‖w_ridge‖ for each number of
    noisy copies K), "ridge" (w, b), "ols" (w, b), "wrong" {name: relative distance from the
    largest-K solution to ridge with a wrong constant}, "sigma", "n"}.
    """
    X, y = linear_data(n, d, seed=seed)
    sigma = checks.nonnegative("sigma", sigma)
    w_r, b_r = ridge(X, y, sigma**2)
    rel = lambda w, ref: float(np.linalg.norm(w - ref) / np.linalg.norm(ref))
    sols = [least_squares_on_noisy_copies(X, y, sigma, k, seed=seed + 1) for k in copies]
    w_big = sols[-1][0]
    wrong = {"c = σ²/2 (factor 2 too small)": ridge(X, y, sigma**2 / 2)[0],
             "c = 2σ² (factor 2 too big)": ridge(X, y, 2 * sigma**2)[0],
             "c = σ²/N (σ² put on the sum of squares)": ridge(X, y, sigma**2 / n)[0]}
    return {"copies": np.array(copies), "distance": np.array([rel(w, w_r) for w, _ in sols]),
            "bias_distance": np.array([abs(b - b_r) / abs(b_r) for _, b in sols]),
            "ridge": (w_r, b_r), "ols": ridge(X, y, 0.0), "noisy": sols,
            "wrong": {k: rel(w, w_big) for k, w in wrong.items()},
            "ridge_vs_ols": rel(ridge(X, y, 0.0)[0], w_r), "sigma": sigma, "n": n}
