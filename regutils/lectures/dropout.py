"""Notebook 06, dropout: the ensemble of sub-networks, exactly and by Monte-Carlo.

Dropout trains an ensemble: every binary mask z (one bit per droppable unit, each 1 with
probability p = keep_prob) picks a sub-network f(x, z). The ensemble's prediction is

    y = f(x) = E_z[f(x, z)] = Σ_z p(z) f(x, z),      p(z) = p^(#kept) (1 − p)^(#dropped),

the arithmetic mean over all 2ⁿ masks. Here it is computed exactly for small models by
enumerating every mask (``enumerate_ensemble``), beside the renormalized geometric mean and the
weight-scaling rule, and estimated by Monte-Carlo (``mc_curve``: it converges to the arithmetic
mean, not to weight scaling). A sub-network's scores are ``net.forward(X, masks)``. Srivastava et
al.'s motivation and practice: co-adaptation measured by removing one unit (``unit_removal``,
``coadaptation_experiment``) and max-norm at a high learning rate (``max_norm_experiment``).
The slide's own code is in ``regutils.lectures.dropout_slide``.

Conventions: p = ``keep_prob`` is the probability of KEEPING a unit (PyTorch's ``nn.Dropout`` takes
the drop probability 1 − p). Shapes: X is (N, D). Everything random takes ``seed``.
"""
import copy
import math

import numpy as np

from .. import checks
from ..data import digits_split, load_digits, make_2d, train_val_test_split
from ..layers import Dense, Dropout
from ..losses import log_softmax, softmax
from ..model import MLP
from ..optim import SGD, Adam
from ..progress import progress
from ..train import evaluate, fit, one_blas_thread
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
    p = checks.keep_prob(keep_prob)
    n_test = checks.integer("n_test", n_test, minimum=1)
    epochs = checks.integer("epochs", epochs, minimum=1)
    checks.rng("seed", seed)
    if models is not None:
        if isinstance(models, str) or not all(m in EXACTNESS_MODELS for m in models):
            checks.fail("models", f"None or a list of names from {list(EXACTNESS_MODELS)}", models)
    X_train, X_test, y_train, y_test = digits_split()
    X_train, X_test = pool_digits(X_train), pool_digits(X_test[:n_test])
    out = {}
    names = [n for n in EXACTNESS_MODELS if models is None or n in models]
    for name in progress(names, "exact ensembles", "models"):
        spec = EXACTNESS_MODELS[name]
        net = MLP([16, *spec["hidden"], 10], keep_prob=p if spec["hidden_keep"] else 1.0,
                  input_keep_prob=p if spec["input_keep"] else 1.0, seed=seed)
        with one_blas_thread():
            fit(net, Adam(lr=0.01), X_train, y_train, epochs=epochs, batch_size=None, seed=seed)
            e = enumerate_ensemble(net, X_test)
        out[name] = {"geo_vs_scale": float(np.abs(e["geometric"] - e["scale"]).max()),
                     "arith_vs_scale": float(np.abs(e["arithmetic"] - e["scale"]).max()),
                     "arith_vs_geo": float(np.abs(e["arithmetic"] - e["geometric"]).max()),
                     "n_masks": e["n_masks"], "net": net}
    return out

def train_dropout_digits(keep_prob=0.5, sizes=(64, 256, 256, 10), epochs=100, batch_size=128,
                         lr=0.05, momentum=0.9, rule="inverted", seed=0, data=None,
                         dtype=np.float64):
    """An MLP with dropout (keep probability p after every hidden layer) trained on the digits
    with SGD + momentum (``train_digits``). Returns (net, result): result has the final
    "train_acc", "test_acc", "train_loss", "test_loss" and the per-epoch "history" (training set
    only, to save time). ``data``: (X_train, X_test, y_train, y_test), default ``digits_split()``."""
    X_train, X_test, y_train, y_test = _digits(data)
    ticker = _EpochTicker(checks.integer("epochs", epochs, minimum=1), f"training (p = {keep_prob})")
    try:
        net, h = train_digits(X_train, y_train, hidden=tuple(sizes[1:-1]), lr=lr,
                              momentum=momentum, batch_size=batch_size, epochs=epochs,
                              keep_prob=keep_prob, rule=rule, until=ticker, seed=seed, dtype=dtype)
    finally:
        ticker.close()
    test_loss, test_acc = evaluate(net, X_test, y_test)
    return net, {"train_acc": h["train_acc"][-1], "train_loss": h["train_loss"][-1],
                 "test_acc": test_acc, "test_loss": test_loss, "history": h}

def log_loss(P, y):
    """Mean −log P(true class) of probabilities P (N, C) for labels y (N,)."""
    return float(-np.mean(np.log(np.maximum(P[np.arange(len(y)), y], 1e-300))))

def mc_curve(net, X, y, k_max=200, seed=0, chunk=16):
    """Monte-Carlo averaging over k = 1 … k_max random masks against weight scaling.

    The k-th estimate is the mean of softmax(f(x, z)) over the first k masks (the masks are drawn
    once, ``chunk`` at a time, so the curve is one running average). It estimates the arithmetic
    mean E_z[softmax(f(x, z))], which is not what weight scaling computes: the gap between the two
    shrinks with k only down to the difference of the two means, not to zero.

    Returns {"k", "error", "n_errors", "log_loss", "gap_max", "gap_mean" (arrays over k),
    "n_test", "scale_error", "scale_n_errors", "scale_log_loss"}: ``gap_*`` are the max and the
    mean over the test points of max over classes |P_MC(k) − P_scale|."""
    k_max = checks.integer("k_max", k_max, minimum=1)
    chunk = checks.integer("chunk", chunk, minimum=1)
    X = checks.finite_array("X", X, ndim=2)
    y = checks.labels("y", y, n=len(X))
    rng = checks.rng("seed", seed)
    dtype = net.layers[0].params["W"].dtype if hasattr(net.layers[0], "params") else X.dtype
    X = X.astype(dtype, copy=False)   # a float32 net stays in float32 (twice as fast)
    P_scale = net.predict_proba(X, test_rule="scale").astype(np.float64)
    rows = np.arange(len(y))
    keys = ("n_errors", "log_loss", "gap_max", "gap_mean")
    out = {key: np.empty(k_max) for key in keys}
    total = np.zeros(P_scale.shape)
    for start in progress(range(0, k_max, chunk), "Monte-Carlo averaging",
                          f"chunks of {chunk} masks"):
        m = min(chunk, k_max - start)
        masks = [z.astype(dtype) for z in sample_masks(net, m, rng)]
        with one_blas_thread():
            P = softmax(net.forward(X, masks)).astype(np.float64)              # (m, N, C)
        running = total + np.cumsum(P, axis=0)
        total = running[-1]
        mean = running / np.arange(start + 1, start + m + 1)[:, None, None]
        part = slice(start, start + m)
        out["n_errors"][part] = np.sum(mean.argmax(axis=2) != y, axis=1)
        out["log_loss"][part] = -np.mean(np.log(np.maximum(mean[:, rows, y], 1e-300)), axis=1)
        gap = np.abs(mean - P_scale).max(axis=2)                                    # (m, N)
        out["gap_max"][part], out["gap_mean"][part] = gap.max(axis=1), gap.mean(axis=1)
    out["n_errors"] = out["n_errors"].astype(int)
    out.update(k=np.arange(1, k_max + 1), error=out["n_errors"] / len(y), n_test=len(y),
               scale_n_errors=int(np.sum(P_scale.argmax(axis=1) != y)),
               scale_log_loss=log_loss(P_scale, y))
    out["scale_error"] = out["scale_n_errors"] / len(y)
    return out

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

def keep_prob_selection(keep_probs=(1.0, 0.5, 0.2, 0.1), seeds=(0, 1, 2), sizes=(64, 128, 128, 10),
                        epochs=50, lr=0.05, batch_size=128, dtype=np.float32):
    """p chosen on validation data, as λ in notebook 02: ``train_dropout_digits`` on the training
    part of ``train_val_test_split(seed=0)`` of the digits (988 / 359 / 450; the test part is
    ``digits_split()``'s) for each seed (initial weights, masks, shuffling) and each p. Returns
    {"keep_probs", "seeds", "train_acc", "val_acc", "val_loss" (S, P), their means over the seeds
    "train_mean", "val_mean", "val_loss_mean" (P,) and "val_spread" (P,, half the range),
    "best_index" / "best_p" (highest mean validation accuracy), "test_acc" (S,): the test accuracy
    of the chosen p only, "test_mean", "split" (sizes of the three parts)}."""
    if isinstance(keep_probs, (str, bytes)) or not hasattr(keep_probs, "__iter__"):
        checks.fail("keep_probs", "a list of keep probabilities", keep_probs, TypeError)
    keep_probs = [checks.keep_prob(p, "keep_probs[i]") for p in keep_probs] or checks.fail(
        "keep_probs", "a non-empty list of keep probabilities", keep_probs)
    seeds, epochs = _seeds(seeds), checks.integer("epochs", epochs, minimum=1)
    lr, batch_size = checks.positive("lr", lr), checks.integer("batch_size", batch_size, minimum=1)
    d = load_digits()
    X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(d.X, d.y, seed=0)
    res = {k: np.zeros((len(seeds), len(keep_probs)))
           for k in ("train_acc", "val_acc", "val_loss", "test")}
    jobs = [(i, j) for i in range(len(seeds)) for j in range(len(keep_probs))]
    for i, j in progress(jobs, "keep probability on validation data", "runs"):
        net, r = train_dropout_digits(keep_prob=keep_probs[j], sizes=sizes, epochs=epochs, lr=lr,
                                      batch_size=batch_size, seed=seeds[i], dtype=dtype,
                                      data=(X_train, X_val, y_train, y_val))  # its "test" = validation
        res["train_acc"][i, j], res["val_acc"][i, j] = r["train_acc"], r["test_acc"]
        res["val_loss"][i, j], res["test"][i, j] = r["test_loss"], net.accuracy(X_test, y_test)
    best = int(np.argmax(res["val_acc"].mean(axis=0)))
    test = res.pop("test")[:, best]  # only the chosen p's test accuracy leaves this function
    return {"keep_probs": np.array(keep_probs), "seeds": seeds, **res, "best_index": best,
            "val_loss_mean": res["val_loss"].mean(axis=0), "train_mean": res["train_acc"].mean(axis=0),
            "val_mean": res["val_acc"].mean(axis=0), "val_spread": np.ptp(res["val_acc"], axis=0) / 2,
            "best_p": float(keep_probs[best]), "test_acc": test, "test_mean": float(test.mean()),
            "split": {"train": len(X_train), "val": len(X_val), "test": len(X_test)}}

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
    Returns (net, (X_train, X_test, y_train, y_test)); the test set has n_train points too."""
    n_train = checks.integer("n_train", n_train, minimum=2)
    epochs = checks.integer("epochs", epochs, minimum=1)
    lr = checks.positive("lr", lr)
    if not (isinstance(hidden, (tuple, list)) and hidden
            and all(isinstance(h, (int, np.integer)) and not isinstance(h, bool) and h >= 1
                    for h in hidden)):
        checks.fail("hidden", "a non-empty tuple of positive integers (units per hidden layer)",
                    hidden)
    X, y = make_2d("moons", 2 * n_train, noise=noise, seed=seed)
    data = (X[:n_train], X[n_train:], y[:n_train], y[n_train:])
    net = MLP([2, *hidden, 2], keep_prob=keep_prob, seed=seed)
    ticker = _EpochTicker(epochs, "training on the moons")
    try:
        with one_blas_thread():
            fit(net, Adam(lr=lr), data[0], data[2], epochs=epochs, seed=seed, until=ticker)
    finally:
        ticker.close()
    return net, data


class _EpochTicker:
    """An ``until`` callback for ``fit`` / ``train_digits`` that only moves a progress line on by
    one epoch (it never stops training); ``close()`` erases the line."""

    def __init__(self, epochs, what):
        self.ticks = progress(range(epochs + 1), what, "epochs")
        next(self.ticks)

    def __call__(self, history):
        next(self.ticks, None)
        return False

    def close(self):
        self.ticks.close()


def _digits(data):
    """(X_train, X_test, y_train, y_test): ``data`` if given, else ``digits_split()``."""
    if data is None:
        return digits_split()
    if not (isinstance(data, (tuple, list)) and len(data) == 4):
        checks.fail("data", "None or (X_train, X_test, y_train, y_test)", type(data).__name__)
    return data


def _seeds(seeds):
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        checks.fail("seeds", "a list of integer seeds", seeds, TypeError)
    seeds = [checks.integer("seeds[i]", s, minimum=0) for s in seeds]
    if len(seeds) < 1:
        checks.fail("seeds", "a non-empty list of seeds", seeds)
    return seeds


# ------------------------------------------------------------------------------------------------
# Srivastava et al. 2014: co-adaptation, and max-norm with a high learning rate
# ------------------------------------------------------------------------------------------------
def unit_removal(net, X, y):
    """Remove the units of ``net``'s last hidden layer one at a time, at test time (every other
    unit active, weight scaling), and measure what each one costs on (X, y).

    Removing unit j sets its activation to 0: the scores lose h_j · W[j] (W of the last Dense
    layer, (M, C)). Returns {"n_errors": errors of the whole net, "extra_errors" (M,): test
    errors added by removing unit j (an integer count, may be < 0), "loss_increase" (M,)}."""
    X = checks.finite_array("X", X, ndim=2)
    y = checks.labels("y", y, n=len(X))
    last = net.layers[-1]
    if not isinstance(last, Dense):
        checks.fail("net.layers[-1]", "a Dense layer (the output layer)", type(last).__name__)
    net.eval()
    H = X
    for layer in net.layers[:-1]:
        H = layer.forward(H)
    W = last.params["W"]
    S = (H @ W + last.params["b"]).astype(np.float64)                    # (N, C)
    removed = S[None] - H.T[:, :, None] * W[:, None, :]                  # (M, N, C)
    rows = np.arange(len(y))
    n_errors = int(np.sum(S.argmax(axis=1) != y))
    loss = -log_softmax(S)[rows, y].mean()
    return {"n_errors": n_errors,
            "extra_errors": np.sum(removed.argmax(axis=2) != y, axis=1) - n_errors,
            "loss_increase": -log_softmax(removed)[:, rows, y].mean(axis=1) - loss}


def coadaptation_experiment(keep_prob=0.5, hidden=128, epochs=50, lr=0.05, batch_size=64,
                            seeds=(0, 1, 2), data=None, dtype=np.float32):
    """Co-adaptation (Srivastava et al. 2014, §2): without dropout a unit may be useful only
    together with others; dropout makes each unit useful on its own. Measured by removing one
    hidden unit at a time (``unit_removal``) from a 64-``hidden``-10 net trained with and without
    dropout (SGD + momentum 0.9, same start for both), for each seed.

    Returns {"seeds", "n_test", "no dropout": {...}, "dropout": {...}}; each has arrays over seeds:
    "test_acc", "worst_extra_errors" (test errors added by removing the most important unit),
    "mean_loss_increase" (test log-loss added by removing one unit, mean over units)."""
    p = checks.keep_prob(keep_prob)
    hidden = checks.integer("hidden", hidden, minimum=1)
    epochs = checks.integer("epochs", epochs, minimum=1)
    lr = checks.positive("lr", lr)
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    seeds = _seeds(seeds)
    X_train, X_test, y_train, y_test = _digits(data)
    rows = {"no dropout": [], "dropout": []}
    for seed in progress(seeds, "co-adaptation (with and without dropout)", "seeds"):
        for name, keep in (("no dropout", 1.0), ("dropout", p)):
            net, _ = train_digits(X_train, y_train, hidden=(hidden,), lr=lr, batch_size=batch_size,
                                  epochs=epochs, keep_prob=keep, seed=seed, dtype=dtype)
            r = unit_removal(net, X_test, y_test)
            rows[name].append((1 - r["n_errors"] / len(y_test), r["extra_errors"].max(),
                               r["loss_increase"].mean()))
    out = {"seeds": seeds, "n_test": len(y_test)}
    for name, values in rows.items():
        acc, worst, loss = np.array(values).T
        out[name] = {"test_acc": acc, "worst_extra_errors": worst.astype(int),
                     "mean_loss_increase": loss}
    return out


def max_norm_experiment(c=3.0, lr=0.5, keep_prob=0.5, hidden=128, epochs=30, batch_size=128,
                        seeds=(0, 1, 2, 3, 4), data=None, dtype=np.float32):
    """Dropout with and without max-norm (‖w‖₂ ≤ c for each unit's incoming weights,
    ``SGD(max_norm=c)``) at a high learning rate, as Srivastava et al. (2014, §5.1) train:
    64-``hidden``-10 nets, SGD + momentum 0.9, the same start for both, for each seed.

    Returns {"seeds", "c", "lr", "without": {...}, "with": {...}}: arrays over seeds of "test_acc",
    "train_acc" and "largest_norm" (the largest incoming-weight norm of a hidden unit)."""
    c = checks.positive("c", c)
    lr = checks.positive("lr", lr)
    p = checks.keep_prob(keep_prob)
    hidden = checks.integer("hidden", hidden, minimum=1)
    epochs = checks.integer("epochs", epochs, minimum=1)
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    seeds = _seeds(seeds)
    X_train, X_test, y_train, y_test = _digits(data)
    rows = {"without": [], "with": []}
    with one_blas_thread():
        for seed in progress(seeds, "dropout with and without max-norm", "seeds"):
            for name, bound in (("without", None), ("with", c)):
                net = MLP([X_train.shape[1], hidden, 10], keep_prob=p, seed=seed, dtype=dtype)
                fit(net, SGD(lr, momentum=0.9, max_norm=bound), X_train, y_train, epochs=epochs,
                    batch_size=batch_size, seed=seed)
                norm = np.linalg.norm(net.layers[0].params["W"], axis=0).max()
                rows[name].append((net.accuracy(X_test, y_test), net.accuracy(X_train, y_train),
                                   norm))
    out = {"seeds": seeds, "c": c, "lr": lr}
    for name, values in rows.items():
        out[name] = dict(zip(("test_acc", "train_acc", "largest_norm"), np.array(values).T))
    return out
