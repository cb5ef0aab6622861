"""The figures of notebook 04 (L1 and sparsity): the L1 diamond against the L2 circle with a
movable λ (``L1Geometry``), subgradient descent vs ISTA, feature selection. Each takes ``ax=None``
and returns its artists; nothing here changes matplotlib's global settings."""
import numpy as np
from matplotlib.ticker import MultipleLocator

from .. import checks
from ..lectures.quadratic import (H_DIAG_2D, W_STAR_L1, _diagonal, _vector, l1_path,
                                  l1_solution, l2_path, l2_solution, quadratic_loss)
from .quadratic import (LAMS_PATH, WeightSpaceFigure, _axes, circle, contours, diamond,
                        ellipse)


class L1Geometry(WeightSpaceFigure):
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
        ax.xaxis.set_major_locator(MultipleLocator(0.5))  # side by side, labels stay apart
        a = {"contours": contours(ax, self.H, self.w_star, extent)}
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
        self._finish(a, extent, legend, lam)

    def _draw(self, lam):
        """Move the artists to λ = ``lam``; returns (w̃ with L1, w̃ with L2)."""
        a = self.artists
        w1 = l1_solution(self.H, self.w_star, lam)
        w2 = l2_solution(self.H, self.w_star, lam)
        a["w_l1"].set_data([w1[0]], [w1[1]])
        a["w_l2"].set_data([w2[0]], [w2[1]])
        a["diamond"].set_data(*diamond(np.abs(w1).sum()))
        a["circle"].set_data(*circle(np.linalg.norm(w2)))
        a["ellipse"].set_data(*ellipse(self.H, self.w_star,
                                        quadratic_loss(w1, self.H, self.w_star)).T)
        zeros = int(np.sum(w1 == 0))
        where = {0: "on an edge", 1: "on a corner: w = 0 exactly", 2: "at the origin"}
        a["text"].set_text(f"λ = {lam:.3g}\nL1: w̃ = ({w1[0]:.2f}, {w1[1]:.2f})\n   {where[zeros]}\n"
                           f"L2: w̃ = ({w2[0]:.2f}, {w2[1]:.2f})")
        self.lam, self.w_l1, self.w_l2 = lam, w1, w2
        return w1, w2

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
    for j, (name, label) in enumerate((("none", "no penalty"), ("l1", f"L1 (proximal, λ = {result['lam']:g})"),
                                       ("l2", f"L2 (λ₂ = {result['lam_l2']:.2f})"))):
        r = result[name]
        bars.append(ax.bar(x + (j - 1) * 0.27, r["w"], 0.27, label=f"{label}: "
                           f"{r['zero_irrelevant']}/{d - k} irrelevant weights exactly 0"))
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks(x, [f"x{i + 1}" for i in x], fontsize=7)
    ax.set(xlim=(-0.6, d - 0.4), xlabel="input", ylabel="learned weight")
    ax.legend(fontsize=7.5, loc="upper right")
    return bars
