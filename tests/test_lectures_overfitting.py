"""regutils.lectures.overfitting (notebook 01): helpers, data variants, seeded runs. The
notebook asserts the slide's claims itself (nbval runs it)."""
import numpy as np
import pytest

import regutils as ru
from regutils.lectures import overfitting as over


# -- helpers -----------------------------------------------------------------------------------
def test_epochs_to_fit_is_the_first_epoch_at_the_target():
    h = ru.History()
    for epoch, acc in enumerate([0.5, 0.97, 1.0, 0.99, 1.0], start=1):
        h.record(epoch=epoch, train_acc=acc)
    assert over.epochs_to_fit(h) == 3
    assert over.epochs_to_fit(h, target=0.95) == 2
    h2 = ru.History()
    h2.record(epoch=1, train_acc=0.9)
    assert over.epochs_to_fit(h2) is None
    with pytest.raises(ValueError, match="target must be in"):
        over.epochs_to_fit(h, target=1.5)


@pytest.fixture(scope="module")
def digits():
    return ru.digits_split(seed=0)


def test_variant_data(digits):
    X_train, X_test, y_train, y_test = digits
    Xs, ys, Xts, yts = over.variant_data("shuffled pixels", X_train, y_train, X_test, y_test)
    # one permutation of the columns for every image, train and test alike: find where each
    # shuffled column came from in the training set, then the test set must follow the same map
    cols = [tuple(c) for c in X_train.T]
    mapped = [cols.index(tuple(c)) for c in Xs.T]
    assert np.array_equal(Xs, X_train[:, mapped]) and np.array_equal(Xts, X_test[:, mapped])
    assert mapped != list(range(64))
    assert np.array_equal(np.sort(Xs, axis=1), np.sort(X_train, axis=1))
    assert np.array_equal(ys, y_train) and np.array_equal(yts, y_test)

    Xr, yr, _, _ = over.variant_data("random pixels", X_train, y_train, X_test, y_test)
    assert np.array_equal(np.sort(Xr, axis=1), np.sort(X_train, axis=1))   # each image's pixels
    assert not np.array_equal(Xr, X_train)

    _, y_rand, _, y_test_rand = over.variant_data("random labels", X_train, y_train, X_test, y_test)
    assert 0.85 < np.mean(y_rand != y_train) < 0.95
    assert np.array_equal(y_test_rand, y_test)                            # test labels stay true
    with pytest.raises(ValueError, match="kind must be one of"):
        over.variant_data("blurred", X_train, y_train, X_test, y_test)


# -- notebook 01: random labels (Zhang et al. 2017), on 600 of the 1,347 training images ------------
# (fewer images are memorized faster, so the strengths that matter are larger than in the notebook)
N_SMALL = 600


@pytest.fixture(scope="module")
def small(digits):
    X_train, X_test, y_train, y_test = digits
    return X_train[:N_SMALL], y_train[:N_SMALL], X_test, y_test    # the order train_digits takes


def test_train_digits_is_seeded(small):
    a = over.run_digits(*small, epochs=3, stop_at_fit=False, seed=3)
    b = over.run_digits(*small, epochs=3, stop_at_fit=False, seed=3)
    c = over.run_digits(*small, epochs=3, stop_at_fit=False, seed=4)
    assert a.history["train_loss"] == b.history["train_loss"]
    assert a.history["train_loss"] != c.history["train_loss"]
