"""Losses L(ŷ, y): each returns ``(value, dŷ)``, the mean over the N examples and its gradient."""
import numpy as np


def _row_max(scores):
    """The maximum of each row of (N, C) scores, as an (N, 1) column.

    Same numbers as ``scores.max(axis=1, keepdims=True)``, 3-15x faster for few classes: NumPy
    reduces a short last axis slowly, the first axis of the (C, N) transpose quickly.
    """
    return np.ascontiguousarray(scores.T).max(axis=0)[:, None]


def softmax(logits):
    """Row-wise softmax of (N, C) scores, stable: the row maximum is subtracted first."""
    z = logits - _row_max(logits)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, y):
    """Cross-entropy of softmax(logits) against integer labels.

    logits: (N, C) scores; y: (N,) labels in 0..C-1.
    L = -(1/N) Σᵢ log softmax(logitsᵢ)[yᵢ], computed with log-sum-exp so that large scores do not
    overflow. Gradient: (softmax(logits) - onehot(y)) / N.
    """
    n = logits.shape[0]
    z = logits - _row_max(logits)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = -log_probs[rows, y].sum() / n  # = -mean, without np.mean's Python overhead
    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1
    dlogits /= n
    return float(loss), dlogits


def mean_squared_error(y_hat, y):
    """L = mean over all entries of (ŷ - y)² (as PyTorch's ``MSELoss``); gradient 2(ŷ - y)/size.

    y_hat: (N, K) predictions; y: (N, K) or (N,) targets (a vector is read as K = 1).
    """
    y = np.asarray(y, dtype=y_hat.dtype).reshape(y_hat.shape)
    diff = y_hat - y
    return float(np.mean(diff**2)), (2.0 / diff.size) * diff


LOSSES = {"cross_entropy": softmax_cross_entropy, "mse": mean_squared_error}
