"""Notebook 04, L1 parameter regularization (منظم‌سازی پارامتر L1) and sparsity.

With a diagonal Hessian the quadratic model (``regutils.lectures.quadratic``) has a closed-form L1
solution; here are a numerical minimizer to check it, subgradient descent (which jitters around 0)
and ISTA, the proximal step ``regutils.soft_threshold`` (which lands on 0); then L1 vs L2 on the
digits (``sparsity_experiment``, over seeds in ``sparsity_over_seeds``), feature selection in
linear regression, and L1 as a Laplace prior (``laplace_map``: the MAP estimate is the lasso).

Conventions: L1 is Ω = ‖w‖₁ with subgradient λ·sign(w), sign(0) = 0; biases are not penalized.
"""
import numpy as np

from .. import checks
from ..data import digits_split
from ..model import MLP
from ..optim import SGD
from ..penalties import soft_threshold
from ..progress import progress
from ..train import fit, one_blas_thread
from .digits import flat_weights, train_digits
from .quadratic import _diagonal, _hessian, _vector, quadratic_loss


def l1_objective(w, H, w_star, lam):
    """J(w) + λ‖w‖₁ for one w (d,) or many (..., d)."""
    return quadratic_loss(w, H, w_star) + lam * np.abs(np.asarray(w, np.float64)).sum(axis=-1)

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
    lam = checks.nonnegative("lam", lam)
    epochs = checks.integer("epochs", epochs, minimum=1)
    lr = checks.positive("lr", lr)
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    checks.rng("seed", seed)
    data = digits_split() if data is None else data
    X_train, X_test, y_train, y_test = data
    kw = dict(hidden=(64,), momentum=0.0, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed)
    runs = {"none": train_digits(X_train, y_train, X_test, y_test, **kw)}
    w0 = flat_weights(runs["none"][0])
    lam_l2 = 2 * lam * np.abs(w0).sum() / np.sum(w0**2)
    runs["l1 subgradient"] = train_digits(X_train, y_train, X_test, y_test, penalty="l1", lam=lam,
                                          **kw)
    runs["l1 proximal"] = train_digits(X_train, y_train, X_test, y_test, prox_l1=lam, **kw)
    runs["l2 matched"] = train_digits(X_train, y_train, X_test, y_test, penalty="l2", lam=lam_l2,
                                      **kw)
    out = {}
    for name, (net, h) in runs.items():
        w = flat_weights(net)
        out[name] = {"weights": w, "zero": float(np.mean(w == 0)),
                     "small": float(np.mean(np.abs(w) < 1e-3)), "norm": float(np.linalg.norm(w)),
                     "train_acc": h["train_acc"][-1], "test_acc": h["test_acc"][-1]}
    out["lam_l2"] = float(lam_l2)
    return out

NAMES = ("none", "l2 matched", "l1 subgradient", "l1 proximal")

def sparsity_over_seeds(lam=1e-3, seeds=(0, 1, 2), epochs=40, lr=0.3, batch_size=128,
                        threshold=1e-3):
    """``sparsity_experiment`` once per seed (initial weights and mini-batches change, the digits
    split does not). Returns {"runs": [one result per seed], "seeds", "zero": {name: (S,) shares
    exactly 0}, "small": {name: (S,) shares with |w| < threshold}} for the names in ``NAMES``."""
    lam = checks.nonnegative("lam", lam)
    epochs = checks.integer("epochs", epochs, minimum=1)
    lr = checks.positive("lr", lr)
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    threshold = checks.positive("threshold", threshold)
    seeds = [checks.integer("seeds[i]", s, minimum=0) for s in seeds]
    data = digits_split()
    runs = [sparsity_experiment(lam, epochs, lr, batch_size, seed=s, data=data)
            for s in progress(seeds, "seeds", "runs of 4 networks")]
    return {"runs": runs, "seeds": np.array(seeds),
            "zero": {k: np.array([r[k]["zero"] for r in runs]) for k in NAMES},
            "small": {k: np.array([np.mean(np.abs(r[k]["weights"]) < threshold) for r in runs])
                      for k in NAMES}}

def make_feature_data(n_train=200, n_test=1000, n_informative=5, n_irrelevant=15, noise=0.5,
                      seed=0):
    """Regression data with informative and irrelevant inputs: x ~ N(0, I), y = Σ over the first
    ``n_informative`` inputs of wᵢxᵢ + ε with wᵢ = ±(1, 0.8, 0.6, ...) and ε ~ N(0, noise²); the
    other ``n_irrelevant`` inputs do not enter y at all.

    Returns X_train (n_train, d), y_train (n_train, 1), X_test, y_test, w_true (d,).
    """
    rng = checks.rng("seed", seed)
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
    plus "lam", "lam_l2", "n_informative", "w_true", "hessian_diag" (of the loss, 2XᵀX/N) and
    "max_correlation" (the largest |correlation| between two training inputs).
    """
    lam = checks.nonnegative("lam", lam)
    epochs = checks.integer("epochs", epochs, minimum=1)
    lr = checks.positive("lr", lr)
    checks.rng("seed", seed)
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
    # what the text reads the shifts with: the Hessian of the mean squared error, 2XᵀX/N (its
    # diagonal, which sets λ/Hᵢᵢ), and the largest chance correlation between two inputs
    X = np.asarray(X_train, dtype=float)
    corr = np.corrcoef(X, rowvar=False)
    runs.update(lam=lam, lam_l2=float(lam_l2), n_informative=k, w_true=w_true,
                hessian_diag=np.diag(2 * X.T @ X / len(X)),
                max_correlation=float(np.max(np.abs(corr - np.eye(d)))))
    return runs


# -- L1 as a Laplace prior ---------------------------------------------------------------------------
def laplace_scale(lam, noise_sd, n):
    """The prior scale b for which MAP with wᵢ ~ Laplace(0, b) is the lasso L + λ‖w‖₁ of this
    notebook (L = mean squared error over n points, noise ε ~ N(0, noise_sd²)): b = 2σ²/(nλ)."""
    lam = checks.positive("lam", lam)
    noise_sd = checks.positive("noise_sd", noise_sd)
    n = checks.integer("n", n, minimum=1)
    return 2 * noise_sd**2 / (n * lam)

def neg_log_posterior(w, b0, X, y, noise_sd, scale):
    """−log p(w, b₀ | X, y) up to a constant, for y = Xw + b₀ + ε, ε ~ N(0, σ²), a Laplace(0, scale)
    prior on every wᵢ and a flat prior on the bias b₀: ‖y − Xw − b₀‖²/(2σ²) + ‖w‖₁/scale."""
    r = np.ravel(y) - X @ w - b0
    return float(r @ r / (2 * noise_sd**2) + np.abs(w).sum() / scale)

def laplace_map(X, y, noise_sd, scale, sweeps=1000, tol=1e-13):
    """The MAP estimate (w (d,), b₀) under ``neg_log_posterior`` by coordinate descent: each wⱼ in
    turn is set to the exact minimizer along its axis, soft(xⱼᵀrⱼ, σ²/scale)/‖xⱼ‖² (rⱼ the
    residual without input j), then b₀ to the mean residual. Another algorithm than ISTA and
    another objective (the posterior, not L + λ‖w‖₁): if they agree, MAP = lasso."""
    X = checks.finite_array("X", X, ndim=2)
    y = checks.finite_array("y", y).ravel()
    noise_sd = checks.positive("noise_sd", noise_sd)
    scale = checks.positive("scale", scale)
    sweeps = checks.integer("sweeps", sweeps, minimum=1)
    n, d = X.shape
    w, b0 = np.zeros(d), float(np.mean(y))
    sq = np.sum(X**2, axis=0)
    t = noise_sd**2 / scale
    for _ in range(sweeps):
        old = w.copy()
        r = y - X @ w - b0
        for j in range(d):
            r += X[:, j] * w[j]
            w[j] = float(soft_threshold(np.array([X[:, j] @ r]), t)[0]) / sq[j]
            r -= X[:, j] * w[j]
        b0 = float(np.mean(y - X @ w))
        if np.abs(w - old).max() < tol:
            break
    return w, b0
