"""Data: the 2-D sets, the 8×8 digits, the seeded stratified split, and Zhang et al.'s variants
(corrupted labels, shuffled pixels, random pixels, Gaussian pixels)."""
import numpy as np
import pytest

import regutils as ru

MAKERS = {"moons": ru.make_moons, "circles": ru.make_circles, "spiral": ru.make_spiral,
          "xor": ru.make_xor}


@pytest.fixture(scope="module")
def digits():
    return ru.load_digits()


# -- 2-D sets ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ru.DATASETS_2D)
@pytest.mark.parametrize("n", [200, 51])
def test_2d_shapes_and_balanced_classes(name, n):
    X, y = ru.make_2d(name, n=n, noise=0.2, seed=0)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert np.all(np.isfinite(X))
    assert set(np.unique(y)) == {0, 1}
    assert abs(int(np.sum(y == 1)) - int(np.sum(y == 0))) <= 1, np.bincount(y)


@pytest.mark.parametrize("name", ru.DATASETS_2D)
def test_2d_sets_are_seeded(name):
    X1, y1 = ru.make_2d(name, 100, 0.2, seed=3)
    X2, y2 = ru.make_2d(name, 100, 0.2, seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = ru.make_2d(name, 100, 0.2, seed=4)
    assert not np.array_equal(X1, X3)
    X4, y4 = MAKERS[name](n=100, noise=0.2, seed=3)  # make_2d(name) is the maker of that name
    np.testing.assert_array_equal(X1, X4)
    np.testing.assert_array_equal(y1, y4)


@pytest.mark.parametrize("name", ru.DATASETS_2D)
def test_2d_noise_is_additive_and_scales_linearly(name):
    """Same seed, noise σ and 2σ: the displacement from the clean set doubles exactly."""
    X0, y0 = ru.make_2d(name, 200, 0.0, seed=1)
    X1, y1 = ru.make_2d(name, 200, 0.1, seed=1)
    X2, y2 = ru.make_2d(name, 200, 0.2, seed=1)
    np.testing.assert_array_equal(y0, y1)
    np.testing.assert_allclose(X2 - X0, 2 * (X1 - X0), atol=1e-12)
    assert 0.02 < np.std(X1 - X0) < 0.2


def test_clean_moons_lie_on_two_half_circles():
    X, y = ru.make_moons(200, noise=0.0, seed=0)
    X = X + [0.5, 0.25]  # the set is centred by this shift
    upper, lower = X[y == 0], X[y == 1] - [1.0, 0.5]
    np.testing.assert_allclose(np.hypot(*upper.T), 1, atol=1e-12)
    np.testing.assert_allclose(np.hypot(*lower.T), 1, atol=1e-12)
    assert np.all(upper[:, 1] >= -1e-12) and np.all(lower[:, 1] <= 1e-12)


def test_clean_circles_have_two_radii():
    X, y = ru.make_circles(200, noise=0.0, seed=0)
    r = np.hypot(*X.T)
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(r[y == 1], 0.5, atol=1e-12)


def test_clean_spiral_arms_are_half_a_turn_apart():
    X, y = ru.make_spiral(200, noise=0.0, seed=0)
    r = np.hypot(*X.T)
    assert np.all((r > 0.1 - 1e-12) & (r < 1 + 1e-12))
    # on an arm the angle grows linearly with r: angle - k·r is constant per arm (mod 2π),
    # and the two arms differ by π
    turns = 1.5
    phase = np.mod(np.arctan2(X[:, 1], X[:, 0]) - turns * 2 * np.pi * r, 2 * np.pi)
    np.testing.assert_allclose(np.cos(phase[y == 0]), 1, atol=1e-9)
    np.testing.assert_allclose(np.cos(phase[y == 1]), -1, atol=1e-9)


def test_clean_xor_labels_are_the_sign_product():
    X, y = ru.make_xor(300, noise=0.0, seed=0)
    assert np.all(np.abs(X) <= 1)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))


# -- digits ------------------------------------------------------------------------------------
def test_digits(digits):
    from sklearn.datasets import load_digits

    assert digits.X.shape == (1797, 64) and digits.y.shape == (1797,)
    assert digits.X.min() == 0.0 and digits.X.max() == 1.0
    np.testing.assert_array_equal(np.unique(digits.y), np.arange(10))
    assert digits.images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(digits.images.reshape(1797, 64), digits.X)
    reference = load_digits()  # the bundled data, divided by 16
    np.testing.assert_array_equal(digits.X, reference.data / 16)
    np.testing.assert_array_equal(digits.images, reference.images / 16)
    np.testing.assert_array_equal(digits.y, reference.target)
    assert "1797" in repr(digits)


# -- split -------------------------------------------------------------------------------------
def test_split_is_stratified_disjoint_complete_and_seeded(digits):
    rows = np.arange(len(digits.y))
    X = np.c_[rows, digits.X]  # column 0 identifies the row
    Xtr, Xte, ytr, yte = ru.train_test_split(X, digits.y, test_size=0.25, seed=0)
    tr, te = Xtr[:, 0].astype(int), Xte[:, 0].astype(int)
    assert len(np.intersect1d(tr, te)) == 0
    np.testing.assert_array_equal(np.sort(np.r_[tr, te]), rows)
    np.testing.assert_array_equal(ytr, digits.y[tr])  # labels travel with their rows
    np.testing.assert_array_equal(yte, digits.y[te])
    assert len(te) == pytest.approx(0.25 * len(rows), abs=10)
    for c in range(10):  # each class keeps its share, to one example
        n_c = np.sum(digits.y == c)
        assert abs(np.sum(yte == c) - 0.25 * n_c) <= 1
    again = ru.train_test_split(X, digits.y, test_size=0.25, seed=0)
    np.testing.assert_array_equal(again[1], Xte)
    np.testing.assert_array_equal(again[0], Xtr)
    other = ru.train_test_split(X, digits.y, test_size=0.25, seed=1)
    assert not np.array_equal(np.sort(other[1][:, 0]), np.sort(te))


# -- label corruption --------------------------------------------------------------------------
def test_corrupt_labels_fraction_zero_is_identity(digits):
    np.testing.assert_array_equal(ru.corrupt_labels(digits.y, 0.0, seed=0), digits.y)


def test_random_labels_agree_with_the_truth_by_chance(digits):
    y = digits.y
    r = ru.corrupt_labels(y, 1.0, n_classes=10, seed=0)
    # agreement ≈ 1/10, std ≈ sqrt(0.09 / 1797) ≈ 0.007
    assert np.mean(r == y) == pytest.approx(0.1, abs=0.03)
    assert set(np.unique(r)) == set(range(10))
    # and the random labels are not related to the images: each class spread over all labels
    assert np.bincount(r[y == 3], minlength=10).min() > 5


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.8])
def test_corruption_changes_about_nine_tenths_of_the_fraction(digits, fraction):
    y = digits.y
    changed = np.mean(ru.corrupt_labels(y, fraction, seed=1) != y)
    expected = 0.9 * fraction
    std = np.sqrt(expected * (1 - expected) / len(y))
    assert changed == pytest.approx(expected, abs=4 * std)


def test_corrupt_labels_is_seeded(digits):
    y = digits.y
    np.testing.assert_array_equal(ru.corrupt_labels(y, 0.5, seed=2), ru.corrupt_labels(y, 0.5, seed=2))
    assert not np.array_equal(ru.corrupt_labels(y, 0.5, seed=2), ru.corrupt_labels(y, 0.5, seed=3))


# -- shuffled / random / Gaussian pixels -------------------------------------------------------
def _distinct(n=30, d=64, seed=0):
    """Rows whose entries are all different, so a permutation can be read off."""
    return np.random.default_rng(seed).permutation(n * d).reshape(n, d).astype(float)


def test_shuffle_pixels_uses_one_permutation_for_all_rows():
    X = _distinct()
    S = ru.shuffle_pixels(X, seed=0)
    perm = np.array([np.flatnonzero(X[0] == v)[0] for v in S[0]])
    np.testing.assert_array_equal(np.sort(perm), np.arange(64))
    assert not np.array_equal(perm, np.arange(64))
    np.testing.assert_array_equal(S, X[:, perm])  # the same permutation for every row
    np.testing.assert_array_equal(S, ru.shuffle_pixels(X, seed=0))
    assert not np.array_equal(S, ru.shuffle_pixels(X, seed=1))


def test_random_pixels_permutes_each_row_differently():
    X = _distinct()
    R = ru.random_pixels(X, seed=0)
    np.testing.assert_array_equal(np.sort(R, axis=1), np.sort(X, axis=1))  # each row a permutation
    # read off each row's permutation π_i with R[i] = X[i, π_i] (the entries are distinct)
    perms = [np.argsort(x)[np.searchsorted(np.sort(x), r)] for x, r in zip(X, R)]
    for x, r, perm in zip(X, R, perms):
        np.testing.assert_array_equal(x[perm], r)
    assert len({tuple(perm) for perm in perms}) == len(X)  # a different permutation per row
    np.testing.assert_array_equal(R, ru.random_pixels(X, seed=0))
    assert not np.array_equal(R, ru.random_pixels(X, seed=1))


def test_gaussian_pixels(digits):
    G = ru.gaussian_pixels(digits.X, seed=0)
    assert G.shape == digits.X.shape
    assert G.min() >= 0 and G.max() <= 1
    np.testing.assert_array_equal(G, ru.gaussian_pixels(digits.X, seed=0))
    assert not np.array_equal(G, ru.gaussian_pixels(digits.X, seed=1))
    assert abs(np.corrcoef(G.ravel(), digits.X.ravel())[0, 1]) < 0.02  # unrelated to the images


def test_train_val_test_split_keeps_the_two_way_test_part_and_every_class():
    d = ru.load_digits()
    X_tr, X_va, X_te, y_tr, y_va, y_te = ru.train_val_test_split(d.X, d.y, 0.2, 0.25, seed=4)
    _, X_te2, _, y_te2 = ru.train_test_split(d.X, d.y, 0.25, seed=4)
    np.testing.assert_array_equal(X_te, X_te2)
    np.testing.assert_array_equal(y_te, y_te2)
    assert len(X_tr) + len(X_va) + len(X_te) == len(d.X)
    assert abs(len(X_va) / len(d.X) - 0.2) < 0.01
    assert set(np.bincount(y_va)) <= {35, 36, 37}  # stratified: each class ≈ 20 % of its 180
    assert len(X_tr) == len(y_tr) and len(X_va) == len(y_va)
    rows = np.arange(len(d.X), dtype=float)[:, None]  # every row different: the parts are disjoint
    parts = ru.train_val_test_split(rows, d.y, seed=4)[:3]
    ids = np.concatenate([p.ravel() for p in parts])
    assert np.array_equal(np.sort(ids), rows.ravel())


@pytest.mark.parametrize("kwargs, name", [({"val_size": 0.0}, "val_size"), ({"val_size": 0.8}, "val_size + test_size"),
                                          ({"test_size": 1.0}, "test_size"), ({"seed": -1}, "seed")])
def test_train_val_test_split_names_a_bad_share(kwargs, name):
    X, y = ru.make_moons(40, seed=0)
    with pytest.raises((ValueError, TypeError), match=name.replace("+", r"\+")):
        ru.train_val_test_split(X, y, **kwargs)


def test_load_digits_reads_the_same_digits_as_scikit_learn():
    from sklearn.datasets import load_digits as sklearn_digits

    ours, theirs = ru.load_digits(), sklearn_digits()
    np.testing.assert_array_equal(ours.X, theirs.data / 16.0)
    np.testing.assert_array_equal(ours.y, theirs.target)
    assert ours.X.dtype == np.float64 and ours.y.dtype == np.int64 and ours.images.shape == (1797, 8, 8)
