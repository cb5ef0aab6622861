"""The MLP on the 8×8 digits that notebooks 01 and 03-06 train, in one function.

Each notebook picks its optimizer, regularizer and budget; the initial weights depend only on the
sizes and ``seed``, so runs that differ by their labels or their regularizer start from the same
network. Training runs with BLAS limited to one thread (small matrices: on a shared 2-core
machine more threads only wait for each other).
"""
import numpy as np

from .. import checks
from ..model import MLP
from ..optim import SGD, Adam
from ..train import fit, one_blas_thread

N_CLASSES = 10


def train_digits(X, y, X_test=None, y_test=None, hidden=(512,), optimizer="sgd", lr=0.05,
                 momentum=0.9, batch_size=32, epochs=100, penalty="none", lam=0.0, prox_l1=0.0,
                 keep_prob=1.0, rule="inverted", augment=None, until=None, seed=0,
                 dtype=np.float64, validation=None, patience=None, eval_every=1):
    """Train an MLP D-``hidden``-10 (ReLU) on digits X (N, D), labels y (N,); returns (net, history).

    optimizer: "sgd" (``SGD(lr, momentum)``) or "adam" (``Adam(lr)``). ``penalty``/``lam``: λΩ(w)
    in the loss (L̃ = L + λΩ: L2 ½‖w‖², L1 ‖w‖₁ by its subgradient λ·sign(w)); ``prox_l1``: L1 by
    the proximal step after every update instead (exact zeros). ``keep_prob``: dropout p (keep)
    after every hidden layer, with ``rule`` "inverted" or "vanilla". ``X_test``/``y_test``: also
    recorded in the history every epoch. ``augment``, ``until``, ``validation``, ``patience``
    (early stopping) and ``eval_every`` (``epochs`` records only the last one: the same weights,
    without a pass over the data after every epoch): as in ``regutils.fit``.
    """
    checks.choice("optimizer", optimizer, ("sgd", "adam"))
    net = MLP([X.shape[1], *hidden, N_CLASSES], keep_prob=keep_prob, rule=rule, penalty=penalty,
              lam=lam, seed=seed, dtype=dtype)
    if optimizer == "sgd":
        opt = SGD(lr, momentum=momentum, prox_l1=prox_l1)
    else:
        opt = Adam(lr, prox_l1=prox_l1)
    with one_blas_thread():
        history = fit(net, opt, X, y, X_test, y_test, epochs=epochs, batch_size=batch_size,
                      seed=seed, augment=augment, until=until, validation=validation,
                      patience=patience, eval_every=eval_every)
    return net, history


def flat_weights(net):
    """All weights of ``net`` (the W matrices, no biases: what Ω sees) as one vector."""
    return np.concatenate([w.ravel() for w in net.weights()])
