"""The quadratic model of a loss near its minimum (Goodfellow et al., *Deep Learning*, §7.1),
shared by notebooks 03 (L2) and 04 (L1), and ridge regression, its exact case (03 and 05).

Near a minimum w* every smooth loss looks like the quadratic

    J(w) = ½ (w − w*)ᵀ H (w − w*),      H = Q Λ Qᵀ  (Hessian; Λ = diag(hᵢ), eigenvalues hᵢ ≥ 0),

and for linear least squares ½‖Xw − y‖² it *is* that quadratic (H = XᵀX) up to a constant.

- L2 (§7.1.1): the minimizer of J(w) + (λ/2)‖w‖² is w̃ = (H + λI)⁻¹ H w* = Q(Λ + λI)⁻¹ΛQᵀw*:
  along eigen-direction i the component of w* is scaled by hᵢ/(hᵢ + λ). Directions in which the
  loss hardly changes (small hᵢ) are decayed most.
- L1 (§7.1.2), diagonal H: the minimizer of J(w) + λ‖w‖₁ is wᵢ = sign(wᵢ*)·max(|wᵢ*| − λ/Hᵢᵢ, 0),
  exactly 0 when |wᵢ*| ≤ λ/Hᵢᵢ.

Conventions as in the rest of regutils: λ is ``lam``, η is ``lr``; L2 is Ω = ½‖w‖² (gradient λw),
L1 is Ω = ‖w‖₁ (subgradient λ·sign(w), sign(0) = 0); biases are not penalized.
"""
import numpy as np

from .. import checks


#: the 2-D example of the figures (notebook 03): a flat direction (h₁ = 0.1) tilted by 20°
#: and a steep one (h₂ = 1), minimum w* = (2, 1) — the shape of Goodfellow et al.'s Fig. 7.1.
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

def random_quadratic(d=5, low=0.05, high=3.0, seed=0):
    """A random quadratic of d weights: H = QΛQᵀ with a random rotation Q and eigenvalues hᵢ
    drawn uniformly from [low, high], and w* ~ N(0, I). Returns H (d, d), w_star (d,)."""
    rng = checks.rng("seed", seed)
    d = checks.integer("d", d, 1)
    low = checks.nonnegative("low", low)
    high = checks.positive("high", high)
    if high <= low:
        checks.fail("high", f"> low ({low:g})", high)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return Q @ np.diag(rng.uniform(low, high, d)) @ Q.T, rng.standard_normal(d)

def rotated_hessian(eigvals=EIGVALS_2D, angle=ANGLE_2D):
    """H = QΛQᵀ in 2-D: eigenvalues ``eigvals`` along the axes turned by ``angle`` degrees.

    Returns H (2, 2). Q's first column (cos θ, sin θ) has eigenvalue ``eigvals[0]``.
    """
    h1, h2 = (checks.nonnegative("eigvals[0]", eigvals[0]),
              checks.nonnegative("eigvals[1]", eigvals[1]))
    t = np.deg2rad(checks.number("angle", angle))
    Q = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return Q @ np.diag([h1, h2]) @ Q.T

def quadratic_loss(W, H, w_star):
    """J(w) = ½(w − w*)ᵀH(w − w*) for one w (d,) or many (..., d) (e.g. a grid of points)."""
    H, w_star = _hessian(H), np.asarray(w_star, np.float64)
    D = np.asarray(W, np.float64) - w_star
    return 0.5 * np.einsum("...i,ij,...j->...", D, H, D)

def _kept(eigvals, lam):
    """hᵢ/(hᵢ + λ) for each eigenvalue (1 where hᵢ = λ = 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(eigvals + lam > 0, eigvals / (eigvals + lam), 1.0)

def shrink_factors(H, lam):
    """The eigenvalues hᵢ of H (ascending) and the factors hᵢ/(hᵢ + λ) that L2 applies to them."""
    lam = checks.nonnegative("lam", lam)
    eigvals = np.linalg.eigvalsh(_hessian(H))
    return eigvals, _kept(eigvals, lam)

def l2_solution(H, w_star, lam):
    """w̃ = Q(Λ + λI)⁻¹ΛQᵀw*, the minimizer of J(w) + (λ/2)‖w‖² (Goodfellow eq. 7.13).

    H: (d, d) Hessian (or its diagonal), w_star: (d,), lam: λ ≥ 0. Computed in the eigenbasis:
    rotate w* into it (Qᵀw*), scale component i by hᵢ/(hᵢ + λ), rotate back.
    """
    H = _hessian(H)
    w_star = _vector("w_star", w_star, len(H))
    lam = checks.nonnegative("lam", lam)
    eigvals, Q = np.linalg.eigh(H)
    return Q @ (_kept(eigvals, lam) * (Q.T @ w_star))

def l2_path(H, w_star, lams):
    """w̃(λ) for every λ in ``lams``: an array (len(lams), d), the path from w* (λ = 0) to 0."""
    return np.array([l2_solution(H, w_star, lam) for lam in np.ravel(lams)])

def l1_solution(H, w_star, lam):
    """wᵢ = sign(wᵢ*)·max(|wᵢ*| − λ/Hᵢᵢ, 0): the minimizer of J(w) + λ‖w‖₁ for a diagonal H
    (Goodfellow eq. 7.22). H: (d, d) diagonal or its diagonal (d,); w_star: (d,)."""
    h = _diagonal(H)
    w_star = _vector("w_star", w_star, len(h))
    lam = checks.nonnegative("lam", lam)
    return np.sign(w_star) * np.maximum(np.abs(w_star) - lam / h, 0.0) + 0.0  # + 0.0: no "-0.0"

def l1_path(H, w_star, lams):
    """The L1 solution for every λ in ``lams``: (len(lams), d). Piecewise linear; a coordinate
    stays at exactly 0 once λ ≥ |wᵢ*|·Hᵢᵢ."""
    return np.array([l1_solution(H, w_star, lam) for lam in np.ravel(lams)])

def slopes_at(f, x=0.0, h=1e-6):
    """Numerical derivatives of a scalar function f at x: (centred, right, left) =
    ((f(x+h) − f(x−h))/2h, (f(x+h) − f(x))/h, (f(x) − f(x−h))/h). Where f has a kink the
    one-sided slopes differ and the centred difference is just their average."""
    x, h = float(x), checks.positive("h", h)
    return ((f(x + h) - f(x - h)) / (2 * h), (f(x + h) - f(x)) / h, (f(x) - f(x - h)) / h)

def ridge(X, y, lam, intercept=True):
    """Ridge regression: the minimizer (w, b) of the MEAN squared error plus λ‖w‖² (b not
    penalized), for X (N, d), y (N,):

        (1/N) Σᵢ (yᵢ − wᵀxᵢ − b)² + λ‖w‖²   →   w = (XcᵀXc + Nλ I)⁻¹ Xcᵀ yc,  b = ȳ − x̄ᵀw,

    with Xc, yc the centred data. ``intercept=False``: b = 0 and no centring, w = (XᵀX + NλI)⁻¹Xᵀy.
    (For the SUM of squares ½‖Xw − y‖² + (λ′/2)‖w‖² the same w has λ = λ′/N.)"""
    X = checks.finite_array("X", X, ndim=2)
    y = checks.finite_array("y", y, ndim=1)
    lam = checks.nonnegative("lam", lam)
    xm, ym = (X.mean(axis=0), y.mean()) if intercept else (np.zeros(X.shape[1]), 0.0)
    Xc = X - xm
    w = np.linalg.solve(Xc.T @ Xc + len(y) * lam * np.eye(X.shape[1]), Xc.T @ (y - ym))
    return w, float(ym - xm @ w)
