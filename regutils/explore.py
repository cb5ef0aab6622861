"""The pure compute behind the explorer panels (``regutils.widgets``): no widgets, no figures.

A frozen ``Settings`` says everything about one experiment — the data set and its noise, the
network, the regularizer (penalty and λ, dropout's p (keep) and rule, noise σ), the optimizer and
the epoch budget. Two ways to use it, as in the panels:

- **compare**: ``train(settings) -> Result`` trains from the same initial weights (drawn from
  ``seed``) on the same data for ``settings.epochs`` epochs, so two results differ only by the
  settings that differ. ``Explorer`` caches results per settings (an LRU dict), so returning to a
  slider value is instant.
- **live**: ``LiveTrainer(settings)`` holds a network, an optimizer and a history; ``step(n)``
  trains n more epochs; ``update(lam=...)`` changes the regularizer of the *running* network in
  place (warm start, no reset); ``reset()`` starts over from the initial weights.

Conventions: p = ``keep_prob`` is the probability of KEEPING a unit; L2 is λ·½‖w‖² (gradient λw),
L1 is λ‖w‖₁ (λ·sign(w)). ``decoupled=True`` takes the penalty out of the loss: L2 becomes the
optimizer's weight decay w ← (1 − ηλ)w − η·step (SGD: the same update as the L2 gradient without
momentum; AdamW for Adam), L1 becomes the proximal step w ← sign(w)·max(|w| − ηλ, 0) after each
update (ISTA), which sets weights exactly to 0. Biases are never penalized.

    >>> s = Settings(dataset="moons", penalty="l2", lam=1e-3, epochs=50)
    >>> r = train(s)
    >>> sorted(r.metrics)
    ['gap', 'l1', 'l2', 'test_acc', 'train_acc', 'zero_share']
"""
import dataclasses
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import checks
from .data import DATASETS_2D, corrupt_labels, load_digits, make_2d, train_test_split
from .layers import RULES, Dense, Dropout, GaussianNoise, ReLU
from .model import TEST_RULES, Network
from .optim import SGD, Adam
from .train import History, TrainingDiverged, evaluate, fit, one_blas_thread

DATASETS = DATASETS_2D + ("digits",)
PENALTIES = ("none", "l1", "l2")
OPTIMIZERS = ("adam", "sgd")
ZERO_TOL = 1e-3  # |w| below this counts as "zero" in the numbers line

# Settings whose change makes a running network start over (LiveTrainer.update): new data or a
# new architecture. Every other setting is applied to the running network in place.
RESTART_FIELDS = ("dataset", "noise", "n_train", "n_test", "seed", "hidden", "dtype")


@dataclass(frozen=True)
class Settings:
    """One experiment. Frozen and hashable: it is the key of the result cache.

    Data: ``dataset`` ("moons", "circles", "spiral", "xor" or "digits"), ``noise`` (2-D sets
    only), ``n_train`` / ``n_test`` points (2-D; digits use a 75/25 split), ``corruption`` (share
    of training labels redrawn uniformly, Zhang et al.), ``seed`` (data, split, initial weights,
    masks and noise all derive from it).
    Network: ``hidden`` sizes (ReLU), ``keep_prob`` p and dropout ``rule`` on every hidden layer,
    ``input_sigma`` / ``hidden_sigma`` Gaussian noise (fresh every epoch, training only).
    Regularizer: ``penalty`` ("none", "l1", "l2"), ``lam`` λ, ``decoupled``.
    Training: ``optimizer`` ("adam" or "sgd" with ``momentum``), ``lr`` η, ``epochs``,
    ``batch_size`` (None: full batch), ``record_every`` (history resolution in epochs).
    Test time: ``test_rule`` ("scale": weight scaling; "mc": average over ``k`` random masks).
    ``resolution``: the probability map is resolution × resolution; ``dtype``: "float32"/"float64".
    """

    dataset: str = "moons"
    noise: float = 0.25
    n_train: int = 200
    n_test: int = 1000
    corruption: float = 0.0
    seed: int = 0
    hidden: tuple = (64, 64)
    penalty: str = "none"
    lam: float = 0.0
    decoupled: bool = False
    keep_prob: float = 1.0
    rule: str = "inverted"
    test_rule: str = "scale"
    k: int = 20
    input_sigma: float = 0.0
    hidden_sigma: float = 0.0
    optimizer: str = "adam"
    lr: float = 0.02
    momentum: float = 0.9
    epochs: int = 150
    batch_size: int = None
    record_every: int = 10
    resolution: int = 60
    dtype: str = "float32"

    def __post_init__(self):
        s = object.__setattr__
        checks.choice("dataset", self.dataset, DATASETS)
        s(self, "noise", checks.nonnegative("noise", self.noise))
        s(self, "n_train", checks.integer("n_train", self.n_train, minimum=4))
        s(self, "n_test", checks.integer("n_test", self.n_test, minimum=4))
        s(self, "corruption", checks.in_range("corruption", self.corruption, 0, 1))
        s(self, "seed", checks.integer("seed", self.seed, minimum=0))
        if isinstance(self.hidden, (int, np.integer)):
            s(self, "hidden", (self.hidden,))
        if not isinstance(self.hidden, (tuple, list)) or not self.hidden:
            checks.fail("hidden", "a non-empty tuple of layer sizes, e.g. (64, 64)", self.hidden,
                        TypeError)
        s(self, "hidden", tuple(checks.integer(f"hidden[{i}]", h, minimum=1)
                                for i, h in enumerate(self.hidden)))
        checks.choice("penalty", self.penalty, PENALTIES)
        s(self, "lam", checks.nonnegative("lam", self.lam))
        if not isinstance(self.decoupled, (bool, np.bool_)):
            checks.fail("decoupled", "True or False", self.decoupled, TypeError)
        s(self, "decoupled", bool(self.decoupled))
        s(self, "keep_prob", checks.keep_prob(self.keep_prob))
        checks.choice("rule", self.rule, RULES)
        checks.choice("test_rule", self.test_rule, TEST_RULES)
        s(self, "k", checks.integer("k", self.k, minimum=1))
        s(self, "input_sigma", checks.nonnegative("input_sigma", self.input_sigma))
        s(self, "hidden_sigma", checks.nonnegative("hidden_sigma", self.hidden_sigma))
        checks.choice("optimizer", self.optimizer, OPTIMIZERS)
        s(self, "lr", checks.positive("lr", self.lr))
        s(self, "momentum", checks.in_range("momentum", self.momentum, 0, 1, high_open=True))
        s(self, "epochs", checks.integer("epochs", self.epochs, minimum=0))
        if self.batch_size is not None:
            s(self, "batch_size", checks.integer("batch_size", self.batch_size, minimum=1))
        s(self, "record_every", checks.integer("record_every", self.record_every, minimum=1))
        s(self, "resolution", checks.integer("resolution", self.resolution, minimum=2))
        checks.choice("dtype", self.dtype, ("float32", "float64"))

    def replace(self, **changes):
        """A copy with some fields changed (validated); unknown names raise TypeError."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            checks.fail("setting", "one of " + ", ".join(f.name for f in dataclasses.fields(self)),
                        sorted(unknown)[0], TypeError)
        return dataclasses.replace(self, **changes)

    @property
    def is_2d(self):
        return self.dataset != "digits"

    def data_key(self):
        """The fields the data depend on (a change of these means new data)."""
        if self.is_2d:
            return (self.dataset, self.noise, self.n_train, self.n_test, self.corruption, self.seed)
        return (self.dataset, self.corruption, self.seed)


def digits_settings(**changes):
    """Defaults for the 8×8 digits (corruption panel): a 64-512-10 net (Zhang et al.'s 1×512),
    Adam with η = 0.003, mini-batches of 128, 100 epochs — enough for clean labels to reach 100 %
    train accuracy by epoch ~16 and for completely random labels to be (almost) memorized too.
    (SGD with momentum needs several times more epochs to memorize random labels.)"""
    base = dict(dataset="digits", hidden=(512,), optimizer="adam", lr=0.003, momentum=0.9,
                epochs=100, batch_size=128, record_every=2)
    base.update(changes)
    return Settings(**base)


# -- data -------------------------------------------------------------------------------------
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


@lru_cache(maxsize=16)
def _grid(extent, resolution, dtype):
    xmin, xmax, ymin, ymax = extent
    xx, yy = np.meshgrid(np.linspace(xmin, xmax, resolution), np.linspace(ymin, ymax, resolution))
    grid = np.c_[xx.ravel(), yy.ravel()].astype(dtype)
    grid.flags.writeable = False
    return grid


# -- network and optimizer --------------------------------------------------------------------
def build_network(settings, n_inputs=None, n_classes=None):
    """The network of ``settings``, with every noise and dropout slot present (σ = 0 and p = 1 are
    the identity), so a running network can switch them on in place.

    Layers: GaussianNoise(input_sigma), then for each hidden size Dense → ReLU →
    GaussianNoise(hidden_sigma) → Dropout(keep_prob, rule), then the output Dense. The seeds are
    spawned exactly as ``regutils.MLP`` spawns them, so the initial weights equal
    ``MLP([D, *hidden, C], seed=seed)``'s and do not depend on p, σ or λ.
    """
    s = settings
    if n_inputs is None or n_classes is None:
        data = make_data(s)
        n_inputs, n_classes = data.X.shape[1], data.n_classes
    sizes = [n_inputs, *s.hidden, n_classes]
    seeds = np.random.SeedSequence(s.seed).spawn(3 * len(sizes))
    dtype = np.dtype(s.dtype)
    layers = [GaussianNoise(s.input_sigma, seed=seeds[-2])]
    n_layers = len(sizes) - 1
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = i == n_layers - 1
        layers.append(Dense(n_in, n_out, seed=seeds[3 * i], gain=1.0 if last else 2.0, dtype=dtype))
        if last:
            break
        layers += [ReLU(), GaussianNoise(s.hidden_sigma, seed=seeds[3 * i + 1]),
                   Dropout(s.keep_prob, s.rule, seed=seeds[3 * i + 2])]
    net = Network(layers)
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


# -- training ---------------------------------------------------------------------------------
class _Run:
    """The mutable state of one training run: network, optimizer, data, history, epoch, rng."""

    def __init__(self, settings):
        self.settings = settings
        self.data = make_data(settings)
        self.net = build_network(settings, self.data.X.shape[1], self.data.n_classes)
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

    def step(self, n_epochs):
        """Train ``n_epochs`` more epochs with ``regutils.fit`` (warm start: the history, the
        optimizer's state and the batch stream go on); raises TrainingDiverged on NaN/inf."""
        d = self.data
        fit(self.net, self.opt, d.X, d.y, d.X_test, d.y_test, epochs=n_epochs,
            batch_size=self.settings.batch_size, seed=self.rng, history=self.history,
            eval_every=self.record_every)
        self.epoch += n_epochs

    def result(self, seconds=0.0):
        """A ``Result`` of the network as it is now."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._result(seconds)

    def _result(self, seconds):
        s, d, net = self.settings, self.data, self.net
        if self.history["epoch"][-1] != self.epoch:
            self._record()
        seed = s.seed
        train_acc = net.accuracy(d.X, d.y, rule=s.test_rule, k=s.k, seed=seed)
        test_acc = net.accuracy(d.X_test, d.y_test, rule=s.test_rule, k=s.k, seed=seed)
        weights = tuple(w.copy() for w in net.weights())
        flat = np.concatenate([w.ravel() for w in weights]).astype(np.float64)
        metrics = {"train_acc": train_acc, "test_acc": test_acc, "gap": train_acc - test_acc,
                   "l2": float(np.sqrt(flat @ flat)), "l1": float(np.abs(flat).sum()),
                   "zero_share": float(np.mean(np.abs(flat) < ZERO_TOL))}
        proba = None
        if d.extent is not None:
            grid = _grid(d.extent, s.resolution, s.dtype)
            proba = net.predict_proba(grid, rule=s.test_rule, k=s.k, seed=seed)[:, 1]
            proba = proba.reshape(s.resolution, s.resolution).astype(np.float32)
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
    weights, no biases), zero_share = share of |w| < 1e-3; ``seconds``: training time."""

    settings: Settings
    epochs: int
    history: dict
    weights: tuple
    proba: np.ndarray
    metrics: dict
    seconds: float = 0.0


def train(settings):
    """Compare mode: train a fresh network of ``settings`` for ``settings.epochs`` epochs (same
    initial weights, same data and the same masks/noise stream for the same seed) and return its
    ``Result``. Deterministic. Raises TrainingDiverged if the loss becomes NaN or infinite."""
    start = time.perf_counter()
    with one_blas_thread():
        run = _Run(settings)
        run.step(settings.epochs)
        return run.result(time.perf_counter() - start)


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
        result = train(settings)
        if self.maxsize:
            self._cache[settings] = result
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

    ``step(n)`` trains n more epochs. ``update(**changes)`` applies new settings: the penalty, λ,
    decoupled, p (keep), dropout rule, σ, η, momentum and the label corruption change the running
    network, optimizer or labels in place (warm start); a change of the data set, its noise, size
    or seed, or of the architecture, starts over (returns True then). ``reset()`` starts over from
    the initial weights. After a divergence the next ``step`` starts over by itself.
    The history is kept below ``max_records`` points by thinning it.
    """

    def __init__(self, settings=None, max_records=400):
        self.max_records = checks.integer("max_records", max_records, minimum=4)
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
                checks.fail("settings", "a regutils.explore.Settings", settings, TypeError)
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
        if isinstance(run.opt, SGD) and not isinstance(run.opt, Adam):
            run.opt.momentum = new.momentum
        _apply_penalty(run.net, run.opt, new)
        _apply_layers(run.net, new)
        if new.record_every != old.record_every:
            run.record_every = new.record_every
        return False

    def step(self, n_epochs=1):
        """Train ``n_epochs`` more epochs (raises TrainingDiverged; the next step starts over)."""
        n_epochs = checks.integer("n_epochs", n_epochs, minimum=0)
        if self.diverged:
            self.reset()
        try:
            with one_blas_thread():
                self._run.step(n_epochs)
        except TrainingDiverged:
            self.diverged = True
            raise
        self._run.thin(self.max_records)
        return self

    def result(self):
        """A ``Result`` of the running network (what a panel draws)."""
        with one_blas_thread():
            return self._run.result()
