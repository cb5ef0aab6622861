"""Data: 2-D toy sets, the 8×8 digits that scikit-learn ships, splits, and Zhang et al.'s variants.

Every function that draws random numbers takes ``seed`` (an integer >= 0 or a numpy Generator).
"""
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import checks

DATASETS_2D = ("moons", "circles", "spiral", "xor")


def _two_d(name, n, noise, seed):
    n = checks.integer("n", n, minimum=2)
    noise = checks.nonnegative("noise", noise)
    return n, noise, checks.rng("seed", seed)


def make_moons(n=200, noise=0.2, seed=0):
    """Two interleaving half circles. Returns X (n, 2) and y (n,) in {0, 1}."""
    n, noise, rng = _two_d("moons", n, noise, seed)
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    y = np.r_[np.zeros(n0, int), np.ones(n - n0, int)]
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(n)
    return X[order] - [0.5, 0.25], y[order]


def make_circles(n=200, noise=0.1, seed=0, factor=0.5):
    """A small circle (class 1) inside a large one (class 0)."""
    n, noise, rng = _two_d("circles", n, noise, seed)
    factor = checks.in_range("factor", factor, 0, 1, low_open=True, high_open=True)
    n0 = n // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n - n0, endpoint=False)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], factor * np.c_[np.cos(t1), np.sin(t1)]])
    y = np.r_[np.zeros(n0, int), np.ones(n - n0, int)]
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(n)
    return X[order], y[order]


def make_spiral(n=200, noise=0.2, seed=0, turns=1.5):
    """Two interleaved spiral arms."""
    n, noise, rng = _two_d("spiral", n, noise, seed)
    turns = checks.positive("turns", turns)
    n0 = n // 2
    Xs, ys = [], []
    for label, m in ((0, n0), (1, n - n0)):
        r = np.linspace(0.1, 1.0, m)
        t = turns * 2 * np.pi * r + label * np.pi
        Xs.append(np.c_[r * np.cos(t), r * np.sin(t)])
        ys.append(np.full(m, label))
    X = np.concatenate(Xs) + 0.5 * noise * rng.standard_normal((n, 2))
    order = rng.permutation(n)
    return X[order], np.concatenate(ys)[order]


def make_xor(n=200, noise=0.2, seed=0):
    """Points in the square [-1, 1]²; class 1 where x₁·x₂ < 0 (the XOR of the signs), n//2 of
    class 0 and the rest of class 1, each spread uniformly over its two quadrants."""
    n, noise, rng = _two_d("xor", n, noise, seed)
    y = rng.permutation(np.r_[np.zeros(n // 2, int), np.ones(n - n // 2, int)])
    X = rng.uniform(0, 1, size=(n, 2))
    s = rng.choice([-1.0, 1.0], size=n)  # which of its class's two quadrants a point lies in
    X[:, 0] *= s
    X[:, 1] *= np.where(y == 1, -s, s)
    return X + noise * 0.5 * rng.standard_normal(X.shape), y


_MAKERS = {"moons": make_moons, "circles": make_circles, "spiral": make_spiral, "xor": make_xor}


def make_2d(name="moons", n=200, noise=0.2, seed=0):
    """One of the 2-D sets by name: ``"moons"``, ``"circles"``, ``"spiral"`` or ``"xor"``."""
    checks.choice("name", name, DATASETS_2D)
    return _MAKERS[name](n=n, noise=noise, seed=seed)


@dataclass
class Digits:
    """The 8×8 digits: X (n, 64) in [0, 1], y (n,) in 0..9, images (n, 8, 8) for plotting."""

    X: np.ndarray
    y: np.ndarray
    images: np.ndarray

    def __repr__(self):
        return f"Digits({len(self.y)} images of 8×8 pixels in [0, 1], classes 0..9)"


def load_digits():
    """The 1,797 handwritten digits that scikit-learn ships (no download), pixels divided by 16.

    Not standardized per pixel on purpose: pixels that are constant in a training split would blow
    up at test time. The file is read straight from scikit-learn's folder, as its own
    ``load_digits`` does, without importing ``sklearn.datasets`` (a second of every notebook's
    start; tests/test_data.py checks that both give the same digits).
    """
    import gzip
    import importlib.util

    spec = importlib.util.find_spec("sklearn")  # finds the folder, imports nothing
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("load_digits needs scikit-learn, which ships the digits: "
                                  "pip install -r requirements.txt")
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",")
    X = data[:, :-1] / 16.0
    return Digits(X=X, y=data[:, -1].astype(np.int64), images=X.reshape(-1, 8, 8))


def train_test_split(X, y, test_size=0.25, seed=0, stratify=True):
    """Seeded split; with ``stratify`` each class keeps its share in both parts.

    Returns X_train, X_test, y_train, y_test (scikit-learn's order).
    """
    X, y = np.asarray(X), np.asarray(y)  # checked below; the parts keep the dtypes given
    checks.finite_array("X", X)
    if X.ndim < 2:
        checks.fail("X.ndim", ">= 2 (one row per example)", X.ndim)
    stratify = checks.boolean("stratify", stratify)
    checks.finite_array("y", y)
    if stratify:
        if y.dtype.kind == "f" and not np.all(y == np.round(y)):
            checks.fail("y", "class labels when stratify=True (use stratify=False for real targets)",
                        f"array of dtype {y.dtype}")
        checks.labels("y", y, n=len(X))
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of rows, got {len(X)} and {len(y)}")
    checks.in_range("test_size", test_size, 0, 1, low_open=True, high_open=True)
    rng = checks.rng("seed", seed)
    if stratify:
        test = []
        for c in np.unique(y):
            idx = rng.permutation(np.flatnonzero(y == c))
            test.append(idx[:int(round(test_size * len(idx)))])
        test = np.sort(np.concatenate(test))
    else:
        test = np.sort(rng.permutation(len(y))[:int(round(test_size * len(y)))])
    if len(test) in (0, len(y)):
        checks.fail("test_size", f"a share that leaves both parts non-empty for {len(y)} rows",
                    test_size)
    is_test = np.zeros(len(y), bool)
    is_test[test] = True
    train = rng.permutation(np.flatnonzero(~is_test))
    return X[train], X[test], y[train], y[test]


def train_val_test_split(X, y, val_size=0.2, test_size=0.25, seed=0, stratify=True):
    """Three seeded parts: train (to fit), validation (to choose λ, p, σ or the epoch) and test
    (to report the chosen setting once). ``val_size`` and ``test_size`` are shares of all rows.

    The test part is the one ``train_test_split(X, y, test_size, seed)`` gives, so a test error
    reported here is on the same points as one reported with the two-way split.
    Returns X_train, X_val, X_test, y_train, y_val, y_test.
    """
    val_size = checks.in_range("val_size", val_size, 0, 1, low_open=True, high_open=True)
    test_size = checks.in_range("test_size", test_size, 0, 1, low_open=True, high_open=True)
    if val_size + test_size >= 1:
        checks.fail("val_size + test_size", "< 1 (something must be left to train on)",
                    val_size + test_size)
    rng = checks.rng("seed", seed)
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size, rng, stratify)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, val_size / (1 - test_size),
                                                      rng, stratify)
    return X_train, X_val, X_test, y_train, y_val, y_test


def digits_split(seed=0):
    """The lecture's digits split: ``load_digits()`` (pixels / 16), 75/25 stratified, seeded.
    Returns X_train, X_test, y_train, y_test."""
    checks.rng("seed", seed)
    d = load_digits()
    return train_test_split(d.X, d.y, 0.25, seed=seed)


def corrupt_labels(y, fraction, n_classes=None, seed=0):
    """Zhang et al. 2017's label corruption: each label is, with probability ``fraction``, replaced
    by a class drawn uniformly from all ``n_classes`` (so ≈ fraction·(C−1)/C labels change).
    fraction = 1.0 gives completely random labels.
    """
    y = checks.labels("y", y)
    fraction = checks.in_range("fraction", fraction, 0, 1)
    n_classes = int(y.max()) + 1 if n_classes is None else checks.integer("n_classes", n_classes, 2)
    y = checks.labels("y", y, n_classes=n_classes)  # a label outside 0..C−1 would survive unchanged
    rng = checks.rng("seed", seed)
    redraw = rng.random(len(y)) < fraction
    new = rng.integers(0, n_classes, size=len(y))
    return np.where(redraw, new, y)


def shuffle_pixels(X, seed=0):
    """One fixed random permutation of the pixels, applied to every image (Zhang et al.'s
    "shuffled pixels"): the images lose their spatial structure, but remain consistent."""
    X = checks.finite_array("X", X, ndim=2)
    return X[:, checks.rng("seed", seed).permutation(X.shape[1])]


def random_pixels(X, seed=0):
    """A different random permutation for every image (Zhang et al.'s "random pixels")."""
    X = checks.finite_array("X", X, ndim=2)
    rng = checks.rng("seed", seed)
    return np.take_along_axis(X, rng.random(X.shape).argsort(axis=1), axis=1)


def gaussian_pixels(X, seed=0):
    """Pixels replaced by Gaussian noise with the data's mean and standard deviation, clipped to
    [0, 1] (Zhang et al.'s "Gaussian")."""
    X = checks.finite_array("X", X, ndim=2)
    rng = checks.rng("seed", seed)
    return np.clip(X.mean() + X.std() * rng.standard_normal(X.shape), 0, 1)


def grid_points(extent, resolution=80, dtype=np.float64):
    """The (R·R, 2) points of a regular grid over ``extent`` (xmin, xmax, ymin, ymax, a tuple),
    row by row from the bottom. Cached and read-only: a panel evaluates the same grid each time.
    ``resolution``: R, 2..2000 (2000² points are finer than any figure's pixels); ``dtype``:
    float32 or float64."""
    allowed = "(xmin, xmax, ymin, ymax): 4 finite numbers with xmin < xmax and ymin < ymax"
    box = checks.finite_array("extent", extent)
    if box.shape != (4,) or not (box[0] < box[1] and box[2] < box[3]):
        checks.fail("extent", allowed, extent)
    resolution = checks.integer("resolution", resolution, 2, 2000)
    try:
        ok = dtype is not None and np.dtype(dtype) in (np.float32, np.float64)
    except TypeError:
        ok = False
    if not ok:
        checks.fail("dtype", "float32 or float64", dtype, TypeError)
    return _grid_points(tuple(float(v) for v in box), resolution, np.dtype(dtype))


@functools.lru_cache(maxsize=16)
def _grid_points(extent, resolution, dtype):
    xmin, xmax, ymin, ymax = extent
    xs = np.linspace(xmin, xmax, resolution)
    ys = np.linspace(ymin, ymax, resolution)
    xx, yy = np.meshgrid(xs, ys)
    grid = np.c_[xx.ravel(), yy.ravel()].astype(dtype)
    grid.flags.writeable = False
    return grid
