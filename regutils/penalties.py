"""Norm penalties λΩ(w), each giving its value and its gradient together.

The regularized loss of the lecture: L̃(w, b) = L(w, b) + λ Ω(w). Ω takes the weights w only:
biases are not penalized unless ``penalize_bias=True`` (shifting a unit's output costs no
complexity). ``penalty(w)`` returns ``(λΩ(w), λ∇Ω(w))`` for one weight array.
"""
import numpy as np

from . import checks


def _weights(w):
    """A float array of weights; integer arrays become float64 (an int8 Σw² would overflow)."""
    w = np.asarray(w)
    return w if w.dtype.kind == "f" else checks.finite_array("w", w)


class Penalty:
    """Base class: no penalty (Ω = 0). ``lam`` is λ, the regularization constant."""

    name = "none"

    def __init__(self, lam=0.0, penalize_bias=False):
        self.lam = checks.nonnegative("lam", lam)
        self.penalize_bias = checks.boolean("penalize_bias", penalize_bias)

    def applies_to(self, param_name):
        """Whether the parameter called ``param_name`` ("W" or "b") is in Ω."""
        return param_name == "W" or (self.penalize_bias and param_name == "b")

    def __call__(self, w):
        return 0.0, np.zeros_like(_weights(w))

    def __repr__(self):
        bias = ", penalize_bias=True" if self.penalize_bias else ""
        return f"{type(self).__name__}(lam={self.lam:g}{bias})"


class NoPenalty(Penalty):
    """Ω = 0."""


class L2(Penalty):
    """Ω(w) = ½‖w‖₂², so λΩ has gradient λw (the ½ makes the 2 of the derivative cancel)."""

    name = "l2"

    def __call__(self, w):
        w = _weights(w)
        return 0.5 * self.lam * float(np.vdot(w, w)), self.lam * w


class L1(Penalty):
    """Ω(w) = ‖w‖₁ = Σᵢ|wᵢ|, with subgradient λ·sign(w) and sign(0) = 0."""

    name = "l1"

    def __call__(self, w):
        w = _weights(w)
        return self.lam * float(np.abs(w).sum()), self.lam * np.sign(w)


PENALTIES = {"none": NoPenalty, "l2": L2, "l1": L1}


def make_penalty(name="none", lam=0.0, penalize_bias=False):
    """A penalty by name: ``"none"``, ``"l2"`` or ``"l1"`` (a Penalty instance is returned as is)."""
    if isinstance(name, Penalty):
        if lam or penalize_bias:
            checks.fail("lam and penalize_bias", f"left out when penalty={name!r} (it sets both)",
                        (lam, penalize_bias), TypeError)
        return name
    if name is None:
        name = "none"
    checks.choice("penalty", name, tuple(PENALTIES))
    if name == "none" and lam != 0:  # a λ that would silently do nothing
        checks.fail("lam", "0 when penalty='none' (choose penalty='l2' or 'l1' to use λ)", lam)
    return PENALTIES[name](lam, penalize_bias=penalize_bias)


def soft_threshold(w, t):
    """The proximal step of t‖w‖₁: sign(w)·max(|w| − t, 0). Weights with |w| ≤ t become exactly 0.

    A gradient step on L followed by ``soft_threshold(w, lr * lam)`` is one step of ISTA (proximal
    gradient descent) on L + λ‖w‖₁; unlike the subgradient step it lands on 0 instead of jittering
    around it.
    """
    t = checks.nonnegative("t", t)
    w = _weights(w)
    return np.sign(w) * np.maximum(np.abs(w) - t, 0)
