"""Optimizers, in order of complexity: SGD → momentum → Adam → AdamW.

``opt.step(params, grads)`` updates the arrays of ``params`` in place; both are dicts keyed by
parameter name (``"0.W"``, ``"0.b"``, ... as given by ``Network.parameters()``). An L2 *penalty*
reaches the optimizer through the gradient (∇L̃ = ∇L + λw, see ``regutils.penalties``);
``weight_decay`` is the *decoupled* update only,

    w ← (1 − ηλ) w − η · step,

applied to weights (names ending in "W"), not biases. For plain SGD the two are the same update
(the lecture's "weight decay"); with momentum or Adam they differ (Loshchilov & Hutter 2019).

``prox_l1`` is the decoupled counterpart for L1: after the update every weight is soft-thresholded,
w ← sign(w)·max(|w| − ηλ, 0) (the proximal step of ηλ‖w‖₁; with full-batch SGD this is ISTA).
Unlike the subgradient λ·sign(w) in the gradient, it sets small weights to exactly 0.

``max_norm=c`` is the constraint of Srivastava et al. (2014, §5.1), used with dropout: after the
update, the incoming weight vector of every unit (a column W[:, j] of a (D, M) weight matrix) is
projected back onto the ball ‖w‖₂ ≤ c, w ← w · min(1, c/‖w‖₂). Units already inside are left
unchanged; biases are not constrained. It applies to every weight matrix (names ending in "W"),
the output layer's units included.
"""
import numpy as np

from . import checks
from .penalties import soft_threshold


def _is_weight(name):
    return name.rsplit(".", 1)[-1] == "W"


def _too_much_decay(lr, wd):
    checks.fail("weight_decay", f"< 1/lr = {1 / lr:g}: with η·weight_decay ≥ 1 the factor "
                f"(1 − η·weight_decay) zeroes or flips every weight at each step", wd)


def _max_norm(max_norm):
    if max_norm is None:
        return None
    return checks.positive("max_norm", max_norm)


def project_max_norm(W, c):
    """Project each column of W (D, M) — the incoming weights of one unit — onto ‖w‖₂ ≤ c, in
    place: w ← w · min(1, c/‖w‖₂). Columns already inside the ball are not touched."""
    norms = np.sqrt(np.einsum("dm,dm->m", W, W))
    over = norms > c
    if np.any(over):
        W[:, over] *= (c / norms[over]).astype(W.dtype, copy=False)
    return W


class Optimizer:
    """What SGD and Adam share: ``step`` applies the decoupled weight decay, the step direction
    of the subclass (``_direction``), the proximal L1 step and the max-norm projection, in that
    order, to every parameter.

    w ← (1 − ηλ)w − η·direction;  then, with ``prox_l1``, w ← sign(w)·max(|w| − ηλ₁, 0);
    then, with ``max_norm=c``, each unit's incoming weights w ← w·min(1, c/‖w‖₂).
    Decay, proximal step and max-norm touch the weights (names ending in "W"), not the biases.
    """

    def __init__(self, lr, weight_decay=0.0, prox_l1=0.0, max_norm=None):
        self.lr = checks.positive("lr", lr)
        self.weight_decay = checks.nonnegative("weight_decay", weight_decay)
        self.prox_l1 = checks.nonnegative("prox_l1", prox_l1)
        self.max_norm = _max_norm(max_norm)
        if self.lr * self.weight_decay >= 1:
            _too_much_decay(self.lr, self.weight_decay)
        self.state = {}

    def _direction(self, name, g):
        raise NotImplementedError

    def step(self, params, grads):
        lr, wd = self.lr, self.weight_decay
        c = _max_norm(self.max_norm)  # also when max_norm was changed after construction
        if lr * wd >= 1:  # also when weight_decay was changed after construction
            _too_much_decay(lr, wd)
        for name, w in params.items():  # all checked before any weight changes
            g = grads.get(name)
            if c is not None and _is_weight(name) and w.ndim != 2:
                checks.fail(f"params[{name!r}]", "a (D, M) weight matrix for max_norm",
                            f"shape {w.shape}")
            if g is None or np.shape(g) != w.shape:
                checks.fail(f"grads[{name!r}]", f"an array of shape {w.shape}, like the parameter",
                            None if g is None else f"shape {np.shape(g)}")
            if not np.isfinite(np.vdot(g, g)):  # one pass, no temporary: NaN/inf anywhere shows
                raise ValueError(f"grads[{name!r}] must be finite, got NaN/inf entries "
                                 "(no weight was changed)")
        for name, w in params.items():
            d = self._direction(name, grads[name])
            if wd and _is_weight(name):
                w *= 1 - lr * wd
            w -= lr * d
            if self.prox_l1 and _is_weight(name):
                w[...] = soft_threshold(w, lr * self.prox_l1)
            if c is not None and _is_weight(name):
                project_max_norm(w, c)

    def __repr__(self):
        extra = "".join(f", {k}={getattr(self, k):g}" for k in
                        ("momentum", "weight_decay", "prox_l1", "max_norm") if getattr(self, k, 0))
        return f"{type(self).__name__}(lr={self.lr:g}{extra})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum μ (PyTorch's form) and weight decay.

    v ← μv + g;  w ← (1 − ηλ)w − ηv   (μ = 0: w ← (1 − ηλ)w − ηg)
    """

    def __init__(self, lr=0.1, momentum=0.0, weight_decay=0.0, prox_l1=0.0, max_norm=None):
        super().__init__(lr, weight_decay, prox_l1, max_norm)
        self.momentum = checks.in_range("momentum", momentum, 0, 1, high_open=True)

    def _direction(self, name, g):
        if self.momentum == 0:
            return g
        v = self.state.get(name)
        if v is None:
            v = self.state[name] = np.zeros_like(g)
        v *= self.momentum
        v += g
        return v


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): moment estimates m, v with bias correction.

    m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  step = m̂ / (√v̂ + ε),  m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
    An L2 penalty enters through g, so Adam divides it by √v̂ too: weights with large gradients are
    decayed less. AdamW decouples the decay from this scaling. ``weight_decay`` here is the
    decoupled one (so ``Adam(weight_decay=λ)`` is AdamW); PyTorch's ``Adam(weight_decay)`` adds λw to
    the gradient instead — that is ``penalty="l2"`` here.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, prox_l1=0.0,
                 max_norm=None):
        super().__init__(lr, weight_decay, prox_l1, max_norm)
        self.beta1 = checks.in_range("beta1", beta1, 0, 1, high_open=True)
        self.beta2 = checks.in_range("beta2", beta2, 0, 1, high_open=True)
        self.eps = checks.positive("eps", eps)
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        super().step(params, grads)

    def _direction(self, name, g):
        if name not in self.state:
            self.state[name] = (np.zeros_like(g), np.zeros_like(g))
        m, v = self.state[name]
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1**self.t)
        v_hat = v / (1 - self.beta2**self.t)
        return m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    """Adam with decoupled weight decay: w ← (1 − ηλ)w − η m̂/(√v̂ + ε) (PyTorch's AdamW)."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, prox_l1=0.0,
                 max_norm=None):
        super().__init__(lr, beta1, beta2, eps, weight_decay, prox_l1, max_norm)
