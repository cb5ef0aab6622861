"""What the weight-space figures of notebooks 03 (L2) and 04 (L1) share: contours of the quadratic
loss, L2 circles, L1 diamonds, the axes of a 2-D weight-space picture."""
import functools

import numpy as np

from .. import checks, plots
from ..lectures.quadratic import quadratic_loss


_axes = functools.partial(plots._axes, figsize=(4.8, 4.2), layout="constrained")

def ellipse(H, w_star, level, n=200):
    """Points (n, 2) of the contour J(w) = level of the 2-D quadratic."""
    eigvals, Q = np.linalg.eigh(H)
    t = np.linspace(0, 2 * np.pi, n)
    radii = np.sqrt(2 * level / np.maximum(eigvals, 1e-12))
    return w_star + (Q @ (radii[:, None] * np.vstack([np.cos(t), np.sin(t)]))).T

def circle(radius, n=200):
    t = np.linspace(0, 2 * np.pi, n)
    return radius * np.cos(t), radius * np.sin(t)

def diamond(radius):
    return (radius * np.array([1, 0, -1, 0, 1.0]), radius * np.array([0, 1, 0, -1, 0.0]))

def contours(ax, H, w_star, extent, n_levels=7):
    xmin, xmax, ymin, ymax = extent
    xx, yy = np.meshgrid(np.linspace(xmin, xmax, 200), np.linspace(ymin, ymax, 200))
    J = quadratic_loss(np.stack([xx, yy], axis=-1), H, w_star)
    top = quadratic_loss(np.zeros(2), H, w_star)  # the contour through the origin
    levels = top * np.linspace(0.04, 1.0, n_levels) ** 2
    return ax.contour(xx, yy, J, levels=levels, colors="0.6", linewidths=0.8)

LAMS_PATH = np.logspace(-3, 3, 300)

def finish_weight_axes(ax, extent, legend):
    """Axes lines, limits, labels and legend of a 2-D weight-space figure; returns its text box."""
    text = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=9,
                   bbox=dict(boxstyle="round", fc="white", ec="0.8", alpha=0.9))
    ax.axhline(0, color="0.3", lw=0.6)
    ax.axvline(0, color="0.3", lw=0.6)
    ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="w₁", ylabel="w₂", aspect="equal")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    return text


class WeightSpaceFigure:
    """What the L2 and L1 weight-space figures share: ``set_lam`` checks λ and then the subclass's
    ``_draw(lam)`` moves its artists in place; ``_finish`` adds the axes and the text box."""

    def set_lam(self, lam):
        """Redraw for λ = ``lam``; returns the solution(s) drawn."""
        return self._draw(checks.nonnegative("lam", lam))

    def _finish(self, artists, extent, legend, lam):
        artists["text"] = finish_weight_axes(self.ax, extent, legend)
        self.artists = artists
        self.set_lam(lam)
