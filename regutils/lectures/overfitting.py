"""Notebook 01, overfitting (بیش‌برازش): Zhang et al. (ICLR 2017) at classroom scale.

A 64-512-10 MLP on the 8×8 digits, SGD with momentum 0.9, lr 0.05, mini-batches of 32, trained
until it fits its training set (100 % train accuracy) or runs out of its epoch budget:

- ``run_digits`` — one run, returned as a ``Run`` (epochs to fit, train/test accuracy, history);
- ``corruption_sweep`` — label corruption 0, 0.2, …, 1.0 (the paper's Fig. 1b, 1c);
- ``input_variants`` — shuffled pixels, random pixels, Gaussian inputs (Fig. 1a);
- ``regularizer_comparison`` — each explicit regularizer on true labels and on random labels
  (the paper's Table 1 message: neither necessary nor sufficient); ``true_label_accuracy`` — the
  same settings on true labels over seeds; ``long_run`` — strong L2 on random labels for longer;
- ``knn_predict`` / ``memorizer_comparison`` — 1-NN (a pure memorizer) and 15-NN (does not
  memorize) on the same corrupted labels, the references for the network's test error;
- ``early_stopping`` — label noise on the training and validation labels, the best epoch on
  validation data, and ``fit(..., validation=, patience=)`` that stops and restores it.

The runs use float32 (``DTYPE``) and a budget of ``BUDGET`` epochs on the 988 training images of
``train_val_test_split(seed=0)``; ``Spread`` is a quantity over seeds (mean ± half the range).

Conventions: p = ``keep_prob`` is the probability of KEEPING a unit; L2 is Ω = ½‖w‖² (gradient
λw); biases are not penalized.
"""
from dataclasses import dataclass, field

import numpy as np

from .. import checks
from ..data import corrupt_labels, gaussian_pixels, random_pixels, shuffle_pixels
from ..model import MLP
from ..optim import SGD
from ..progress import progress
from ..train import History, fit, one_blas_thread
from .digits import N_CLASSES, train_digits


FRACTIONS = (0.0, 0.2, 0.4, 0.6, 1.0)

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

BUDGET = 150  # epochs: on 988 images random labels fit in ≈ 75–130 without or with a weak regularizer
DTYPE = np.float32  # the lecture's runs: float32 is ≈ 1.7× faster and changes no conclusion

def run_digits(X_train, y_train, X_test, y_test, epochs=BUDGET, stop_at_fit=True, hidden=512,
               lr=0.05, momentum=0.9, batch_size=32, lam=0.0, keep_prob=1.0, augment=None,
               seed=0, dtype=DTYPE, track_test=True, label=""):
    """Train a 64-``hidden``-10 MLP with SGD (momentum) on (X_train, y_train); return a ``Run``.

    ``lam``: L2 penalty λ·½‖w‖²; ``keep_prob``: dropout p (keep) after the hidden layer;
    ``augment``: a fit hook such as ``Jitter(0.05)`` or ``RandomShift(1)``. With ``stop_at_fit``
    the run stops at the first epoch with 100 % training accuracy (``fit(..., until=...)``),
    otherwise after ``epochs``. ``track_test=False`` measures the test accuracy at the end only
    (no test curve; ≈ 10 % faster).
    """
    epochs = checks.integer("epochs", epochs, minimum=1)
    checks.boolean("stop_at_fit", stop_at_fit)
    checks.boolean("track_test", track_test)
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
                     curves=None, **train_kw):
    """Train on labels corrupted by each ``fraction`` (``corrupt_labels``; test labels stay true).

    Returns one ``Run`` per fraction, each trained until it fits (or its budget ends).
    ``curves``: the fractions whose runs record the test accuracy every epoch (None: all); the
    others measure it once at the end (faster).
    """
    runs = []
    for fraction in progress(fractions, "label corruption", "runs"):
        y = corrupt_labels(y_train, fraction, N_CLASSES, seed=label_seed)
        track = curves is None or any(np.isclose(fraction, c) for c in curves)
        runs.append(run_digits(X_train, y, X_test, y_test, label=f"corruption {fraction:.1f}",
                                 **{"track_test": track, **train_kw}))
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
            for kind in progress(kinds, "input variants", "runs")}

def regularizer_comparison(X_train, y_train, X_test, y_test, settings, label_seed=1,
                           epochs=BUDGET, done=None, track_test=False, **train_kw):
    """Each explicit regularizer on true labels and on random labels, the same epoch budget.

    settings: {name: keyword arguments of ``run_digits``}, e.g.
    ``{"none": {}, "L2 λ=1e-4": {"lam": 1e-4}, "dropout p=0.95": {"keep_prob": 0.95}}``.
    done: {name: {"true": Run, "random": Run}} already trained (e.g. the runs without a
    regularizer from ``corruption_sweep``, fractions 0 and 1 with the same ``label_seed``, or
    only {"random": ``prefix(long_run(...), epochs)``}); they are reused, what is missing is
    trained. Returns {name: {"true": Run, "random": Run}}; every run stops when it fits its
    training set.
    """
    y_random = corrupt_labels(y_train, 1.0, N_CLASSES, seed=label_seed)
    out = {name: dict(r) for name, r in (done or {}).items()}
    for name in progress(list(settings), "regularizers", "settings"):
        kw = {"track_test": track_test, **settings[name], **train_kw}
        have = out.setdefault(name, {})
        if "true" not in have:
            have["true"] = run_digits(X_train, y_train, X_test, y_test, epochs=epochs,
                                      label=f"{name}, true labels", **kw)
        if "random" not in have:
            have["random"] = run_digits(X_train, y_random, X_test, y_test, epochs=epochs,
                                        label=f"{name}, random labels", **kw)
    order = [name for name in (done or {}) if name not in settings] + list(settings)
    return {name: out[name] for name in order}


def true_label_accuracy(X_train, y_train, X_test, y_test, settings, seeds=(0, 1, 2), done=None,
                        epochs=BUDGET, **train_kw):
    """Test accuracy on TRUE labels of each setting over ``seeds`` (initial weights, shuffling,
    noise): {name: Spread}. ``done``: {name: Run} trained with ``seeds[0]``, reused."""
    done = done or {}
    accs = {name: [] for name in settings}
    jobs = [(name, seed) for seed in seeds for name in settings]
    for name, seed in progress(jobs, "true labels over seeds", "runs"):
        seed = checks.integer("seeds", seed, minimum=0)
        if seed == seeds[0] and name in done:
            accs[name].append(done[name].test_acc)
            continue
        run = run_digits(X_train, y_train, X_test, y_test, epochs=epochs, seed=seed,
                         track_test=False, **{**settings[name], **train_kw})
        accs[name].append(run.test_acc)
    return {name: Spread(tuple(v)) for name, v in accs.items()}


def long_run(X_train, y_train, X_test, y_test, lam, epochs=2 * BUDGET, chunk=50, eval_every=5,
             seed=0, label_seed=1, dtype=DTYPE):
    """Random labels (``label_seed``) with an L2 penalty ``lam`` for many epochs: does the training
    accuracy ever reach 100 %? Recorded every ``eval_every`` epochs (test accuracy at the end only);
    the same initial weights and stream as ``run_digits(..., seed=seed)``, so its first epochs are
    that run's. Trained in chunks of ``chunk`` epochs (``fit(history=...)`` continues the run)."""
    epochs = checks.integer("epochs", epochs, minimum=1)
    chunk = checks.integer("chunk", chunk, minimum=1)
    eval_every = checks.integer("eval_every", eval_every, minimum=1)
    y_random = corrupt_labels(y_train, 1.0, N_CLASSES, seed=label_seed)
    net = MLP([np.shape(X_train)[1], 512, N_CLASSES], penalty="l2", lam=lam, seed=seed, dtype=dtype)
    opt, h = SGD(0.05, momentum=0.9), History()
    chunks = [min(chunk, epochs - start) for start in range(0, epochs, chunk)]
    with one_blas_thread():
        for n in progress(chunks, f"λ={lam:g} on random labels", f"chunks of {chunk} epochs"):
            fit(net, opt, X_train, y_random, epochs=n, batch_size=32, seed=seed, history=h,
                eval_every=eval_every)
    return Run(label=f"L2 λ={lam:g}, random labels", epochs_to_fit=epochs_to_fit(h),
               train_acc=float(h["train_acc"][-1]), test_acc=float(net.accuracy(X_test, y_test)),
               budget=epochs, history=h)


def prefix(run, epochs, label=None):
    """The first ``epochs`` epochs of ``run`` as a Run of that budget (its final numbers are
    those of the last record at or before ``epochs``; the test accuracy is NaN when it was not
    recorded)."""
    epochs = checks.integer("epochs", epochs, minimum=1)
    h = History()
    keep = [i for i, e in enumerate(run.history["epoch"]) if e <= epochs]
    for i in keep:
        h.record(**{k: v[i] for k, v in run.history.items()})
    test = h["test_acc"][-1] if "test_acc" in h else np.nan
    return Run(label=label or run.label, epochs_to_fit=epochs_to_fit(h),
               train_acc=float(h["train_acc"][-1]), test_acc=float(test), budget=epochs,
               history=h)


# -- a memorizer and a learner that does not memorize: k nearest neighbours -------------------
def nearest_neighbours(X_train, X, k):
    """Indices (N, k) of the ``k`` training images nearest to each row of X (Euclidean),
    closest first."""
    X_train = checks.finite_array("X_train", X_train, ndim=2)
    X = checks.finite_array("X", X, ndim=2)
    k = checks.integer("k", k, minimum=1, maximum=len(X_train))
    if X.shape[1] != X_train.shape[1]:
        checks.fail("X.shape[1]", f"{X_train.shape[1]} (the columns of X_train)", X.shape[1])
    d2 = (X ** 2).sum(1)[:, None] + (X_train ** 2).sum(1)[None, :] - 2 * X @ X_train.T
    return np.argsort(d2, axis=1, kind="stable")[:, :k]


def vote(labels, n_classes=N_CLASSES):
    """The majority label of each row of ``labels`` (N, k), neighbours closest first; a tie goes
    to the tied class with the nearest image."""
    n, k = labels.shape
    votes = np.zeros((n, n_classes))
    np.add.at(votes, (np.arange(n)[:, None], labels), 1.0)
    first = np.zeros_like(votes)  # < 1: the earlier a class's first vote, the larger
    for j in range(k - 1, -1, -1):
        first[np.arange(n), labels[:, j]] = (k - j) / (k + 1)
    return (votes + first).argmax(axis=1)


def knn_predict(X_train, y_train, X, k=1):
    """Labels of the rows of X by a vote of their ``k`` nearest training images (Euclidean).

    k = 1 is a pure memorizer: it repeats the stored label of the closest training image, so every
    corrupted label near a test image is copied. A larger k averages the labels of a neighbourhood:
    the noise is outvoted as long as the true class has the majority. Ties go to the class of the
    nearest neighbour among the tied ones.
    """
    y_train = checks.labels("y_train", y_train, n=len(X_train), name_X="X_train")
    nearest = nearest_neighbours(X_train, X, k)
    return vote(y_train[nearest], int(max(y_train.max() + 1, N_CLASSES)))


def knn_error(X_train, y_train, X_test, y_test, k=1):
    """Test error of the k-nearest-neighbour vote (``knn_predict``)."""
    y_test = checks.labels("y_test", y_test, n=len(X_test), name_X="X_test")
    return float(np.mean(knn_predict(X_train, y_train, X_test, k) != y_test))


@dataclass
class Spread:
    """A quantity measured over seeds: ``values`` (one per seed), their mean and spread."""

    values: tuple

    @property
    def mean(self):
        return float(np.mean(self.values))

    @property
    def spread(self):
        """Half the range over the seeds, max − min over 2 (0 for one seed)."""
        return float(np.ptp(self.values) / 2)

    def __format__(self, spec):
        spec = spec or ".3f"
        return f"{self.mean:{spec}} ± {self.spread:{spec.lstrip('+ ')}}"


def memorizer_comparison(X_train, y_train, X_test, y_test, fractions=FRACTIONS,
                         label_seeds=(1, 2, 3), ks=(1, 15)):
    """Test error of k-NN for each k on labels corrupted by each fraction, over ``label_seeds``.

    Returns {fraction: {"changed": Spread, k: Spread of the test error, ...}}. The network that
    fits its training set is compared with these two references: 1-NN memorizes every label,
    15-NN does not.
    """
    y_test = checks.labels("y_test", y_test, n=len(X_test), name_X="X_test")
    nearest = nearest_neighbours(X_train, X_test, max(ks))  # the same for every labelling
    out = {}
    for fraction in fractions:
        rows = {"changed": [], **{k: [] for k in ks}}
        for seed in label_seeds:
            y = corrupt_labels(y_train, fraction, N_CLASSES, seed=seed)
            rows["changed"].append(float(np.mean(y != y_train)))
            for k in ks:
                rows[k].append(float(np.mean(vote(y[nearest[:, :k]]) != y_test)))
        out[fraction] = {key: Spread(tuple(v)) for key, v in rows.items()}
    return out


# -- early stopping: the best epoch on validation data ------------------------------------------
def train_net(X_train, y_train, X_test=None, y_test=None, epochs=BUDGET, hidden=512, lr=0.05,
              momentum=0.9, batch_size=32, lam=0.0, seed=0, dtype=np.float32, validation=None,
              patience=None, stop_at_fit=False, eval_every=1):
    """The network of ``run_digits`` (the same initial weights for the same ``seed``), trained by
    ``train_digits`` with its validation and early-stopping options; returns (net, history).

    ``validation=(X_val, y_val)`` records ``val_loss`` / ``val_acc`` every epoch; with
    ``patience=k`` the run stops once the validation loss has not improved for k epochs and
    the weights of the best epoch come back (``history.best_epoch``).
    """
    until = (lambda h: h["train_acc"][-1] >= 1.0) if stop_at_fit else None
    return train_digits(X_train, y_train, X_test, y_test, hidden=(hidden,), lr=lr,
                        momentum=momentum, batch_size=batch_size, epochs=epochs, penalty="l2",
                        lam=lam, until=until, seed=seed, dtype=dtype, validation=validation,
                        patience=patience, eval_every=eval_every)


@dataclass
class EarlyStop:
    """One seed of ``early_stopping``: the full run (trained until it fits its noisy labels) and
    the run that ``fit(..., patience=)`` stopped.

    ``best_epoch``: the epoch of the lowest validation loss in the full run; ``test_at_best`` /
    ``final_test``: its test accuracy there and at the end; ``stopped_epoch``: where the
    patience run stopped; ``restored_test``: the test accuracy of the weights it restored.
    """

    seed: int
    history: History = field(repr=False)
    best_epoch: int
    test_at_best: float
    final_test: float
    best_test_epoch: int
    best_test: float
    stopped_epoch: int
    restored_epoch: int
    restored_test: float

    @property
    def gap(self):
        """Test accuracy at the best epoch (chosen on validation data) minus the final one."""
        return self.test_at_best - self.final_test


def early_stopping(X_train, y_train, X_val, y_val, X_test, y_test, fraction=0.4, seeds=(1, 2, 3),
                   epochs=BUDGET, patience=10, dtype=np.float32):
    """Label noise ``fraction`` on the training AND validation labels (a validation split is as
    noisy as the data it was cut from; the test labels stay true), one run per seed (labels,
    initial weights and shuffling): train until the training set is memorized, recording
    validation and test accuracy every epoch, and once more with ``patience`` (early stopping).
    Returns one ``EarlyStop`` per seed.
    """
    fraction = checks.in_range("fraction", fraction, 0, 1)
    patience = checks.integer("patience", patience, minimum=1)
    out = []
    for seed in progress(seeds, "early stopping", "seeds"):
        seed = checks.integer("seeds", seed, minimum=0)
        y_noisy = corrupt_labels(y_train, fraction, N_CLASSES, seed=seed)
        y_val_noisy = corrupt_labels(y_val, fraction, N_CLASSES, seed=seed + 1000)
        val = (X_val, y_val_noisy)
        _, h = train_net(X_train, y_noisy, X_test, y_test, epochs=epochs, seed=seed, dtype=dtype,
                         validation=val, stop_at_fit=True)
        best = int(np.argmin(h["val_loss"]))
        best_test = int(np.argmax(h["test_acc"]))
        net, hs = train_net(X_train, y_noisy, epochs=epochs, seed=seed, dtype=dtype,
                            validation=val, patience=patience)
        out.append(EarlyStop(seed=seed, history=h, best_epoch=h["epoch"][best],
                             test_at_best=float(h["test_acc"][best]),
                             final_test=float(h["test_acc"][-1]),
                             best_test_epoch=h["epoch"][best_test],
                             best_test=float(h["test_acc"][best_test]),
                             stopped_epoch=hs.epochs, restored_epoch=hs.best_epoch,
                             restored_test=float(net.accuracy(X_test, y_test))))
    return out
