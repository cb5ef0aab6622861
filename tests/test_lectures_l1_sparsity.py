"""regutils.lectures.l1_sparsity (notebook 04); the notebook asserts its claims itself."""
import numpy as np
import pytest

from regutils.lectures import l1_sparsity as l1
from regutils.lectures import quadratic as quad


# -- L1 on the quadratic with a diagonal Hessian -----------------------------------------------------
H_DIAG = np.array([1.0, 0.25, 2.0, 0.5, 4.0])


W_STAR = np.array([1.0, 0.5, -0.2, -1.0, 0.05])


@pytest.mark.parametrize("lam", [0.0, 0.05, 0.3, 1.0])
def test_l1_closed_form_agrees_with_numerical_minimizer(lam):
    closed = quad.l1_solution(H_DIAG, W_STAR, lam)
    assert np.abs(closed - l1.l1_numerical_minimizer(H_DIAG, W_STAR, lam)).max() < 1e-6
    # and it is the minimum: no random nearby point does better
    rng = np.random.default_rng(0)
    f0 = l1.l1_objective(closed, np.diag(H_DIAG), W_STAR, lam)
    others = closed + 1e-3 * rng.standard_normal((500, 5))
    assert np.all(l1.l1_objective(others, np.diag(H_DIAG), W_STAR, lam) >= f0)


# -- L1 vs L2 on the digits, over seeds other than the notebook's -------------------------------------
def test_l1_puts_far_more_weights_near_zero_than_l2_on_other_seeds():
    r = l1.sparsity_over_seeds(seeds=(3, 4, 5))
    small, zero = r["small"], r["zero"]
    for name in ("l1 proximal", "l1 subgradient"):
        gap = small[name] - small["l2 matched"]
        assert gap.mean() > 0.2 and gap.mean() > 5 * np.ptp(gap)
    assert zero["l1 proximal"].min() > 0.2 and zero["l1 subgradient"].max() == 0
    # the shares are computed from the weights with the threshold asked for
    w = r["runs"][0]["l2 matched"]["weights"]
    assert small["l2 matched"][0] == np.mean(np.abs(w) < 1e-3)


def test_sparsity_over_seeds_checks_its_arguments_first():
    with pytest.raises(ValueError, match="threshold"):
        l1.sparsity_over_seeds(threshold=0.0)
    with pytest.raises(TypeError, match="seeds"):
        l1.sparsity_over_seeds(seeds=(0, "1"))


# -- L1 as a Laplace prior ---------------------------------------------------------------------------
@pytest.mark.parametrize("lam, seed", [(0.1, 1), (0.4, 2), (0.05, 3)])
def test_laplace_map_is_the_lasso(lam, seed):
    data = l1.make_feature_data(seed=seed)
    X, y = data[0], data[1]
    lasso = l1.feature_selection(lam=lam, epochs=600, seed=seed, data=data)["l1"]["w"]
    s = l1.laplace_scale(lam, 0.5, len(y))
    assert s == pytest.approx(2 * 0.25 / (len(y) * lam))
    w, b0 = l1.laplace_map(X, y, 0.5, s)
    np.testing.assert_allclose(w, lasso, atol=1e-9)
    assert np.array_equal(w == 0, lasso == 0)
    # the MAP estimate is the minimum of the negative log-posterior
    f0 = l1.neg_log_posterior(w, b0, X, y, 0.5, s)
    rng = np.random.default_rng(seed)
    for _ in range(200):
        assert l1.neg_log_posterior(w + 1e-3 * rng.standard_normal(len(w)), b0, X, y, 0.5, s) > f0
    assert l1.neg_log_posterior(w, b0 + 1e-3, X, y, 0.5, s) > f0
    # and a prior of another scale gives another estimate
    assert np.abs(l1.laplace_map(X, y, 0.5, 2 * s)[0] - lasso).max() > 1e-3


def test_laplace_map_without_penalty_is_least_squares():
    X, y = l1.make_feature_data(n_train=100, seed=0)[:2]
    w, b0 = l1.laplace_map(X, y, 0.5, 1e12, sweeps=5000)
    Z = np.c_[X, np.ones(len(X))]
    ols = np.linalg.lstsq(Z, y.ravel(), rcond=None)[0]
    np.testing.assert_allclose(np.r_[w, b0], ols, atol=1e-8)
