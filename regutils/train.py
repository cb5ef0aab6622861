"""The fit loop: mini-batches (or the full batch), a per-epoch history, augmentation, callbacks."""
import contextlib
import functools
import numbers

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
    numbers independent of the number of cores. (OpenBLAS keeps this setting per thread: a
    block applies to the thread that runs it.)
    """
    controller = _blas_controller()
    if controller is None:  # pragma: no cover
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield


class TrainingDiverged(FloatingPointError):
    """Training ran away: the loss or a weight became NaN/inf, or the loss or ‖w‖ grew far above
    their values at the start. The message names η and the regularization strength in play."""


# A run has diverged once the loss or ‖w‖ is this many times its value at the start (at least 1):
# far beyond anything a working run reaches (memorizing random labels grows ‖w‖ about 5×).
BLOW_UP = 1e4


class History(dict):
    """Per-epoch records: ``h["train_acc"][-1]``, ``h["test_loss"]``, ...; ``h.epochs`` so far.

    Keys: ``epoch``, ``objective`` (mean L̃ of the mini-batches, as the optimizer saw it: noise,
    dropout and penalty included), ``train_loss`` / ``train_acc`` (L and accuracy on the clean
    training set in test mode), ``test_loss`` / ``test_acc`` when test data are given, and whatever
    the callbacks return. Every list has one entry per recorded epoch: a key missing from one
    record is NaN there. ``h.rng``: the random stream of the run, which ``fit(history=h)``
    continues; ``h.start_loss`` / ``h.start_size``: the loss and ‖w‖ at the start of the run,
    against which a continued run is checked for divergence too (so that ten runs of 10 epochs
    are one run of 100 in this as well).
    """

    rng = seed = None  # the run's random stream and the seed it came from (set by fit)
    start_loss = start_size = None  # the divergence references (set by fit)

    def record(self, **values):
        """Append one row; keys seen before but missing here get NaN, new keys NaN before."""
        n = len(self.get("epoch", ()))
        for key in set(self) - set(values):
            values[key] = np.nan
        for key, value in values.items():
            self.setdefault(key, [np.nan] * n).append(value)

    def amend(self, **values):
        """Set values of the last row (a callback's results for the epoch just recorded)."""
        n = len(self["epoch"])
        for key, value in values.items():
            self.setdefault(key, [np.nan] * n)[-1] = value

    @property
    def epochs(self):
        """The last epoch recorded (0 for an empty history)."""
        return self["epoch"][-1] if self.get("epoch") else 0

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.items() if k != "epoch" and v)
        return f"History({self.epochs} epochs: {last})"


def evaluate(net, X, y):
    """(loss L, accuracy) of ``net`` on (X, y) in test mode; the mode is restored afterwards."""
    X, y = _check_data(net, X, y, "X", "y")
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
        augment=None, callbacks=(), until=None, history=None, eval_every=1, validation=None,
        patience=None):
    """Train ``net`` with ``optimizer`` and return the History.

    X: (N, D) inputs; y: (N,) labels (or targets for ``loss="mse"``). ``batch_size=None`` is full
    batch gradient descent, otherwise the rows are shuffled every epoch and cut into mini-batches.
    ``augment(X, y, rng) -> (X, y)`` is applied to the training set afresh every epoch (e.g.
    ``regutils.augment.Jitter(0.1)``). After every epoch each ``callback(epoch, net, history)`` is
    called; a dict it returns is recorded in the history. ``until(history) -> bool`` stops early.
    ``history``: continue an earlier run (warm start); epochs are counted on from it, and with the
    same ``seed`` the run continues its random stream (two runs of 50 epochs = one of 100).
    ``seed``: an integer >= 0 or a ``numpy.random.Generator``, for shuffling and augmentation.
    ``eval_every``: evaluate and record (and call the callbacks and ``until``) every that many
    epochs and after the last one; 1 records every epoch.
    ``validation=(X_val, y_val)`` records ``val_loss`` / ``val_acc``; with ``patience=k``, training
    stops once the validation loss has not improved for k evaluations, and the weights of the best
    evaluation come back (early stopping; ``history.best_epoch``).

    Raises TrainingDiverged if the loss or a weight becomes NaN/inf or explodes (``BLOW_UP``).
    """
    X, y = _check_data(net, X, y, "X", "y")
    if (X_test is None) != (y_test is None):
        missing = "X_test" if X_test is None else "y_test"
        checks.fail(missing, "given together with " + ("y_test" if missing == "X_test" else "X_test"),
                    None)
    has_test = X_test is not None
    if has_test:
        X_test, y_test = _check_data(net, X_test, y_test, "X_test", "y_test")
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            checks.fail("validation", "a pair (X_val, y_val)", validation, TypeError)
        validation = _check_data(net, *validation, "X_val", "y_val")
    if patience is not None:
        if validation is None:
            checks.fail("patience", "None unless validation=(X_val, y_val) is given", patience)
        patience = checks.integer("patience", patience, minimum=1)
    if not callable(getattr(optimizer, "step", None)):
        checks.fail("optimizer", "an optimizer such as regutils.SGD(lr=0.1)", optimizer, TypeError)
    epochs = checks.integer("epochs", epochs, minimum=0)
    eval_every = checks.integer("eval_every", eval_every, minimum=1)
    n = len(X)
    if batch_size is not None:
        batch_size = checks.integer("batch_size", batch_size, minimum=1)
    if augment is not None:
        checks.function("augment", augment)
    callbacks = (callbacks,) if callable(callbacks) else tuple(callbacks)
    for callback in callbacks:
        checks.function("callbacks", callback)
    if until is not None:
        checks.function("until", until)
    if history is None:
        history = History()
    elif not isinstance(history, History):
        checks.fail("history", "a History returned by an earlier fit", type(history).__name__,
                    TypeError)
    rng = _stream(history, seed)
    params = net.parameters()
    net.train()
    start = history.epochs
    last = start + epochs
    if history.start_size is None:
        history.start_size = max(_norm(params), 1.0)
    size0, loss0 = history.start_size, history.start_loss
    best = (np.inf, start, None)  # (validation loss, epoch, weights): none better yet
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
                if loss0 is None:
                    loss0 = history.start_loss = max(loss, 1.0)
                if not loss < BLOW_UP * loss0:  # NaN fails this too
                    _diverged(net, optimizer, epoch, f"the loss became {loss:.3g}")
                optimizer.step(params, grads)
                total += loss * len(Xb)
                count += len(Xb)
            size = _norm(params)
            if not size < BLOW_UP * size0:
                _diverged(net, optimizer, epoch, f"‖w‖ became {size:.3g}")
            if epoch % eval_every and epoch != last:
                continue
            record = {"epoch": epoch, "objective": total / count}
            record["train_loss"], record["train_acc"] = evaluate(net, X, y)
            if has_test:
                record["test_loss"], record["test_acc"] = evaluate(net, X_test, y_test)
            if validation is not None:
                record["val_loss"], record["val_acc"] = evaluate(net, *validation)
                if record["val_loss"] < best[0]:
                    best = (record["val_loss"], epoch, {k: v.copy() for k, v in params.items()})
            history.record(**record)  # a whole row: keys stay aligned even after an interrupt
            for callback in callbacks:
                history.amend(**(callback(epoch, net, history) or {}))
            if until is not None and until(history):
                break
            if patience is not None and epoch - best[1] >= patience * eval_every:
                break
    if patience is not None and best[2] is not None:
        for name, w in params.items():
            w[...] = best[2][name]
        history.best_epoch = best[1]
    return history


def _stream(history, seed):
    """The run's random stream: continued from ``history`` when resumed with the same seed."""
    if history.rng is not None and isinstance(seed, numbers.Integral) and seed == history.seed:
        return history.rng
    history.rng, history.seed = checks.rng("seed", seed), seed
    return history.rng


def _norm(params):
    """‖w‖ over every parameter (NaN or inf as soon as one entry is)."""
    return float(np.sqrt(sum(float(np.vdot(w, w)) for w in params.values())))


def _diverged(net, optimizer, epoch, what):
    strengths = [f"λ={net.penalty.lam:g}"] if net.penalty.lam else []
    strengths += [f"{name}={getattr(optimizer, name):g}" for name in ("weight_decay", "prox_l1")
                  if getattr(optimizer, name, 0)]
    raise TrainingDiverged(
        f"training diverged at epoch {epoch}: {what} (learning rate η: lr={optimizer.lr:g}, "
        f"{', '.join(strengths) or 'no regularization'}). Try a smaller η (learning rate)"
        + (" or a smaller " + " / ".join(s.split("=")[0] for s in strengths) if strengths else "")
        + ".")
