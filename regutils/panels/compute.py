"""The pure compute behind the explorer panels: no widgets, no figures.

- **compare**: ``train(settings) -> Result`` trains from the same initial weights (drawn from
  ``seed``) on the same data for ``settings.epochs`` epochs, so two results differ only by the
  settings that differ. ``Explorer`` caches results per settings (an LRU dict), so returning to a
  slider value is instant.
- **live**: ``LiveTrainer(settings)`` holds a network, an optimizer and a history; ``step(n)``
  trains n more epochs; ``update(lam=...)`` changes the regularizer of the *running* network in
  place (warm start, no reset); ``reset()`` starts over from the initial weights.

    >>> r = train(Settings(dataset="moons", penalty="l2", lam=1e-3, epochs=50))
    >>> sorted(r.metrics)
    ['gap', 'l1', 'l2', 'test_acc', 'train_acc', 'zero_share']
"""
import dataclasses
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import checks
from ..data import corrupt_labels, grid_points, load_digits, make_2d, train_test_split
from ..layers import Dropout, GaussianNoise
from ..model import MLP
from ..optim import SGD, Adam
from ..train import History, TrainingDiverged, evaluate, fit, one_blas_thread
from .settings import RESTART_FIELDS, ZERO_TOL, Settings


@dataclass(frozen=True, eq=False)
class Data:
    """Training and test sets (read-only arrays) for one data key.

    X: (N, D), y: (N,) labels the network is trained on (corrupted if asked), y_clean: (N,) the
    true labels, X_test: (M, D), y_test: (M,). For 2-D sets ``extent`` (xmin, xmax, ymin, ymax) and
    ``grid`` (R·R, 2) are where the probability map is evaluated; for digits ``images`` (N, 8, 8).
    """

    X: np.ndarray
    y: np.ndarray
    y_clean: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    extent: tuple = None
    images: np.ndarray = None

    @property
    def corrupted(self):
        """(N,) bool: the training labels that differ from the true ones."""
        return self.y != self.y_clean

def _readonly(*arrays):
    for a in arrays:
        a.flags.writeable = False
    return arrays

def _streams(seed):
    """Independent seeds for the training data, the test data (or the digits split), the label
    corruption and the mini-batch order — apart from the network's own seeds, which MLP spawns from
    ``SeedSequence(seed)`` (so the data noise is not correlated with the initial weights)."""
    return np.random.SeedSequence([0xDA7A, seed]).spawn(4)

@lru_cache(maxsize=16)
def _load_data(key, dtype):
    if key[0] == "digits":
        _, corruption, seed = key
        digits = load_digits()
        X, X_test, y, y_test = train_test_split(digits.X, digits.y, test_size=0.25,
                                                seed=np.random.default_rng(_streams(seed)[1]))
        n_classes = 10
        extent = None
        images = X.reshape(-1, 8, 8)
    else:
        name, noise, n_train, n_test, corruption, seed = key
        s_train, s_test = _streams(seed)[:2]
        X, y = make_2d(name, n_train, noise, np.random.default_rng(s_train))
        X_test, y_test = make_2d(name, n_test, noise, np.random.default_rng(s_test))
        n_classes = 2
        both = np.vstack([X, X_test])
        (xmin, ymin), (xmax, ymax) = both.min(axis=0), both.max(axis=0)
        # rounded outwards to 0.25, so the axes stay put when only the noise or seed changes
        extent = tuple(float(v) for v in (np.floor(xmin * 4 - 1) / 4, np.ceil(xmax * 4 + 1) / 4,
                                          np.floor(ymin * 4 - 1) / 4, np.ceil(ymax * 4 + 1) / 4))
        images = None
    seed = key[-1]
    y_train = y
    if corruption > 0:
        # its own stream, so the corrupted labels are nested: a larger fraction redraws a superset
        y_train = corrupt_labels(y, corruption, n_classes, np.random.default_rng(_streams(seed)[2]))
    X, X_test = X.astype(dtype), X_test.astype(dtype)
    y_clean = np.asarray(y).copy()
    y_train = np.asarray(y_train).copy()
    y_test = np.asarray(y_test).copy()
    if images is not None:
        images = np.ascontiguousarray(images)
    _readonly(X, X_test, y_clean, y_train, y_test, *([] if images is None else [images]))
    return Data(X=X, y=y_train, y_clean=y_clean, X_test=X_test, y_test=y_test,
                n_classes=n_classes, extent=extent, images=images)

def make_data(settings):
    """The ``Data`` of ``settings`` (cached: the same data key gives the same object)."""
    return _load_data(settings.data_key(), settings.dtype)

def make_network(settings, n_inputs=None, n_classes=None):
    """The network of ``settings``: ``MLP([D, *hidden, C], switchable=True)``, so every noise and
    dropout layer is present (σ = 0 and p = 1 are the identity) and a running network can switch
    them on in place. The initial weights equal ``MLP([D, *hidden, C], seed=seed)``'s: they do not
    depend on p, σ or λ."""
    s = settings
    if n_inputs is None or n_classes is None:
        data = make_data(s)
        n_inputs, n_classes = data.X.shape[1], data.n_classes
    net = MLP([n_inputs, *s.hidden, n_classes], keep_prob=s.keep_prob, rule=s.rule,
              input_sigma=s.input_sigma, hidden_sigma=s.hidden_sigma, seed=s.seed, dtype=s.dtype,
              switchable=True)
    _apply_penalty(net, None, s)
    return net

def make_optimizer(settings):
    """Adam(lr) or SGD(lr, momentum); the weight decay is set by the regularizer (decoupled L2)."""
    s = settings
    opt = Adam(lr=s.lr) if s.optimizer == "adam" else SGD(lr=s.lr, momentum=s.momentum)
    _apply_penalty(None, opt, s)
    return opt

def _apply_penalty(net, opt, s):
    """Put the regularizer of ``s`` into the net (penalty in the loss) or the optimizer (decoupled:
    weight decay for L2, the proximal soft-threshold step for L1)."""
    in_loss = s.penalty != "none" and not s.decoupled
    if net is not None:
        net.set_penalty(s.penalty if in_loss else "none", s.lam if in_loss else 0.0)
    if opt is not None:
        opt.weight_decay = s.lam if (s.penalty == "l2" and s.decoupled) else 0.0
        opt.prox_l1 = s.lam if (s.penalty == "l1" and s.decoupled) else 0.0

def _noise_layers(net):
    return [l for l in net.layers if isinstance(l, GaussianNoise)]

def _dropout_layers(net):
    return [l for l in net.layers if isinstance(l, Dropout)]

def _apply_layers(net, s):
    """Set σ (input, hidden), p (keep) and the dropout rule of a running network in place."""
    noise = _noise_layers(net)
    noise[0].sigma = s.input_sigma
    for layer in noise[1:]:
        layer.sigma = s.hidden_sigma
    for layer in _dropout_layers(net):
        layer.keep_prob = s.keep_prob
        layer.rule = s.rule

class _Run:
    """The mutable state of one training run: network, optimizer, data, history, epoch, rng."""

    def __init__(self, settings):
        self.settings = settings
        self.data = make_data(settings)
        self.net = make_network(settings, self.data.X.shape[1], self.data.n_classes)
        self.opt = make_optimizer(settings)
        self.rng = np.random.default_rng(_streams(settings.seed)[3])
        self.epoch = 0
        self.history = History()
        self.record_every = settings.record_every
        self._record()

    def _record(self):
        d = self.data
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            train_loss, train_acc = evaluate(self.net, d.X, d.y)
            test_loss, test_acc = evaluate(self.net, d.X_test, d.y_test)
        self.history.record(epoch=self.epoch, objective=np.nan, train_loss=train_loss,
                            train_acc=train_acc, test_loss=test_loss, test_acc=test_acc)

    def thin(self, max_records):
        """Keep the history bounded: past ``max_records`` keep every other record (the first and
        the last stay) and record half as often from now on."""
        if len(self.history["epoch"]) > max_records:
            n = len(self.history["epoch"])
            keep = sorted(set(range(0, n, 2)) | {n - 1})
            for key, values in self.history.items():
                self.history[key] = [values[i] for i in keep]
            self.record_every *= 2

    def drop_off_grid(self):
        """Drop the records between the recording grid (every ``record_every`` epochs) made by a
        short step, except the last one (``fit`` counts the epochs on from it)."""
        epochs = self.history["epoch"]
        keep = [i for i, e in enumerate(epochs)
                if e % self.record_every == 0 or i == len(epochs) - 1]
        if len(keep) < len(epochs):
            for key, values in self.history.items():
                self.history[key] = [values[i] for i in keep]

    def step(self, n_epochs):
        """Train ``n_epochs`` more epochs with ``regutils.fit`` (warm start: the history, the
        optimizer's state and the batch stream go on); raises TrainingDiverged on NaN/inf."""
        d = self.data
        fit(self.net, self.opt, d.X, d.y, d.X_test, d.y_test, epochs=n_epochs,
            batch_size=self.settings.batch_size, seed=self.rng, history=self.history,
            eval_every=self.record_every)
        self.epoch += n_epochs

    def result(self, seconds=0.0, resolution=None, k=None):
        """A ``Result`` of the network as it is now (the map on a ``resolution``² grid and
        Monte-Carlo with ``k`` masks: by default the settings')."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._result(seconds, resolution or self.settings.resolution,
                                k or self.settings.k)

    def _result(self, seconds, resolution, k):
        s, d, net = self.settings, self.data, self.net
        if self.history["epoch"][-1] != self.epoch:
            self._record()
        seed = s.seed
        train_acc = net.accuracy(d.X, d.y, test_rule=s.test_rule, k=k, seed=seed)
        test_acc = net.accuracy(d.X_test, d.y_test, test_rule=s.test_rule, k=k, seed=seed)
        weights = tuple(w.copy() for w in net.weights())
        flat = np.concatenate([w.ravel() for w in weights]).astype(np.float64)
        metrics = {"train_acc": train_acc, "test_acc": test_acc, "gap": train_acc - test_acc,
                   "l2": float(np.sqrt(flat @ flat)), "l1": float(np.abs(flat).sum()),
                   "zero_share": float(np.mean(np.abs(flat) < ZERO_TOL))}
        proba = None
        if d.extent is not None:
            grid = grid_points(d.extent, resolution, s.dtype)
            proba = net.predict_proba(grid, test_rule=s.test_rule, k=k, seed=seed)[:, 1]
            proba = proba.reshape(resolution, resolution).astype(np.float32)
        history = {key: np.array(values) for key, values in self.history.items()}
        return Result(settings=s, epochs=self.epoch, history=history, weights=weights,
                      proba=proba, metrics=metrics, seconds=seconds)

@dataclass(frozen=True, eq=False)
class Result:
    """What a panel draws. ``history``: arrays by key (epoch, objective, train_loss, train_acc, test_loss, test_acc; losses and accuracies on
    the training labels the net is trained on (corrupted if ``corruption > 0``), in test mode with weight scaling, every
    ``record_every`` epochs); ``weights``: copies of the W matrices, input to output; ``proba``:
    (R, R) P(class 1 | x) on the grid (row 0 at the bottom) or None for digits; ``metrics``:
    train_acc, test_acc (with ``test_rule``), gap = train − test, l2 = ‖w‖₂, l1 = ‖w‖₁ (all
    weights, no biases), zero_share = share of |w| < 1e-3; ``seconds``: training and prediction
    time; ``done``: False for a preview of a run still training (``training``)."""

    settings: Settings
    epochs: int
    history: dict
    weights: tuple
    proba: np.ndarray
    metrics: dict
    seconds: float = 0.0
    done: bool = True

def train(settings):
    """Compare mode: train a fresh network of ``settings`` for ``settings.epochs`` epochs (same
    initial weights, same data and the same masks/noise stream for the same seed) and return its
    ``Result``. Deterministic. Raises TrainingDiverged if the loss becomes NaN or infinite."""
    for result in training(settings):
        pass
    return result

PREVIEW_MASKS = 3
"""Masks a Monte-Carlo preview averages (the final picture: ``k``)."""


def training(settings, first=None, every=0.15, steps=False, first_epochs=2):
    """``train(settings)`` step by step: yields a preview ``Result`` (``done=False``) of the
    network so far once ``first`` seconds have passed and then every ``every`` seconds, and the
    final one (``done=True``, the same as ``train``'s) last. ``first=None``: no previews.

    The network trains ``record_every`` epochs at a time (the history is recorded at the same
    epochs either way); with previews the first step is only ``first_epochs`` long, so the first
    picture comes early (its record, off the recording grid, is dropped again afterwards). A
    preview is skipped when the end seems nearer than a preview costs. Previews with the
    Monte-Carlo rule average ``PREVIEW_MASKS`` masks (at most ``k``) and evaluate the map on a
    grid of half the resolution: k = 10 masks cost ~20 ms a preview, 3 masks ~7 ms.
    ``steps=True`` also yields None after every step without a preview (a panel then runs the
    training in steps on the kernel's event loop, see ``jobs``)."""
    start = time.perf_counter()
    every_n = settings.record_every
    with one_blas_thread():
        run = _Run(settings)
        frame, shown = start, 0
        while run.epoch < settings.epochs:
            t0, before = time.perf_counter(), run.epoch
            n = first_epochs if first is not None and run.epoch == 0 else every_n - run.epoch % every_n
            run.step(min(n, settings.epochs - run.epoch))
            run.drop_off_grid()
            if run.epoch >= settings.epochs:
                break
            now = time.perf_counter()
            left = (now - t0) / (run.epoch - before) * (settings.epochs - run.epoch)
            if first is not None and now - frame >= (every if shown else first) and left > 0.02:
                mc = settings.test_rule == "mc"
                result = run.result(now - start, resolution=settings.resolution // 2 if mc
                                    else None, k=min(settings.k, PREVIEW_MASKS) if mc else None)
                yield dataclasses.replace(result, done=False)
                frame, shown = time.perf_counter(), shown + 1
            elif steps:
                yield None
        result = run.result()  # the predictions (k masks with Monte-Carlo) count in the time
    yield dataclasses.replace(result, seconds=time.perf_counter() - start)

class Explorer:
    """``train`` with an LRU cache keyed by the frozen settings: a result seen before comes back
    at once. ``maxsize=0`` turns the cache off. ``hits`` / ``misses`` count the look-ups."""

    def __init__(self, maxsize=64):
        self.maxsize = checks.integer("maxsize", maxsize, minimum=0)
        self._cache = OrderedDict()
        self.hits = self.misses = 0

    def result(self, settings):
        if settings in self._cache:
            self.hits += 1
            self._cache.move_to_end(settings)
            return self._cache[settings]
        self.misses += 1
        return self.store(train(settings))

    def store(self, result):
        """Keep ``result`` (trained elsewhere, e.g. in the background) under its settings."""
        if self.maxsize:
            self._cache[result.settings] = result
            self._cache.move_to_end(result.settings)
            while len(self._cache) > self.maxsize:
                self._cache.popitem(last=False)
        return result

    def __contains__(self, settings):
        return settings in self._cache

    def __len__(self):
        return len(self._cache)

    def clear(self):
        self._cache.clear()

class LiveTrainer:
    """Live mode: one network that keeps training while its regularizer changes.

    ``step(n)`` trains n more epochs (``step(n, seconds)``: fewer if they would take longer).
    ``update(**changes)`` applies new settings: the penalty, λ, decoupled, p (keep), dropout
    rule, σ, η, momentum and the label corruption change the running network, optimizer or
    labels in place (warm start); a change of the data set, its noise, size
    or seed, or of the architecture, starts over (returns True then). ``reset()`` starts over from
    the initial weights. After a divergence the next ``step`` starts over by itself.
    The history is kept below ``max_records`` points by thinning it.
    """

    def __init__(self, settings=None, max_records=400):
        self.max_records = checks.integer("max_records", max_records, minimum=4)
        self.epoch_seconds = 0.0  # what an epoch took in the last steps (``step(seconds=)``)
        self.reset(Settings() if settings is None else settings)

    @property
    def epoch(self):
        return self._run.epoch

    @property
    def net(self):
        return self._run.net

    @property
    def optimizer(self):
        return self._run.opt

    @property
    def data(self):
        return self._run.data

    def reset(self, settings=None):
        """Start over (epoch 0, the initial weights of the seed), optionally with new settings."""
        if settings is not None:
            if not isinstance(settings, Settings):
                checks.fail("settings", "a regutils.panels.Settings", settings, TypeError)
            self.settings = settings
        self._run = _Run(self.settings)
        self.diverged = False
        return self

    def update(self, **changes):
        """Change settings; returns True if this had to start over (data or architecture)."""
        new = self.settings.replace(**changes)
        if new == self.settings:
            return False
        restart = any(getattr(new, f) != getattr(self.settings, f) for f in RESTART_FIELDS)
        old = self.settings
        self.settings = new
        if restart:
            self.reset()
            return True
        run = self._run
        run.settings = new
        if new.corruption != old.corruption:  # new labels for the same inputs, same network
            run.data = make_data(new)
        if new.optimizer != old.optimizer:
            run.opt = make_optimizer(new)
        run.opt.lr = new.lr
        if isinstance(run.opt, SGD):
            run.opt.momentum = new.momentum
        _apply_penalty(run.net, run.opt, new)
        _apply_layers(run.net, new)
        if new.record_every != old.record_every:
            run.record_every = new.record_every
        return False

    def step(self, n_epochs=1, seconds=None):
        """Train ``n_epochs`` more epochs, or fewer (at least one) where they would take longer
        than ``seconds``, by what the last steps took an epoch (``epoch_seconds``, smoothed).
        Raises TrainingDiverged (the next step starts over). The history keeps its grid (every
        ``record_every`` epochs) and the epoch reached."""
        n_epochs = checks.integer("n_epochs", n_epochs, minimum=0)
        if seconds is not None and checks.positive("seconds", seconds) and self.epoch_seconds:
            n_epochs = min(n_epochs, max(1, int(seconds / self.epoch_seconds)))
        if self.diverged:
            self.reset()
        start = time.perf_counter()
        try:
            with one_blas_thread():
                self._run.step(n_epochs)
        except TrainingDiverged:
            self.diverged = True
            raise
        if n_epochs:  # (one slow step, another process say, at most halves the next one)
            cost = (time.perf_counter() - start) / n_epochs
            self.epoch_seconds = (self.epoch_seconds + cost) / 2 if self.epoch_seconds else cost
        self._run.drop_off_grid()  # (the last step's end, if it was off the grid)
        self._run.thin(self.max_records)
        return self

    def result(self):
        """A ``Result`` of the running network (what a panel draws)."""
        with one_blas_thread():
            return self._run.result()
