"""L2 and L1 on a quadratic loss (Goodfellow et al., *Deep Learning*, §7.1), and the experiments
of notebooks 03 (L2 / weight decay) and 04 (L1 and sparsity).

Near a minimum w* every smooth loss looks like the quadratic

    J(w) = ½ (w − w*)ᵀ H (w − w*),      H = Q Λ Qᵀ  (Hessian; eigenvalues λᵢ ≥ 0),

and for linear least squares ½‖Xw − y‖² it *is* that quadratic (H = XᵀX) up to a constant.

- L2 (§7.1.1): the minimizer of J(w) + (λ/2)‖w‖² is w̃ = (H + λI)⁻¹ H w* = Q(Λ + λI)⁻¹ΛQᵀw*:
  along eigen-direction i the component of w* is scaled by λᵢ/(λᵢ + λ). Directions in which the
  loss hardly changes (small λᵢ) are decayed most.
- L1 (§7.1.2), diagonal H: the minimizer of J(w) + λ‖w‖₁ is wᵢ = sign(wᵢ*)·max(|wᵢ*| − λ/Hᵢᵢ, 0),
  exactly 0 when |wᵢ*| ≤ λ/Hᵢᵢ. Subgradient steps jitter around 0; the proximal step (ISTA,
  ``regutils.soft_threshold``) lands on it.

Conventions as in the rest of regutils: λ is ``lam``, η is ``lr``; L2 is Ω = ½‖w‖² (gradient λw),
L1 is Ω = ‖w‖₁ (subgradient λ·sign(w), sign(0) = 0); biases are not penalized; everything random
takes ``seed``. Plot helpers take ``ax=None`` and return their artists; nothing here changes
matplotlib's global settings.
"""

import functools
import html

import numpy as np

from . import checks, plots
from .data import digits_split, make_moons
from .model import MLP
from .optim import SGD, Adam, AdamW
from .penalties import soft_threshold
from .train import fit, one_blas_thread

# ------------------------------------------------------------------------------------------
# The quadratic model
# ------------------------------------------------------------------------------------------
#: the 2-D example of the figures (notebook 03): a flat direction (λ₁ = 0.1) tilted by 20°
#: and a steep one (λ₂ = 1), minimum w* = (2, 1) — the shape of Goodfellow et al.'s Fig. 7.1.
EIGVALS_2D = (0.1, 1.0)
ANGLE_2D = 20.0
W_STAR_2D = (2.0, 1.0)
#: the diagonal example of notebook 04: H = diag(1, 0.25), w* = (1, 0.5).
H_DIAG_2D = (1.0, 0.25)
W_STAR_L1 = (1.0, 0.5)


def _vector(name, w, d=None):
    w = checks.finite_array(name, w).astype(np.float64).ravel()
    if d is not None and w.size != d:
        checks.fail(f"{name}.size", str(d), w.size)
    return w


def _hessian(H):
    """A symmetric positive semi-definite matrix (d, d); a vector is read as a diagonal."""
    H = checks.finite_array("H", H).astype(np.float64)
    if H.ndim == 1:
        H = np.diag(H)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        checks.fail("H", "a square matrix (d, d) or the vector of its diagonal", H.shape)
    if not np.allclose(H, H.T, rtol=0, atol=1e-12 * max(1.0, np.abs(H).max())):
        checks.fail("H", "symmetric", "a non-symmetric matrix")
    if np.linalg.eigvalsh(H).min() < -1e-12 * max(1.0, np.abs(H).max()):
        checks.fail("H", "positive semi-definite (a Hessian at a minimum)", "a negative eigenvalue")
    return H


def _diagonal(H):
    H = _hessian(H)
    if np.any(H - np.diag(np.diag(H))):
        checks.fail("H", "diagonal (the closed form of §7.1.2 needs a diagonal Hessian)",
                    "a matrix with off-diagonal entries")
    h = np.diag(H).copy()
    if np.any(h <= 0):
        checks.fail("diagonal of H", "> 0", h.min())
    return h


def rotated_hessian(eigvals=EIGVALS_2D, angle=ANGLE_2D):
    """H = QΛQᵀ in 2-D: eigenvalues ``eigvals`` along the axes turned by ``angle`` degrees.

    Returns H (2, 2). Q's first column (cos θ, sin θ) has eigenvalue ``eigvals[0]``.
    """
    lam1, lam2 = (checks.nonnegative("eigvals[0]", eigvals[0]),
                  checks.nonnegative("eigvals[1]", eigvals[1]))
    t = np.deg2rad(checks.number("angle", angle))
    Q = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return Q @ np.diag([lam1, lam2]) @ Q.T


def quadratic_loss(W, H, w_star):
    """J(w) = ½(w − w*)ᵀH(w − w*) for one w (d,) or many (..., d) (e.g. a grid of points)."""
    H, w_star = _hessian(H), np.asarray(w_star, np.float64)
    D = np.asarray(W, np.float64) - w_star
    return 0.5 * np.einsum("...i,ij,...j->...", D, H, D)


def shrink_factors(H, lam):
    """The eigenvalues λᵢ of H (ascending) and the factors λᵢ/(λᵢ + λ) that L2 applies to them."""
    lam = checks.nonnegative("lam", lam)
    eigvals = np.linalg.eigvalsh(_hessian(H))
    with np.errstate(invalid="ignore", divide="ignore"):
        factors = np.where(eigvals + lam > 0, eigvals / (eigvals + lam), 1.0)
    return eigvals, factors


def l2_solution(H, w_star, lam):
    """w̃ = Q(Λ + λI)⁻¹ΛQᵀw*, the minimizer of J(w) + (λ/2)‖w‖² (Goodfellow eq. 7.13).

    H: (d, d) Hessian (or its diagonal), w_star: (d,), lam: λ ≥ 0. Computed in the eigenbasis:
    rotate w* into it (Qᵀw*), scale component i by λᵢ/(λᵢ + λ), rotate back.
    """
    H = _hessian(H)
    w_star = _vector("w_star", w_star, len(H))
    lam = checks.nonnegative("lam", lam)
    eigvals, Q = np.linalg.eigh(H)
    with np.errstate(invalid="ignore", divide="ignore"):
        factors = np.where(eigvals + lam > 0, eigvals / (eigvals + lam), 1.0)
    return Q @ (factors * (Q.T @ w_star))


def l2_path(H, w_star, lams):
    """w̃(λ) for every λ in ``lams``: an array (len(lams), d), the path from w* (λ = 0) to 0."""
    return np.array([l2_solution(H, w_star, lam) for lam in np.ravel(lams)])


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
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((checks.integer("n", n, 1), checks.integer("d", d, 1)))
    y = X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n)
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    ridge = np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y)
    return float(np.abs(l2_solution(X.T @ X, w_star, lam) - ridge).max())


# ------------------------------------------------------------------------------------------
# L1 with a diagonal Hessian: closed form, numerical minimizer, subgradient descent, ISTA
# ------------------------------------------------------------------------------------------
def l1_objective(w, H, w_star, lam):
    """J(w) + λ‖w‖₁ for one w (d,) or many (..., d)."""
    return quadratic_loss(w, H, w_star) + lam * np.abs(np.asarray(w, np.float64)).sum(axis=-1)


def l1_solution(H, w_star, lam):
    """wᵢ = sign(wᵢ*)·max(|wᵢ*| − λ/Hᵢᵢ, 0): the minimizer of J(w) + λ‖w‖₁ for a diagonal H
    (Goodfellow eq. 7.22). H: (d, d) diagonal or its diagonal (d,); w_star: (d,)."""
    h = _diagonal(H)
    w_star = _vector("w_star", w_star, len(h))
    lam = checks.nonnegative("lam", lam)
    return np.sign(w_star) * np.maximum(np.abs(w_star) - lam / h, 0.0) + 0.0  # + 0.0: no "-0.0"


def l1_numerical_minimizer(H, w_star, lam, tol=1e-12):
    """Minimize J(w) + λ‖w‖₁ numerically, without the formula: with a diagonal H the objective
    is a sum of convex 1-D functions, each minimized by golden-section search on
    [−(|wᵢ*| + 1), |wᵢ*| + 1]. Returns w (d,) (accurate to about ``tol``)."""
    h = _diagonal(H)
    w_star = _vector("w_star", w_star, len(h))
    lam = checks.nonnegative("lam", lam)
    g = (np.sqrt(5) - 1) / 2
    w = np.empty_like(w_star)
    for i, (hi, wi) in enumerate(zip(h, w_star)):
        def f(x):
            return 0.5 * hi * (x - wi) ** 2 + lam * abs(x)
        a, b = -(abs(wi) + 1), abs(wi) + 1
        c, d = b - g * (b - a), a + g * (b - a)
        fc, fd = f(c), f(d)
        while b - a > tol:
            if fc < fd:
                b, d, fd = d, c, fc
                c = b - g * (b - a)
                fc = f(c)
            else:
                a, c, fc = c, d, fd
                d = a + g * (b - a)
                fd = f(d)
        w[i] = (a + b) / 2
    return w


def subgradient_descent_l1(H, w_star, lam, lr, steps=200, w0=None):
    """w ← w − η(H(w − w*) + λ·sign(w)): the slide's ∇L + λ·sign(w) used as a gradient.

    Returns the trajectory (steps + 1, d). With a constant η a weight whose optimum is 0 keeps
    crossing 0: it jitters in a band of width about ηλ and is (almost) never exactly 0.
    """
    return _l1_descent(H, w_star, lam, lr, steps, w0, proximal=False)


def ista_l1(H, w_star, lam, lr, steps=200, w0=None):
    """ISTA (proximal gradient): w ← soft_threshold(w − ηH(w − w*), ηλ).

    The gradient step handles the smooth J; the proximal step of ηλ‖w‖₁ sets every weight with
    |w| ≤ ηλ to exactly 0. Returns the trajectory (steps + 1, d).
    """
    return _l1_descent(H, w_star, lam, lr, steps, w0, proximal=True)


def _l1_descent(H, w_star, lam, lr, steps, w0, proximal):
    H = _hessian(H)
    w_star = _vector("w_star", w_star, len(H))
    lam = checks.nonnegative("lam", lam)
    lr = checks.positive("lr", lr)
    steps = checks.integer("steps", steps, 0)
    w = w_star.copy() if w0 is None else _vector("w0", w0, len(H)).copy()
    path = [w.copy()]
    for _ in range(steps):
        grad = H @ (w - w_star)
        if proximal:
            w = soft_threshold(w - lr * grad, lr * lam)
        else:
            w = w - lr * (grad + lam * np.sign(w))
        path.append(w.copy())
    return np.array(path)


def l1_path(H, w_star, lams):
    """The L1 solution for every λ in ``lams``: (len(lams), d). Piecewise linear; a coordinate
    stays at exactly 0 once λ ≥ |wᵢ*|·Hᵢᵢ."""
    return np.array([l1_solution(H, w_star, lam) for lam in np.ravel(lams)])


# ------------------------------------------------------------------------------------------
# Training experiments on real networks (notebooks 03 and 04)
# ------------------------------------------------------------------------------------------
def _flat_weights(net):
    return np.concatenate([w.ravel() for w in net.weights()])


def train_digits(penalty="none", lam=0.0, proximal=False, hidden=64, epochs=40, lr=0.1,
                 momentum=0.0, batch_size=32, seed=0, data=None):
    """An MLP 64-``hidden``-10 trained on the digits with SGD; returns (net, history).

    penalty="l2"/"l1" puts λΩ(w) into the gradient (for L1 that is the subgradient λ·sign(w));
    ``proximal=True`` (L1 only) uses ``SGD(lr, prox_l1=lam)`` instead: no penalty in the gradient, a
    soft-threshold after every step. ``data``: (X_train, X_test, y_train, y_test), default the
    75/25 split of ``digits_split()``.
    """
    X_train, X_test, y_train, y_test = digits_split() if data is None else data
    if proximal:
        if penalty != "l1":
            checks.fail("penalty", "'l1' when proximal=True", penalty)
        net = MLP([64, hidden, 10], seed=seed)
        opt = SGD(lr, prox_l1=lam)
    else:
        net = MLP([64, hidden, 10], penalty=penalty, lam=lam, seed=seed)
        opt = SGD(lr, momentum=momentum)
    history = fit(net, opt, X_train, y_train, X_test, y_test, epochs=epochs,
                  batch_size=batch_size, seed=seed)
    return net, history


def weight_norms(net):
    """‖w‖₂ over all weight matrices (biases excluded, as in Ω), and the share of weights
    that are exactly 0."""
    w = _flat_weights(net)
    return float(np.linalg.norm(w)), float(np.mean(w == 0))


@one_blas_thread()
def l2_sweep(lams=(0.0, 1e-3, 1e-2, 3e-2), epochs=30, lr=0.1, momentum=0.9, batch_size=64,
             seed=0, data=None):
    """Digits MLPs (64-64-10, SGD with momentum) trained with L2 for each λ in ``lams``, from the
    same initial weights. Returns a dict λ → {"weights" (all weights, flat), "norm" ‖w‖₂,
    "train_acc", "test_acc"}."""
    data = digits_split() if data is None else data
    out = {}
    for lam in lams:
        net, h = train_digits("l2", lam, epochs=epochs, lr=lr, momentum=momentum,
                              batch_size=batch_size, seed=seed, data=data)
        out[lam] = {"weights": _flat_weights(net), "norm": weight_norms(net)[0],
                    "train_acc": h["train_acc"][-1], "test_acc": h["test_acc"][-1]}
    return out


@one_blas_thread()
def sparsity_experiment(lam=1e-3, epochs=40, lr=0.3, batch_size=128, seed=0, data=None):
    """L1 vs L2 on the digits (64-64-10, plain SGD, same start, same mini-batches):

    - "none": no penalty (its weights w₀ fix the matched L2 strength);
    - "l1 subgradient": λ·sign(w) added to the gradient (the slide's formula);
    - "l1 proximal": SGD step then soft-threshold by ηλ (``SGD(prox_l1=λ)``);
    - "l2 matched": L2 with λ₂ = 2λ‖w₀‖₁/‖w₀‖², so that λ₂·½‖w₀‖² = λ‖w₀‖₁: both penalties cost
      the same at the unregularized weights.

    Returns a dict name → {"weights", "zero" (share exactly 0), "small" (share with |w| < 1e-3),
    "norm", "train_acc", "test_acc"}, plus "lam_l2".
    """
    data = digits_split() if data is None else data
    kw = dict(epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, data=data)
    runs = {"none": train_digits(**kw)}
    w0 = _flat_weights(runs["none"][0])
    lam_l2 = 2 * lam * np.abs(w0).sum() / np.sum(w0**2)
    runs["l1 subgradient"] = train_digits("l1", lam, **kw)
    runs["l1 proximal"] = train_digits("l1", lam, proximal=True, **kw)
    runs["l2 matched"] = train_digits("l2", lam_l2, **kw)
    out = {}
    for name, (net, h) in runs.items():
        w = _flat_weights(net)
        out[name] = {"weights": w, "zero": float(np.mean(w == 0)),
                     "small": float(np.mean(np.abs(w) < 1e-3)), "norm": float(np.linalg.norm(w)),
                     "train_acc": h["train_acc"][-1], "test_acc": h["test_acc"][-1]}
    out["lam_l2"] = float(lam_l2)
    return out


def slopes_at(f, x=0.0, h=1e-6):
    """Numerical derivatives of a scalar function f at x: (centred, right, left) =
    ((f(x+h) − f(x−h))/2h, (f(x+h) − f(x))/h, (f(x) − f(x−h))/h). Where f has a kink the
    one-sided slopes differ and the centred difference is just their average."""
    x, h = float(x), checks.positive("h", h)
    return ((f(x + h) - f(x - h)) / (2 * h), (f(x + h) - f(x)) / h, (f(x) - f(x - h)) / h)


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
    rng = np.random.default_rng(seed)
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
    rng = np.random.default_rng(seed)
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
    rng = np.random.default_rng(seed)
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


def make_feature_data(n_train=200, n_test=1000, n_informative=5, n_irrelevant=15, noise=0.5,
                      seed=0):
    """Regression data with informative and irrelevant inputs: x ~ N(0, I), y = Σ over the first
    ``n_informative`` inputs of wᵢxᵢ + ε with wᵢ = ±(1, 0.8, 0.6, ...) and ε ~ N(0, noise²); the
    other ``n_irrelevant`` inputs do not enter y at all.

    Returns X_train (n_train, d), y_train (n_train, 1), X_test, y_test, w_true (d,).
    """
    rng = np.random.default_rng(seed)
    k = checks.integer("n_informative", n_informative, 1)
    d = k + checks.integer("n_irrelevant", n_irrelevant, 0)
    w_true = np.zeros(d)
    w_true[:k] = np.linspace(1.0, 0.5, k) * np.where(np.arange(k) % 2, -1, 1)
    n = checks.integer("n_train", n_train, 1) + checks.integer("n_test", n_test, 1)
    X = rng.standard_normal((n, d))
    y = (X @ w_true + checks.nonnegative("noise", noise) * rng.standard_normal(n))[:, None]
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:], w_true


@one_blas_thread()
def feature_selection(lam=0.25, epochs=300, lr=0.1, seed=0, data=None):
    """Linear regression ``MLP([d, 1], loss="mse")`` on ``make_feature_data``, trained by full-batch
    gradient descent three ways: no penalty, L1 by the proximal step (ISTA, exact zeros) and L2 at
    a matched strength λ₂ = 2λ·‖w₀‖₁/‖w₀‖² (both penalties cost the same at the unregularized
    weights w₀). Returns a dict with, for "none", "l1", "l2": the weights (d,), the test loss,
    and the counts of exactly-zero weights among the informative and the irrelevant inputs;
    plus "lam_l2", "n_informative", "w_true".
    """
    X_train, y_train, X_test, y_test, w_true = make_feature_data(seed=seed) if data is None else data
    k = int(np.count_nonzero(w_true))
    d = len(w_true)
    runs = {}

    def train(name, opt, penalty="none", lam_=0.0):
        net = MLP([d, 1], loss="mse", penalty=penalty, lam=lam_, seed=seed)
        h = fit(net, opt, X_train, y_train, X_test, y_test, epochs=epochs, seed=seed)
        w = net.weights()[0].ravel().copy()
        runs[name] = {"w": w, "test_loss": h["test_loss"][-1],
                      "zero_informative": int(np.sum(w[:k] == 0)),
                      "zero_irrelevant": int(np.sum(w[k:] == 0))}

    train("none", SGD(lr))
    w0 = runs["none"]["w"]
    lam_l2 = 2 * lam * np.abs(w0).sum() / np.sum(w0**2)
    train("l1", SGD(lr, prox_l1=lam))
    train("l2", SGD(lr), "l2", lam_l2)
    runs.update(lam_l2=float(lam_l2), n_informative=k, w_true=w_true)
    return runs


# ------------------------------------------------------------------------------------------
# Figures (each takes ax=None and returns its artists)
# ------------------------------------------------------------------------------------------
_axes = functools.partial(plots._axes, figsize=(4.8, 4.2), layout="constrained")


def _ellipse(H, w_star, level, n=200):
    """Points (n, 2) of the contour J(w) = level of the 2-D quadratic."""
    eigvals, Q = np.linalg.eigh(H)
    t = np.linspace(0, 2 * np.pi, n)
    radii = np.sqrt(2 * level / np.maximum(eigvals, 1e-12))
    return w_star + (Q @ (radii[:, None] * np.vstack([np.cos(t), np.sin(t)]))).T


def _circle(radius, n=200):
    t = np.linspace(0, 2 * np.pi, n)
    return radius * np.cos(t), radius * np.sin(t)


def _diamond(radius):
    return (radius * np.array([1, 0, -1, 0, 1.0]), radius * np.array([0, 1, 0, -1, 0.0]))


def _contours(ax, H, w_star, extent, n_levels=7):
    xmin, xmax, ymin, ymax = extent
    xx, yy = np.meshgrid(np.linspace(xmin, xmax, 200), np.linspace(ymin, ymax, 200))
    J = quadratic_loss(np.stack([xx, yy], axis=-1), H, w_star)
    top = quadratic_loss(np.zeros(2), H, w_star)  # the contour through the origin
    levels = top * np.linspace(0.04, 1.0, n_levels) ** 2
    return ax.contour(xx, yy, J, levels=levels, colors="0.6", linewidths=0.8)


LAMS_PATH = np.logspace(-3, 3, 300)


def _finish_geometry_axes(ax, extent, legend):
    """Axes lines, limits, labels and legend of a 2-D weight-space figure; returns its text box."""
    text = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=9,
                   bbox=dict(boxstyle="round", fc="white", ec="0.8", alpha=0.9))
    ax.axhline(0, color="0.3", lw=0.6)
    ax.axvline(0, color="0.3", lw=0.6)
    ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="w₁", ylabel="w₂", aspect="equal")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    return text


class L2Geometry:
    """Goodfellow et al.'s Fig. 7.1 with a movable λ: the contours of J (grey ellipses) around w*,
    its eigen-directions, the path of w̃(λ) from w* (λ = 0) to 0 (λ → ∞), and for the current λ
    the L2 circle ‖w‖ = ‖w̃‖ touching the loss ellipse through w̃ (where the two are tangent).

    ``set_lam(lam)`` moves the circle, the ellipse, the point and the text in place.
    ``artists``: dict of the matplotlib artists.
    """

    def __init__(self, H=None, w_star=None, lam=0.1, ax=None, extent=(-0.5, 3.0, -0.75, 2.0),
                 legend=True):
        self.H = rotated_hessian() if H is None else _hessian(H)
        if self.H.shape != (2, 2):
            checks.fail("H", "a 2x2 matrix (the figure is 2-D)", self.H.shape)
        self.w_star = np.array(W_STAR_2D if w_star is None else _vector("w_star", w_star, 2))
        self.ax = ax = _axes(ax)
        eigvals, Q = np.linalg.eigh(self.H)
        a = {"contours": _contours(ax, self.H, self.w_star, extent)}
        span = np.array([-3.0, 3.0])
        for i, (style, word) in enumerate((("--", "flat"), (":", "steep"))):
            q = Q[:, i]
            a[f"axis{i}"], = ax.plot(self.w_star[0] + span * q[0], self.w_star[1] + span * q[1],
                                     style, color="C0", lw=1,
                                     label=f"eigen-direction {i + 1} ({word}, λ{'₁₂'[i]} = "
                                           f"{eigvals[i]:g})")
        path = l2_path(self.H, self.w_star, LAMS_PATH)
        a["path"], = ax.plot(path[:, 0], path[:, 1], color="C3", lw=1.5,
                             label="path of w̃ as λ grows")
        a["circle"], = ax.plot([], [], color="C2", lw=1.5, label="L2 ball ‖w‖ = ‖w̃‖")
        a["ellipse"], = ax.plot([], [], color="k", lw=1.2, label="loss contour through w̃")
        a["w_star"], = ax.plot(*self.w_star, "k*", ms=12, label="w* (no penalty)", zorder=5)
        a["w_tilde"], = ax.plot([], [], "o", color="C3", ms=8, mec="k", label="w̃ (with penalty)",
                                zorder=6)
        a["text"] = _finish_geometry_axes(ax, extent, legend)
        self.artists = a
        self.set_lam(lam)

    def set_lam(self, lam):
        """Redraw for λ = ``lam``: returns w̃."""
        lam = checks.nonnegative("lam", lam)
        a = self.artists
        w = l2_solution(self.H, self.w_star, lam)
        a["w_tilde"].set_data([w[0]], [w[1]])
        a["circle"].set_data(*_circle(np.linalg.norm(w)))
        a["ellipse"].set_data(*_ellipse(self.H, self.w_star,
                                        quadratic_loss(w, self.H, self.w_star)).T)
        eigvals, factors = shrink_factors(self.H, lam)
        a["text"].set_text(f"λ = {lam:.3g}\nw̃ = ({w[0]:.2f}, {w[1]:.2f})\n"
                           f"flat direction × {factors[0]:.2f}\n"
                           f"steep direction × {factors[1]:.2f}")
        self.lam, self.w_tilde = lam, w
        return w


class L1Geometry:
    """The same picture for L1 with a diagonal Hessian: the contours of J, the L1 diamond
    ‖w‖₁ = ‖w̃₁‖₁ through the L1 solution w̃₁ (which sits on a corner, i.e. on an axis, as soon as
    λ ≥ |wᵢ*|Hᵢᵢ for some i), the L2 circle through the L2 solution at the same λ for comparison,
    and the paths of both solutions as λ grows. ``set_lam(lam)`` updates in place.
    """

    def __init__(self, H=None, w_star=None, lam=0.2, ax=None, extent=(-0.5, 1.5, -0.5, 1.0),
                 legend=True):
        self.h = _diagonal(H_DIAG_2D if H is None else H)
        if len(self.h) != 2:
            checks.fail("H", "2x2 (the figure is 2-D)", len(self.h))
        self.H = np.diag(self.h)
        self.w_star = np.array(W_STAR_L1 if w_star is None else _vector("w_star", w_star, 2))
        self.ax = ax = _axes(ax)
        a = {"contours": _contours(ax, self.H, self.w_star, extent)}
        p1 = l1_path(self.H, self.w_star, LAMS_PATH)
        p2 = l2_path(self.H, self.w_star, LAMS_PATH)
        a["path_l1"], = ax.plot(p1[:, 0], p1[:, 1], color="saddlebrown", ls="--", lw=1.5,
                                label="L1 path (λ grows)")
        a["path_l2"], = ax.plot(p2[:, 0], p2[:, 1], color="C2", lw=1.2, ls="--",
                                label="L2 path (λ grows)")
        a["diamond"], = ax.plot([], [], color="C1", lw=1.5, alpha=0.8,
                                label="L1 ball ‖w‖₁ = ‖w̃‖₁")
        a["circle"], = ax.plot([], [], color="C2", lw=1.2, alpha=0.8, label="L2 ball ‖w‖₂ = ‖w̃‖₂")
        a["ellipse"], = ax.plot([], [], color="k", lw=1.2, label="loss contour through w̃ (L1)")
        a["w_star"], = ax.plot(*self.w_star, "k*", ms=12, label="w* (no penalty)", zorder=5)
        a["w_l1"], = ax.plot([], [], "o", color="C1", ms=8, mec="k", label="w̃ with L1", zorder=6)
        a["w_l2"], = ax.plot([], [], "s", color="C2", ms=7, mec="k", label="w̃ with L2", zorder=6)
        a["text"] = _finish_geometry_axes(ax, extent, legend)
        self.artists = a
        self.set_lam(lam)

    def set_lam(self, lam):
        """Redraw for λ = ``lam``: returns (w̃ with L1, w̃ with L2)."""
        lam = checks.nonnegative("lam", lam)
        a = self.artists
        w1 = l1_solution(self.H, self.w_star, lam)
        w2 = l2_solution(self.H, self.w_star, lam)
        a["w_l1"].set_data([w1[0]], [w1[1]])
        a["w_l2"].set_data([w2[0]], [w2[1]])
        a["diamond"].set_data(*_diamond(np.abs(w1).sum()))
        a["circle"].set_data(*_circle(np.linalg.norm(w2)))
        a["ellipse"].set_data(*_ellipse(self.H, self.w_star,
                                        quadratic_loss(w1, self.H, self.w_star)).T)
        zeros = int(np.sum(w1 == 0))
        where = {0: "on an edge", 1: "on a corner: w = 0 exactly", 2: "at the origin"}
        a["text"].set_text(f"λ = {lam:.3g}\nL1: w̃ = ({w1[0]:.2f}, {w1[1]:.2f})\n   {where[zeros]}\n"
                           f"L2: w̃ = ({w2[0]:.2f}, {w2[1]:.2f})")
        self.lam, self.w_l1, self.w_l2 = lam, w1, w2
        return w1, w2


def plot_shrink_factors(H=None, lams=None, ax=None):
    """λᵢ/(λᵢ + λ) against λ for every eigenvalue λᵢ of H: how much of w* survives along each
    eigen-direction. Returns the list of lines."""
    H = rotated_hessian() if H is None else _hessian(H)
    lams = np.logspace(-3, 2, 200) if lams is None else np.asarray(lams, float)
    ax = _axes(ax, figsize=(4.8, 3.2))
    eigvals = np.linalg.eigvalsh(H)
    lines = []
    for i, e in enumerate(eigvals):
        line, = ax.plot(lams, e / (e + lams), lw=2, label=f"λ{i + 1} = {e:g}")
        ax.axvline(e, color=line.get_color(), lw=0.8, ls=":")
        lines.append(line)
    ax.set(xscale="log", xlabel="λ (regularization constant)", ylim=(0, 1.02),
           ylabel="λᵢ / (λᵢ + λ)  (share of w* kept)",
           title="Each eigen-direction keeps λᵢ/(λᵢ+λ) of w*\n(dotted: λ = λᵢ keeps half)")
    ax.legend(title="eigenvalue of H", fontsize=8)
    return lines


def plot_weight_histograms(weights, axes=None, bins=81, range_=None, log=False, title=None,
                           colors=None):
    """One histogram per entry of ``weights`` (dict label → array, flattened), side by side on the
    same bins, symmetric around 0 (an odd number, so 0 is the centre of a bin); weights beyond
    ``range_`` are counted in the outer bins. Returns the list of bar containers."""
    flat = {k: np.ravel(v) for k, v in weights.items()}
    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(flat), figsize=(3.2 * len(flat), 2.9), sharex=True, sharey=True,
                                 layout="constrained", squeeze=False)
        axes = axes[0]
        if title:
            fig.suptitle(title)
    if range_ is None:
        r = max(np.abs(v).max() for v in flat.values())
        range_ = (-r, r)
    edges = np.linspace(*range_, bins + 1)
    out = []
    for i, (ax, (label, w)) in enumerate(zip(np.ravel(axes), flat.items())):
        color = colors[i] if colors is not None else f"C{i}"
        _, _, patches = ax.hist(np.clip(w, *range_), bins=edges, color=color, log=log)
        if log:
            from matplotlib.ticker import NullFormatter
            ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("weight value w")
        if i == 0:
            ax.set_ylabel("number of weights" + (" (log scale)" if log else ""))
        out.append(patches)
    return out


def plot_update_forms(diff_sgd, diff_adam, ax=None):
    """The largest |w_A − w_B| after each step: penalty-in-the-gradient (A) vs decoupled weight
    decay (B), for SGD and for Adam/AdamW. Exact zeros are drawn at 1e-18 (log scale)."""
    ax = _axes(ax, figsize=(6.4, 3.4))
    floor = 1e-18
    a, = ax.plot(np.maximum(diff_sgd, floor), label="SGD: w − η(λw + ∇L)  vs  (1 − ηλ)w − η∇L")
    b, = ax.plot(np.maximum(diff_adam, floor), label="Adam with λw in the gradient  vs  AdamW")
    ax.axhline(1e-12, color="0.5", ls=":", lw=1)
    ax.set(yscale="log", xlabel="step", ylabel="max |w_A − w_B|", ylim=(floor / 3, 10),
           title="Same update for SGD, different for Adam")
    ax.legend(fontsize=7.5, loc="center right")
    return [a, b]


def plot_ridge(result, axes=None):
    """Left: train and test loss against the epoch without λ and with the best λ (log y).
    Right: final train and test loss against λ (λ = 0 drawn at the left edge).
    ``result`` is ``ridge_experiment(...)``. Returns the axes."""
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    floor = 1e-6  # losses below are drawn on the bottom edge ("≈ 0")
    ax = axes[0]
    lams = list(result["lams"])
    for lam, color in ((0.0, "C3"), (result["best_lam"], "C0")):
        h = result["histories"][lams.index(lam)]
        ax.plot(h["epoch"], np.maximum(h["train_loss"], floor), color=color, ls="--",
                label=f"train, λ = {lam:g}")
        ax.plot(h["epoch"], h["test_loss"], color=color, label=f"test, λ = {lam:g}")
    ax.set(yscale="log", xlabel="epoch (full-batch gradient steps)", ylim=(floor / 2, 3),
           ylabel="mean squared error", title="200 weights, 20 training points\n"
           "(losses below 1e-6 drawn at the bottom edge)")
    ax.legend(fontsize=8)
    ax = axes[1]
    x = np.array(lams, float)
    positive = x > 0
    x_plot = np.where(positive, x, x[positive].min() / 10)
    ax.plot(x_plot, np.maximum(result["train_loss"], floor), "o--", color="C2",
            label="train loss")
    ax.plot(x_plot, result["test_loss"], "o-", color="C1", label="test loss")
    ax.axvline(result["best_lam"], color="C0", ls=":", label=f"best λ = {result['best_lam']:g}")
    ticks = list(x_plot)
    ax.set(xscale="log", yscale="log", xlabel="λ", ylabel="mean squared error (after training)",
           title="Train and test loss against λ", ylim=(floor / 2, 3))
    ax.set_xticks(ticks, ["0"] + [f"{v:g}" for v in x[positive]], fontsize=7)
    ax.minorticks_off()
    ax.legend(fontsize=8)
    return axes


def plot_adam_shrink(h, w_adam, w_adamw, lam_adam, lam_adamw, w_star=None, ax=None):
    """Bars of wᵢ/wᵢ* per coordinate at the stationary point: Adam + L2 beside the plain-L2
    prediction hᵢ/(hᵢ + λ), and AdamW (the same factor for all). Returns the bar containers."""
    h = np.asarray(h, float)
    w_star = np.ones_like(h) if w_star is None else np.asarray(w_star, float)
    ax = _axes(ax, figsize=(6.4, 3.8))
    x = np.arange(len(h))
    bars = [ax.bar(x - 0.2, w_adam / w_star, 0.4, color="C0", label=f"Adam + L2 (λ = {lam_adam:g})"),
            ax.bar(x + 0.2, w_adamw / w_star, 0.4, color="C1",
                   label=f"AdamW (weight decay {lam_adamw:g})")]
    ax.plot(x - 0.2, h / (h + lam_adam), "k_", ms=22, mew=2, label="plain L2: hᵢ/(hᵢ + λ)")
    ax.set_xticks(x, [f"h = {v:g}" for v in h])
    ax.set(xlabel="coordinate (its curvature hᵢ)", ylabel="wᵢ / wᵢ*  (share kept)", ylim=(0, 1.4),
           title="Adam + L2 shrinks flat directions most;\nAdamW shrinks every coordinate alike")
    ax.legend(fontsize=7.5, loc="upper center", ncol=2)
    return bars


def plot_l1_descent(sub, ista, i, ax=None):
    """Coordinate ``i`` (whose optimum is 0) of the subgradient-descent and ISTA trajectories
    against the step. Returns the two lines."""
    ax = _axes(ax, figsize=(5.8, 3.2))
    a, = ax.plot(sub[:, i], ".-", ms=3, lw=0.8, color="C3", label="subgradient step  w − η(∇J + λ·sign w)")
    b, = ax.plot(ista[:, i], ".-", ms=3, lw=0.8, color="C0",
                 label="proximal step (ISTA)  soft_threshold(w − η∇J, ηλ)")
    ax.axhline(0, color="k", lw=0.6)
    ax.set(xlabel="step", ylabel=f"w{'₁₂₃₄₅₆₇₈₉'[i] if i < 9 else i + 1}",
           title="A weight whose optimum is 0: jitter vs exact zero")
    ax.legend(fontsize=7.5)
    return [a, b]


def plot_feature_weights(result, ax=None):
    """Bars of the learned weights per input (no penalty, L1, L2), informative inputs shaded.
    ``result`` is ``feature_selection(...)``. Returns the bar containers."""
    ax = _axes(ax, figsize=(8, 3.2))
    d = len(result["w_true"])
    k = result["n_informative"]
    x = np.arange(d)
    ax.axvspan(-0.5, k - 0.5, color="0.92", zorder=0)
    ax.text((k - 1) / 2, 1.02, "informative", ha="center", va="bottom",
            transform=ax.get_xaxis_transform(), fontsize=8)
    ax.text((k + d - 1) / 2, 1.02, "irrelevant", ha="center", va="bottom",
            transform=ax.get_xaxis_transform(), fontsize=8)
    bars = []
    for j, (name, label) in enumerate((("none", "no penalty"), ("l1", "L1 (proximal)"),
                                       ("l2", f"L2 (λ₂ = {result['lam_l2']:.2f})"))):
        r = result[name]
        bars.append(ax.bar(x + (j - 1) * 0.27, r["w"], 0.27, label=f"{label}: "
                           f"{r['zero_irrelevant']}/{d - k} irrelevant weights exactly 0"))
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks(x, [f"x{i + 1}" for i in x], fontsize=7)
    ax.set(xlim=(-0.6, d - 0.4), xlabel="input", ylabel="learned weight")
    ax.legend(fontsize=7.5, loc="upper right")
    return bars


# ------------------------------------------------------------------------------------------
# λ sliders for the geometry figures (ipympl canvas on a plain Figure; no pyplot)
# ------------------------------------------------------------------------------------------
class LambdaSlider:
    """A log slider for λ above one figure (``L2Geometry`` or ``L1Geometry``) drawn on an ipympl
    canvas attached directly to a ``matplotlib.figure.Figure`` — no pyplot, no
    ``%matplotlib widget``. Moving the slider calls ``set_lam`` (artists updated in place) and
    ``canvas.draw_idle()``. Display it as the last expression of a cell.
    """

    def __init__(self, kind="l2", lam=0.1, lam_min=1e-3, lam_max=1e2, canvas="ipympl", **kwargs):
        import ipywidgets as W
        from matplotlib.figure import Figure

        checks.choice("kind", kind, ("l2", "l1"))
        lam_min = checks.positive("lam_min", lam_min)
        lam_max = checks.in_range("lam_max", lam_max, lam_min, np.inf, low_open=True)
        lam = checks.in_range("lam", lam, lam_min, lam_max)
        self.fig = Figure(figsize=(8.4, 4.4), dpi=90)
        ax = self.fig.add_subplot()
        self.fig.subplots_adjust(left=0.08, right=0.62, bottom=0.11, top=0.92)
        if canvas == "agg":
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            self.canvas = FigureCanvasAgg(self.fig)
        else:
            from .widgets import ipympl_canvas  # does not switch pyplot's backend

            self.canvas = ipympl_canvas(self.fig)
        cls = L2Geometry if kind == "l2" else L1Geometry
        self.geometry = cls(lam=lam, ax=ax, **kwargs)
        ax.set_title("L2: w̃ = Q(Λ + λI)⁻¹ΛQᵀw*" if kind == "l2"
                     else "L1: wᵢ = sign(wᵢ*)·max(|wᵢ*| − λ/Hᵢᵢ, 0)", fontsize=10)
        self.slider = W.FloatLogSlider(value=lam, base=10, min=np.log10(lam_min),
                                       max=np.log10(lam_max), step=0.02, description="λ",
                                       readout_format=".3g", continuous_update=True,
                                       layout=W.Layout(width="420px"))
        self.slider.observe(self._on_change, names="value")
        self.status = W.HTML("")
        self.widget = W.VBox([self.slider, self.canvas, self.status] if canvas != "agg"
                             else [self.slider, self.status])

    def _on_change(self, change):
        try:
            self.set_lam(change["new"])
            self.status.value = ""
        except Exception as exc:  # noqa: BLE001 - a slider must never leave a traceback
            message = html.escape(f"{type(exc).__name__}: {exc}")
            self.status.value = f"<span style='color:#b00020'>⚠ {message}</span>"

    def set_lam(self, lam):
        """Move to λ = ``lam`` (also what the slider calls)."""
        out = self.geometry.set_lam(lam)
        self.canvas.draw_idle()
        return out

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def l2_slider(lam=0.1, **kwargs):
    """The L2 geometry (loss ellipses, L2 circle, path of w̃) with a λ slider."""
    return LambdaSlider("l2", lam=lam, **kwargs)


def l1_slider(lam=0.2, lam_min=1e-3, lam_max=2.0, **kwargs):
    """The L1 geometry (loss contours, L1 diamond vs L2 circle, both paths) with a λ slider."""
    return LambdaSlider("l1", lam=lam, lam_min=lam_min, lam_max=lam_max, **kwargs)
