"""Notebook 06, dropout: the ensemble of sub-networks, exactly and by Monte-Carlo.

Dropout trains an ensemble: every binary mask z (one bit per droppable unit, each 1 with
probability p = keep_prob) picks a sub-network f(x, z). The ensemble's prediction is

    y = f(x) = E_z[f(x, z)] = Σ_z p(z) f(x, z),      p(z) = p^(#kept) (1 − p)^(#dropped),

the arithmetic mean over all 2ⁿ masks. Here it is computed exactly for small models by
enumerating every mask (``enumerate_ensemble``), beside the renormalized geometric mean and the
weight-scaling rule, and estimated by Monte-Carlo (``mc_curve``). A sub-network's scores are
``net.forward(X, masks)``. The slide's own code is in ``regutils.lectures.dropout_slide``.

Conventions: p = ``keep_prob`` is the probability of KEEPING a unit (PyTorch's ``nn.Dropout`` takes
the drop probability 1 − p). Shapes: X is (N, D). Everything random takes ``seed``.
"""
import copy
import math

import numpy as np

from .. import checks
from ..data import digits_split, make_2d
from ..layers import Dense, Dropout
from ..losses import log_softmax, softmax
from ..model import MLP
from ..optim import Adam
from ..train import evaluate, fit
from .digits import train_digits


MAX_ENUMERATED_UNITS = 20  # 2**20 ≈ 10⁶ masks: still seconds for a small model

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
    z = checks.rng("seed", seed).random((n_draws, 2)) < p
    return {"masks": masks, "probs": probs, "outputs": outputs,
            "enumerated": float(probs @ outputs), "formula": float(p * (w @ x)),
            "monte_carlo": float(np.mean(z @ (w * x)))}

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

def sample_masks(net, n_masks, seed=0):
    """``n_masks`` random masks for every Dropout layer of ``net`` (each unit kept with its
    layer's p): a list with one (n_masks, units) array per Dropout layer."""
    n_masks = checks.integer("n_masks", n_masks, minimum=1)
    rng = checks.rng("seed", seed)
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

    def predict_proba(self, X, test_rule="scale", k=None, seed=None):
        """Softmax probabilities (N, C), averaged over the masks (``test_rule``, ``k`` and ``seed``
        are ignored: the masks are fixed)."""
        total, M = 0.0, len(self.masks[0])
        for start in range(0, M, 16):  # a few masks at a time: (16, N, units) arrays at most
            part = [m[start:start + 16] for m in self.masks]
            total = total + softmax(self.net.forward(X, part)).sum(axis=0)
        return total / M

    def predict(self, X, **kw):
        return self.predict_proba(X).argmax(axis=1)

    def __repr__(self):
        kept = ", ".join(f"{int(m[0].sum())}/{m.shape[1]}" for m in self.masks)
        return f"SubNetwork({len(self.masks[0])} mask(s), units kept in the first: {kept})"

def enumerate_ensemble(net, X, chunk=2048):
    """Every sub-network of ``net`` on X (N, D), weighted by p(z); returns a dict of (N, C) arrays:

    - ``arithmetic``: Σ_z p(z) softmax(f(x, z)) — the slide's E_z[f(x, z)];
    - ``geometric``: the renormalized geometric mean ∝ Π_z softmax(f(x, z))^p(z)
      (Goodfellow et al. §7.12, Srivastava et al. 2014);
    - ``scale``: ``net.predict_proba(X, test_rule="scale")``, the weight-scaling rule;
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
        scores = net.forward(X, np.split(masks[rows], splits, axis=1))
        w = weights[rows][:, None, None]
        arithmetic = arithmetic + (w * softmax(scores)).sum(axis=0)
        log_geo = log_geo + (w * log_softmax(scores)).sum(axis=0)
    return {"arithmetic": arithmetic, "geometric": softmax(log_geo),
            "scale": net.predict_proba(X, test_rule="scale"), "n_masks": len(masks)}

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

def train_dropout_digits(keep_prob=0.5, sizes=(64, 256, 256, 10), epochs=100, batch_size=128,
                         lr=0.05, momentum=0.9, rule="inverted", seed=0, data=None):
    """An MLP with dropout (keep probability p after every hidden layer) trained on the digits
    with SGD + momentum (``train_digits``). Returns (net, result): result has the final
    "train_acc", "test_acc", "train_loss", "test_loss" and the per-epoch "history" (training set
    only, to save time)."""
    Xtr, Xte, ytr, yte = digits_split() if data is None else data
    net, h = train_digits(Xtr, ytr, hidden=tuple(sizes[1:-1]), lr=lr, momentum=momentum,
                          batch_size=batch_size, epochs=epochs, keep_prob=keep_prob, rule=rule,
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
    rng = checks.rng("seed", seed)
    total = np.zeros((len(X), net.n_outputs))
    error, loss = np.empty(k_max), np.empty(k_max)
    for k in range(1, k_max + 1):
        total += net.predict_proba(X, test_rule="mc", k=1, seed=rng)
        error[k - 1] = np.mean((total / k).argmax(axis=1) != y)
        loss[k - 1] = log_loss(total / k, y)
    P = net.predict_proba(X, test_rule="scale")
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
    P = softmax(net.forward(x, masks))[:, 0]
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
        U = checks.rng("seed", seed).random((n_draws, len(h))) < p
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
