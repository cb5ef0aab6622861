"""The claims of notebooks 01 (random labels) and 02 (norm penalties), asserted on smaller runs.

Each test calls the same ``regutils.experiments`` function the notebook calls, at a size that runs in
seconds (a subset of the digits, smaller networks, fewer seeds), and asserts the slide's claim with a
tolerance — so a change that breaks the science fails here even before nbval compares the notebooks.
"""
import numpy as np
import pytest

import regutils as ru
from regutils import experiments as rx


# -- helpers -----------------------------------------------------------------------------------
def test_epochs_to_fit_is_the_first_epoch_at_the_target():
    h = ru.History()
    for epoch, acc in enumerate([0.5, 0.97, 1.0, 0.99, 1.0], start=1):
        h.record(epoch=epoch, train_acc=acc)
    assert rx.epochs_to_fit(h) == 3
    assert rx.epochs_to_fit(h, target=0.95) == 2
    h2 = ru.History()
    h2.record(epoch=1, train_acc=0.9)
    assert rx.epochs_to_fit(h2) is None
    with pytest.raises(ValueError, match="target must be in"):
        rx.epochs_to_fit(h, target=1.5)


def test_norms_by_hand():
    n = rx.norms([np.array([[3.0, -4.0], [0.0, 0.0]]), np.array([1e-4])])
    assert n["L2"] == pytest.approx(5.0, abs=1e-6)       # √(9 + 16 + 1e-8)
    assert n["L1"] == pytest.approx(7.0001)
    assert n["Linf"] == 4.0
    assert n["L0"] == 2                                  # 0, 0 and 1e-4 (≤ tol) are not counted
    assert n["size"] == 5
    assert rx.norms([np.array([1e-4])], tol=0)["L0"] == 1


@pytest.fixture(scope="module")
def digits():
    return ru.digits_split(seed=0)


def test_variant_data(digits):
    X_train, X_test, y_train, y_test = digits
    Xs, ys, Xts, yts = rx.variant_data("shuffled pixels", X_train, y_train, X_test, y_test)
    # one permutation of the columns for every image, train and test alike: find where each
    # shuffled column came from in the training set, then the test set must follow the same map
    cols = [tuple(c) for c in X_train.T]
    mapped = [cols.index(tuple(c)) for c in Xs.T]
    assert np.array_equal(Xs, X_train[:, mapped]) and np.array_equal(Xts, X_test[:, mapped])
    assert mapped != list(range(64))
    assert np.array_equal(np.sort(Xs, axis=1), np.sort(X_train, axis=1))
    assert np.array_equal(ys, y_train) and np.array_equal(yts, y_test)

    Xr, yr, _, _ = rx.variant_data("random pixels", X_train, y_train, X_test, y_test)
    assert np.array_equal(np.sort(Xr, axis=1), np.sort(X_train, axis=1))   # each image's pixels
    assert not np.array_equal(Xr, X_train)

    _, y_rand, _, y_test_rand = rx.variant_data("random labels", X_train, y_train, X_test, y_test)
    assert 0.85 < np.mean(y_rand != y_train) < 0.95
    assert np.array_equal(y_test_rand, y_test)                            # test labels stay true
    with pytest.raises(ValueError, match="kind must be one of"):
        rx.variant_data("blurred", X_train, y_train, X_test, y_test)


# -- notebook 01: random labels (Zhang et al. 2017), on 600 of the 1,347 training images ------------
# (fewer images are memorized faster, so the strengths that matter are larger than in the notebook)
N_SMALL = 600


@pytest.fixture(scope="module")
def small(digits):
    X_train, X_test, y_train, y_test = digits
    return X_train[:N_SMALL], y_train[:N_SMALL], X_test, y_test    # the order train_digits takes


@pytest.fixture(scope="module")
def sweep(small):
    return rx.corruption_sweep(*small, fractions=(0.0, 0.2, 1.0), label_seed=1, epochs=200)


def test_random_labels_are_memorized_test_at_chance(sweep):
    true, random = sweep[0], sweep[-1]
    assert random.fitted and random.train_acc == 1.0
    assert abs(random.test_acc - 0.10) < 0.06
    assert random.gap >= 0.85
    assert true.fitted and true.test_acc >= 0.85
    assert len(random.history["test_acc"]) == random.epochs_to_fit    # stopped when it fitted


def test_corruption_raises_test_error_and_epochs_to_fit(sweep):
    errors = [r.test_error for r in sweep]
    epochs = [r.epochs_to_fit for r in sweep]
    assert all(r.fitted for r in sweep)
    assert errors[0] < errors[1] < errors[2]
    assert epochs[0] < epochs[1] < epochs[2]
    assert epochs[2] >= 3 * epochs[0]


def test_shuffled_and_random_pixels_are_memorized(small):
    runs = rx.input_variants(*small, kinds=("shuffled pixels", "random pixels"), epochs=200)
    assert all(r.fitted for r in runs.values())
    assert runs["shuffled pixels"].test_acc >= 0.85
    assert runs["random pixels"].test_acc < 0.35


def test_weak_regularizers_slow_memorization_strong_one_stops_it(small, sweep):
    settings = {"L2 weak": {"lam": 1e-3}, "dropout": {"keep_prob": 0.9},
                "noise": {"augment": ru.Jitter(0.1)}, "L2 strong": {"lam": 5e-3}}
    res = rx.regularizer_comparison(*small, settings, label_seed=1, epochs=200,
                                    done={"none": {"true": sweep[0], "random": sweep[-1]}})
    assert list(res) == ["none", *settings]
    base = res["none"]
    for name in ("L2 weak", "dropout", "noise"):
        assert res[name]["random"].fitted, name
        assert res[name]["random"].epochs_to_fit > base["random"].epochs_to_fit, name
        assert res[name]["true"].test_acc >= base["true"].test_acc - 0.02, name
    strong = res["L2 strong"]
    assert not strong["random"].fitted and strong["random"].train_acc < 0.8
    assert strong["true"].fitted and strong["true"].test_acc >= base["true"].test_acc - 0.02
    assert "test_acc" not in strong["random"].history          # measured once, at the end


def test_train_digits_is_seeded(small):
    a = rx.train_digits(*small, epochs=3, stop_at_fit=False, seed=3)
    b = rx.train_digits(*small, epochs=3, stop_at_fit=False, seed=3)
    c = rx.train_digits(*small, epochs=3, stop_at_fit=False, seed=4)
    assert a.history["train_loss"] == b.history["train_loss"]
    assert a.history["train_loss"] != c.history["train_loss"]


# -- notebook 02: L̃ = L + λΩ(w) -----------------------------------------------------------------
@pytest.fixture(scope="module")
def moons():
    return ru.make_moons(200, noise=0.25, seed=0)


def test_large_lambda_gives_a_constant_function(moons):
    X, y = moons
    res = rx.constant_function(X, y, [0.0, 0.03, 1.0], sizes=(2, 32, 32, 2), epochs=300)
    stds = [r["spread"]["std"] for r in res]
    assert stds[0] > 0.4 and stds[0] > stds[1] > stds[2]
    assert res[-1]["spread"]["range"] < 0.01
    assert abs(res[-1]["spread"]["mean"] - y.mean()) < 0.01     # the constant: the class share
    assert res[0]["train_acc"] > 0.95 and res[-1]["train_acc"] == pytest.approx(0.5)


def test_test_error_against_lambda_is_u_shaped():
    s = rx.lambda_sweep((1e-4, 1e-2, 1.0), n_train=30, noise=0.3, seeds=(0, 1),
                        sizes=(2, 128, 128, 2), epochs=600)
    te, tr = s["test_mean"], s["train_mean"]
    assert s["best_index"] == 1 and s["best_lam"] == 1e-2
    assert te[1] < te[0] - 0.02 and te[2] > te[1] + 0.2
    assert tr[0] == 0.0 and tr[0] <= tr[1] <= tr[2]
    assert s["train_err"].shape == s["test_err"].shape == (2, 3)


def test_penalizing_biases_hurts_on_data_off_the_origin():
    acc = rx.bias_penalty(offset=(4.0, 4.0), lam=0.01, dataset="circles", noise=0.1, seeds=(0,),
                          sizes=(2, 32, 2), epochs=1000, lr=0.05)
    assert abs(acc[("centred", False)] - acc[("centred", True)]) < 0.02
    assert acc[("moved", False)] > acc[("centred", False)] - 0.03
    assert acc[("moved", True)] < acc[("moved", False)] - 0.15
    net, X, _ = acc["nets"][("moved", True)]
    assert net.penalty.penalize_bias and X.mean() > 3          # the moved data, penalized biases


def test_each_penalty_makes_its_own_distance_smallest(moons):
    X, y = moons
    d = rx.distance_to_zero(X, y, penalties=(("none", 0.0), ("l2", 0.01), ("l1", 0.001)),
                            sizes=(2, 32, 32, 2), epochs=300)
    n0, n2, n1 = (d[k]["norms"] for k in ("none", "l2 λ=0.01", "l1 λ=0.001"))
    assert n2["L2"] < n1["L2"] < n0["L2"]
    assert n1["L1"] < n2["L1"] < n0["L1"]
    assert min(n1["L0"], n2["L0"]) < 0.8 * n0["L0"]
