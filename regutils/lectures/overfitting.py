"""Notebook 01, overfitting (بیش‌برازش): Zhang et al. (ICLR 2017) at classroom scale.

A 64-512-10 MLP on the 8×8 digits, SGD with momentum 0.9, lr 0.05, mini-batches of 32, trained
until it fits its training set (100 % train accuracy) or runs out of its epoch budget:

- ``run_digits`` — one run, returned as a ``Run`` (epochs to fit, train/test accuracy, history);
- ``corruption_sweep`` — label corruption 0, 0.2, …, 1.0 (the paper's Fig. 1b, 1c);
- ``input_variants`` — shuffled pixels, random pixels, Gaussian inputs (Fig. 1a);
- ``regularizer_comparison`` — each explicit regularizer on true labels and on random labels
  (the paper's Table 1 message: neither necessary nor sufficient).

Conventions: p = ``keep_prob`` is the probability of KEEPING a unit; L2 is Ω = ½‖w‖² (gradient
λw); biases are not penalized.
"""
from dataclasses import dataclass, field

import numpy as np

from .. import checks
from ..data import corrupt_labels, gaussian_pixels, random_pixels, shuffle_pixels
from ..train import History
from .digits import N_CLASSES, train_digits


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

def run_digits(X_train, y_train, X_test, y_test, epochs=BUDGET, stop_at_fit=True, hidden=512,
               lr=0.05, momentum=0.9, batch_size=32, lam=0.0, keep_prob=1.0, augment=None,
               seed=0, dtype=np.float64, track_test=True, label=""):
    """Train a 64-``hidden``-10 MLP with SGD (momentum) on (X_train, y_train); return a ``Run``.

    ``lam``: L2 penalty λ·½‖w‖²; ``keep_prob``: dropout p (keep) after the hidden layer;
    ``augment``: a fit hook such as ``Jitter(0.05)`` or ``RandomShift(1)``. With ``stop_at_fit``
    the run stops at the first epoch with 100 % training accuracy (``fit(..., until=...)``),
    otherwise after ``epochs``. ``track_test=False`` measures the test accuracy at the end only
    (no test curve; ≈ 10 % faster).
    """
    epochs = checks.integer("epochs", epochs, minimum=1)
    until = (lambda h: h["train_acc"][-1] >= 1.0) if stop_at_fit else None
    test = (X_test, y_test) if track_test else (None, None)
    net, h = train_digits(X_train, y_train, *test, hidden=(hidden,), lr=lr, momentum=momentum,
                          batch_size=batch_size, epochs=epochs, penalty="l2", lam=lam,
                          keep_prob=keep_prob, augment=augment, until=until, seed=seed,
                          dtype=dtype)
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
        runs.append(run_digits(X_train, y, X_test, y_test, label=f"corruption {fraction:.1f}",
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
    return {kind: run_digits(*variant_data(kind, X_train, y_train, X_test, y_test, data_seed),
                               label=kind, **train_kw)
            for kind in kinds}

def regularizer_comparison(X_train, y_train, X_test, y_test, settings, label_seed=1,
                           epochs=BUDGET, done=None, track_test=False, **train_kw):
    """Each explicit regularizer on true labels and on random labels, the same epoch budget.

    settings: {name: keyword arguments of ``run_digits``}, e.g.
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
            "true": run_digits(X_train, y_train, X_test, y_test, epochs=epochs,
                                 label=f"{name}, true labels", **kw),
            "random": run_digits(X_train, y_random, X_test, y_test, epochs=epochs,
                                   label=f"{name}, random labels", **kw),
        }
    return {name: out[name] for name in [*(done or {}), *settings] if name in out}
