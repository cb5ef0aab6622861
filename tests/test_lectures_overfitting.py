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


# -- the memorizer and the learner that does not memorize ---------------------------------------
def test_knn_memorizes_with_k1_and_outvotes_with_larger_k():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [5.0, 5.0], [5.1, 5.0]])
    y = np.array([0, 0, 3, 1, 1])                       # one wrong label among the first three
    assert np.array_equal(over.knn_predict(X, y, X, k=1), y)    # 1-NN repeats every stored label
    assert np.array_equal(over.knn_predict(X, y, X, k=3), [0, 0, 0, 1, 1])   # the 3 is outvoted
    # a tie (one vote each) goes to the class of the nearest image
    assert over.knn_predict(X[[0, 3]], y[[0, 3]], np.array([[1.0, 1.0]]), k=2)[0] == 0
    with pytest.raises(ValueError, match="k"):
        over.knn_predict(X, y, X, k=9)
    with pytest.raises(ValueError, match="X.shape"):
        over.knn_predict(X, y, np.zeros((2, 3)))


def test_spread_is_half_the_range():
    s = over.Spread((0.1, 0.4, 0.2))
    assert s.mean == pytest.approx(0.7 / 3) and s.spread == pytest.approx(0.15)
    assert f"{s:.2f}" == "0.23 ± 0.15"


@pytest.fixture(scope="module")
def three_way():
    d = ru.load_digits()
    return ru.train_val_test_split(d.X, d.y, seed=0)    # X_train, X_val, X_test, y_train, y_val, y_test


def test_knn_claims_of_notebook_01_hold_for_other_label_seeds(three_way):
    # notebook 01 uses label seeds 1-3: a memorizer's error grows with the corruption, 15-NN stays
    # near the clean error up to 40 %
    X_train, _, X_test, y_train, _, y_test = three_way
    memo = over.memorizer_comparison(X_train, y_train, X_test, y_test, fractions=(0.0, 0.2, 0.4),
                                     label_seeds=(7, 8, 9), ks=(1, 15))
    clean = memo[0.0][15].mean
    for f in (0.2, 0.4):
        assert memo[f][1].mean > 0.8 * f * 0.9, "1-NN pays for every changed label it copies"
        assert memo[f][15].mean + memo[f][15].spread < clean + 0.04
        assert memo[f][15].mean < memo[f][1].mean / 3


# -- the claims of notebook 01, re-run over other seeds -------------------------------------------
def test_regularizers_do_not_hurt_on_true_labels_over_other_seeds(three_way):
    X_train, _, X_test, y_train, _, y_test = three_way
    settings = {"none": {}, "dropout p=0.95": {"keep_prob": 0.95},
                "noise σ=0.05": {"augment": ru.Jitter(0.05)}, "L2 λ=3e-3 (strong)": {"lam": 3e-3}}
    acc = over.true_label_accuracy(X_train, y_train, X_test, y_test, settings, seeds=(3, 4, 5))
    for name, a in acc.items():
        diff = over.Spread(tuple(x - y for x, y in zip(a.values, acc["none"].values)))
        assert diff.mean >= -max(0.01, 2 * diff.spread), (name, diff)
        assert a.mean > 0.94


def test_early_stopping_claim_holds_for_other_seeds(three_way):
    X_train, X_val, X_test, y_train, y_val, y_test = three_way
    stops = over.early_stopping(X_train, y_train, X_val, y_val, X_test, y_test, fraction=0.4,
                                seeds=(4, 5, 6))
    for s in stops:
        assert s.restored_epoch == s.best_epoch and s.restored_test == s.test_at_best
        assert s.stopped_epoch == s.best_epoch + 10          # patience 10
        assert s.history["train_acc"][-1] == 1.0             # the full run memorized the noise
    gap = over.Spread(tuple(s.gap for s in stops))
    assert gap.mean - gap.spread > 0.1


def test_long_run_continues_the_run_of_run_digits(small):
    # trained in chunks with a history (warm start) and recorded every 2 epochs: the same network
    # as one run of run_digits with the same seed
    long = over.long_run(*small, lam=3e-3, epochs=6, chunk=4, eval_every=2, label_seed=1)
    y_random = ru.corrupt_labels(small[1], 1.0, 10, seed=1)
    one = over.run_digits(small[0], y_random, *small[2:], epochs=6, stop_at_fit=False, lam=3e-3)
    assert long.history["epoch"] == [2, 4, 6]
    assert long.history["train_acc"] == one.history["train_acc"][1::2]
    assert long.test_acc == one.test_acc
    first = over.prefix(long, 4)
    assert first.budget == 4 and first.train_acc == one.history["train_acc"][3]
    assert first.history["epoch"] == [2, 4] and np.isnan(first.test_acc)


def test_corruption_sweep_and_memorizer_claims_over_other_seeds(three_way):
    """Notebook 01, label corruption (seed 0, label seed 1), re-run with seeds 3, 4, 5 (labels and
    initial weights): every level is memorized, the test error rises with the corruption and ends
    near chance, any corruption takes ≥ 4× the epochs of clean labels, random labels longer than
    20 %; at 20–60 % the network's test error lies nearer the memorizer (1-NN on the same labels)
    than the learner (15-NN); at 40 % its best test error is under half its final one."""
    X_train, _, X_test, y_train, _, y_test = three_way
    middle = [f for f in over.FRACTIONS if 0 < f < 1]
    for seed in (3, 4, 5):
        runs = over.corruption_sweep(X_train, y_train, X_test, y_test, label_seed=seed, seed=seed,
                                     curves=(0.4,))
        memo = over.memorizer_comparison(X_train, y_train, X_test, y_test, label_seeds=(seed,), ks=(1, 15))
        err = np.array([r.test_error for r in runs])
        fit_ = np.array([r.epochs_to_fit for r in runs])
        assert all(r.train_acc == 1.0 for r in runs), seed
        assert np.all(np.diff(err) > 0) and err[-1] > 0.8, (seed, err)
        assert fit_[0] * 4 < fit_[1:].min() and fit_[-1] > fit_[1], (seed, fit_)
        net = dict(zip(over.FRACTIONS, err))
        where = [(net[f] - memo[f][15].mean) / (memo[f][1].mean - memo[f][15].mean) for f in middle]
        assert min(where) > 0.5, (seed, where)
        h40 = runs[over.FRACTIONS.index(0.4)].history
        assert 1 - max(h40["test_acc"]) < (1 - h40["test_acc"][-1]) / 2, seed


def test_strong_l2_on_random_labels_levels_off_over_other_seeds(three_way):
    """Notebook 01, "Longer" (seed 0): λ = 3e-3 on random labels for 300 epochs stays far from
    memorized and moves in a band after epoch 200 — re-run on seeds 3, 4, 5."""
    X_train, _, X_test, y_train, _, y_test = three_way
    for seed in (3, 4, 5):
        long = over.long_run(X_train, y_train, X_test, y_test, lam=3e-3, epochs=300, seed=seed,
                             label_seed=seed, eval_every=10)
        acc, epochs = np.array(long.history["train_acc"]), np.array(long.history["epoch"])
        late = acc[epochs > 200]
        assert not long.fitted and acc.max() < 0.8, (seed, acc.max())
        assert late.max() - late.min() < 0.2 and abs(late.mean() - acc.max()) < 0.15, (seed, late)
