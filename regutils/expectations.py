"""Expectations over noise: dropout's ensemble and input noise, exactly and by Monte-Carlo.

Slides 5 (data augmentation, noise) and 6 (dropout) of the lecture, notebooks 05 and 06.

Dropout trains an ensemble: every binary mask z (one bit per droppable unit, each 1 with
probability p = keep_prob) picks a sub-network f(x, z). The ensemble's prediction is

    y = f(x) = E_z[f(x, z)] = Σ_z p(z) f(x, z),      p(z) = p^(#kept) (1 − p)^(#dropped),

the arithmetic mean over all 2ⁿ masks. This module computes it exactly for small models by
enumerating every mask (``enumerate_ensemble``), beside the renormalized geometric mean and the
weight-scaling rule, estimates it by Monte-Carlo (``mc_curve``), and makes the slide's NumPy code
runnable, backward pass included (``slide_*``).

For input noise it shows Bishop (1995): for linear least squares, training on inputs x + ε with
ε ~ N(0, σ²I) is, in expectation, ridge regression (``bishop_experiment``).

It also holds the experiments of notebooks 05 and 06 (accuracy against training-set size, flips,
shifts, noise levels, dropout rates) and their figures (each takes ``ax=None``/``axes=None`` and
returns its artists). Everything random takes ``seed``.

Conventions: p = ``keep_prob`` is the probability of KEEPING a unit (PyTorch's ``nn.Dropout`` takes
the drop probability 1 − p). Shapes: X is (N, D) except in the slide's code, which keeps the
slide's layout X (D, N), one column per example.
"""
import functools
import math

import numpy as np

from . import checks, plots
from .augment import Jitter, flip_horizontal, shift
from .data import digits_split, make_2d, train_test_split
from .gradcheck import numerical_gradient, rel_error
from .layers import Dense, Dropout, GaussianNoise, ReLU, Tanh
from .losses import softmax_cross_entropy
from .model import MLP
from .optim import SGD, Adam
from .train import evaluate, fit

MAX_ENUMERATED_UNITS = 20  # 2**20 ≈ 10⁶ masks: still seconds for a small model


# ------------------------------------------------------------------------------------------------
# Masks and their probabilities
# ------------------------------------------------------------------------------------------------
def all_masks(n):
    """Every binary mask of n units, as a (2ⁿ, n) array of 0/1 (row i is the binary digits of i)."""
    n = checks.integer("n", n, minimum=1)
    if n > MAX_ENUMERATED_UNITS:
        checks.fail("n", f"at most {MAX_ENUMERATED_UNITS} (2**n masks are enumerated)", n)
    return ((np.arange(2**n)[:, None] >> np.arange(n)[::-1]) & 1).astype(np.float64)


def mask_probabilities(masks, keep_prob):
    """p(z) = p^(#kept) (1 − p)^(#dropped) of each mask (rows of ``masks``); they sum to 1 over
    all 2ⁿ masks."""
    p = checks.keep_prob(keep_prob)
    masks = np.asarray(masks, dtype=np.float64)
    kept = masks.sum(axis=1)
    return p**kept * (1 - p)**(masks.shape[1] - kept)


def ensemble_size(n_units):
    """How many sub-networks dropout trains in a layer of ``n_units``: 2ⁿ.

    Returns (2**n as an exact Python int, its number of decimal digits, n·log10(2)); for the
    slide's FC layer of 4096 units, 2⁴⁰⁹⁶ ≈ 10¹²³³ (1234 digits).
    """
    n = checks.integer("n_units", n_units, minimum=1)
    exact = 2**n
    return exact, len(str(exact)), n * math.log10(2)


def two_input_neuron(w, x, keep_prob=0.5, n_draws=100_000, seed=0):
    """The slide's neuron a = w₁x₁z₁ + w₂x₂z₂ with dropped inputs z ∈ {0, 1}².

    Returns a dict: ``masks`` (4, 2), ``probs`` p(z), ``outputs`` a(z), ``enumerated`` Σ_z p(z)a(z),
    ``formula`` p(w₁x₁ + w₂x₂) and ``monte_carlo`` (the mean of a over ``n_draws`` random masks).
    """
    w = checks.finite_array("w", w, ndim=1)
    x = checks.finite_array("x", x, ndim=1)
    if w.shape != (2,) or x.shape != (2,):
        checks.fail("w and x", "two numbers each", (w.shape, x.shape))
    p = checks.keep_prob(keep_prob)
    n_draws = checks.integer("n_draws", n_draws, minimum=1)
    masks = all_masks(2)
    probs = mask_probabilities(masks, p)
    outputs = masks @ (w * x)
    z = np.random.default_rng(seed).random((n_draws, 2)) < p
    return {"masks": masks, "probs": probs, "outputs": outputs,
            "enumerated": float(probs @ outputs), "formula": float(p * (w @ x)),
            "monte_carlo": float(np.mean(z @ (w * x)))}


# ------------------------------------------------------------------------------------------------
# The slide's code, made runnable (X is (D, N) as on the slide; W1 is (H1, D), b1 is (H1, 1))
# ------------------------------------------------------------------------------------------------
def slide_init(sizes=(64, 100, 100, 10), seed=0):
    """Weights of the slide's 3-layer network: W1 (H1, D), b1 (H1, 1), ..., W3 (C, H2), b3 (C, 1).
    He initialization (std √(2/fan_in)), biases 0."""
    if len(sizes) != 4:
        checks.fail("sizes", "four layer sizes (D, H1, H2, C)", sizes)
    rng = np.random.default_rng(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)
        params[f"b{i}"] = np.zeros((n_out, 1))
    return params


def slide_forward(params, X, p=0.5, rng=None, inverted=False, masks=None):
    """The forward pass of the slide's ``train_step``: returns (out, cache).

    X: (D, N). ``U1 = np.random.rand(*H1.shape) < p`` becomes ``rng.random(A1.shape) < p`` (a
    Generator instead of numpy's global state). ``inverted=True`` is the slide's inverted dropout,
    ``U1 = (rng.random(A1.shape) < p) / p``. The slide's ``H1 *= U1`` is written ``H1 = A1 * U1``
    so that the backward pass still has A1, the activations before the drop. ``masks=(U1, U2)``
    reuses given masks (for a gradient check the mask must be held fixed).
    """
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    A1 = np.maximum(0, np.dot(W1, X) + b1)
    if masks is None:
        U1 = rng.random(A1.shape) < p             # first dropout mask
        U1 = U1 / p if inverted else U1 * 1.0     # inverted: notice /p!
    else:
        U1 = masks[0]
    H1 = A1 * U1                                   # drop!
    A2 = np.maximum(0, np.dot(W2, H1) + b2)
    if masks is None:
        U2 = rng.random(A2.shape) < p             # second dropout mask
        U2 = U2 / p if inverted else U2 * 1.0
    else:
        U2 = masks[1]
    H2 = A2 * U2                                   # drop!
    out = np.dot(W3, H2) + b3
    return out, (X, A1, U1, H1, A2, U2, H2)


def slide_backward(params, cache, dout, use_mask=True):
    """The backward pass the slide leaves out: gradients of every weight for an upstream ``dout``
    (C, N) = ∂L/∂out. Returns {"W1": (H1, D), "b1": (H1, 1), ...}.

    A dropped unit passes no gradient: the mask (with its 1/p when inverted) multiplies the
    gradient on the way back exactly as it multiplied the activation on the way forward.
    ``use_mask=False`` is the classic bug (forgetting the mask) — the gradient check catches it.
    """
    X, A1, U1, H1, A2, U2, H2 = cache
    grads = {"W3": np.dot(dout, H2.T), "b3": dout.sum(axis=1, keepdims=True)}
    dH2 = np.dot(params["W3"].T, dout)
    dA2 = dH2 * U2 if use_mask else dH2                # back through "H2 *= U2"
    dZ2 = dA2 * (A2 > 0)                               # back through the ReLU
    grads["W2"], grads["b2"] = np.dot(dZ2, H1.T), dZ2.sum(axis=1, keepdims=True)
    dH1 = np.dot(params["W2"].T, dZ2)
    dA1 = dH1 * U1 if use_mask else dH1                # back through "H1 *= U1"
    dZ1 = dA1 * (A1 > 0)
    grads["W1"], grads["b1"] = np.dot(dZ1, X.T), dZ1.sum(axis=1, keepdims=True)
    return grads


def slide_train_step(params, X, y, p=0.5, rng=None, lr=0.1, inverted=False):
    """One step of the slide's ``train_step``: forward with fresh masks, softmax cross-entropy,
    the backward pass and the parameter update w ← w − η∇w L. Returns the loss."""
    out, cache = slide_forward(params, X, p, rng, inverted)
    loss, dscores = softmax_cross_entropy(out.T, y)      # our loss takes (N, C) scores
    grads = slide_backward(params, cache, dscores.T)
    for name, g in grads.items():
        params[name] -= lr * g
    return loss


def slide_predict(params, X, p=0.5, inverted=False):
    """The slide's ``predict``: every unit active. Vanilla dropout scales the activations by p
    ("scale at test time"); inverted dropout needs no scaling ("test time is unchanged").
    Returns scores (C, N)."""
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    scale = 1.0 if inverted else p
    H1 = np.maximum(0, np.dot(W1, X) + b1) * scale   # NOTE: scale the activations
    H2 = np.maximum(0, np.dot(W2, H1) + b2) * scale  # NOTE: scale the activations
    return np.dot(W3, H2) + b3


def slide_gradient_check(sizes=(6, 5, 4, 3), n=4, p=0.5, inverted=False, use_mask=True, seed=1):
    """Relative error of ``slide_backward`` against centred differences, per weight, with the
    masks drawn once and held fixed. f = Σ out ⊙ G for a random G (so ∂f/∂out = G).
    A correct backward gives ~1e-9 or less; ``use_mask=False`` gives ~1. (A pre-activation within
    h of ReLU's kink spoils centred differences; seed=1 draws none, seed=0 does: ~4e-7.)"""
    rng = np.random.default_rng(seed)
    params = slide_init(sizes, seed=seed)
    for name in params:  # non-zero biases, so every ReLU sees a mix of signs
        if name.startswith("b"):
            params[name] += 0.1 * rng.standard_normal(params[name].shape)
    X = rng.standard_normal((sizes[0], n))
    out, cache = slide_forward(params, X, p, rng, inverted)
    masks = (cache[2], cache[5])
    G = rng.standard_normal(out.shape)
    grads = slide_backward(params, cache, G, use_mask=use_mask)

    def f():
        return float(np.sum(slide_forward(params, X, p, masks=masks)[0] * G))

    return {name: rel_error(grads[name], numerical_gradient(f, params[name])) for name in params}


def slide_train(X, y, X_test, y_test, sizes=(64, 100, 100, 10), p=0.5, inverted=False, epochs=30,
                batch_size=32, lr=0.05, seed=0):
    """Train the slide's network with ``slide_train_step`` on (N, D) data (transposed for the
    slide). Returns (params, test accuracy of ``slide_predict``)."""
    rng = np.random.default_rng(seed)
    params = slide_init(sizes, seed=seed)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            slide_train_step(params, X[idx].T, y[idx], p, rng, lr, inverted)
    acc = float(np.mean(slide_predict(params, X_test.T, p, inverted).argmax(axis=0) == y_test))
    return params, acc


# ------------------------------------------------------------------------------------------------
# Sub-networks of a regutils Network: one fixed mask per Dropout layer
# ------------------------------------------------------------------------------------------------
def dropout_units(net):
    """[(layer index, number of units, keep_prob)] for every Dropout layer of ``net``."""
    found = []
    for i, layer in enumerate(net.layers):
        if isinstance(layer, Dropout):
            nxt = next((l for l in net.layers[i + 1:] if isinstance(l, Dense)), None)
            if nxt is None:
                raise ValueError(f"net.layers[{i}] is a Dropout layer with no Dense layer after it")
            found.append((i, nxt.params["W"].shape[0], layer.keep_prob))
    return found


def forward_with_masks(net, X, masks):
    """Scores of the sub-networks picked by ``masks``: (M, N, C) for X (N, D).

    masks: one (M, units) array of 0/1 per Dropout layer (M masks at once; a (units,) vector is
    read as M = 1). A kept unit is multiplied by what the layer uses in training (1/p for inverted
    dropout, 1 for vanilla); GaussianNoise is left out (its test-time behaviour). The network's own
    state (mode, caches, random generators) is not touched.
    """
    X = checks.finite_array("X", X, ndim=2)
    drops = dropout_units(net)
    masks = [np.atleast_2d(np.asarray(m, dtype=np.float64)) for m in masks]
    if len(masks) != len(drops):
        checks.fail("masks", f"one mask per Dropout layer ({len(drops)})", f"{len(masks)} masks")
    M = masks[0].shape[0] if masks else 1
    H = np.broadcast_to(X, (M, *X.shape))
    j = 0
    for i, layer in enumerate(net.layers):
        if isinstance(layer, Dense):
            H = H @ layer.params["W"] + layer.params["b"]
        elif isinstance(layer, ReLU):
            H = np.maximum(H, 0)
        elif isinstance(layer, Tanh):
            H = np.tanh(H)
        elif isinstance(layer, Dropout):
            m = masks[j]
            if m.shape != (M, H.shape[-1]):
                checks.fail(f"masks[{j}].shape", f"({M}, {H.shape[-1]})", m.shape)
            factor = 1.0 / layer.keep_prob if layer.rule == "inverted" else 1.0
            H = H * (factor * m)[:, None, :]
            j += 1
        elif not isinstance(layer, GaussianNoise):
            checks.fail(f"net.layers[{i}]", "Dense, ReLU, Tanh, Dropout or GaussianNoise", layer,
                        TypeError)
    return H


def sample_masks(net, n_masks, seed=0):
    """``n_masks`` random masks for every Dropout layer of ``net`` (each unit kept with its
    layer's p): a list with one (n_masks, units) array per Dropout layer."""
    n_masks = checks.integer("n_masks", n_masks, minimum=1)
    rng = np.random.default_rng(seed)
    return [(rng.random((n_masks, units)) < p).astype(np.float64) for _, units, p in
            dropout_units(net)]


class SubNetwork:
    """One member of dropout's ensemble: ``net`` with a fixed mask (one vector per Dropout layer).

    Has ``predict_proba`` and ``weights`` like a Network, so ``regutils.plots.decision_boundary``
    can draw it. With several masks (M rows each), ``predict_proba`` is their arithmetic mean.
    """

    def __init__(self, net, masks):
        self.net = net
        self.masks = [np.atleast_2d(np.asarray(m, dtype=np.float64)) for m in masks]

    def weights(self):
        return self.net.weights()

    def predict_proba(self, X, rule="scale", k=None, seed=None):
        """Softmax probabilities (N, C), averaged over the masks (``rule``, ``k`` and ``seed`` are
        ignored: the masks are fixed)."""
        total, M = 0.0, len(self.masks[0])
        for start in range(0, M, 16):  # a few masks at a time: (16, N, units) arrays at most
            part = [m[start:start + 16] for m in self.masks]
            total = total + softmax_stack(forward_with_masks(self.net, X, part)).sum(axis=0)
        return total / M

    def predict(self, X, **kw):
        return self.predict_proba(X).argmax(axis=1)

    def __repr__(self):
        kept = ", ".join(f"{int(m[0].sum())}/{m.shape[1]}" for m in self.masks)
        return f"SubNetwork({len(self.masks[0])} mask(s), units kept in the first: {kept})"


def softmax_stack(scores):
    """Softmax over the last axis of (..., C) scores."""
    z = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax_stack(scores):
    z = scores - scores.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


# ------------------------------------------------------------------------------------------------
# The whole ensemble by enumeration: arithmetic mean, geometric mean, weight scaling
# ------------------------------------------------------------------------------------------------
def enumerate_ensemble(net, X, chunk=2048):
    """Every sub-network of ``net`` on X (N, D), weighted by p(z); returns a dict of (N, C) arrays:

    - ``arithmetic``: Σ_z p(z) softmax(f(x, z)) — the slide's E_z[f(x, z)];
    - ``geometric``: the renormalized geometric mean ∝ Π_z softmax(f(x, z))^p(z)
      (Goodfellow et al. §7.12, Srivastava et al. 2014);
    - ``scale``: ``net.predict_proba(X, rule="scale")``, the weight-scaling rule;
    and ``n_masks``. All droppable units of all Dropout layers together must be ≤ 20.
    """
    drops = dropout_units(net)
    if not drops:
        raise ValueError("net must have at least one Dropout layer, got none")
    sizes = [units for _, units, _ in drops]
    n = sum(sizes)
    if n > MAX_ENUMERATED_UNITS:
        checks.fail("the number of droppable units", f"at most {MAX_ENUMERATED_UNITS}", n)
    X = checks.finite_array("X", X, ndim=2)
    masks = all_masks(n)
    splits = np.cumsum(sizes)[:-1]
    weights = np.ones(len(masks))
    for part, (_, _, p) in zip(np.split(masks, splits, axis=1), drops):
        weights *= mask_probabilities(part, p)
    arithmetic, log_geo = 0.0, 0.0
    for start in range(0, len(masks), chunk):
        rows = slice(start, start + chunk)
        scores = forward_with_masks(net, X, np.split(masks[rows], splits, axis=1))
        w = weights[rows][:, None, None]
        arithmetic = arithmetic + (w * softmax_stack(scores)).sum(axis=0)
        log_geo = log_geo + (w * log_softmax_stack(scores)).sum(axis=0)
    return {"arithmetic": arithmetic, "geometric": softmax_stack(log_geo),
            "scale": net.predict_proba(X, rule="scale"), "n_masks": len(masks)}


def pool_digits(X, size=4):
    """Average-pool 8×8 digits (N, 64) down to size×size (N, size²) — small inputs whose 2^(size²)
    masks can all be enumerated (size=4: 16 inputs, 65,536 masks)."""
    size = checks.integer("size", size, minimum=1)
    if 8 % size:
        checks.fail("size", "a divisor of 8 (1, 2, 4 or 8)", size)
    X = np.asarray(X, dtype=np.float64)
    f = 8 // size
    return X.reshape(len(X), size, f, size, f).mean(axis=(2, 4)).reshape(len(X), size * size)


EXACTNESS_MODELS = {
    "softmax regression, dropped inputs": dict(hidden=(), input_keep=True, hidden_keep=False),
    "dropout on the last hidden layer only": dict(hidden=(12,), input_keep=False, hidden_keep=True),
    "dropped inputs into a ReLU layer": dict(hidden=(12,), input_keep=True, hidden_keep=False),
}


def exactness_experiment(keep_prob=0.5, n_test=40, epochs=150, seed=0, models=None):
    """Weight scaling against the exact ensemble, for three small models trained with dropout on
    the digits pooled to 4×4 (16 inputs):

    - softmax regression with dropped inputs (16 → 10, 2¹⁶ masks),
    - dropout on the last hidden layer only (16 → 12 → ReLU → dropout → 10, 2¹² masks),
    - dropped inputs into a ReLU layer (16 → dropout → 12 → ReLU → 10, 2¹⁶ masks).

    Returns {model name: {"geo_vs_scale", "arith_vs_scale", "arith_vs_geo" (max |Δ probability| over
    ``n_test`` test digits × 10 classes), "n_masks"}}. Weight scaling equals the renormalized
    geometric mean exactly when the dropped units reach the softmax through a linear map only.
    """
    Xtr, Xte, ytr, yte = digits_split()
    Xtr, Xte = pool_digits(Xtr), pool_digits(Xte[:n_test])
    out = {}
    for name, spec in EXACTNESS_MODELS.items():
        if models is not None and name not in models:
            continue
        net = MLP([16, *spec["hidden"], 10], keep_prob=keep_prob if spec["hidden_keep"] else 1.0,
                  input_keep_prob=keep_prob if spec["input_keep"] else 1.0, seed=seed)
        fit(net, Adam(lr=0.01), Xtr, ytr, epochs=epochs, batch_size=None, seed=seed)
        e = enumerate_ensemble(net, Xte)
        out[name] = {"geo_vs_scale": float(np.abs(e["geometric"] - e["scale"]).max()),
                     "arith_vs_scale": float(np.abs(e["arithmetic"] - e["scale"]).max()),
                     "arith_vs_geo": float(np.abs(e["arithmetic"] - e["geometric"]).max()),
                     "n_masks": e["n_masks"], "net": net}
    return out


# ------------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------------
def subset(X, y, n, seed=0):
    """The first n rows of a seeded stratified shuffle of (X, y) (every class keeps its share)."""
    n = checks.integer("n", n, minimum=1)
    if n >= len(y):
        return X, y
    Xs, _, ys, _ = train_test_split(X, y, test_size=1 - n / len(y), seed=seed)
    return Xs, ys


def train_digits(X, y, hidden=(128,), epochs=None, steps=1500, batch_size=32, lr=1e-3,
                 augment=None, keep_prob=1.0, seed=0, **mlp_kw):
    """An MLP 64-hidden-10 trained with Adam on digits (X, y). With ``epochs=None`` the number of
    epochs gives about ``steps`` mini-batch updates whatever the size of the training set."""
    if epochs is None:
        epochs = max(1, round(steps / math.ceil(len(y) / batch_size)))
    net = MLP([X.shape[1], *hidden, 10], keep_prob=keep_prob, seed=seed, **mlp_kw)
    fit(net, Adam(lr=lr), X, y, epochs=epochs, batch_size=batch_size, seed=seed, augment=augment)
    return net


# ------------------------------------------------------------------------------------------------
# Notebook 05: more data, flips, shifts
# ------------------------------------------------------------------------------------------------
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


def accuracy_vs_size(sizes=(50, 100, 200, 400, 800, 1347), seeds=(0, 1, 2), steps=1500):
    """"More data is the best regularizer": test accuracy of the same MLP (64-128-10, Adam, about
    ``steps`` updates) trained on a seeded stratified subset of n training digits, for each n in
    ``sizes``. Returns {"sizes", "test_acc" (len(sizes), len(seeds)), "train_acc"}."""
    Xtr, Xte, ytr, yte = digits_split()
    test_acc = np.zeros((len(sizes), len(seeds)))
    train_acc = np.zeros_like(test_acc)
    for i, n in enumerate(sizes):
        for j, seed in enumerate(seeds):
            Xs, ys = subset(Xtr, ytr, n, seed=seed)
            net = train_digits(Xs, ys, steps=steps, seed=seed)
            test_acc[i, j], train_acc[i, j] = net.accuracy(Xte, yte), net.accuracy(Xs, ys)
    return {"sizes": np.array(sizes), "test_acc": test_acc, "train_acc": train_acc}


def per_class_accuracy(net, X, y, n_classes=10):
    """Accuracy of ``net`` on each class: an array (n_classes,)."""
    pred = net.predict(X)
    return np.array([np.mean(pred[y == c] == c) for c in range(n_classes)])


def flip_experiment(seed=0, steps=1500):
    """Which digits survive a horizontal flip? A net trained on ordinary digits classifies the
    mirrored test digits; a class whose mirror image still looks like itself keeps its accuracy.
    Returns {"net", "acc" (plain test set), "flipped_acc", "per_class" (on plain test digits),
    "per_class_flipped"}."""
    Xtr, Xte, ytr, yte = digits_split()
    net = train_digits(Xtr, ytr, steps=steps, seed=seed)
    Xf = flip_horizontal(Xte)
    return {"net": net, "acc": net.accuracy(Xte, yte), "flipped_acc": net.accuracy(Xf, yte),
            "per_class": per_class_accuracy(net, Xte, yte),
            "per_class_flipped": per_class_accuracy(net, Xf, yte)}


def augmentation_experiment(hooks, n_train=None, seeds=(0, 1, 2), steps=1500):
    """Test accuracy without and with each augmentation hook (``{"shift": RandomShift(1), ...}``)
    on the first ``n_train`` digits of the training split (all of them if None), one run per seed
    (the same subset and initial weights for every hook of a seed).
    Returns {"without": (len(seeds),), name: (len(seeds),) for each hook}."""
    Xtr, Xte, ytr, yte = digits_split()
    out = {"without": [], **{name: [] for name in hooks}}
    for seed in seeds:
        Xs, ys = (Xtr, ytr) if n_train is None else subset(Xtr, ytr, n_train, seed=seed)
        for name, hook in (("without", None), *hooks.items()):
            net = train_digits(Xs, ys, steps=steps, seed=seed, augment=hook)
            out[name].append(net.accuracy(Xte, yte))
    return {k: np.array(v) for k, v in out.items()}


# ------------------------------------------------------------------------------------------------
# Notebook 05: noise on 2-D data (inputs and hidden layers)
# ------------------------------------------------------------------------------------------------
def moons_split(n_train=100, n_test=1000, noise=0.3, seed=0):
    """A small noisy training set of moons and a large test set from the same distribution."""
    X, y = make_2d("moons", n_train + n_test, noise=noise, seed=seed)
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


def boundary_length(net, extent, resolution=120):
    """Length of the decision boundary of a 2-class ``net`` inside ``extent`` (x0, x1, y0, y1):
    the number of grid edges whose two ends are classified differently, times the grid spacing.
    A wiggly, overfitted boundary is long; a smooth one is short. (Measured along the grid, it is
    a |dx| + |dy| length: a diagonal line counts √2 times its true length.)"""
    x0, x1, y0, y1 = extent
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    xx, yy = np.meshgrid(xs, ys)
    pred = net.predict(np.c_[xx.ravel(), yy.ravel()]).reshape(resolution, resolution)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    return float(np.sum(pred[:, 1:] != pred[:, :-1]) * dy + np.sum(pred[1:] != pred[:-1]) * dx)


def noise_experiment(sigmas=(0.0, 0.1, 0.2, 0.3, 0.5), where="input", data=None, hidden=(64, 64),
                     epochs=1000, lr=0.01, seed=0, extent=(-2.0, 2.0, -1.5, 1.5)):
    """Train the same MLP on the same small noisy moons with Gaussian noise of each σ.

    where="input": ``Jitter(σ)`` adds fresh noise to the inputs every epoch (data augmentation);
    where="hidden": ``MLP(hidden_noise=σ)`` adds it after every hidden layer (a GaussianNoise
    layer). Full-batch Adam for ``epochs``. Returns {"sigmas", "nets", "train_acc", "test_acc",
    "length" (decision-boundary length in ``extent``), "data" (Xtr, Xte, ytr, yte)}.
    """
    checks.choice("where", where, ("input", "hidden"))
    Xtr, Xte, ytr, yte = moons_split(seed=seed) if data is None else data
    out = {"sigmas": np.array(sigmas, dtype=float), "nets": [], "train_acc": [], "test_acc": [],
           "length": [], "data": (Xtr, Xte, ytr, yte), "extent": extent}
    for sigma in sigmas:
        sigma = checks.nonnegative("sigma", sigma)
        net = MLP([2, *hidden, 2], hidden_noise=sigma if where == "hidden" else 0.0, seed=seed)
        hook = Jitter(sigma) if where == "input" and sigma > 0 else None
        fit(net, Adam(lr=lr), Xtr, ytr, epochs=epochs, seed=seed, augment=hook)
        out["nets"].append(net)
        out["train_acc"].append(net.accuracy(Xtr, ytr))
        out["test_acc"].append(net.accuracy(Xte, yte))
        out["length"].append(boundary_length(net, extent))
    for key in ("train_acc", "test_acc", "length"):
        out[key] = np.array(out[key])
    return out


# ------------------------------------------------------------------------------------------------
# Notebook 05: Bishop (1995) — input noise is ridge regression in expectation
# ------------------------------------------------------------------------------------------------
def linear_data(n=50, d=5, noise=0.5, seed=0):
    """A small linear regression problem: X (n, d) ~ N(0, I), y = Xw* + b* + noise·N(0, 1)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d)
    return X, X @ w_true + 0.5 + noise * rng.standard_normal(n)


def ridge(X, y, lam):
    """Minimizer (w, b) of the MEAN squared error plus λ‖w‖² (bias not penalized):

        (1/N) Σᵢ (yᵢ − wᵀxᵢ − b)² + λ‖w‖²   →   w = (XcᵀXc + Nλ I)⁻¹ Xcᵀ yc,  b = ȳ − x̄ᵀw,

    with Xc, yc the centred data. (For the SUM of squares the same w needs the constant Nλ.)"""
    X = checks.finite_array("X", X, ndim=2)
    y = checks.finite_array("y", y, ndim=1)
    lam = checks.nonnegative("lam", lam)
    xm, ym = X.mean(axis=0), y.mean()
    Xc = X - xm
    w = np.linalg.solve(Xc.T @ Xc + len(y) * lam * np.eye(X.shape[1]), Xc.T @ (y - ym))
    return w, float(ym - xm @ w)


def least_squares_on_noisy_copies(X, y, sigma, n_copies, seed=0):
    """Train on ``n_copies`` noisy copies of the data set, inputs x + ε, ε ~ N(0, σ²I) drawn fresh
    for every copy (targets unchanged): the exact least-squares minimizer (w, b) of their mean
    squared error."""
    n_copies = checks.integer("n_copies", n_copies, minimum=1)
    sigma = checks.nonnegative("sigma", sigma)
    rng = np.random.default_rng(seed)
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


def noisy_training(X, y, sigma, epochs=6000, burn_in=1000, lr=0.05, seed=0):
    """The same with regutils' own training: a linear model ``MLP([D, 1], loss="mse",
    input_noise=σ)`` (a GaussianNoise layer draws fresh noise at every step) trained by full-batch
    SGD; with a constant step the weights keep jittering, so their average after ``burn_in``
    epochs is returned, (w, b)."""
    net = MLP([X.shape[1], 1], loss="mse", input_noise=sigma, seed=seed)
    dense = next(l for l in net.layers if isinstance(l, Dense))
    total = {"W": 0.0, "b": 0.0, "n": 0}

    def average(epoch, net, history):
        if epoch > burn_in:
            total["W"] = total["W"] + dense.params["W"][:, 0]
            total["b"] = total["b"] + dense.params["b"][0]
            total["n"] += 1

    fit(net, SGD(lr=lr), X, y, epochs=epochs, seed=seed, callbacks=average)
    return total["W"] / total["n"], float(total["b"] / total["n"])


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
             "c = 2σ² (factor 2 too big; lecture λ = 4σ²)": ridge(X, y, 2 * sigma**2)[0],
             "c = σ²/N (σ² put on the sum of squares)": ridge(X, y, sigma**2 / n)[0]}
    return {"copies": np.array(copies), "distance": np.array([rel(w, w_r) for w, _ in sols]),
            "bias_distance": np.array([abs(b - b_r) / abs(b_r) for _, b in sols]),
            "ridge": (w_r, b_r), "ols": ridge(X, y, 0.0), "noisy": sols,
            "wrong": {k: rel(w, w_big) for k, w in wrong.items()},
            "ridge_vs_ols": rel(ridge(X, y, 0.0)[0], w_r), "sigma": sigma, "n": n}


# ------------------------------------------------------------------------------------------------
# Notebook 06: dropout on digits — test-time rules, random masks at test time, the rate p
# ------------------------------------------------------------------------------------------------
def train_dropout_digits(keep_prob=0.5, sizes=(64, 256, 256, 10), epochs=100, batch_size=128,
                         lr=0.05, momentum=0.9, rule="inverted", seed=0, data=None):
    """An MLP with dropout (keep probability p after every hidden layer) trained on the digits
    with SGD + momentum. Returns (net, result): result has the final "train_acc", "test_acc",
    "train_loss", "test_loss" and the per-epoch "history" (training set only, to save time)."""
    Xtr, Xte, ytr, yte = digits_split() if data is None else data
    net = MLP(list(sizes), keep_prob=keep_prob, dropout_rule=rule, seed=seed)
    h = fit(net, SGD(lr=lr, momentum=momentum), Xtr, ytr, epochs=epochs, batch_size=batch_size,
            seed=seed)
    test_loss, test_acc = evaluate(net, Xte, yte)
    return net, {"train_acc": h["train_acc"][-1], "train_loss": h["train_loss"][-1],
                 "test_acc": test_acc, "test_loss": test_loss, "history": h}


def log_loss(P, y):
    """Mean −log P(true class) of probabilities P (N, C) for labels y (N,)."""
    return float(-np.mean(np.log(np.maximum(P[np.arange(len(y)), y], 1e-300))))


def mc_curve(net, X, y, k_max=200, seed=0):
    """Monte-Carlo averaging over k = 1 … k_max random masks against weight scaling.

    The k-th estimate is the mean of softmax(f(x, z)) over the first k masks (the masks are drawn
    once, so the curve is one running average). Returns {"k", "error", "log_loss" (arrays over k),
    "scale_error", "scale_log_loss"}."""
    k_max = checks.integer("k_max", k_max, minimum=1)
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    total = np.zeros((len(X), net.n_outputs))
    error, loss = np.empty(k_max), np.empty(k_max)
    for k in range(1, k_max + 1):
        total += net.predict_proba(X, rule="mc", k=1, seed=rng)
        error[k - 1] = np.mean((total / k).argmax(axis=1) != y)
        loss[k - 1] = log_loss(total / k, y)
    P = net.predict_proba(X, rule="scale")
    return {"k": np.arange(1, k_max + 1), "error": error, "log_loss": loss,
            "scale_error": float(np.mean(P.argmax(axis=1) != y)), "scale_log_loss": log_loss(P, y)}


def k_to_match(curve, key="log_loss", rtol=0.1, atol=0.0):
    """The smallest k from which Monte-Carlo's ``key`` ("log_loss" or "error") stays within
    ``scale·(1 + rtol) + atol`` of weight scaling for every larger k of the curve (None if the
    last k is not within it)."""
    ok = curve[key] <= curve[f"scale_{key}"] * (1 + rtol) + atol
    if not ok[-1]:
        return None
    bad = np.flatnonzero(~ok)
    return int(curve["k"][bad[-1] + 1]) if len(bad) else int(curve["k"][0])


def test_time_masks(net, x, n_masks=1000, seed=0):
    """A random mask at test time gives a random output: the class probabilities of one input
    x (D,) under ``n_masks`` random masks, (n_masks, C), with the weight-scaled ones (C,)."""
    x = checks.finite_array("x", x, ndim=1)[None]
    masks = sample_masks(net, n_masks, seed)
    P = softmax_stack(forward_with_masks(net, x, masks))[:, 0]
    return P, net.predict_proba(x)[0]


def dropout_sweep(keep_probs=(1.0, 0.5, 0.2, 0.1), seed=0, known=None, **train_kw):
    """Train the same net with each keep probability p (``train_dropout_digits``); returns
    {"keep_probs", "train_acc", "test_acc", "gap" (train − test accuracy), "train_loss",
    "test_loss"} as arrays over p. ``known``: {p: result} of runs already made with the same
    settings (not trained again)."""
    known = {} if known is None else known
    runs = [known[p] if p in known else train_dropout_digits(keep_prob=p, seed=seed, **train_kw)[1]
            for p in keep_probs]
    out = {"keep_probs": np.array(keep_probs, dtype=float)}
    for key in ("train_acc", "test_acc", "train_loss", "test_loss"):
        out[key] = np.array([r[key] for r in runs])
    out["gap"] = out["train_acc"] - out["test_acc"]
    return out


def vanilla_twin(net):
    """The vanilla-dropout network that computes exactly what the inverted-dropout ``net``
    computes: same masks, same test-time outputs.

    Inverted dropout feeds U·h/p into the next layer; vanilla feeds U·h. So the vanilla twin has
    the weights after each Dropout layer divided by p; at test time it scales h by p, the twin's
    weights undo it, and both give identical outputs.
    """
    import copy
    twin = copy.deepcopy(net)
    for i, layer in enumerate(twin.layers):
        if isinstance(layer, Dropout):
            if layer.rule != "inverted":
                checks.fail(f"net.layers[{i}].rule", "'inverted'", layer.rule)
            layer.rule = "vanilla"
            nxt = next(l for l in twin.layers[i + 1:] if isinstance(l, Dense))
            nxt.params["W"] /= layer.keep_prob
    return twin


def expected_layer_output(h, keep_prob=0.5, rule="vanilla", n_draws=None, seed=0):
    """E over masks of a dropout layer's training output for activations h (D,), against its
    test-time output: vanilla E[h·U] = p·h (test: scale by p); inverted E[h·U/p] = h (test: h).

    ``n_draws=None`` enumerates all 2^D masks (D ≤ 20); otherwise averages ``n_draws`` random
    masks. Returns (expected training output (D,), test-time output (D,))."""
    h = checks.finite_array("h", h, ndim=1)
    p = checks.keep_prob(keep_prob)
    checks.choice("rule", rule, ("vanilla", "inverted"))
    factor = 1 / p if rule == "inverted" else 1.0
    if n_draws is None:
        masks = all_masks(len(h))
        mean = mask_probabilities(masks, p) @ (masks * h * factor)
    else:
        U = np.random.default_rng(seed).random((n_draws, len(h))) < p
        mean = (U * h * factor).mean(axis=0)
    return mean, (h * p if rule == "vanilla" else h.copy())


def moons_dropout_net(keep_prob=0.5, hidden=(32, 32), n_train=200, noise=0.25, epochs=500,
                      lr=0.01, seed=0):
    """A dropout MLP trained (full-batch Adam) on the moons, for drawing its sub-networks.
    Returns (net, (Xtr, Xte, ytr, yte))."""
    X, y = make_2d("moons", 2 * n_train, noise=noise, seed=seed)
    data = (X[:n_train], X[n_train:], y[:n_train], y[n_train:])
    net = MLP([2, *hidden, 2], keep_prob=keep_prob, seed=seed)
    fit(net, Adam(lr=lr), data[0], data[2], epochs=epochs, seed=seed)
    return net, data


# ------------------------------------------------------------------------------------------------
# Figures (each takes ax=None / axes=None and returns its artists; nothing global is changed)
# ------------------------------------------------------------------------------------------------
_axes = functools.partial(plots._axes, figsize=(4.5, 3.2), layout="constrained")


def _axes_row(axes, n, figsize):
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, n, figsize=figsize, layout="constrained", squeeze=False)
        axes = axes[0]
    return np.asarray(axes).ravel()


def plot_accuracy_vs_size(result, ax=None):
    """Test (and train) accuracy against the number of training digits, mean ± std over seeds.
    Returns {"test": ErrorbarContainer, "train": Line2D}."""
    ax = _axes(ax)
    n, acc = result["sizes"], result["test_acc"]
    test = ax.errorbar(n, acc.mean(axis=1), yerr=acc.std(axis=1), marker="o", capsize=3,
                       color="C1", label="test accuracy")
    train, = ax.plot(n, result["train_acc"].mean(axis=1), "s--", color="C0", ms=4,
                     label="train accuracy")
    ax.set_xscale("log")
    ax.set_xticks(n, [str(v) for v in n])
    ax.minorticks_off()
    ax.set(xlabel="number of training digits n (log scale)", ylabel="accuracy",
           title="More data is the best regularizer")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return {"test": test, "train": train}


def plot_flips(images, labels, axes=None):
    """One digit of each class (top row) and its mirror image (bottom row). Returns the axes."""
    import matplotlib.pyplot as plt

    from .plots import digit_grid

    images = np.asarray(images).reshape(-1, 8, 8)
    labels = np.asarray(labels)
    first = [int(np.flatnonzero(labels == c)[0]) for c in np.unique(labels)]
    if axes is None:
        fig, axes = plt.subplots(2, len(first), figsize=(0.85 * len(first), 2.3),
                                 layout="constrained")
        fig.suptitle("Top: digits.  Bottom: the same digits flipped left ↔ right", fontsize=10)
    axes = np.asarray(axes).reshape(2, -1)
    digit_grid(images[first], labels[first], axes=axes[0])
    digit_grid(images[first][:, :, ::-1], [f"flip {c}" for c in labels[first]], axes=axes[1])
    for ax in axes[1]:
        ax.title.set_fontsize(8)
    return axes


def plot_per_class(per_class, per_class_flipped, ax=None, survive=0.8):
    """Per-class accuracy on ordinary and on flipped test digits (grouped bars), with the level
    above which a class is said to survive the flip. Returns {"plain", "flipped", "line"}."""
    ax = _axes(ax, figsize=(8, 3))
    c = np.arange(len(per_class))
    plain = ax.bar(c - 0.2, per_class, 0.4, label="ordinary test digits", color="C0")
    flipped = ax.bar(c + 0.2, per_class_flipped, 0.4, label="flipped test digits", color="C3")
    line = ax.axhline(survive, color="k", lw=0.8, ls=":",
                      label=f"survives the flip (≥ {survive:g})")
    ax.set_xticks(c)
    ax.set(xlabel="digit class", ylabel="accuracy", ylim=(0, 1.05),
           title="A net trained on ordinary digits, tested on mirrored ones")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return {"plain": plain, "flipped": flipped, "line": line}


def plot_with_without(results, ax=None):
    """Test accuracy without and with each augmentation (one dot per seed, bar = mean).
    ``results``: {label: {"without": (S,), "with": (S,)}}. Returns the list of bar containers."""
    ax = _axes(ax, figsize=(8, 3))
    bars = []
    for i, (label, r) in enumerate(results.items()):
        for j, (key, color) in enumerate((("without", "C7"), ("with", "C2"))):
            x = 3 * i + j
            bars.append(ax.bar(x, r[key].mean(), 0.8, color=color,
                               label=f"{key} augmentation" if i == 0 else None))
            ax.plot(np.full(len(r[key]), x), r[key], "k.", ms=4)
    ax.set_xticks([3 * i + 0.5 for i in range(len(results))], list(results), fontsize=8)
    lo = min(min(r["without"].min(), r["with"].min()) for r in results.values())
    ax.set(ylabel="test accuracy", ylim=(max(0.0, lo - 0.05), 1.0),
           title="Test accuracy without and with augmentation (dots: seeds)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return bars


def plot_jitter(X, y, sigma, n_copies=5, seed=0, ax=None):
    """The training points (black edges) and ``n_copies`` jittered copies x + σε of each (small,
    faded): what ``Jitter(σ)`` shows the network over a few epochs. Returns the two scatters."""
    from .plots import CLASS_COLORS

    ax = _axes(ax, figsize=(3.6, 3.2))
    rng = np.random.default_rng(seed)
    colors = np.array(CLASS_COLORS)[np.asarray(y) % 2]
    Xn = X[None] + sigma * rng.standard_normal((n_copies, *X.shape))
    copies = ax.scatter(Xn[..., 0].ravel(), Xn[..., 1].ravel(), c=np.tile(colors, n_copies), s=5,
                        alpha=0.35, linewidths=0, label=f"{n_copies} jittered copies")
    points = ax.scatter(X[:, 0], X[:, 1], c=colors, s=14, edgecolors="k", linewidths=0.5,
                        label="training points")
    ax.set(xlim=(X[:, 0].min() - 0.8, X[:, 0].max() + 0.8), ylim=(X[:, 1].min() - 0.8,
           X[:, 1].max() + 0.8), xticks=[], yticks=[], title=f"x + σε, σ = {sigma:g}")
    ax.legend(fontsize=7, loc="lower left")
    return {"copies": copies, "points": points}


def plot_noise_boundaries(result, axes=None, label="σ"):
    """Decision boundaries of the nets of ``noise_experiment`` side by side, titled with σ, the
    test accuracy and the boundary length. Returns the list of ``decision_boundary`` dicts."""
    from .plots import decision_boundary

    nets = result["nets"]
    axes = _axes_row(axes, len(nets), (2.6 * len(nets), 2.9))
    Xtr, Xte, ytr, yte = result["data"]
    out = []
    for ax, net, s, acc, length in zip(axes, nets, result["sigmas"], result["test_acc"],
                                       result["length"]):
        out.append(decision_boundary(net, Xtr, ytr, ax=ax, extent=result["extent"]))
        ax.set_title(f"{label} = {s:g}\ntest acc {acc:.3f}, boundary {length:.1f}", fontsize=9)
    return out


def plot_bishop(result, ax=None):
    """Relative distance of least squares on K noisy copies to the ridge solution against K
    (log-log, with a 1/√K guide) and the distances of ridge with wrong constants."""
    ax = _axes(ax, figsize=(5.5, 3.4))
    K, dist = result["copies"], result["distance"]
    line, = ax.loglog(K, dist, "o-", color="C0", label="noisy copies vs ridge c = σ²")
    guide, = ax.loglog(K, dist[0] / np.sqrt(K / K[0]), ":", color="gray", label="∝ 1/√K")
    wrong = []
    for i, (name, d) in enumerate(result["wrong"].items()):
        wrong.append(ax.axhline(d, color=f"C{i + 1}", ls="--", lw=1,
                                label=f"K = {K[-1]} fit vs ridge with {name.split(' (')[0]}"))
    ax.set(xlabel="number of noisy copies K", ylabel="‖w − w_ridge‖ / ‖w_ridge‖",
           title="Input noise → ridge regression (Bishop 1995)")
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(alpha=0.3, which="both")
    return {"noisy": line, "guide": guide, "wrong": wrong}


def plot_masks(masks, ax=None, title=None):
    """A drawn mask matrix (examples × units): white = kept, black = dropped. Returns the image."""
    ax = _axes(ax, figsize=(6, 2.2))
    masks = np.asarray(masks)
    image = ax.imshow(masks != 0, cmap="gray", vmin=0, vmax=1, aspect="auto",
                      interpolation="nearest")
    ax.set(xlabel="unit", ylabel="example",
           title=title or f"dropout masks: {np.mean(masks == 0):.1%} of units dropped")
    return image


def plot_subnetworks(net, data, masks, axes=None, n_average=100, seed=0):
    """Decision boundaries of the sub-networks picked by ``masks`` (one row per mask), then the
    mean of those, the mean of ``n_average`` random sub-networks and the weight-scaled net.
    Returns the list of ``decision_boundary`` dicts."""
    from .plots import decision_boundary

    Xtr, Xte, ytr, yte = data
    n = len(masks[0])
    if axes is None:
        import matplotlib.pyplot as plt

        ncols = math.ceil((n + 3) / 2)
        _, axes = plt.subplots(2, ncols, figsize=(2.4 * ncols, 5.4), layout="constrained")
    axes = np.asarray(axes).ravel()
    for ax in axes[n + 3:]:
        ax.set_axis_off()
    shown = [SubNetwork(net, [m[i] for m in masks]) for i in range(n)]
    models = shown + [SubNetwork(net, masks), SubNetwork(net, sample_masks(net, n_average, seed)),
                      net]
    kept = [int(sum(m[i].sum() for m in masks)) for i in range(n)]
    total = sum(m.shape[1] for m in masks)
    titles = ([f"sub-network {i + 1}\n{kept[i]}/{total} units kept" for i in range(n)]
              + [f"mean of the\n{n} above", f"mean of {n_average}\nrandom sub-networks",
                 "all units,\nweight scaling"])
    out = []
    for ax, model, title in zip(axes, models, titles):
        out.append(decision_boundary(model, Xtr, ytr, ax=ax))
        ax.set_title(title, fontsize=9)
    return out


def plot_test_time_spread(P, P_scale, label, ax=None, what="one test point"):
    """Histogram of P(class ``label``) over random test-time masks, with the weight-scaled value."""
    ax = _axes(ax)
    _, _, bars = ax.hist(P[:, label], bins=25, range=(0, 1), color="C0",
                         label=f"{len(P)} random masks")
    line = ax.axvline(P_scale[label], color="C3", lw=2, label="weight scaling (all units)")
    ax.set(xlabel=f"P(class {label} | x) for {what}", ylabel="number of masks",
           title="A random mask at test time: a random output")
    ax.legend(fontsize=8, loc="upper left")
    return {"hist": bars, "scale": line}


def plot_mc_curve(curve, axes=None):
    """Test error and log-loss of Monte-Carlo averaging against the number of masks k (log x),
    with weight scaling as a horizontal line. Returns {"error", "log_loss"} lines."""
    axes = _axes_row(axes, 2, (9, 3.2))
    out = {}
    for ax, key, name in zip(axes, ("error", "log_loss"), ("test error", "test log-loss")):
        out[key], = ax.semilogx(curve["k"], curve[key], color="C0",
                                label="Monte-Carlo mean over k masks")
        ax.axhline(curve[f"scale_{key}"], color="C3", ls="--", label="weight scaling (1 pass)")
        ax.set(xlabel="number of masks k", ylabel=name, title=f"{name} against k")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    return out


def plot_exactness(result, ax=None):
    """Bars (log scale) of max |weight scaling − renormalized geometric mean| for each model of
    ``exactness_experiment``. Returns the bar container."""
    ax = _axes(ax, figsize=(6.5, 2.8))
    names = list(result)
    gaps = [max(result[k]["geo_vs_scale"], 1e-17) for k in names]
    bars = ax.barh(range(len(names)), gaps, color=["C2" if g < 1e-10 else "C3" for g in gaps])
    ax.set_xscale("log")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set(xlabel="max |weight scaling − geometric mean| (probability)", xlim=(1e-17, 1),
           title="Weight scaling = geometric mean of all sub-networks?")
    for i, g in enumerate(gaps):
        ax.text(g * 1.5, i, f"{g:.1e}", va="center", fontsize=8)
    return bars


def plot_dropout_sweep(result, ax=None):
    """Train and test accuracy at the end of training against the keep probability p."""
    ax = _axes(ax)
    p = result["keep_probs"]
    train, = ax.plot(p, result["train_acc"], "s-", color="C0", label="train accuracy")
    test, = ax.plot(p, result["test_acc"], "o-", color="C1", label="test accuracy")
    ax.set(xlabel="keep probability p (1 = no dropout)", ylabel="accuracy",
           title="Keep probability p on digits: train vs test")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return {"train": train, "test": test}
