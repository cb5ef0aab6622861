"""Every bad input raises the promised error type with a message that names the argument, shows the
value and says what is allowed (the template "<name> must be <allowed>, got <value>")."""
import re

import numpy as np
import pytest

import regutils as ru


def pattern(*pieces):
    """A regex that finds the pieces, in this order, in the message."""
    return ".*".join(re.escape(p) for p in pieces)


X, Y = ru.make_moons(20, noise=0.1, seed=0)


def net():
    return ru.MLP([2, 4, 2], seed=0)


def fit(*args, **kwargs):
    kwargs.setdefault("epochs", 1)
    return ru.fit(net(), ru.SGD(lr=0.1), *args, **kwargs)


def with_nan(A, value=np.nan):
    A = A.copy()
    A[3, 1] = value
    return A


CASES = {
    # keep_prob outside (0, 1]
    "keep_prob=0": (lambda: ru.Dropout(0), ValueError, ["keep_prob", "(0, 1]", "0"]),
    "keep_prob=-0.1": (lambda: ru.Dropout(-0.1), ValueError, ["keep_prob", "(0, 1]", "-0.1"]),
    "keep_prob=1.5": (lambda: ru.MLP([2, 4, 2], keep_prob=1.5), ValueError,
                      ["keep_prob", "(0, 1]", "1.5"]),
    "keep_prob=nan": (lambda: ru.MLP([2, 4, 2], keep_prob=float("nan")), ValueError,
                      ["keep_prob", "(0, 1]", "nan"]),
    "input_keep_prob=0": (lambda: ru.MLP([2, 4, 2], input_keep_prob=0.0), ValueError,
                          ["input_keep_prob", "(0, 1]", "0"]),
    "keep_prob='0.5'": (lambda: ru.Dropout("0.5"), TypeError, ["keep_prob", "number", "'0.5'"]),
    # negative λ
    "lam<0 MLP": (lambda: ru.MLP([2, 4, 2], penalty="l2", lam=-1), ValueError, ["lam", ">= 0", "-1"]),
    "lam<0 L1": (lambda: ru.L1(-0.5), ValueError, ["lam", ">= 0", "-0.5"]),
    "lam<0 set_penalty": (lambda: net().set_penalty("l2", -1e-3), ValueError,
                          ["lam", ">= 0", "-0.001"]),
    "weight_decay<0": (lambda: ru.SGD(lr=0.1, weight_decay=-0.1), ValueError,
                       ["weight_decay", ">= 0", "-0.1"]),
    # negative noise σ
    "input_sigma<0": (lambda: ru.MLP([2, 4, 2], input_sigma=-0.1), ValueError,
                      ["input_sigma", ">= 0", "-0.1"]),
    "hidden_sigma<0": (lambda: ru.MLP([2, 4, 2], hidden_sigma=-2), ValueError,
                       ["hidden_sigma", ">= 0", "-2"]),
    "GaussianNoise sigma<0": (lambda: ru.GaussianNoise(-0.3), ValueError, ["sigma", ">= 0", "-0.3"]),
    "Jitter sigma<0": (lambda: ru.Jitter(-0.3), ValueError, ["sigma", ">= 0", "-0.3"]),
    "data noise<0": (lambda: ru.make_moons(100, noise=-0.2), ValueError, ["noise", ">= 0", "-0.2"]),
    # learning rate ≤ 0
    "lr=0": (lambda: ru.SGD(lr=0), ValueError, ["lr", "> 0", "0"]),
    "lr<0 Adam": (lambda: ru.Adam(lr=-0.01), ValueError, ["lr", "> 0", "-0.01"]),
    "lr<0 AdamW": (lambda: ru.AdamW(lr=-1), ValueError, ["lr", "> 0", "-1"]),
    "momentum=1": (lambda: ru.SGD(lr=0.1, momentum=1.0), ValueError, ["momentum", "[0, 1)", "1"]),
    "beta2=1": (lambda: ru.Adam(beta2=1.0), ValueError, ["beta2", "[0, 1)", "1"]),
    # layer sizes
    "sizes=[2]": (lambda: ru.MLP([2]), ValueError, ["sizes", "at least two", "[2]"]),
    "sizes=[]": (lambda: ru.MLP([]), ValueError, ["sizes", "at least two", "[]"]),
    "sizes=[2, 0]": (lambda: ru.MLP([2, 0]), ValueError, ["sizes[1]", "integer >= 1", "0"]),
    "sizes=[2, 3.5]": (lambda: ru.MLP([2, 3.5]), TypeError, ["sizes[1]", "integer", "3.5"]),
    "sizes='abc'": (lambda: ru.MLP("abc"), ValueError, ["sizes", "list", "'abc'"]),
    "Dense n_in=0": (lambda: ru.Dense(0, 3), ValueError, ["n_in", "integer >= 1", "0"]),
    # X/y mismatch, NaN/inf, labels
    "X/y lengths": (lambda: fit(X, Y[:-1]), ValueError, ["X and y", "same number of rows", "20", "19"]),
    "X_test/y_test lengths": (lambda: fit(X, Y, X[:5], Y[:4]), ValueError,
                              ["X_test and y_test", "same number of rows", "5", "4"]),
    "split lengths": (lambda: ru.train_test_split(X, Y[:5]), ValueError, ["X and y", "20", "5"]),
    "NaN in X": (lambda: fit(with_nan(X), Y), ValueError, ["X must", "finite", "NaN"]),
    "inf in X_test": (lambda: fit(X, Y, with_nan(X, np.inf), Y), ValueError,
                      ["X_test must", "finite", "inf"]),
    "NaN in X predict": (lambda: net().predict_proba(with_nan(X)), ValueError, ["X must", "finite"]),
    "label too big": (lambda: fit(X, np.r_[Y[:-1], 2]), ValueError,
                      ["labels in y", "0..1", "got 2"]),
    "label negative": (lambda: fit(X, np.r_[Y[:-1], -1]), ValueError, ["labels in y", "0..1", "-1"]),
    "label too big in y_test": (lambda: fit(X, Y, X, np.r_[Y[:-1], 7]), ValueError,
                                ["y_test", "0..1", "7"]),
    "non-integer labels": (lambda: fit(X, Y + 0.5), TypeError, ["y", "integer class labels", "float"]),
    # unknown names
    "Dropout rule": (lambda: ru.Dropout(0.5, rule="scaled"), ValueError,
                     ["rule", "'inverted', 'vanilla'", "'scaled'"]),
    "MLP rule": (lambda: ru.MLP([2, 4, 2], keep_prob=0.5, rule="bogus"), ValueError,
                         ["rule", "'inverted', 'vanilla'", "'bogus'"]),
    "MLP rule p=1": (lambda: ru.MLP([2, 4, 2], rule="bogus"), ValueError,
                             ["rule", "'inverted', 'vanilla'", "'bogus'"]),
    "predict rule": (lambda: net().predict_proba(X, test_rule="average"), ValueError,
                     ["rule", "'scale', 'mc'", "'average'"]),
    "penalty name": (lambda: ru.MLP([2, 4, 2], penalty="l3", lam=0.1), ValueError,
                     ["penalty", "'none', 'l2', 'l1'", "'l3'"]),
    "set_penalty name": (lambda: net().set_penalty("ridge", 0.1), ValueError, ["penalty", "'ridge'"]),
    "activation": (lambda: ru.MLP([2, 4, 2], activation="sigmoid"), ValueError,
                   ["activation", "'relu', 'tanh'", "'sigmoid'"]),
    "loss": (lambda: ru.MLP([2, 4, 2], loss="hinge"), ValueError,
             ["loss", "'cross_entropy', 'mse'", "'hinge'"]),
    "dataset": (lambda: ru.make_2d("blobs"), ValueError, ["name", "'moons'", "'blobs'"]),
    "flip direction": (lambda: ru.RandomFlip("diagonal"), ValueError,
                       ["direction", "'horizontal', 'vertical'", "'diagonal'"]),
    "dtype": (lambda: ru.MLP([2, 4, 2], dtype=np.int64), TypeError, ["dtype", "float32 or float64"]),
    # wrong number of input columns
    "columns fit": (lambda: fit(np.c_[X, X[:, :1]], Y), ValueError, ["X must have 2 columns", "got 3"]),
    "columns X_test": (lambda: fit(X, Y, X[:, :1], Y), ValueError, ["X_test must have 2 columns", "got 1"]),
    "columns predict_proba": (lambda: net().predict_proba(np.c_[X, X]), ValueError,
                              ["X must have 2 columns", "got 4"]),
    "columns accuracy": (lambda: net().accuracy(X[:, :1], Y), ValueError,
                         ["X must have 2 columns", "got 1"]),
    "X.ndim": (lambda: fit(X[:, 0], Y), ValueError, ["X.ndim", "2", "1"]),
    # other arguments with a promised range
    "epochs<0": (lambda: fit(X, Y, epochs=-1), ValueError, ["epochs", ">= 0", "-1"]),
    "batch_size=0": (lambda: fit(X, Y, batch_size=0), ValueError, ["batch_size", ">= 1", "0"]),
    "mc k=0": (lambda: net().predict_proba(X, test_rule="mc", k=0), ValueError, ["k", "in 1..10,000", "0"]),
    "test_size": (lambda: ru.train_test_split(X, Y, test_size=1.5), ValueError,
                  ["test_size", "(0, 1)", "1.5"]),
    "corruption fraction": (lambda: ru.corrupt_labels(Y, 1.2), ValueError, ["fraction", "[0, 1]", "1.2"]),
    "shift dx": (lambda: ru.shift(np.zeros((1, 8, 8)), 1.5, 0), TypeError, ["dx", "integer", "1.5"]),
    "max_shift<0": (lambda: ru.RandomShift(-1), ValueError, ["max_shift", ">= 0", "-1"]),
    # found in review: shapes that NumPy would broadcast or reshape into a raw error
    "accuracy y length": (lambda: net().accuracy(X, Y[:5]), ValueError, ["X and y", "20", "5"]),
    "accuracy y label": (lambda: net().accuracy(X, np.full(20, 7)), ValueError,
                         ["labels in y", "0..1", "7"]),
    "evaluate y shape": (lambda: ru.evaluate(net(), X, Y.reshape(-1, 1)), ValueError,
                         ["y.ndim", "1 (one integer label per row)", "2"]),
    "mse target shape": (lambda: ru.fit(ru.MLP([2, 4, 2], loss="mse"), ru.SGD(lr=0.1), X,
                                        Y.astype(float), epochs=1), ValueError,
                         ["y.shape", "(20, 2)", "(20,)"]),
    "penalty twice": (lambda: ru.Network([ru.Dense(2, 2)], penalty=ru.L2(0.1), lam=5.0),
                      TypeError, ["lam and penalize_bias", "penalty=L2(lam=0.1)", "(5.0, False)"]),
    "Dense dtype": (lambda: ru.Dense(2, 2, dtype=int), TypeError, ["dtype", "float32 or float64"]),
    "shift shape": (lambda: ru.shift(X, 1, 0), ValueError, ["X.shape", "(N, 64)", "(20, 2)"]),
    "split continuous y": (lambda: ru.train_test_split(X, X[:, 0]), ValueError,
                           ["y", "class labels", "stratify=False"]),
    "split empty part": (lambda: ru.train_test_split(X[:2], Y[:2], test_size=0.1,
                                                     stratify=False), ValueError,
                         ["test_size", "non-empty", "0.1"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_raises_a_readable_error(case):
    func, exc, pieces = CASES[case]
    with pytest.raises(exc, match=pattern(*pieces)) as info:
        func()
    assert type(info.value) is exc  # exactly the promised type (not, e.g., a numpy error)
    assert "must" in str(info.value)


def test_message_template():
    with pytest.raises(ValueError) as info:
        ru.Dropout(1.5)
    assert str(info.value) == "keep_prob must be in (0, 1], got 1.5"
    with pytest.raises(ValueError) as info:
        ru.SGD(lr=0)
    assert str(info.value) == "lr must be > 0, got 0.0"


def test_good_edge_values_are_accepted():
    ru.Dropout(1.0)
    ru.MLP([2, 4, 2], keep_prob=1, input_keep_prob=1e-3, lam=0, input_sigma=0)
    ru.L2(0.0)
    ru.SGD(lr=1e-12, momentum=0.0)
    ru.MLP((2, np.int64(3), 2))
    ru.corrupt_labels(Y, 1)
    fit(X, Y.astype(float))  # integral floats are read as labels


def test_set_penalty_keeps_penalize_bias():
    network = ru.MLP([2, 4, 2], penalty="l2", lam=0.1, penalize_bias=True)
    network.set_penalty("l1", 0.2)
    assert network.penalty.penalize_bias and isinstance(network.penalty, ru.L1)
    assert not network.set_penalty("l2", 0.2, penalize_bias=False).penalty.penalize_bias


def test_a_dense_layer_reused_in_a_second_network_still_backpropagates():
    dense = ru.Dense(4, 2, seed=0)
    ru.Network([dense])  # first layer here: dX is skipped
    second = ru.Network([ru.Dense(2, 4, seed=1), ru.ReLU(), dense])
    _, grads = second.loss_and_grads(X, Y)
    assert set(grads) == {"0.W", "0.b", "2.W", "2.b"}


def test_jitter_turns_integer_pixels_into_floats():
    noisy = ru.jitter(np.arange(6).reshape(3, 2), np.random.default_rng(0), sigma=0.3)
    assert noisy.dtype == np.float64 and not np.array_equal(noisy, np.arange(6).reshape(3, 2))

