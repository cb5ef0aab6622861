"""Numerical gradients by centred differences, and the relative error used to compare them.

Usage: ``rel_error(analytic, numerical_gradient(f, x))`` where ``f()`` evaluates a scalar that
depends on the array ``x`` (modified in place and restored). In float64, a correct backward gives
a relative error around 1e-8 or smaller; 1e-2 or more means a bug.
"""
import numpy as np

from . import checks
from .losses import LOSSES
from .penalties import Penalty


def numerical_gradient(f, x, h=1e-5):
    """d f() / d x by centred differences (f(x + h) − f(x − h)) / 2h, one entry of x at a time.

    ``x`` must be a float array: it is changed in place (and restored), so an integer array would
    round x ± h back to x."""
    checks.function("f", f)
    if not (isinstance(x, np.ndarray) and x.dtype.kind == "f"):
        checks.fail("x", "a float numpy array (changed in place and restored)",
                    f"{type(x).__name__} of dtype {getattr(x, 'dtype', None)}", TypeError)
    if not np.all(np.isfinite(x)):
        raise ValueError("x must contain only finite numbers, got NaN/inf entries")
    h = checks.positive("h", h)
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        i = it.multi_index
        old = x[i].copy()
        x[i] = old + h
        plus = f()
        x[i] = old - h
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def rel_error(a, b):
    """max |a − b| / max(|a| + |b|, 1e-8): 0 for equal arrays, about 1 for unrelated ones.

    a and b must have the same shape (broadcasting (3,) against (3, 1) would compare the wrong
    entries)."""
    a, b = checks.finite_array("a", a), checks.finite_array("b", b)
    checks.same_shape("b", b, a.shape)
    a, b = a.astype(np.float64), b.astype(np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def check_layer(layer, X, seed=0, h=1e-5):
    """Relative errors of a layer's backward: {"X": ..., "W": ..., ...}.

    Uses f = Σ forward(X) ⊙ G with a random G, so d f / d out = G. Stochastic layers must be held
    (``layer.hold = True``) so that every call sees the same mask or noise.
    """
    if not (callable(getattr(layer, "forward", None)) and callable(getattr(layer, "backward", None))):
        checks.fail("layer", "a layer with forward and backward", layer, TypeError)
    X = np.array(checks.finite_array("X", X), dtype=np.float64)
    G = checks.rng("seed", seed).standard_normal(layer.forward(X).shape)

    def f():
        return float(np.sum(layer.forward(X) * G))

    layer.forward(X)
    dX, grads = layer.backward(G)
    errors = {}
    if dX is not None:
        errors["X"] = rel_error(dX, numerical_gradient(f, X, h))
    for name, p in layer.params.items():
        errors[name] = rel_error(grads[name], numerical_gradient(f, p, h))
    return errors


def check_loss(name, y_hat, y, h=1e-5):
    """Relative error of a loss's gradient (``"cross_entropy"`` or ``"mse"``) at ŷ."""
    checks.choice("name", name, tuple(LOSSES))
    y_hat = np.array(checks.finite_array("y_hat", y_hat), dtype=np.float64)
    loss = LOSSES[name]
    return rel_error(loss(y_hat, y)[1], numerical_gradient(lambda: loss(y_hat, y)[0], y_hat, h))


def check_penalty(penalty, w, h=1e-5):
    """Relative error of a penalty's gradient at w (for L1, keep w away from 0)."""
    if not isinstance(penalty, Penalty):
        checks.fail("penalty", "a penalty such as regutils.L2(0.1)", penalty, TypeError)
    w = np.array(checks.finite_array("w", w), dtype=np.float64)
    return rel_error(penalty(w)[1], numerical_gradient(lambda: penalty(w)[0], w, h))


def check_network(net, X, y, h=1e-5):
    """Relative error per parameter of ``net.loss_and_grads`` (loss, penalty and all layers).

    Dropout masks and noise are drawn once and held fixed during the check.
    """
    from .train import _check_data  # the same checks as fit (input width, labels)

    X, y = _check_data(net, X, y, "X", "y")
    net.train()
    net.loss_and_grads(X, y)  # draw the masks and noise that are then held
    with net.hold_noise():
        _, grads = net.loss_and_grads(X, y)
        return {name: rel_error(grads[name], numerical_gradient(
                    lambda: net.loss_and_grads(X, y)[0], p, h))
                for name, p in net.parameters().items()}
