"""Data augmentation: transforms of x that keep the label y, drawn afresh every epoch.

Pure functions act on image batches (N, 8, 8) or flat rows (N, 64) with ``shape=(8, 8)``; the
classes ``RandomShift``, ``RandomFlip``, ``Jitter``, ``RandomRotation``, ``RandomCrop``, ``RandomAffine`` and
``ElasticDistortion`` are hooks for ``fit(..., augment=...)``:
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


# -- geometric transforms: small rotations, crops, affine maps, elastic distortions ---------------
# Each output pixel q (row, column; pixel centres at 0..h-1) takes the input value at a point p of
# the input image, read by bilinear interpolation between the four nearest pixels (0 outside the
# image). For an affine map p = A (q − c) + c + t, with c the image centre.

def _sample(images, rows, cols):
    """Bilinear read of ``images`` (N, h, w) at float positions ``rows``, ``cols`` (N, h, w);
    positions outside the image read 0 (the images get a border of zeros, and every index is
    clipped into it)."""
    n, h, w = images.shape
    padded = np.zeros((n, h + 2, w + 2), dtype=np.result_type(images.dtype, np.float32))
    padded[:, 1:-1, 1:-1] = images
    flat = padded.reshape(n, -1)
    r0, c0 = np.floor(rows), np.floor(cols)
    fr, fc = (rows - r0).reshape(n, -1), (cols - c0).reshape(n, -1)
    r0 = r0.astype(np.intp).reshape(n, -1) + 1          # + 1: the border
    c0 = c0.astype(np.intp).reshape(n, -1) + 1
    out = 0.0
    for dr, wr in ((0, 1 - fr), (1, fr)):
        r = np.clip(r0 + dr, 0, h + 1) * (w + 2)
        for dc, wc in ((0, 1 - fc), (1, fc)):
            out = out + np.take_along_axis(flat, r + np.clip(c0 + dc, 0, w + 1), axis=1) * (wr * wc)
    return out.reshape(n, h, w).astype(flat.dtype, copy=False)


def _per_image(name, value, n, shape):
    """``value`` of the given trailing shape, or one per image (n, *shape); returned as (n, *shape)."""
    value = checks.finite_array(name, value)
    if value.shape == shape:
        return np.broadcast_to(value, (n, *shape))
    if value.shape != (n, *shape):
        checks.fail(f"{name}.shape", f"{shape} or {(n, *shape)} (one per image)", value.shape)
    return value


def affine(X, A, t=(0.0, 0.0), shape=(8, 8)):
    """Warp every image by an affine map about its centre c: the output pixel q takes the input
    value at A(q − c) + c + t (bilinear, 0 outside). A: (2, 2) or one per image (N, 2, 2), in
    (row, column) coordinates; t: (2,) or (N, 2) pixels. The identity A = I, t = 0 changes nothing."""
    images, flat = _as_images(X, shape)
    n, h, w = images.shape
    A = _per_image("A", A, n, (2, 2))
    t = _per_image("t", t, n, (2,))
    q = np.stack(np.meshgrid(np.arange(h) - (h - 1) / 2, np.arange(w) - (w - 1) / 2,
                             indexing="ij")).reshape(2, -1)        # (2, h·w), centred
    p = (A @ q + t[:, :, None]).reshape(n, 2, h, w)
    out = _sample(images, p[:, 0] + (h - 1) / 2, p[:, 1] + (w - 1) / 2)
    return out.reshape(n, -1) if flat else out


def _rotation(degrees):
    """A for a counterclockwise rotation (as seen on the screen) by ``degrees``: (N, 2, 2)."""
    a = np.deg2rad(degrees)
    cos, sin = np.cos(a), np.sin(a)
    return np.stack([np.stack([cos, sin], -1), np.stack([-sin, cos], -1)], -2)


def rotate(X, degrees, shape=(8, 8)):
    """Rotate every image counterclockwise by ``degrees`` (a number, or one per image) about its
    centre; corners that come from outside the image are 0. 90° equals ``np.rot90``."""
    images, flat = _as_images(X, shape)
    degrees = _per_image("degrees", degrees, len(images), ())
    out = affine(images, _rotation(degrees), shape=images.shape[1:])
    return out.reshape(len(out), -1) if flat else out


def crop_resize(X, top, left, size, shape=(8, 8)):
    """Cut the size×size window whose top-left pixel is (top, left) out of every image and stretch
    it back to the full image (bilinear): a crop that keeps the input size. ``top``, ``left``: a
    number or one per image, 0 .. h − size; size = h changes nothing."""
    images, flat = _as_images(X, shape)
    n, h, w = images.shape
    size = checks.number("size", size)
    if not 1 <= size <= min(h, w):
        checks.fail("size", f"in [1, {min(h, w)}] (the window must fit in the image)", size)
    top = _per_image("top", top, n, ())
    left = _per_image("left", left, n, ())
    if np.any(top < 0) or np.any(top > h - size) or np.any(left < 0) or np.any(left > w - size):
        checks.fail("top and left", f"in [0, {h - size:g}] (the window must fit)", (top, left))
    A = np.broadcast_to(np.array([[size / h, 0.0], [0.0, size / w]]), (n, 2, 2))
    t = np.stack([top + size / 2 - h / 2, left + size / 2 - w / 2], -1)
    out = affine(images, A, t, shape=(h, w))
    return out.reshape(n, -1) if flat else out


def _smoothing(n, sigma):
    """(n, n) Gaussian smoothing matrix with rows summing to 1."""
    i = np.arange(n)
    G = np.exp(-((i[:, None] - i[None, :]) ** 2) / (2 * sigma**2))
    return G / G.sum(axis=1, keepdims=True)


def elastic(X, rng, alpha=0.8, sigma=1.5, shape=(8, 8)):
    """Elastic distortion (Simard et al. 2003): every pixel is read from a nearby point, moved by
    a smooth random displacement field — uniform noise smoothed by a Gaussian of width ``sigma``
    pixels and scaled so that its root-mean-square displacement is ``alpha`` pixels."""
    alpha = checks.nonnegative("alpha", alpha)
    sigma = checks.positive("sigma", sigma)
    rng = checks.rng("rng", rng)
    images, flat = _as_images(X, shape)
    n, h, w = images.shape
    Gh, Gw = _smoothing(h, sigma), _smoothing(w, sigma)
    field = Gh @ rng.uniform(-1, 1, (n, 2, h, w)) @ Gw.T
    rms = np.sqrt(np.mean(field**2))
    field *= alpha / rms if rms > 0 else 0.0
    r, c = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    out = _sample(images, r + field[:, 0], c + field[:, 1])
    return out.reshape(n, -1) if flat else out


class RandomRotation:
    """fit hook: every image rotated by its own angle, uniform in ±``max_degrees``, each epoch."""

    def __init__(self, max_degrees=15.0, shape=(8, 8)):
        self.max_degrees = checks.nonnegative("max_degrees", max_degrees)
        self.shape = _shape(shape)

    def __call__(self, X, y, rng):
        angles = rng.uniform(-self.max_degrees, self.max_degrees, len(X))
        return rotate(X, angles, self.shape).astype(np.asarray(X).dtype, copy=False), y

    def __repr__(self):
        return f"RandomRotation(max_degrees={self.max_degrees:g})"


class RandomCrop:
    """fit hook: every image cropped to a ``size``×``size`` window at a random position (uniform,
    continuous) and stretched back to full size, each epoch."""

    def __init__(self, size=7.0, shape=(8, 8)):
        self.shape = _shape(shape)
        self.size = checks.number("size", size)
        if not 1 <= self.size <= min(self.shape):
            checks.fail("size", f"in [1, {min(self.shape)}]", size)

    def __call__(self, X, y, rng):
        h, w = self.shape
        top = rng.uniform(0, h - self.size, len(X))
        left = rng.uniform(0, w - self.size, len(X))
        out = crop_resize(X, top, left, self.size, self.shape)
        return out.astype(np.asarray(X).dtype, copy=False), y

    def __repr__(self):
        return f"RandomCrop(size={self.size:g})"


class RandomAffine:
    """fit hook: every image warped by its own small affine map each epoch: a rotation uniform in
    ±``max_degrees``, a shear uniform in ±``max_shear``, a zoom uniform in 1 ± ``max_scale``
    and a shift uniform in ±``max_shift`` pixels in each direction."""

    def __init__(self, max_degrees=10.0, max_shear=0.15, max_scale=0.1, max_shift=0.5,
                 shape=(8, 8)):
        self.max_degrees = checks.nonnegative("max_degrees", max_degrees)
        self.max_shear = checks.nonnegative("max_shear", max_shear)
        self.max_scale = checks.in_range("max_scale", max_scale, 0, 1, high_open=True)
        self.max_shift = checks.nonnegative("max_shift", max_shift)
        self.shape = _shape(shape)

    def __call__(self, X, y, rng):
        n = len(X)
        R = _rotation(rng.uniform(-self.max_degrees, self.max_degrees, n))
        S = np.zeros((n, 2, 2))
        S[:, 0, 0] = S[:, 1, 1] = 1.0
        S[:, 0, 1] = rng.uniform(-self.max_shear, self.max_shear, n)
        zoom = 1.0 / rng.uniform(1 - self.max_scale, 1 + self.max_scale, n)
        A = R @ S * zoom[:, None, None]
        t = rng.uniform(-self.max_shift, self.max_shift, (n, 2))
        return affine(X, A, t, self.shape).astype(np.asarray(X).dtype, copy=False), y

    def __repr__(self):
        return (f"RandomAffine(max_degrees={self.max_degrees:g}, max_shear={self.max_shear:g}, "
                f"max_scale={self.max_scale:g}, max_shift={self.max_shift:g})")


class ElasticDistortion:
    """fit hook: ``elastic(X, rng, alpha, sigma)`` afresh each epoch."""

    def __init__(self, alpha=0.8, sigma=1.5, shape=(8, 8)):
        self.alpha = checks.nonnegative("alpha", alpha)
        self.sigma = checks.positive("sigma", sigma)
        self.shape = _shape(shape)

    def __call__(self, X, y, rng):
        out = elastic(X, rng, self.alpha, self.sigma, self.shape)
        return out.astype(np.asarray(X).dtype, copy=False), y

    def __repr__(self):
        return f"ElasticDistortion(alpha={self.alpha:g}, sigma={self.sigma:g})"
