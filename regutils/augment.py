"""Data augmentation: transforms of x that keep the label y, drawn afresh every epoch.

Pure functions act on image batches (N, 8, 8) or flat rows (N, 64) with ``shape=(8, 8)``; the
classes ``RandomShift``, ``RandomFlip`` and ``Jitter`` are hooks for ``fit(..., augment=...)``:
``hook(X, y, rng) -> (X_new, y)`` with the labels unchanged.
"""
import numpy as np

from . import checks


def _shape(shape):
    """(height, width): two integers >= 1."""
    if not (isinstance(shape, tuple) and len(shape) == 2):
        checks.fail("shape", "a pair (height, width), e.g. (8, 8)", shape, TypeError)
    return tuple(checks.integer(f"shape[{i}]", v, minimum=1) for i, v in enumerate(shape))


def _as_images(X, shape):
    shape = _shape(shape)
    X = np.asarray(X)
    if X.dtype.kind not in "fiub":
        checks.fail("X", "an array of pixel values", f"array of dtype {X.dtype}", TypeError)
    if X.dtype.kind == "f" and not np.all(np.isfinite(X)):
        raise ValueError("X must contain only finite numbers, got NaN/inf pixels")
    size = int(np.prod(shape))
    if not (X.ndim == 3 or (X.ndim == 2 and X.shape[1] == size)):
        checks.fail("X.shape", f"(N, {size}) rows or (N, {shape[0]}, {shape[1]}) images", X.shape)
    if X.ndim == 2:
        return X.reshape(len(X), *shape), True
    return X, False


def flip_horizontal(X, shape=(8, 8)):
    """Mirror every image left ↔ right."""
    images, flat = _as_images(X, shape)
    out = images[:, :, ::-1]
    return out.reshape(len(out), -1) if flat else out


def flip_vertical(X, shape=(8, 8)):
    """Mirror every image top ↔ bottom."""
    images, flat = _as_images(X, shape)
    out = images[:, ::-1, :]
    return out.reshape(len(out), -1) if flat else out


def shift(X, dx, dy, shape=(8, 8)):
    """Move every image by dx pixels right and dy pixels down; pixels moved in are 0 (no wrap)."""
    dx = checks.integer("dx", dx)
    dy = checks.integer("dy", dy)
    images, flat = _as_images(X, shape)
    h, w = images.shape[1:]
    out = np.zeros_like(images)
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    if abs(dx) < w and abs(dy) < h:
        out[:, yd, xd] = images[:, ys, xs]
    return out.reshape(len(out), -1) if flat else out


def random_shift(X, rng, max_shift=1, shape=(8, 8)):
    """Each image moved by its own (dx, dy), each uniform in -max_shift..max_shift."""
    max_shift = checks.integer("max_shift", max_shift, minimum=0)
    rng = checks.rng("rng", rng)
    images, flat = _as_images(X, shape)
    d = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
    out = np.empty_like(images)
    for dx in range(-max_shift, max_shift + 1):
        for dy in range(-max_shift, max_shift + 1):
            rows = (d[:, 0] == dx) & (d[:, 1] == dy)
            if rows.any():
                out[rows] = shift(images[rows], dx, dy)
    return out.reshape(len(out), -1) if flat else out


def jitter(X, rng, sigma=0.1):
    """Gaussian input noise: X + σ·ε, ε ~ N(0, I), fresh for every call. Labels stay as they are."""
    sigma = checks.nonnegative("sigma", sigma)
    rng = checks.rng("rng", rng)
    X = checks.finite_array("X", X)  # integer pixels become floats, or the noise would round to 0
    return X + (sigma * rng.standard_normal(X.shape)).astype(X.dtype, copy=False)


class RandomShift:
    """fit hook: every image shifted by up to ``max_shift`` pixels each epoch."""

    def __init__(self, max_shift=1, shape=(8, 8)):
        self.max_shift = checks.integer("max_shift", max_shift, minimum=0)
        self.shape = _shape(shape)

    def __call__(self, X, y, rng):
        return random_shift(X, rng, self.max_shift, self.shape), y

    def __repr__(self):
        return f"RandomShift(max_shift={self.max_shift})"


class RandomFlip:
    """fit hook: each image mirrored (``"horizontal"`` or ``"vertical"``) with probability 0.5.

    Only label-preserving if the classes are symmetric that way: a mirrored 3 is no digit at all.
    """

    def __init__(self, direction="horizontal", shape=(8, 8)):
        self.direction = checks.choice("direction", direction, ("horizontal", "vertical"))
        self.shape = _shape(shape)

    def __call__(self, X, y, rng):
        flip = flip_horizontal if self.direction == "horizontal" else flip_vertical
        rows = rng.random(len(X)) < 0.5
        X = np.array(X, copy=True)
        X[rows] = flip(X[rows], self.shape)
        return X, y

    def __repr__(self):
        return f"RandomFlip({self.direction!r})"


class Jitter:
    """fit hook: Gaussian input noise with standard deviation σ, new every epoch."""

    def __init__(self, sigma=0.1):
        self.sigma = checks.nonnegative("sigma", sigma)

    def __call__(self, X, y, rng):
        return jitter(X, rng, self.sigma), y

    def __repr__(self):
        return f"Jitter(sigma={self.sigma:g})"
