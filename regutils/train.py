"""The fit loop: mini-batches (or the full batch), a per-epoch history, augmentation, callbacks."""
import contextlib
import functools

import numpy as np

from . import checks
from .losses import LOSSES


@functools.lru_cache(maxsize=1)
def _blas_controller():
    try:  # threadpoolctl comes with scikit-learn
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover
        return None
    return ThreadpoolController()


@contextlib.contextmanager
def one_blas_thread():
    """Within this block (or a function decorated with ``@one_blas_thread()``) NumPy's BLAS uses
    one thread; the previous setting comes back afterwards.

    The lecture's networks are small (200 × 64 matrices): BLAS threads only wait for each other,
    and on a busy 2-core laptop they make training 5-30× slower. One thread also makes the printed
    numbers independent of the number of cores.
    """
    controller = _blas_controller()
    if controller is None:  # pragma: no cover
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite."""


class History(dict):
    """Per-epoch records: ``h["train_acc"][-1]``, ``h["test_loss"]``, ...; ``h.epochs`` so far.

    Keys: ``epoch``, ``objective`` (mean L̃ of the mini-batches, as the optimizer saw it: noise,
    dropout and penalty included), ``train_loss`` / ``train_acc`` (L and accuracy on the clean
    training set in test mode), ``test_loss`` / ``test_acc`` when test data are given, and whatever
    the callbacks return.
    """

    def record(self, **values):
        for key, value in values.items():
            self.setdefault(key, []).append(value)

    @property
    def epochs(self):
        """The last epoch recorded (0 for an empty history)."""
        return self["epoch"][-1] if self.get("epoch") else 0

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.items() if k != "epoch" and v)
        return f"History({self.epochs} epochs: {last})"


def evaluate(net, X, y):
    """(loss L, accuracy) of ``net`` on (X, y) in test mode; the mode is restored afterwards."""
    y = np.asarray(y)
    if net.loss_name == "cross_entropy" and y.shape != (len(X),):  # broadcasting would hide it
        checks.fail("y.shape", f"({len(X)},), one label per row of X", y.shape)
    was_training = net.training
    net.eval()
    try:
        scores = net.forward(X)
    finally:
        if was_training:
            net.train()
    loss = LOSSES[net.loss_name](scores, y)[0]
    acc = float(np.mean(scores.argmax(axis=1) == y)) if net.loss_name == "cross_entropy" else np.nan
    return loss, acc


def _check_data(net, X, y, name_X, name_y):
    X = checks.finite_array(name_X, X, ndim=2)
    if X.shape[1] != net.n_inputs:
        raise ValueError(f"{name_X} must have {net.n_inputs} columns (the network's input size), "
                         f"got {X.shape[1]}")
    if net.loss_name == "cross_entropy":
        y = checks.labels(name_y, y, n_classes=net.n_outputs, n=len(X), name_X=name_X)
    else:
        y = checks.finite_array(name_y, y)
        if len(y) != len(X):
            raise ValueError(f"{name_X} and {name_y} must have the same number of rows, "
                             f"got {len(X)} and {len(y)}")
        if y.size != len(y) * net.n_outputs:
            checks.fail(f"{name_y}.shape", f"({len(X)}, {net.n_outputs}), one target per output",
                        y.shape)
    dtype = net.weights()[0].dtype
    return X.astype(dtype, copy=False), (y.astype(dtype, copy=False) if y.dtype.kind == "f" else y)


def fit(net, optimizer, X, y, X_test=None, y_test=None, epochs=100, batch_size=None, seed=0,
        augment=None, callbacks=(), until=None, history=None, eval_every=1):
    """Train ``net`` with ``optimizer`` and return the History.

    X: (N, D) inputs; y: (N,) labels (or targets for ``loss="mse"``). ``batch_size=None`` is full
    batch gradient descent, otherwise the rows are shuffled every epoch and cut into mini-batches.
    ``augment(X, y, rng) -> (X, y)`` is applied to the training set afresh every epoch (e.g.
    ``regutils.augment.Jitter(0.1)``). After every epoch each ``callback(epoch, net, history)`` is
    called; a dict it returns is recorded in the history. ``until(history) -> bool`` stops early.
    ``history``: continue an earlier run (warm start); epochs are counted on from it.
    ``seed``: int or ``numpy.random.Generator`` for shuffling and augmentation.
    ``eval_every``: evaluate and record (and call the callbacks and ``until``) every that many
    epochs and after the last one; 1 records every epoch.

    Raises TrainingDiverged if the loss becomes NaN or infinite.
    """
    X, y = _check_data(net, X, y, "X", "y")
    has_test = X_test is not None
    if has_test:
        X_test, y_test = _check_data(net, X_test, y_test, "X_test", "y_test")
    epochs = checks.integer("epochs", epochs, minimum=0)
    eval_every = checks.integer("eval_every", eval_every, minimum=1)
    n = len(X)
    if batch_size is not None:
        batch_size = checks.integer("batch_size", batch_size, minimum=1)
    if callable(callbacks):
        callbacks = (callbacks,)
    rng = np.random.default_rng(seed)
    history = History() if history is None else history
    params = net.parameters()
    net.train()
    start = history.epochs
    last = start + epochs
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(start + 1, last + 1):
            Xe, ye = (X, y) if augment is None else augment(X, y, rng)
            if batch_size is None or batch_size >= n:
                batches = [(Xe, ye)]
            else:
                order = rng.permutation(n)
                batches = ((Xe[idx], ye[idx]) for idx in
                           (order[i:i + batch_size] for i in range(0, n, batch_size)))
            total, count = 0.0, 0
            for Xb, yb in batches:
                loss, grads = net.loss_and_grads(Xb, yb)
                if not np.isfinite(loss):
                    _diverged(net, optimizer, epoch, loss)
                optimizer.step(params, grads)
                total += loss * len(Xb)
                count += len(Xb)
            if epoch % eval_every and epoch != last:
                continue
            record = {"epoch": epoch, "objective": total / count}
            record["train_loss"], record["train_acc"] = evaluate(net, X, y)
            if not np.isfinite(record["train_loss"]):
                _diverged(net, optimizer, epoch, record["train_loss"])
            if has_test:
                record["test_loss"], record["test_acc"] = evaluate(net, X_test, y_test)
            history.record(**record)
            for callback in callbacks:
                extra = callback(epoch, net, history)
                if extra:
                    history.record(**extra)
            if until is not None and until(history):
                break
    return history


def _diverged(net, optimizer, epoch, loss):
    raise TrainingDiverged(
        f"training diverged at epoch {epoch}: the loss became {loss} "
        f"(learning rate η: lr={optimizer.lr:g}, λ={net.penalty.lam:g}). "
        "Try a smaller η (learning rate) or a smaller λ.")
