"""The settings of an explorer panel: one frozen ``Settings`` says everything about one experiment
(data set and its noise, network, regularizer, optimizer, epoch budget). Pure: no widgets, no
figures.

Conventions: p = ``keep_prob`` is the probability of KEEPING a unit; ``rule`` is the dropout rule
("inverted" or "vanilla"), ``test_rule`` the prediction rule ("scale" or "mc"); ``input_sigma`` /
``hidden_sigma`` are the σ of the noise layers, ``noise`` the noise of the 2-D data set.
``decoupled=True`` takes the penalty out of the loss: L2 becomes the optimizer's weight decay
w ← (1 − ηλ)w − η·step (AdamW for Adam), L1 the proximal step w ← sign(w)·max(|w| − ηλ, 0).
"""
import dataclasses
from dataclasses import dataclass

import numpy as np

from .. import checks
from ..data import DATASETS_2D
from ..layers import RULES
from ..model import TEST_RULES


DATASETS = DATASETS_2D + ("digits",)

PENALTIES = ("none", "l1", "l2")

OPTIMIZERS = ("adam", "sgd")

ZERO_TOL = 1e-3  # |w| below this counts as "zero" in the numbers line

# Upper bounds: a panel answers within seconds, never hours (a mistyped 10**4 is an error).
MAX = {"n_train": 5000, "n_test": 20000, "hidden": 1024, "k": 500, "epochs": 5000,
       "resolution": 200}

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
        s(self, "n_train", checks.integer("n_train", self.n_train, 4, MAX["n_train"]))
        s(self, "n_test", checks.integer("n_test", self.n_test, 4, MAX["n_test"]))
        s(self, "corruption", checks.in_range("corruption", self.corruption, 0, 1))
        s(self, "seed", checks.integer("seed", self.seed, minimum=0))
        if isinstance(self.hidden, (int, np.integer)):
            s(self, "hidden", (self.hidden,))
        if not isinstance(self.hidden, (tuple, list)) or not self.hidden:
            checks.fail("hidden", "a non-empty tuple of layer sizes, e.g. (64, 64)", self.hidden,
                        TypeError)
        s(self, "hidden", tuple(checks.integer(f"hidden[{i}]", h, 1, MAX["hidden"])
                                for i, h in enumerate(self.hidden)))
        checks.choice("penalty", self.penalty, PENALTIES)
        s(self, "lam", checks.nonnegative("lam", self.lam))
        s(self, "decoupled", checks.boolean("decoupled", self.decoupled))
        s(self, "keep_prob", checks.keep_prob(self.keep_prob))
        checks.choice("rule", self.rule, RULES)
        checks.choice("test_rule", self.test_rule, TEST_RULES)
        s(self, "k", checks.integer("k", self.k, 1, MAX["k"]))
        s(self, "input_sigma", checks.nonnegative("input_sigma", self.input_sigma))
        s(self, "hidden_sigma", checks.nonnegative("hidden_sigma", self.hidden_sigma))
        checks.choice("optimizer", self.optimizer, OPTIMIZERS)
        s(self, "lr", checks.positive("lr", self.lr))
        s(self, "momentum", checks.in_range("momentum", self.momentum, 0, 1, high_open=True))
        s(self, "epochs", checks.integer("epochs", self.epochs, 0, MAX["epochs"]))
        if self.batch_size is not None:
            s(self, "batch_size", checks.integer("batch_size", self.batch_size, minimum=1))
        s(self, "record_every", checks.integer("record_every", self.record_every, minimum=1))
        s(self, "resolution", checks.integer("resolution", self.resolution, 2, MAX["resolution"]))
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
