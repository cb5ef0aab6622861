"""The figures of notebook 03 (L2 and weight decay): Goodfellow et al.'s Fig. 7.1 with a movable
λ (``L2Geometry``), shrink factors, update forms, ridge, Adam vs AdamW. Each takes ``ax=None`` and
returns its artists; nothing here changes matplotlib's global settings."""
import matplotlib.pyplot as plt
from matplotlib.ticker import NullLocator
import numpy as np

from .. import checks
from ..lectures.quadratic import (W_STAR_2D, _hessian, _vector, l2_path, l2_solution,
                                  quadratic_loss, rotated_hessian, shrink_factors)
from .quadratic import LAMS_PATH, WeightSpaceFigure, _axes, circle, contours, ellipse


class L2Geometry(WeightSpaceFigure):
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
        a = {"contours": contours(ax, self.H, self.w_star, extent)}
        span = np.array([-3.0, 3.0])
        for i, (style, word) in enumerate((("--", "flat"), (":", "steep"))):
            q = Q[:, i]
            a[f"axis{i}"], = ax.plot(self.w_star[0] + span * q[0], self.w_star[1] + span * q[1],
                                     style, color="C0", lw=1,
                                     label=f"eigen-direction {i + 1} ({word}, h{'₁₂'[i]} = "
                                           f"{eigvals[i]:g})")
        path = l2_path(self.H, self.w_star, LAMS_PATH)
        a["path"], = ax.plot(path[:, 0], path[:, 1], color="C3", lw=1.5,
                             label="path of w̃ as λ grows")
        a["circle"], = ax.plot([], [], color="C2", lw=1.5, label="L2 ball ‖w‖ = ‖w̃‖")
        a["ellipse"], = ax.plot([], [], color="k", lw=1.2, label="loss contour through w̃")
        a["w_star"], = ax.plot(*self.w_star, "k*", ms=12, label="w* (no penalty)", zorder=5)
        a["w_tilde"], = ax.plot([], [], "o", color="C3", ms=8, mec="k", label="w̃ (with penalty)",
                                zorder=6)
        self._finish(a, extent, legend, lam)

    def _draw(self, lam):
        """Move the artists to λ = ``lam``; returns w̃."""
        a = self.artists
        w = l2_solution(self.H, self.w_star, lam)
        a["w_tilde"].set_data([w[0]], [w[1]])
        a["circle"].set_data(*circle(np.linalg.norm(w)))
        a["ellipse"].set_data(*ellipse(self.H, self.w_star,
                                        quadratic_loss(w, self.H, self.w_star)).T)
        eigvals, factors = shrink_factors(self.H, lam)
        a["text"].set_text(f"λ = {lam:.3g}\nw̃ = ({w[0]:.2f}, {w[1]:.2f})\n"
                           f"flat direction × {factors[0]:.2f}\n"
                           f"steep direction × {factors[1]:.2f}")
        self.lam, self.w_tilde = lam, w
        return w

def plot_shrink_factors(H=None, lams=None, ax=None):
    """hᵢ/(hᵢ + λ) against λ for every eigenvalue hᵢ of H: how much of w* survives along each
    eigen-direction. Returns the list of lines."""
    H = rotated_hessian() if H is None else _hessian(H)
    lams = np.logspace(-3, 2, 200) if lams is None else np.asarray(lams, float)
    ax = _axes(ax, figsize=(4.8, 3.2))
    eigvals = np.linalg.eigvalsh(H)
    lines = []
    for i, e in enumerate(eigvals):
        line, = ax.plot(lams, e / (e + lams), lw=2, label=f"h{'₁₂₃₄₅₆₇₈₉'[i] if i < 9 else i + 1} = {e:g}")
        ax.axvline(e, color=line.get_color(), lw=0.8, ls=":")
        lines.append(line)
    ax.set(xscale="log", xlabel="λ (regularization constant)", ylim=(0, 1.02),
           ylabel="hᵢ / (hᵢ + λ)  (share of w* kept)",
           title="Each eigen-direction keeps hᵢ/(hᵢ+λ) of w*\n(dotted: λ = hᵢ keeps half)")
    ax.legend(title="eigenvalue of H", fontsize=8)
    return lines

def plot_update_forms(diff_sgd, diff_adam, ax=None):
    """The largest |w_A − w_B| after each step: penalty-in-the-gradient (A) vs decoupled weight
    decay (B), for SGD and for Adam/AdamW. Exact zeros are drawn at 1e-18 (log scale)."""
    ax = _axes(ax, figsize=(6.4, 3.4))
    floor = 1e-18
    a, = ax.plot(np.maximum(diff_sgd, floor), label="SGD: w − η(λw + ∇L)  vs  (1 − ηλ)w − η∇L")
    b, = ax.plot(np.maximum(diff_adam, floor), label="Adam with λw in the gradient  vs  AdamW")
    ax.axhline(1e-12, color="0.5", ls=":", lw=1, label="1e-12: the notebook's assert")
    ax.set(yscale="log", xlabel="step", ylabel="max |w_A − w_B|", ylim=(floor / 3, 10),
           title="Same update for SGD, different for Adam")
    ax.legend(fontsize=7.5, loc="center right")
    return [a, b]

def plot_ridge(result, axes=None):
    """Left: train and validation loss against the epoch without λ and with the λ chosen on
    validation (log y). Right: final train and validation loss against λ on a log axis; λ = 0 (no
    place on a log axis) is drawn as horizontal lines, the test loss of the chosen λ as one star.
    ``result`` is ``ridge_experiment(...)``. Returns the axes."""
    if not isinstance(result, dict) or "history" not in result:
        checks.fail("result", "the dict returned by ridge_experiment(...)", type(result).__name__,
                    TypeError)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    floor = 1e-6  # losses below are drawn on the bottom edge ("≈ 0")
    lams, hist, best = result["lams"], result["history"], result["best_lam"]
    ax = axes[0]
    for lam, color in ((0.0, "C3"), (best, "C0")):
        if lam not in lams:
            continue
        j = int(np.flatnonzero(lams == lam)[0])
        ax.plot(hist["epoch"], np.maximum(hist["train_loss"][:, j], floor), color=color, ls="--",
                label=f"train, λ = {lam:g}")
        ax.plot(hist["epoch"], hist["val_loss"][:, j], color=color, label=f"validation, λ = {lam:g}")
    ax.set(yscale="log", xlabel="epoch (full-batch gradient steps)", ylim=(floor / 2, 3),
           ylabel="mean squared error", title="200 weights, 20 training points\n"
           "(losses below 1e-6 drawn at the bottom edge)")
    ax.yaxis.set_minor_locator(NullLocator())  # minor ticks of 7 decades: slow, and no help
    ax.legend(fontsize=8, loc="center right")
    ax = axes[1]
    positive = lams > 0
    ax.plot(lams[positive], np.maximum(result["train_loss"][positive], floor), "o--", color="C2",
            label="train loss")
    ax.plot(lams[positive], result["val_loss"][positive], "o-", color="C1",
            label="validation loss")
    if not positive.all():
        j = int(np.flatnonzero(~positive)[0])
        ax.axhline(max(result["train_loss"][j], floor), color="C2", ls=":", lw=1,
                   label="train, λ = 0")
        ax.axhline(result["val_loss"][j], color="C1", ls=":", lw=1, label="validation, λ = 0")
    ax.axvline(best, color="C0", ls=":", label=f"chosen λ = {best:g}")
    ax.plot([best], [result["test_loss_best"]], "*", color="k", ms=11,
            label=f"its test loss {result['test_loss_best']:.4f}")
    ax.set(xscale="log", yscale="log", xlabel="λ (log scale)",
           ylabel="mean squared error (after training)", ylim=(floor / 2, 3),
           title="Train and validation loss against λ\n(dotted horizontal lines: λ = 0)")
    ax.yaxis.set_minor_locator(NullLocator())
    ax.legend(fontsize=7, loc="center left")
    return axes

def plot_constraint(H, w_star, result, ax=None, legend=True):
    """L2 as a constraint: the loss contours, the ball ‖w‖ ≤ r(λ) (shaded), the projected-gradient
    path and its end point, which is the penalized solution w̃(λ) on the boundary.
    ``result`` is ``constrained_vs_penalized(H, w_star, lam)`` for a 2-D problem. Returns the
    L2Geometry (its ``artists``, plus "ball", "pgd_path" and "pgd_end")."""
    if not isinstance(result, dict) or "path" not in result:
        checks.fail("result", "the dict returned by constrained_vs_penalized(...)",
                    type(result).__name__, TypeError)
    lam = float(result["multiplier"])
    g = L2Geometry(H, w_star, lam=max(lam, 0.0), ax=ax, legend=False)
    ax, a = g.ax, g.artists
    a["ball"] = ax.fill(*circle(result["r"]), color="C2", alpha=0.12, lw=0,
                        label=f"constraint ‖w‖ ≤ r = {result['r']:.3f}")[0]
    path = result["path"]
    a["pgd_path"], = ax.plot(path[:, 0], path[:, 1], ".-", color="C4", lw=1, ms=3,
                             label=f"projected gradient descent ({len(path) - 1} steps)")
    a["pgd_end"], = ax.plot(*result["w_constrained"], "x", color="k", ms=10, mew=2,
                            label="constrained solution", zorder=7)
    a["path"].set_visible(False)
    a["path"].set_label("_nolegend_")  # hidden here: no empty entry in the legend
    a["circle"].set_label("_nolegend_")  # the ball's edge: the shaded ball carries the label
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    return g

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
           title="Adam + L2 shrinks flat directions most;\nAdamW (noise ∝ hᵢ) shrinks every coordinate alike")
    ax.legend(fontsize=7.5, loc="upper center", ncol=2)
    return bars
