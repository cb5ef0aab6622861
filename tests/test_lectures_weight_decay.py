"""regutils.lectures.weight_decay (notebook 03); the notebook asserts its claims itself."""
import numpy as np
import pytest

from regutils.lectures import quadratic as quad
from regutils.lectures import weight_decay as wd


def random_spd(d, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return Q @ np.diag(rng.uniform(0.05, 3.0, d)) @ Q.T, rng.standard_normal(d)


# -- L2 on the quadratic: w̃ = Q(Λ + λI)⁻¹ΛQᵀw* ----------------------------------------------------
@pytest.mark.parametrize("d,seed", [(2, 0), (3, 1), (5, 2)])
@pytest.mark.parametrize("lam", [0.0, 0.01, 0.3, 5.0])
def test_closed_form_agrees_with_gradient_descent(d, seed, lam):
    H, w_star = random_spd(d, seed)
    w_gd, steps = wd.gradient_descent_l2(H, w_star, lam)
    assert steps < 200_000
    assert np.abs(quad.l2_solution(H, w_star, lam) - w_gd).max() < 1e-6


def test_highdim_data_shapes():
    X, y, Xt, yt, w = wd.make_highdim_regression()
    assert X.shape == (20, 200) and y.shape == (20, 1) and Xt.shape == (100, 200) and w.shape == (200,)
