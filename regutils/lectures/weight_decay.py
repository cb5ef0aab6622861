"""Notebook 03, L2 parameter regularization (منظم‌سازی پارامتر L2) and weight decay.

- ``gradient_descent_l2`` / ``ridge_check`` — the closed form of the quadratic model
  (``regutils.lectures.quadratic``) against gradient descent and against ridge regression;
- ``l2_sweep`` — weights of digits MLPs trained with growing λ;
- ``compare_update_forms`` — λw in the gradient vs decoupled weight decay, for SGD and Adam;
- ``make_highdim_regression`` / ``ridge_experiment`` — 200 weights, 20 training points (d2l);
- ``noisy_quadratic_adam`` / ``best_l2_match`` — Adam + L2 vs AdamW (Loshchilov & Hutter 2019).

Conventions: λ is ``lam``, η is ``lr``; L2 is Ω = ½‖w‖² (gradient λw); ``weight_decay`` is the
decoupled update w ← (1 − ηλ)w − η∇L; biases are not penalized.
"""
import numpy as np

from .. import checks
from ..data import digits_split, make_moons
from ..model import MLP
from ..optim import SGD, Adam, AdamW
from ..train import fit, one_blas_thread
from .digits import flat_weights, train_digits
from .quadratic import _hessian, _vector, l2_solution, ridge


def gradient_descent_l2(H, w_star, lam, lr=None, tol=1e-13, max_steps=200_000, w0=None):
    """Minimize J(w) + (λ/2)‖w‖² by plain gradient descent, w ← w − η(H(w − w*) + λw).

    Independent of the closed form (no eigendecomposition in the loop). Stops when a step moves w
    by less than ``tol``; ``lr`` defaults to 1/(largest eigenvalue + λ). Returns (w, steps).
    """
    H = _hessian(H)
    w_star = _vector("w_star", w_star, len(H))
    lam = checks.nonnegative("lam", lam)
    if lr is None:
        lr = 1.0 / (np.abs(H).sum(axis=1).max() + lam)  # ≤ 1/(λ_max + λ) (Gershgorin)
    lr = checks.positive("lr", lr)
    w = np.zeros_like(w_star) if w0 is None else _vector("w0", w0, len(H)).copy()
    for step in range(1, checks.integer("max_steps", max_steps, 1) + 1):
        move = lr * (H @ (w - w_star) + lam * w)
        w -= move
        if np.abs(move).max() < tol:
            break
    return w, step

def ridge_check(n=50, d=5, lam=0.7, seed=0):
    """For least squares the quadratic model is exact: with H = XᵀX and w* = the least-squares
    solution, Q(Λ + λI)⁻¹ΛQᵀw* is the ridge solution (XᵀX + λI)⁻¹Xᵀy of ½‖Xw − y‖² + (λ/2)‖w‖².
    Returns the largest absolute difference between the two (rounding only, ~1e-15)."""
    rng = checks.rng("seed", seed)
    X = rng.standard_normal((checks.integer("n", n, 1), checks.integer("d", d, 1)))
    y = X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n)
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    w_ridge, _ = ridge(X, y, lam / n, intercept=False)  # λ/N: ``ridge`` takes the mean squared error
    return float(np.abs(l2_solution(X.T @ X, w_star, lam) - w_ridge).max())

@one_blas_thread()
def l2_sweep(lams=(0.0, 1e-3, 1e-2, 3e-2), epochs=30, lr=0.1, momentum=0.9, batch_size=64,
             seed=0, data=None):
    """Digits MLPs (64-64-10, SGD with momentum) trained with L2 for each λ in ``lams``, from the
    same initial weights. Returns a dict λ → {"weights" (all weights, flat), "norm" ‖w‖₂,
    "train_acc", "test_acc"}."""
    X_train, X_test, y_train, y_test = digits_split() if data is None else data
    out = {}
    for lam in lams:
        net, h = train_digits(X_train, y_train, X_test, y_test, hidden=(64,), lr=lr,
                              momentum=momentum, batch_size=batch_size, epochs=epochs,
                              penalty="l2", lam=lam, seed=seed)
        w = flat_weights(net)
        out[lam] = {"weights": w, "norm": float(np.linalg.norm(w)),
                    "train_acc": h["train_acc"][-1], "test_acc": h["test_acc"][-1]}
    return out

@one_blas_thread()
def compare_update_forms(optimizer="sgd", lam=1e-2, lr=0.1, epochs=10, batch_size=20, seed=0,
                         hidden=32):
    """Train two copies of the same MLP on the same moons mini-batches:

    - A: the penalty λ·½‖w‖² in the loss, so its gradient λw goes through the optimizer
      (SGD: w ← w − η(λw + ∇L); Adam: λw is also divided by √v̂);
    - B: no penalty, decoupled weight decay (SGD: w ← (1 − ηλ)w − η∇L; Adam: AdamW).

    Returns the largest |w_A − w_B| over all parameters after every step, an array (steps,).
    For SGD it stays at rounding level (~1e-16); for Adam it grows.
    """
    checks.choice("optimizer", optimizer, ("sgd", "adam"))
    X, y = make_moons(200, noise=0.25, seed=seed)
    net_a = MLP([2, hidden, hidden, 2], penalty="l2", lam=lam, seed=seed)
    net_b = MLP([2, hidden, hidden, 2], seed=seed)
    if optimizer == "sgd":
        opt_a, opt_b = SGD(lr), SGD(lr, weight_decay=lam)
    else:
        opt_a, opt_b = Adam(lr), AdamW(lr, weight_decay=lam)
    pa, pb = net_a.parameters(), net_b.parameters()
    rng = checks.rng("seed", seed)
    batch_size = checks.integer("batch_size", batch_size, 1)
    diffs = []
    for _ in range(checks.integer("epochs", epochs, 1)):
        order = rng.permutation(len(X))
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            opt_a.step(pa, net_a.loss_and_grads(X[idx], y[idx])[1])
            opt_b.step(pb, net_b.loss_and_grads(X[idx], y[idx])[1])
            diffs.append(max(float(np.abs(pa[k] - pb[k]).max()) for k in pa))
    return np.array(diffs)

def make_highdim_regression(n_train=20, n_test=100, d=200, w_value=0.01, b=0.05, noise=0.01,
                            seed=0):
    """d2l's high-dimensional linear regression: y = 0.05 + Σᵢ 0.01·xᵢ + ε, x ~ N(0, I₂₀₀),
    ε ~ N(0, 0.01²), only 20 training points for 200 weights.

    Returns X_train (n_train, d), y_train (n_train, 1), X_test, y_test, w_true (d,).
    """
    rng = checks.rng("seed", seed)
    n_train = checks.integer("n_train", n_train, 1)
    n_test = checks.integer("n_test", n_test, 1)
    d = checks.integer("d", d, 1)
    w_true = np.full(d, checks.number("w_value", w_value))
    X = rng.standard_normal((n_train + n_test, d))
    y = (X @ w_true + b + checks.nonnegative("noise", noise) * rng.standard_normal(len(X)))[:, None]
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:], w_true

@one_blas_thread()
def ridge_experiment(lams=(0.0, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0), epochs=400, lr=0.02,
                     seed=0, data=None):
    """Linear regression ŷ = Xw + b (``MLP([200, 1], loss="mse")``) on the 20 training points of
    ``make_highdim_regression``, trained by full-batch gradient descent on
    L̃ = mean (ŷ − y)² + (λ/2)‖w‖² for ``epochs`` steps, once per λ in ``lams``.

    Returns {"lams", "train_loss", "test_loss" (mean squared errors, no penalty), "weight_norm",
    "histories", "best_lam"}.
    Without λ, gradient descent only moves w inside the 20-dimensional span of the training
    inputs: the other 180 directions keep their random initial values and the test loss stays
    high; λw decays them (by (1 − ηλ) per step).
    """
    X_train, y_train, X_test, y_test, _ = make_highdim_regression(seed=seed) if data is None else data
    out = {"lams": np.array(lams, float), "train_loss": [], "test_loss": [], "weight_norm": [],
           "histories": []}
    for lam in lams:
        net = MLP([X_train.shape[1], 1], loss="mse", penalty="l2", lam=lam, seed=seed)
        h = fit(net, SGD(lr), X_train, y_train, X_test, y_test, epochs=epochs, seed=seed)
        out["train_loss"].append(h["train_loss"][-1])
        out["test_loss"].append(h["test_loss"][-1])
        out["weight_norm"].append(float(np.linalg.norm(net.weights()[0])))
        out["histories"].append(h)
    for key in ("train_loss", "test_loss", "weight_norm"):
        out[key] = np.array(out[key])
    out["best_lam"] = float(out["lams"][np.argmin(out["test_loss"])])
    return out

def noisy_quadratic_adam(h=(4.0, 1.0, 0.25, 0.0625), w_star=None, lam=0.25, decoupled=False,
                         sigma=1.0, lr=0.01, steps=12_000, burn_in=4_000, seed=0):
    """Adam + L2 vs AdamW at the stationary point of a noisy quadratic (Loshchilov & Hutter 2019).

    The loss ½Σᵢ hᵢ(wᵢ − wᵢ*)² is seen through noisy gradients gᵢ = hᵢ(wᵢ − wᵢ* + σξᵢ),
    ξ ~ N(0, 1) (mini-batch noise whose size grows with the curvature, as in least squares).
    - Adam + L2 (``decoupled=False``): g + λw goes through Adam. At the stationary point the mean
      of g + λw is 0, so wᵢ = hᵢ/(hᵢ + λ)·wᵢ* — plain L2 shrinkage, small hᵢ shrunk most.
    - AdamW (``decoupled=True``): w ← (1 − ηλ)w − η m̂/(√v̂ + ε). Adam divides gᵢ by its own size,
      so every coordinate moves the same way whatever hᵢ: all are shrunk by the SAME factor.

    Returns the average of w over the steps after ``burn_in`` (an estimate of the stationary
    point), an array (d,). w starts at 0; ``seed`` draws the noise.
    """
    h = _vector("h", h)
    if np.any(h <= 0):
        checks.fail("h", "> 0 (curvatures)", h.min())
    w_star = np.ones_like(h) if w_star is None else _vector("w_star", w_star, len(h))
    lam = checks.nonnegative("lam", lam)
    sigma = checks.nonnegative("sigma", sigma)
    steps = checks.integer("steps", steps, 1)
    burn_in = checks.integer("burn_in", burn_in, 0)
    if burn_in >= steps:
        checks.fail("burn_in", f"< steps ({steps})", burn_in)
    rng = checks.rng("seed", seed)
    w = np.zeros_like(h)
    params = {"0.W": w}
    opt = AdamW(lr, weight_decay=lam) if decoupled else Adam(lr)
    total = np.zeros_like(h)
    for t in range(steps):
        g = h * (w - w_star + sigma * rng.standard_normal(len(h)))
        if not decoupled:
            g = g + lam * w
        opt.step(params, {"0.W": g})
        if t >= burn_in:
            total += w
    return total / (steps - burn_in)

def best_l2_match(target, h, w_star=None):
    """The L2 coefficient λ' whose plain-L2 stationary point hᵢ/(hᵢ + λ')·wᵢ* (what Adam + L2
    reaches) comes closest to ``target`` (e.g. AdamW's weights), searched on a fine log grid
    1e-4 … 1e4. Returns (λ', the largest |difference| over the coordinates)."""
    h = _vector("h", h)
    target = _vector("target", target, len(h))
    w_star = np.ones_like(h) if w_star is None else _vector("w_star", w_star, len(h))
    lams = np.logspace(-4, 4, 4001)
    fits = h / (h + lams[:, None]) * w_star
    err = np.abs(fits - target).max(axis=1)
    i = int(np.argmin(err))
    return float(lams[i]), float(err[i])
