"""The figures of notebook 03 (L2 and weight decay): Goodfellow et al.'s Fig. 7.1 with a movable
λ (``L2Geometry``), shrink factors, update forms, ridge, Adam vs AdamW. Each takes ``ax=None`` and
returns its artists; nothing here changes matplotlib's global settings."""
import matplotlib.pyplot as plt
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
