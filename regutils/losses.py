"""Losses L(ŷ, y): each returns ``(value, dŷ)``, the mean over the N examples and its gradient.

The functions check their arguments; a Network calls the same computation through ``LOSSES``
after ``fit`` / ``loss_and_grads`` have checked the data once.
"""
import numpy as np

from . import checks


def _scores(name, logits):
    logits = checks.finite_array(name, logits)
    if logits.ndim < 1 or logits.shape[-1] < 1:
        checks.fail(f"{name}.shape", "(..., C) with C >= 1 classes", logits.shape)
    return logits


def log_softmax(logits):
    """log softmax over the last axis of (..., C) scores, stable: the maximum is subtracted first
    (log-sum-exp), so that large scores do not overflow."""
    logits = _scores("logits", logits)
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def softmax(logits):
    """softmax over the last axis of (..., C) scores, e.g. (N, C), stable as ``log_softmax``."""
    logits = _scores("logits", logits)
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(logits, y):
    """Cross-entropy of softmax(logits) against integer labels.

    logits: (N, C) scores; y: (N,) labels in 0..C-1.
    L = -(1/N) Σᵢ log softmax(logitsᵢ)[yᵢ]. Gradient: (softmax(logits) - onehot(y)) / N.
    """
    logits = _scores("logits", logits)
    if logits.ndim != 2:
        checks.fail("logits.ndim", "2, (N, C) scores", logits.ndim)
    y = checks.labels("y", y, n_classes=logits.shape[1], n=len(logits), name_X="logits")
    return _cross_entropy(logits, y)


def _cross_entropy(logits, y):
    n = logits.shape[0]
    log_probs = log_softmax(logits)
    rows = np.arange(n)
    loss = -np.mean(log_probs[rows, y])
    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1
    dlogits /= n
    return float(loss), dlogits


def mean_squared_error(y_hat, y):
    """L = mean over all entries of (ŷ - y)² (as PyTorch's ``MSELoss``); gradient 2(ŷ - y)/size.

    y_hat: (N, K) predictions; y: (N, K) or (N,) targets (a vector is read as K = 1).
    """
    y_hat, y = checks.finite_array("y_hat", y_hat), checks.finite_array("y", y)
    if y.size != y_hat.size or len(y) != len(y_hat):
        checks.fail("y.shape", f"{y_hat.shape}, one target per prediction", y.shape)
    return _mse(y_hat, y)


def _mse(y_hat, y):
    y = np.asarray(y, dtype=y_hat.dtype).reshape(y_hat.shape)
    diff = y_hat - y
    return float(np.mean(diff**2)), (2.0 / diff.size) * diff


LOSSES = {"cross_entropy": _cross_entropy, "mse": _mse}
