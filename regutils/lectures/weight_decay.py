"""Notebook 03, L2 parameter regularization (منظم‌سازی پارامتر L2) and weight decay.

- ``gradient_descent_l2`` / ``ridge_check`` — the closed form of the quadratic model
  (``regutils.lectures.quadratic``) against gradient descent and against ridge regression;
- ``l2_sweep`` — weights of digits MLPs trained with growing λ;
- ``compare_update_forms`` — λw in the gradient vs decoupled weight decay, for SGD and Adam;
- ``decay_by_gradient_size`` — Adam + L2 decays weights with small gradients most, AdamW all alike;
- ``make_highdim_regression`` / ``ridge_experiment`` / ``ridge_over_seeds`` — 200 weights, 20
  training points (d2l); λ chosen on a validation split, the test loss of the chosen λ reported;
- ``noisy_quadratic_adam`` / ``best_l2_match`` — Adam + L2 vs AdamW (Loshchilov & Hutter 2019);
- ``map_vs_ridge`` — L2 as a Gaussian prior: the MAP estimate is the ridge solution;
- ``constrained_vs_penalized`` / ``constraint_check`` — L2 as a constraint ‖w‖ ≤ r (§7.2).

Conventions: λ is ``lam``, η is ``lr``; L2 is Ω = ½‖w‖² (gradient λw); ``weight_decay`` is the
decoupled update w ← (1 − ηλ)w − η∇L; biases are not penalized. The eigenvalues of a Hessian H
are hᵢ (not λᵢ: λ is the regularization constant).
"""
import numpy as np

from .. import checks
from ..data import digits_split, make_moons
from ..model import MLP
from ..optim import SGD, Adam, AdamW
from ..progress import progress
from ..train import one_blas_thread
from .digits import flat_weights, train_digits
from .quadratic import _hessian, _vector, l2_solution, random_quadratic, ridge


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
    solution, Q(Λ + λI)⁻¹ΛQᵀw* (Λ = diag(hᵢ)) is the ridge solution (XᵀX + λI)⁻¹Xᵀy of ½‖Xw − y‖² + (λ/2)‖w‖².
    Returns the largest absolute difference between the two (rounding only, ~1e-15)."""
    rng = checks.rng("seed", seed)
    lam = checks.nonnegative("lam", lam)
    X = rng.standard_normal((checks.integer("n", n, 1), checks.integer("d", d, 1)))
    y = X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n)
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    w_ridge, _ = ridge(X, y, lam / n, intercept=False)  # λ/N: ``ridge`` takes the mean squared error
    return float(np.abs(l2_solution(X.T @ X, w_star, lam) - w_ridge).max())

@one_blas_thread()
def l2_sweep(lams=(0.0, 1e-3, 1e-2, 3e-2), epochs=30, lr=0.1, momentum=0.9, batch_size=64,
             seed=0, data=None, dtype=np.float64):
    """Digits MLPs (64-64-10, SGD with momentum) trained with L2 for each λ in ``lams``, from the
    same initial weights (``dtype``: float32 is about twice as fast). Returns a dict λ →
    {"weights" (all weights, flat), "norm" ‖w‖₂, "train_acc", "test_acc"}."""
    epochs, batch_size = checks.integer("epochs", epochs, 1), checks.integer("batch_size", batch_size, 1)
    lr, seed = checks.positive("lr", lr), checks.integer("seed", seed, 0)
    momentum = checks.in_range("momentum", momentum, 0, 1, high_open=True)
    lams = [checks.nonnegative("lams", lam) for lam in lams]  # all checked before the first run
    X_train, X_test, y_train, y_test = digits_split() if data is None else data
    out = {}
    for lam in progress(lams, "λ sweep", "networks"):
        net, h = train_digits(X_train, y_train, X_test, y_test, hidden=(64,), lr=lr,
                              momentum=momentum, batch_size=batch_size, epochs=epochs,
                              penalty="l2", lam=lam, seed=seed, dtype=dtype)
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
    hidden = checks.integer("hidden", hidden, 1)
    lam, lr = checks.nonnegative("lam", lam), checks.positive("lr", lr)
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

def decay_by_gradient_size(lam=1e-2, lr=0.01, epochs=10, batch_size=20, seed=0, hidden=32):
    """What λw in Adam's gradient does that AdamW's decay does not (Loshchilov & Hutter 2019).

    Three copies of the same moons MLP see the same mini-batches: plain Adam (no penalty), Adam
    with λ·½‖w‖² in the loss (λw is divided by √v̂ with the rest of the gradient) and AdamW
    (w ← (1 − ηλ)w − η m̂/(√v̂ + ε)). Each weight's gradient size is √v̂ of the plain run at the end;
    the weights are split at its median. For each half the median share of |w| removed relative
    to the plain run, 1 − |w_reg|/|w_plain|, is returned:
    {"l2": (small-gradient half, large-gradient half), "adamw": (…, …), "steps", "adamw_expected"
    (1 − (1 − ηλ)^steps, what AdamW's decay alone removes)}.
    """
    lam, lr = checks.nonnegative("lam", lam), checks.positive("lr", lr)
    epochs = checks.integer("epochs", epochs, 1)
    batch_size = checks.integer("batch_size", batch_size, 1)
    hidden = checks.integer("hidden", hidden, 1)
    rng = checks.rng("seed", seed)
    X, y = make_moons(200, noise=0.25, seed=seed)
    nets = [MLP([2, hidden, hidden, 2], penalty=p, lam=l, seed=seed)
            for p, l in (("none", 0.0), ("l2", lam), ("none", 0.0))]
    opts = [Adam(lr), Adam(lr), AdamW(lr, weight_decay=lam)]
    params = [net.parameters() for net in nets]
    steps = 0
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            for net, opt, p in zip(nets, opts, params):
                opt.step(p, net.loss_and_grads(X[idx], y[idx])[1])
            steps += 1
    keys = [k for k in params[0] if k.endswith(".W")]
    plain = opts[0]
    size = np.concatenate([np.sqrt(plain.state[k][1] / (1 - plain.beta2 ** plain.t)).ravel()
                           for k in keys])
    small = size < np.median(size)
    w_plain = np.concatenate([params[0][k].ravel() for k in keys])
    out = {"steps": steps, "adamw_expected": 1 - (1 - lr * lam) ** steps,
           "median_size": float(np.median(size))}
    for name, p in (("l2", params[1]), ("adamw", params[2])):
        removed = 1 - np.abs(np.concatenate([p[k].ravel() for k in keys])) / np.abs(w_plain)
        out[name] = (float(np.median(removed[small])), float(np.median(removed[~small])))
    return out

def make_highdim_regression(n_train=20, n_val=50, n_test=100, d=200, w_value=0.01, b=0.05,
                            noise=0.01, seed=0):
    """d2l's high-dimensional linear regression: y = 0.05 + Σᵢ 0.01·xᵢ + ε, x ~ N(0, I₂₀₀),
    ε ~ N(0, 0.01²), only 20 training points for 200 weights; a validation part to choose λ on
    and a test part to report the chosen λ once (the rows are independent draws, cut in order).

    Returns X_train, X_val, X_test, y_train, y_val, y_test (``train_val_test_split``'s order;
    targets (n, 1)) and w_true (d,).
    """
    rng = checks.rng("seed", seed)
    n_train = checks.integer("n_train", n_train, 1)
    n_val = checks.integer("n_val", n_val, 1)
    n_test = checks.integer("n_test", n_test, 1)
    d = checks.integer("d", d, 1)
    w_true = np.full(d, checks.number("w_value", w_value))
    b = checks.number("b", b)
    noise = checks.nonnegative("noise", noise)
    X = rng.standard_normal((n_train + n_val + n_test, d))
    y = (X @ w_true + b + noise * rng.standard_normal(len(X)))[:, None]
    cut = np.cumsum([n_train, n_val])
    X_train, X_val, X_test = np.split(X, cut)
    y_train, y_val, y_test = np.split(y, cut)
    return X_train, X_val, X_test, y_train, y_val, y_test, w_true

def _mse(X, y, W, b):
    """Mean squared error of ŷ = XW + b for every column of W (d, k): an array (k,)."""
    return ((X @ W + b - y) ** 2).mean(axis=0)

@one_blas_thread()
def ridge_experiment(lams=(0.0, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0), epochs=1600, lr=0.025,
                     seed=0, data=None):
    """Linear regression ŷ = Xw + b on the 20 training points of ``make_highdim_regression``,
    trained by full-batch gradient descent on L̃ = mean (ŷ − y)² + (λ/2)‖w‖² for ``epochs`` steps,
    once per λ in ``lams``, all from the same random initial weights (those of
    ``MLP([d, 1], loss="mse", seed=seed)``; the λ are run side by side as the columns of one
    weight matrix — the same steps as ``fit(MLP(...), SGD(lr))``, tests/ compares them).

    λ is chosen on the VALIDATION part (smallest validation loss); the test part is used once,
    for the chosen λ (and for λ = 0, the model without penalty, if it is in ``lams``).
    Returns {"lams", "train_loss", "val_loss" (mean squared errors, no penalty, per λ),
    "weight_norm", "history" ({"epoch", "train_loss", "val_loss"}: arrays (epochs, len(lams))),
    "best_lam", "test_loss_best", "test_loss_none" (NaN without λ = 0)}.
    Without λ, gradient descent only moves w inside the 20-dimensional span of the training
    inputs: the other 180 directions keep their random initial values; λw decays them (by
    (1 − ηλ) per step).
    """
    lr = checks.positive("lr", lr)
    epochs = checks.integer("epochs", epochs, 1)
    lams = np.array([checks.nonnegative("lams", lam) for lam in np.ravel(lams)])
    if lr * lams.max() >= 1:
        checks.fail("lr * max(lams)", "< 1 (the factor 1 − ηλ must stay positive)", lr * lams.max())
    if data is None:
        data = make_highdim_regression(n_test=1000, seed=seed)
    X_train, X_val, X_test, y_train, y_val, y_test = (checks.finite_array(name, a) for name, a in
        zip(("X_train", "X_val", "X_test", "y_train", "y_val", "y_test"), data[:6]))
    n, d = X_train.shape
    w0 = MLP([d, 1], loss="mse", seed=seed).weights()[0]  # the initial weights of the network
    W = np.repeat(w0, len(lams), axis=1)                   # (d, k): one column per λ
    b = np.zeros(len(lams))
    history = {"epoch": np.arange(1, epochs + 1), "train_loss": [], "val_loss": []}
    for _ in range(epochs):
        residual = X_train @ W + b - y_train                 # (n, k)
        W -= lr * (2 / n * X_train.T @ residual + lams * W)  # ∇ of mean (ŷ − y)² + (λ/2)‖w‖²
        b -= lr * 2 / n * residual.sum(axis=0)
        history["train_loss"].append(_mse(X_train, y_train, W, b))
        history["val_loss"].append(_mse(X_val, y_val, W, b))
    history = {k: np.array(v) for k, v in history.items()}
    val_loss = history["val_loss"][-1]
    i = int(np.argmin(val_loss))
    none = np.flatnonzero(lams == 0)
    test = _mse(X_test, y_test, W, b)  # reported for the chosen λ and λ = 0 only
    return {"lams": lams, "train_loss": history["train_loss"][-1], "val_loss": val_loss,
            "weight_norm": np.linalg.norm(W, axis=0), "history": history,
            "best_lam": float(lams[i]), "test_loss_best": float(test[i]),
            "test_loss_none": float(test[none[0]]) if none.size else float("nan")}

def ridge_over_seeds(seeds=(0, 1, 2), lams=(0.0, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0),
                     epochs=1600, lr=0.025):
    """``ridge_experiment`` on a fresh data set and initialization per seed. Returns {"seeds",
    "best_lam", "test_loss_best", "test_loss_none", "ratio" (test loss without λ / with the λ
    chosen on validation)}, arrays (len(seeds),). λ = 0 must be in ``lams``."""
    seeds = [checks.integer("seeds", s, 0) for s in np.ravel(seeds)]
    if 0.0 not in [float(v) for v in np.ravel(lams)]:
        checks.fail("lams", "a grid that contains 0 (the model without penalty)", lams)
    runs = [ridge_experiment(lams, epochs, lr, seed=s) for s in progress(seeds, "seeds", "runs")]
    out = {"seeds": np.array(seeds)}
    for key in ("best_lam", "test_loss_best", "test_loss_none"):
        out[key] = np.array([r[key] for r in runs])
    out["ratio"] = out["test_loss_none"] / out["test_loss_best"]
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
    decoupled = checks.boolean("decoupled", decoupled)
    sigma = checks.nonnegative("sigma", sigma)
    lr = checks.positive("lr", lr)
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

def map_vs_ridge(n=30, d=5, sigma=0.5, sigma_w=1.0, seed=0, lr=None, tol=1e-13, max_steps=100_000):
    """L2 as a Gaussian prior. Data y = Xw + ε, ε ~ N(0, σ²), prior w ~ N(0, σ_w² I):

        log p(w | X, y) = −‖Xw − y‖²/(2σ²) − ‖w‖²/(2σ_w²) + const,

    times σ²: −[½‖Xw − y‖² + (λ/2)‖w‖²] with λ = σ²/σ_w². So the MAP estimate is the ridge
    solution of the lecture's ½‖Xw − y‖² + (λ/2)‖w‖²; for ``ridge`` (MEAN squared error + λ_r‖w‖²)
    that is λ_r = λ/N, for an MLP with loss="mse" (mean (ŷ − y)² + (λ′/2)‖w‖²) λ′ = 2λ/N.

    The MAP estimate is found by gradient ASCENT on the log-posterior (no ridge formula in the
    loop; stops when a step moves w by less than ``tol``). Returns {"w_map", "w_ridge", "lam"
    (σ²/σ_w²), "gap" (largest |w_map − w_ridge|), "gap_wrong" (the same against ridge with λ_r = λ,
    the constant without the 1/N), "steps"}.
    """
    rng = checks.rng("seed", seed)
    n, d = checks.integer("n", n, 1), checks.integer("d", d, 1)
    sigma, sigma_w = checks.positive("sigma", sigma), checks.positive("sigma_w", sigma_w)
    tol = checks.positive("tol", tol)
    max_steps = checks.integer("max_steps", max_steps, 1)
    X = rng.standard_normal((n, d))
    y = X @ (sigma_w * rng.standard_normal(d)) + sigma * rng.standard_normal(n)
    curvature = np.linalg.eigvalsh(X.T @ X).max() / sigma**2 + 1 / sigma_w**2
    lr = 1.0 / curvature if lr is None else checks.positive("lr", lr)
    w = np.zeros(d)
    for step in range(1, max_steps + 1):
        move = lr * (X.T @ (y - X @ w) / sigma**2 - w / sigma_w**2)  # ∇ log-posterior
        w += move
        if np.abs(move).max() < tol:
            break
    lam = sigma**2 / sigma_w**2
    w_ridge, _ = ridge(X, y, lam / n, intercept=False)
    w_wrong, _ = ridge(X, y, lam, intercept=False)
    return {"w_map": w, "w_ridge": w_ridge, "lam": lam, "steps": step,
            "gap": float(np.abs(w - w_ridge).max()), "gap_wrong": float(np.abs(w - w_wrong).max())}

def constrained_vs_penalized(H, w_star, lam, lr=None, tol=1e-13, max_steps=200_000, w0=None):
    """L2 as a constraint (Goodfellow et al. §7.2): minimize J(w) = ½(w − w*)ᵀH(w − w*) subject to
    ‖w‖ ≤ r, with r = r(λ) = ‖w̃(λ)‖ the norm of the penalized solution w̃ = (H + λI)⁻¹Hw*.

    Solved by projected gradient descent, w ← Π_r(w − η H(w − w*)) with Π_r(v) = v·min(1, r/‖v‖)
    — no λ in the loop. At the solution on the boundary ∇J(w) = −αw (KKT), so the multiplier
    α = −wᵀ∇J(w)/‖w‖² should come back as λ. Returns {"w_penalized", "w_constrained", "r",
    "multiplier", "gap" (largest |difference|), "path" (the iterates, (steps + 1, d)), "steps"}.
    """
    H = _hessian(H)
    w_star = _vector("w_star", w_star, len(H))
    lam = checks.positive("lam", lam)
    lr = 1.0 / np.linalg.eigvalsh(H).max() if lr is None else checks.positive("lr", lr)
    tol = checks.positive("tol", tol)
    w_pen = l2_solution(H, w_star, lam)
    r = float(np.linalg.norm(w_pen))
    w = np.zeros_like(w_star) if w0 is None else _vector("w0", w0, len(H)).copy()
    path = [w.copy()]
    for step in range(1, checks.integer("max_steps", max_steps, 1) + 1):
        v = w - lr * (H @ (w - w_star))
        new = v * min(1.0, r / max(np.linalg.norm(v), 1e-300))  # back onto the ball ‖w‖ ≤ r
        move, w = np.abs(new - w).max(), new
        path.append(w.copy())
        if move < tol:
            break
    grad = H @ (w - w_star)
    return {"w_penalized": w_pen, "w_constrained": w, "r": r, "steps": step,
            "multiplier": float(-(w @ grad) / (w @ w)), "gap": float(np.abs(w - w_pen).max()),
            "path": np.array(path)}

def constraint_check(d=10, lams=(0.01, 0.1, 1.0), seeds=(0, 1, 2)):
    """``constrained_vs_penalized`` on a random d-dimensional quadratic (``random_quadratic``) per
    seed, for every λ. Returns {"lams", "seeds", "gap", "multiplier_error" (|α − λ|/λ), "r"},
    arrays (len(seeds), len(lams))."""
    d = checks.integer("d", d, 1)
    lams = [checks.positive("lams", v) for v in np.ravel(lams)]
    seeds = [checks.integer("seeds", s, 0) for s in np.ravel(seeds)]
    out = {"lams": np.array(lams), "seeds": np.array(seeds), "gap": [], "multiplier_error": [],
           "r": []}
    for s in seeds:
        H, w_star = random_quadratic(d, seed=s)
        runs = [constrained_vs_penalized(H, w_star, lam) for lam in lams]
        out["gap"].append([r["gap"] for r in runs])
        out["multiplier_error"].append([abs(r["multiplier"] - lam) / lam
                                        for r, lam in zip(runs, lams)])
        out["r"].append([r["r"] for r in runs])
    return {k: np.array(v) for k, v in out.items()}
