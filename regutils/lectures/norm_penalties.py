"""Notebook 02, penalizing the size of the parameters (جریمه اندازه پارامترها): L̃ = L + λΩ(w).

- ``train_2d`` / ``output_spread`` / ``constant_function`` — a large λ makes the output constant;
- ``lambda_sweep`` — train and test error against λ (the U-shaped test curve);
- ``bias_penalty`` — why Ω takes w and not b;
- ``norms`` / ``distance_to_zero`` — "how do we measure the distance to zero?".

Conventions: L2 is Ω = ½‖w‖² (gradient λw), L1 is Ω = ‖w‖₁; biases are not penalized unless
``penalize_bias=True``. Training runs with BLAS limited to one thread.
"""
import numpy as np

from ..data import make_2d
from ..model import MLP
from ..optim import Adam
from ..train import fit, one_blas_thread


def train_2d(X, y, lam=0.0, penalty="l2", penalize_bias=False, sizes=(2, 64, 64, 2), epochs=500,
             lr=0.01, seed=0):
    """A ReLU MLP trained full batch with Adam on L̃ = L + λΩ(w) (2-D data, two classes).

    Full batch and a fixed number of epochs: the result depends on (data, λ, seed) only.
    """
    net = MLP(list(sizes), penalty=penalty, lam=lam, penalize_bias=penalize_bias, seed=seed)
    with one_blas_thread():
        fit(net, Adam(lr=lr), X, y, epochs=epochs, seed=seed)
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
    X_eval = X if X_eval is None else X_eval
    out = []
    for lam in lams:
        net = train_2d(X, y, lam=lam, **train_kw)
        out.append({"lam": float(lam), "net": net, "spread": output_spread(net, X_eval),
                    "train_acc": net.accuracy(X, y)})
    return out

SWEEP_LAMS = tuple(float(v) for v in np.geomspace(1e-4, 1.0, 9))

def lambda_sweep(lams=SWEEP_LAMS, dataset="moons", n_train=30, noise=0.3, n_test=1000,
                 seeds=(0, 1, 2), sizes=(2, 128, 128, 2), epochs=1000, lr=0.01):
    """Train and test error against λ, averaged over ``seeds`` (each seed: a new training set of
    ``n_train`` noisy points and new initial weights; one fixed test set of ``n_test`` points).

    Few noisy points and a big network overfit at small λ; a large λ underfits (the constant
    function, 50 % error): the test error is U-shaped. Returns {"lams", "train_err", "test_err"
    (arrays (S, L)), "train_mean", "test_mean" (L,), "best_lam", "best_index"}.
    """
    lams = np.asarray(lams, dtype=float)
    X_test, y_test = make_2d(dataset, n_test, noise, seed=10_000)
    train_err = np.zeros((len(seeds), len(lams)))
    test_err = np.zeros_like(train_err)
    for i, s in enumerate(seeds):
        X, y = make_2d(dataset, n_train, noise, seed=100 + s)
        for j, lam in enumerate(lams):
            net = train_2d(X, y, lam=lam, sizes=sizes, epochs=epochs, lr=lr, seed=s)
            train_err[i, j] = 1 - net.accuracy(X, y)
            test_err[i, j] = 1 - net.accuracy(X_test, y_test)
    test_mean = test_err.mean(axis=0)
    best = int(np.argmin(test_mean))
    return {"lams": lams, "train_err": train_err, "test_err": test_err,
            "train_mean": train_err.mean(axis=0), "test_mean": test_mean,
            "best_lam": float(lams[best]), "best_index": best}

def bias_penalty(offset=(4.0, 4.0), lam=0.03, dataset="moons", n_train=200, noise=0.2,
                 n_test=1000, seeds=(0, 1, 2), **train_kw):
    """Penalize w only, or w and b, on centred data and on the same data moved by ``offset``.

    A unit's boundary is w·x + b = 0; for data centred at c it needs b ≈ −w·c. Ω(w) leaves b free,
    so moving the data changes nothing; a penalty on b too pulls every boundary toward the origin,
    away from data far from it. Returns {(position, penalize_bias): mean test accuracy} with
    position in ("centred", "moved") — plus the trained nets of the first seed under "nets".
    """
    offset = np.asarray(offset, dtype=float)
    X0, y0 = make_2d(dataset, n_test, noise, seed=10_000)
    acc, nets = {}, {}
    for position, shift in (("centred", 0.0 * offset), ("moved", offset)):
        for penalize in (False, True):
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

def norms(weights, tol=1e-3):
    """Four ways to measure the distance of the weights to zero (all weight matrices as one vector).

    "L2": ‖w‖₂ = √Σw²; "L1": ‖w‖₁ = Σ|w|; "Linf": max|w|; "L0": the number of weights with
    |w| > ``tol`` (a count, not a norm: it ignores how large the weights are and has no useful
    gradient, so it can measure but not be trained with gradient descent).
    """
    w = np.concatenate([np.ravel(v) for v in weights])
    a = np.abs(w)
    return {"L2": float(np.sqrt(np.sum(w * w))), "L1": float(a.sum()), "Linf": float(a.max()),
            "L0": int(np.count_nonzero(a > tol)), "size": int(w.size)}

def distance_to_zero(X, y, penalties=(("none", 0.0), ("l2", 0.01), ("l1", 0.001)), tol=1e-3,
                     **train_kw):
    """Train the same network (same data, same start) with each (penalty, λ); measure its weights
    with every norm of ``norms``. Returns {name: {"net", "norms", "train_acc"}}."""
    out = {}
    for name, lam in penalties:
        net = train_2d(X, y, lam=lam, penalty=name, **train_kw)
        out[f"{name} λ={lam:g}" if lam else name] = {
            "net": net, "norms": norms(net.weights(), tol), "train_acc": net.accuracy(X, y)}
    return out
