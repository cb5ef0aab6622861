"""regutils.lectures.augmentation (notebook 05); the notebook asserts its claims itself."""
import numpy as np
import pytest

import regutils as ru
from regutils.lectures import augmentation as aug
from regutils.lectures import quadratic as quad


@pytest.fixture(scope="module", autouse=True)
def _one_blas_thread():
    """One BLAS thread, as in the notebooks: for these small matrices OpenBLAS's threads only
    wait for each other, and on a busy 2-core machine they make training 10-30 times slower."""
    with ru.one_blas_thread():
        yield


def test_subset_is_stratified_and_seeded():
    Xtr, _, ytr, _ = ru.digits_split()
    Xs, ys = aug.subset(Xtr, ytr, 100, seed=0)
    assert len(ys) == 100 and np.bincount(ys).min() >= 9
    assert np.array_equal(aug.subset(Xtr, ytr, 100, seed=0)[1], ys)


def test_random_nudge_moves_a_share_of_images_by_one_pixel_and_keeps_labels():
    X = np.random.default_rng(0).uniform(size=(400, 64))
    X[:, [0, 7, 56, 63]] = 0  # nothing at the corners, so a moved image differs from the original
    y = np.arange(400) % 10
    Xn, yn = aug.RandomNudge(0.5)(X, y, np.random.default_rng(1))
    assert yn is y
    moved = ~np.all(Xn == X, axis=1)
    assert 0.4 < moved.mean() < 0.6
    for i in np.flatnonzero(moved)[:50]:
        assert any(np.array_equal(Xn[i], ru.shift(X[i:i + 1], dx, dy)[0])
                   for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)))


def test_boundary_length_of_a_straight_boundary():
    class Vertical:
        def predict(self, X):
            return (X[:, 0] > 0.1).astype(int)

    class Diagonal:
        def predict(self, X):
            return (X[:, 0] > X[:, 1]).astype(int)

    square = (-1, 1, -1, 1)
    assert aug.boundary_length(Vertical(), square, resolution=101) == pytest.approx(2, rel=0.02)
    # a staircase along the diagonal: |dx| + |dy| = 2 + 2 (the grid measure is not Euclidean)
    assert aug.boundary_length(Diagonal(), square, resolution=101) == pytest.approx(4, rel=0.03)


def test_noisy_copies_with_sigma_zero_are_least_squares():
    X, y = aug.linear_data(30, 3, seed=1)
    w, b = aug.least_squares_on_noisy_copies(X, y, 0.0, 3)
    w0, b0 = quad.ridge(X, y, 0.0)
    np.testing.assert_allclose(w, w0, rtol=1e-9)
    assert b == pytest.approx(b0, rel=1e-9)
