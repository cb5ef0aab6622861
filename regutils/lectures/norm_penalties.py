"""Notebook 02, penalizing the size of the parameters (جریمه اندازه پارامترها): L̃ = L + λΩ(w).

- ``train_2d`` / ``output_spread`` / ``constant_function`` — a large λ makes the output constant;
- ``lipschitz_bound`` / ``largest_slope`` / ``smoothness`` — why small weights make a simpler
  function: ‖f(x) − f(x′)‖ ≤ ∏ₗ‖Wₗ‖₂ ‖x − x′‖ for a ReLU network;
- ``lambda_sweep`` — train and validation error against λ (the U-shaped curve), λ chosen on the
  validation part, the test error of the chosen λ reported once;
- ``bias_penalty`` — why Ω takes w and not b;
- ``norms`` / ``distance_to_zero`` / ``penalty_study`` / ``unit_report`` — "how do we measure the
  distance to zero?", over seeds, with Adam and with SGD, and which units the penalty switches off.

Conventions: L2 is Ω = ½‖w‖² (gradient λw), L1 is Ω = ‖w‖₁; biases are not penalized unless
``penalize_bias=True``. Training runs with BLAS limited to one thread.
"""
import numpy as np

from .. import checks
from ..data import DATASETS_2D, make_2d, train_val_test_split
from ..layers import Dense, ReLU
from ..model import MLP
from ..optim import SGD, Adam
from ..progress import progress
from ..train import fit, one_blas_thread

OPTIMIZERS = ("adam", "sgd")


def _seeds(seeds, minimum=1):
    if not isinstance(seeds, (list, tuple)) or len(seeds) < minimum:
        checks.fail("seeds", f"a list or tuple of at least {minimum} seed(s)", seeds, TypeError)
    return tuple(checks.integer("seeds", s, minimum=0) for s in seeds)


def _lams(lams):
    if isinstance(lams, (str, bytes)) or np.ndim(lams) != 1 or len(lams) == 0:
        checks.fail("lams", "a non-empty list of numbers >= 0", lams, TypeError)
    return np.array([checks.nonnegative("lams", v) for v in lams])


def _sizes(sizes):
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
        checks.fail("sizes", "a list of layer sizes, e.g. (2, 64, 64, 2)", sizes, TypeError)
    return tuple(checks.integer("sizes", s, minimum=1) for s in sizes)


def _train_kw(kw):
    """Check the training keywords that pass through to ``train_2d`` before any training."""
    known = {"lam", "penalty", "penalize_bias", "sizes", "epochs", "lr", "seed", "optimizer"}
    extra = set(kw) - known
    if extra:
        checks.fail("keyword arguments", "some of " + ", ".join(sorted(known)), sorted(extra),
                    TypeError)
    if "epochs" in kw:
        checks.integer("epochs", kw["epochs"], minimum=1)
    if "lr" in kw:
        checks.positive("lr", kw["lr"])
    if "sizes" in kw:
        _sizes(kw["sizes"])
    if "optimizer" in kw:
        checks.choice("optimizer", kw["optimizer"], OPTIMIZERS)
    if "seed" in kw:
        checks.integer("seed", kw["seed"], minimum=0)
    return kw


def train_2d(X, y, lam=0.0, penalty="l2", penalize_bias=False, sizes=(2, 64, 64, 2), epochs=500,
             lr=0.01, seed=0, optimizer="adam"):
    """A ReLU MLP trained full batch on L̃ = L + λΩ(w) (2-D data, two classes), with Adam(lr)
    (``optimizer="adam"``) or SGD(lr, momentum 0.9) (``"sgd"``), the penalty in the gradient.

    Full batch and a fixed number of epochs: the result depends on (data, λ, seed) only.
    """
    checks.choice("optimizer", optimizer, OPTIMIZERS)
    epochs = checks.integer("epochs", epochs, minimum=1)
    net = MLP(list(_sizes(sizes)), penalty=penalty, lam=lam, penalize_bias=penalize_bias, seed=seed)
    opt = Adam(lr=lr) if optimizer == "adam" else SGD(lr=lr, momentum=0.9)
    with one_blas_thread():
        fit(net, opt, X, y, epochs=epochs, seed=seed, eval_every=epochs)
    return net

def output_spread(net, X):
    """How far the network is from a constant function on the inputs X (N, 2).

    Returns {"std": std of P(class 1 | x), "range": max − min of it, "mean": its mean}. A constant
    function has std = range = 0.
    """
    p = net.predict_proba(X)[:, 1]
    return {"std": float(p.std()), "range": float(p.max() - p.min()), "mean": float(p.mean())}

def constant_function(X, y, lams, X_eval=None, **train_kw):
    """Train one network per λ; returns a list of {"lam", "net", "spread", "train_acc"}.

    The spread (``output_spread``) is measured on ``X_eval`` (default: X) and shrinks toward 0 as
    λ grows: with Ω(w) dominating, w → 0 and the output becomes softmax(b), the same for all x.
    """
    lams = _lams(lams)
    _train_kw(train_kw)
    X_eval = X if X_eval is None else X_eval
    out = []
    for lam in progress(lams, "λ values", "networks"):
        net = train_2d(X, y, lam=lam, **train_kw)
        out.append({"lam": float(lam), "net": net, "spread": output_spread(net, X_eval),
                    "train_acc": net.accuracy(X, y)})
    return out

# ---- why small weights make a simpler function -------------------------------------------------

def _dense_relu(net):
    layers = [layer for layer in net.layers if not (hasattr(layer, "sigma") or
                                                     hasattr(layer, "keep_prob"))]
    if not all(isinstance(layer, (Dense, ReLU)) for layer in layers):
        checks.fail("net", "a network of Dense and ReLU layers only", net, TypeError)
    return layers

def lipschitz_bound(net):
    """∏ₗ ‖Wₗ‖₂, the product of the weight matrices' spectral norms (largest singular values).

    For a ReLU network f (ReLU is 1-Lipschitz, biases only shift), ‖f(x) − f(x′)‖₂ ≤
    ∏ₗ‖Wₗ‖₂ · ‖x − x′‖₂ for all x, x′: no input change of size 1 can move the output (the
    scores before softmax) by more. Small weights, a small bound: a flat function.
    """
    return float(np.prod([np.linalg.norm(layer.params["W"], 2) for layer in _dense_relu(net)
                          if isinstance(layer, Dense)]))

def largest_slope(net, X):
    """How fast the network's scores f(x) (N, C) really change on the points X (N, D).

    "pairs": max over pairs i ≠ j of ‖f(xᵢ) − f(xⱼ)‖ / ‖xᵢ − xⱼ‖; "gradient": max over the points
    of ‖J(xᵢ)‖₂, the spectral norm of the Jacobian ∂f/∂x there (exact for a ReLU network: the
    product of the weight matrices with the inactive units' rows removed). Both are at most
    ``lipschitz_bound(net)``.
    """
    X = checks.finite_array("X", X, ndim=2)
    layers = _dense_relu(net)
    h = X
    T = np.broadcast_to(np.eye(X.shape[1]), (len(X), X.shape[1], X.shape[1]))  # ∂h/∂x, transposed
    for layer in layers:
        if isinstance(layer, Dense):
            W = layer.params["W"]
            h = h @ W + layer.params["b"]
            T = T @ W
        else:
            active = h > 0
            h = np.where(active, h, 0.0)
            T = T * active[:, None, :]
    F = h
    dF = np.linalg.norm(F[:, None, :] - F[None, :, :], axis=-1)
    dX = np.linalg.norm(X[:, None, :] - X[None, :, :], axis=-1)
    pair = dX > 0
    return {"pairs": float(np.max(dF[pair] / dX[pair])) if np.any(pair) else 0.0,
            "gradient": float(np.max(np.linalg.norm(T, 2, axis=(1, 2))))}

def smoothness(runs, X):
    """The bound and the measured slopes of every network of ``constant_function`` runs.

    runs: a list (one per seed) of ``constant_function`` results on the same λ values. Returns
    {"lams" (L,), "bound", "pairs", "gradient" (arrays (S, L))}.
    """
    if not isinstance(runs, (list, tuple)) or not runs:
        checks.fail("runs", "a non-empty list of constant_function results", runs, TypeError)
    lams = [r["lam"] for r in runs[0]]
    if any([r["lam"] for r in run] != lams for run in runs):
        checks.fail("runs", "results on the same λ values", [[r["lam"] for r in run] for run in runs])
    out = {"lams": np.array(lams), "bound": [], "pairs": [], "gradient": []}
    for run in runs:
        slopes = [largest_slope(r["net"], X) for r in run]
        out["bound"].append([lipschitz_bound(r["net"]) for r in run])
        out["pairs"].append([s["pairs"] for s in slopes])
        out["gradient"].append([s["gradient"] for s in slopes])
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}

# ---- train and validation error against λ ------------------------------------------------------

SWEEP_LAMS = tuple(float(v) for v in np.geomspace(1e-4, 1.0, 9))

def lambda_sweep(lams=SWEEP_LAMS, dataset="moons", n_train=30, n_val=200, noise=0.3, n_test=1000,
                 seeds=(0, 1, 2), sizes=(2, 64, 64, 2), epochs=600, lr=0.01):
    """Train and validation error against λ, over ``seeds``; λ chosen on the validation part.

    Each seed draws n_train + n_val + n_test noisy points and splits them with
    ``train_val_test_split`` into X_train (to fit), X_val (to choose λ) and X_test (to report the
    chosen λ once), and starts from new initial weights. Few noisy points and a big network
    overfit at small λ; a large λ underfits (the constant function, 50 % error).

    Returns {"lams", "train_err", "val_err", "data_loss", "omega" (arrays (S, L): errors, the
    training data loss L and Ω(w) of each trained net), "train_mean", "val_mean" (L,),
    "best_index", "best_lam" (smallest mean validation error), "test_err" (S,): the test error
    at the chosen λ, "test_mean", "split" (the sizes of the three parts)}.
    """
    lams = _lams(lams)
    checks.choice("dataset", dataset, DATASETS_2D)
    n_train = checks.integer("n_train", n_train, minimum=4)
    n_val = checks.integer("n_val", n_val, minimum=2)
    n_test = checks.integer("n_test", n_test, minimum=2)
    noise = checks.nonnegative("noise", noise)
    seeds = _seeds(seeds)
    _train_kw({"sizes": sizes, "epochs": epochs, "lr": lr})
    n = n_train + n_val + n_test
    shape = (len(seeds), len(lams))
    res = {k: np.zeros(shape) for k in ("train_err", "val_err", "test_all", "data_loss", "omega")}
    data, nets = {}, []
    for i, j in progress([(i, j) for i in range(len(seeds)) for j in range(len(lams))],
                         "λ sweep", "networks"):
        s = seeds[i]
        if i not in data:
            X, y = make_2d(dataset, n, noise, seed=100 + s)
            data[i] = train_val_test_split(X, y, val_size=n_val / n, test_size=n_test / n, seed=s)
        X_train, X_val, X_test, y_train, y_val, y_test = data[i]
        net = train_2d(X_train, y_train, lam=lams[j], sizes=sizes, epochs=epochs, lr=lr, seed=s)
        res["train_err"][i, j] = 1 - net.accuracy(X_train, y_train)
        res["val_err"][i, j] = 1 - net.accuracy(X_val, y_val)
        res["test_all"][i, j] = 1 - net.accuracy(X_test, y_test)
        res["data_loss"][i, j] = net.data_loss(X_train, y_train)
        res["omega"][i, j] = net.penalty_value() / lams[j] if lams[j] > 0 else np.nan
        if i == 0:
            nets.append(net)
    val_mean = res["val_err"].mean(axis=0)
    best = int(np.argmin(val_mean))
    test_all = res.pop("test_all")  # only the chosen λ's test error leaves this function
    X_train, X_val, X_test, y_train = data[0][:4]
    return {"lams": lams, **res, "train_mean": res["train_err"].mean(axis=0), "val_mean": val_mean,
            "best_lam": float(lams[best]), "best_index": best, "test_err": test_all[:, best],
            "test_mean": float(test_all[:, best].mean()),
            "split": {"train": len(X_train), "val": len(X_val), "test": len(X_test)},
            "nets": nets, "X_train": X_train, "y_train": y_train}

def scaled_objective(net, X, y, lam, scales=(0.0, 0.25, 0.5, 0.75, 1.0)):
    """L̃ = L + λΩ of ``net`` with every weight matrix multiplied by t, for each t in ``scales``
    (biases kept): the path from the constant function (t = 0) to the trained net (t = 1).

    With three weight layers the part of the output that depends on x scales like t³, Ω like t²:
    near t = 0 the penalty always wins, so w = 0 is a local minimum for every λ > 0, and once λ
    is large enough it is the global one — the jump of the test error to 50 %.
    Returns an array (len(scales),); ``net`` is left unchanged.
    """
    lam = checks.nonnegative("lam", lam)
    scales = [checks.nonnegative("scales", t) for t in scales]
    weights = net.weights()
    saved = [W.copy() for W in weights]
    out = []
    try:
        for t in scales:
            for W, W0 in zip(weights, saved):
                W[...] = t * W0
            omega = sum(0.5 * float(np.sum(W * W)) for W in weights) if net.penalty.name == "l2" \
                else sum(float(np.abs(W).sum()) for W in weights)
            out.append(net.data_loss(X, y) + lam * omega)
    finally:
        for W, W0 in zip(weights, saved):
            W[...] = W0
    return np.array(out)

# ---- why Ω takes w and not b -------------------------------------------------------------------

def bias_penalty(offset=(4.0, 4.0), lam=0.03, dataset="moons", n_train=200, noise=0.2,
                 n_test=1000, seeds=(0, 1, 2), **train_kw):
    """Penalize w only, or w and b, on centred data and on the same data moved by ``offset``.

    A unit's boundary is w·x + b = 0; for data centred at c it needs b ≈ −w·c. Ω(w) leaves b free,
    so moving the data changes nothing; a penalty on b too pulls every boundary toward the origin,
    away from data far from it. Returns {(position, penalize_bias): mean test accuracy} with
    position in ("centred", "moved") — plus the trained nets of the first seed under "nets".
    """
    offset = checks.finite_array("offset", offset, ndim=1)
    lam = checks.nonnegative("lam", lam)
    checks.choice("dataset", dataset, DATASETS_2D)
    n_train = checks.integer("n_train", n_train, minimum=2)
    noise = checks.nonnegative("noise", noise)
    n_test = checks.integer("n_test", n_test, minimum=1)
    seeds = _seeds(seeds)
    _train_kw(train_kw)
    X0, y0 = make_2d(dataset, n_test, noise, seed=10_000)
    acc, nets = {}, {}
    runs = [(position, shift, penalize) for position, shift in (("centred", 0.0 * offset),
                                                                 ("moved", offset))
            for penalize in (False, True)]
    for position, shift, penalize in progress(runs, "bias penalty", "settings"):
        scores = []
        for s in seeds:
            X, y = make_2d(dataset, n_train, noise, seed=100 + s)
            net = train_2d(X + shift, y, lam=lam, penalize_bias=penalize, seed=s, **train_kw)
            scores.append(net.accuracy(X0 + shift, y0))
            if s == seeds[0]:
                nets[(position, penalize)] = (net, X + shift, y)
        acc[(position, penalize)] = float(np.mean(scores))
    acc["nets"] = nets
    return acc

# ---- how do we measure the distance to zero? ---------------------------------------------------

def norms(weights, tol=1e-3):
    """Four ways to measure the distance of the weights to zero (all weight matrices as one vector).

    "L2": ‖w‖₂ = √Σw²; "L1": ‖w‖₁ = Σ|w|; "Linf": max|w|; "L0": the number of weights with
    |w| > ``tol`` (a count, not a norm: it ignores how large the weights are and has no useful
    gradient, so it can measure but not be trained with gradient descent).
    """
    tol = checks.nonnegative("tol", tol)
    w = np.concatenate([np.ravel(v) for v in weights])
    a = np.abs(w)
    return {"L2": float(np.sqrt(np.sum(w * w))), "L1": float(a.sum()), "Linf": float(a.max()),
            "L0": int(np.count_nonzero(a > tol)), "size": int(w.size)}

def distance_to_zero(X, y, penalties=(("none", 0.0), ("l2", 0.01), ("l1", 0.001)), tol=1e-3,
                     **train_kw):
    """Train the same network (same data, same start) with each (penalty, λ); measure its weights
    with every norm of ``norms``. Returns {name: {"net", "norms", "train_acc"}}."""
    tol = checks.nonnegative("tol", tol)
    _train_kw(train_kw)
    out = {}
    for name, lam in penalties:
        net = train_2d(X, y, lam=lam, penalty=name, **train_kw)
        out[f"{name} λ={lam:g}" if lam else name] = {
            "net": net, "norms": norms(net.weights(), tol), "train_acc": net.accuracy(X, y)}
    return out

def unit_report(net, X, tol=1e-3):
    """What the penalty did to each hidden ReLU unit of ``net`` on the inputs X.

    Per hidden layer: "dead" — units whose output is 0 on every x (ReLU never active); "off" —
    units whose incoming weights all have |w| < ``tol``: they output the constant ReLU(b) and
    carry no information about x (a unit can be off without being dead); "in_norm" — each unit's
    ‖incoming weights‖₂. Returns a list of dicts, one per hidden layer.
    """
    tol = checks.nonnegative("tol", tol)
    X = checks.finite_array("X", X, ndim=2)
    out, h = [], X
    layers = _dense_relu(net)
    for layer in layers:
        if isinstance(layer, Dense):
            W = layer.params["W"]
            h = h @ W + layer.params["b"]
        else:
            h = np.maximum(h, 0.0)
            out.append({"dead": int(np.sum(np.all(h <= 0, axis=0))),
                        "off": int(np.sum(np.all(np.abs(W) < tol, axis=0))),
                        "in_norm": np.linalg.norm(W, axis=0), "units": W.shape[1]})
    return out

def penalty_study(X, y, penalties=(("none", 0.0), ("l2", 0.01), ("l1", 0.001)),
                  optimizers=(("adam", 0.01), ("sgd", 0.1)), seeds=(0, 1, 2), tol=1e-3,
                  sizes=(2, 64, 64, 2), epochs=500):
    """``distance_to_zero`` over seeds and optimizers (each (name, η)): the same data, a new start
    per seed. Returns {(optimizer, penalty): {"L2", "L1", "Linf", "L0", "train_acc", "small"
    (share of weights with |w| < tol), "tiny" (share with |w| < 1e-6), "dead", "off" (summed over
    the hidden layers): arrays (S,); "net": the first seed's network}}."""
    tol = checks.nonnegative("tol", tol)
    seeds = _seeds(seeds)
    for name, lam in penalties:
        checks.nonnegative("penalties λ", lam)
    for name, lr in optimizers:
        checks.choice("optimizers", name, OPTIMIZERS)
        checks.positive("optimizers η", lr)
    _train_kw({"sizes": sizes, "epochs": epochs})
    runs = [(o, lr, p, lam, s) for o, lr in optimizers for p, lam in penalties for s in seeds]
    out = {}
    for o, lr, p, lam, s in progress(runs, "penalties × optimizers × seeds", "networks"):
        net = train_2d(X, y, lam=lam, penalty=p, sizes=sizes, epochs=epochs, lr=lr, seed=s,
                       optimizer=o)
        w = np.concatenate([v.ravel() for v in net.weights()])
        units = unit_report(net, X, tol)
        row = {**norms(net.weights(), tol), "train_acc": net.accuracy(X, y),
               "small": float(np.mean(np.abs(w) < tol)), "tiny": float(np.mean(np.abs(w) < 1e-6)),
               "dead": sum(u["dead"] for u in units), "off": sum(u["off"] for u in units)}
        entry = out.setdefault((o, p), {"net": net, "units": units})
        for k, v in row.items():
            entry.setdefault(k, []).append(v)
    for entry in out.values():
        for k, v in entry.items():
            if isinstance(v, list) and k != "units":
                entry[k] = np.asarray(v, dtype=float)
    return out
