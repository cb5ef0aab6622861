"""regutils.lectures.quadratic: the quadratic model's closed forms for L2 and L1 (notebooks 03, 04)."""
import numpy as np
import pytest

import regutils as ru
from regutils.lectures import augmentation as aug
from regutils.lectures import quadratic as quad
from regutils.lectures import weight_decay as wd


def random_spd(d, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return Q @ np.diag(rng.uniform(0.05, 3.0, d)) @ Q.T, rng.standard_normal(d)


def test_closed_form_is_the_stationary_point():
    H, w_star = random_spd(4, 7)
    w = quad.l2_solution(H, w_star, 0.4)
    np.testing.assert_allclose(H @ (w - w_star) + 0.4 * w, 0, atol=1e-12)


def test_each_eigen_direction_is_scaled_by_its_factor():
    H, w_star = random_spd(4, 3)
    lam = 0.5
    eigvals, Q = np.linalg.eigh(H)
    ratio = (Q.T @ quad.l2_solution(H, w_star, lam)) / (Q.T @ w_star)
    np.testing.assert_allclose(ratio, eigvals / (eigvals + lam), rtol=1e-10)
    ev, factors = quad.shrink_factors(H, lam)
    np.testing.assert_allclose(factors, eigvals / (eigvals + lam), rtol=1e-12)
    # the flat direction (smallest eigenvalue) is decayed most
    assert factors[0] == factors.min()


def test_l2_path_runs_from_w_star_to_zero():
    H, w_star = quad.rotated_hessian(), np.array(quad.W_STAR_2D)
    path = quad.l2_path(H, w_star, [0.0, 1e-3, 1.0, 1e6])
    np.testing.assert_allclose(path[0], w_star)
    norms = np.linalg.norm(path, axis=1)
    assert np.all(np.diff(norms) < 0) and norms[-1] < 1e-5


def test_rotated_hessian_has_the_requested_eigenvalues():
    np.testing.assert_allclose(np.linalg.eigvalsh(quad.rotated_hessian((0.1, 1.0), 20)), [0.1, 1.0])


# -- L1 on the quadratic with a diagonal Hessian -----------------------------------------------------
H_DIAG = np.array([1.0, 0.25, 2.0, 0.5, 4.0])


W_STAR = np.array([1.0, 0.5, -0.2, -1.0, 0.05])


def test_l1_closed_form_zeroes_exactly_the_small_weights():
    lam = 0.3
    w = quad.l1_solution(H_DIAG, W_STAR, lam)
    np.testing.assert_array_equal(w == 0, np.abs(W_STAR) <= lam / H_DIAG)


def test_l1_solution_needs_a_diagonal_hessian():
    with pytest.raises(ValueError, match="H must be diagonal"):
        quad.l1_solution([[1.0, 0.2], [0.2, 1.0]], [1.0, 1.0], 0.1)


def test_slopes_at_a_kink():
    centred, right, left = quad.slopes_at(abs, 0.0)
    assert centred == 0 and right == pytest.approx(1) and left == pytest.approx(-1)
    assert ru.L1(1.0)(np.zeros(1))[1][0] == 0  # sign(0) = 0, one valid subgradient


# -- argument checks ------------------------------------------------------------------------------
def test_bad_arguments_are_reported_by_name():
    H = quad.rotated_hessian()
    with pytest.raises(ValueError, match="lam must be >= 0, got -1"):
        quad.l2_solution(H, [1, 1], -1.0)
    with pytest.raises(ValueError, match="H must be symmetric"):
        quad.l2_solution([[1.0, 0.5], [0.0, 1.0]], [1, 1], 0.1)
    with pytest.raises(ValueError, match="w_star.size must be 2"):
        quad.l2_solution(H, [1, 1, 1], 0.1)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        wd.compare_update_forms("rmsprop")


def test_unsquared_norm_gradient_has_length_one_and_no_value_at_zero():
    for t in (1.0, 1e-3, 1e-6):
        w = t * np.array([0.6, 0.8])
        g = ru.numerical_gradient(lambda: float(np.linalg.norm(w)), w, h=1e-3 * t)
        assert abs(np.linalg.norm(g) - 1) < 1e-6     # constant size, however close to 0
    _, right, left = quad.slopes_at(lambda s: float(np.linalg.norm([s, 0.0])), 0.0)
    assert right == pytest.approx(1) and left == pytest.approx(-1)  # kink: no gradient at 0


# ------------------------------------------------------------------------------------------------
# Bishop (1995)
# ------------------------------------------------------------------------------------------------
def test_ridge_with_an_unpenalized_bias_is_the_minimizer():
    X, y = aug.linear_data(40, 4, seed=3)
    lam = 0.3
    w, b = quad.ridge(X, y, lam)
    # independent: least squares on the data stacked with √(Nλ)·I rows (no row for the bias)
    N, d = X.shape
    A = np.block([[X, np.ones((N, 1))], [np.sqrt(N * lam) * np.eye(d), np.zeros((d, 1))]])
    sol = np.linalg.lstsq(A, np.r_[y, np.zeros(d)], rcond=None)[0]
    np.testing.assert_allclose(w, sol[:-1], rtol=1e-10)
    assert b == pytest.approx(sol[-1], rel=1e-10)
    r = y - X @ w - b   # gradient of (1/N)Σr² + λ‖w‖² is zero
    np.testing.assert_allclose(-2 * X.T @ r / N + 2 * lam * w, 0, atol=1e-12)
    assert abs(r.sum()) < 1e-10
