"""Numerical gradients by centred differences, and the relative error used to compare them.

Usage: ``rel_error(analytic, numerical_gradient(f, x))`` where ``f()`` evaluates a scalar that
depends on the array ``x`` (modified in place and restored). In float64, a correct backward gives
a relative error around 1e-8 or smaller; 1e-2 or more means a bug.
"""
import numpy as np

from .losses import LOSSES


def numerical_gradient(f, x, h=1e-5):
    """d f() / d x by centred differences (f(x + h) − f(x − h)) / 2h, one entry of x at a time."""
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
    """max |a − b| / max(|a| + |b|, 1e-8): 0 for equal arrays, about 1 for unrelated ones."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def check_layer(layer, X, seed=0, h=1e-5):
    """Relative errors of a layer's backward: {"X": ..., "W": ..., ...}.

    Uses f = Σ forward(X) ⊙ G with a random G, so d f / d out = G. Stochastic layers must be held
    (``layer.hold = True``) so that every call sees the same mask or noise.
    """
    X = np.array(X, dtype=np.float64)
    G = np.random.default_rng(seed).standard_normal(layer.forward(X).shape)

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
    y_hat = np.array(y_hat, dtype=np.float64)
    loss = LOSSES[name]
    return rel_error(loss(y_hat, y)[1], numerical_gradient(lambda: loss(y_hat, y)[0], y_hat, h))


def check_penalty(penalty, w, h=1e-5):
    """Relative error of a penalty's gradient at w (for L1, keep w away from 0)."""
    w = np.array(w, dtype=np.float64)
    return rel_error(penalty(w)[1], numerical_gradient(lambda: penalty(w)[0], w, h))


def check_network(net, X, y, h=1e-5):
    """Relative error per parameter of ``net.loss_and_grads`` (loss, penalty and all layers).

    Dropout masks and noise are drawn once and held fixed during the check.
    """
    net.train()
    net.loss_and_grads(X, y)  # draw the masks and noise that are then held
    with net.hold_noise():
        _, grads = net.loss_and_grads(X, y)
        return {name: rel_error(grads[name], numerical_gradient(
                    lambda: net.loss_and_grads(X, y)[0], p, h))
                for name, p in net.parameters().items()}
