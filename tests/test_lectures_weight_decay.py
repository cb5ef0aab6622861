"""regutils.lectures.weight_decay (notebook 03): the closed forms, and each claim the notebook
asserts, re-run on seeds the notebook does not use."""
import numpy as np
import pytest

from regutils import MLP, SGD, fit
from regutils.lectures import quadratic as quad
from regutils.lectures import weight_decay as wd


def random_spd(d, seed):
    return quad.random_quadratic(d, seed=seed)


# -- L2 on the quadratic: w̃ = Q diag(hᵢ/(hᵢ + λ)) Qᵀw* ----------------------------------------------
@pytest.mark.parametrize("d,seed", [(2, 0), (3, 1), (5, 2)])
@pytest.mark.parametrize("lam", [0.0, 0.01, 0.3, 5.0])
def test_closed_form_agrees_with_gradient_descent(d, seed, lam):
    H, w_star = random_spd(d, seed)
    w_gd, steps = wd.gradient_descent_l2(H, w_star, lam)
    assert steps < 200_000
    assert np.abs(quad.l2_solution(H, w_star, lam) - w_gd).max() < 1e-6


def test_highdim_data_shapes_and_parts_are_disjoint():
    X, Xv, Xt, y, yv, yt, w = wd.make_highdim_regression(n_val=30)
    assert X.shape == (20, 200) and Xv.shape == (30, 200) and Xt.shape == (100, 200)
    assert y.shape == (20, 1) and yv.shape == (30, 1) and yt.shape == (100, 1) and w.shape == (200,)
    assert not np.any(np.all(X[:, None] == Xv[None], axis=2))  # no training row in validation


# -- the ridge experiment: the side-by-side gradient descent is the MLP's, λ chosen on validation -----
@pytest.mark.parametrize("lam", [0.0, 0.3])
def test_ridge_experiment_takes_the_steps_of_fit(lam):
    data = wd.make_highdim_regression(seed=4)
    r = wd.ridge_experiment(lams=(lam,), epochs=50, lr=0.025, seed=4, data=data)
    net = MLP([200, 1], loss="mse", penalty="l2", lam=lam, seed=4)
    h = fit(net, SGD(0.025), data[0], data[3], epochs=50, validation=(data[1], data[4]))
    np.testing.assert_allclose(r["train_loss"][0], h["train_loss"][-1], rtol=1e-9)
    np.testing.assert_allclose(r["val_loss"][0], h["val_loss"][-1], rtol=1e-9)
    np.testing.assert_allclose(r["weight_norm"][0], np.linalg.norm(net.weights()[0]), rtol=1e-9)


def test_l2_chosen_on_validation_beats_no_penalty_on_other_seeds():
    s = wd.ridge_over_seeds(seeds=(3, 4, 5))
    assert s["ratio"].mean() - 3 * s["ratio"].std() > 10
    assert np.all(s["best_lam"] > 0)


def test_ridge_experiment_refuses_a_decay_factor_below_zero():
    with pytest.raises(ValueError, match="lr"):
        wd.ridge_experiment(lams=(0.0, 50.0), lr=0.025, epochs=1)


# -- Adam + L2 vs AdamW ----------------------------------------------------------------------------
def test_adam_l2_decays_small_gradient_weights_more_than_adamw_on_other_seeds():
    runs = [wd.decay_by_gradient_size(seed=s) for s in (3, 4, 5)]
    l2 = np.array([r["l2"] for r in runs])
    aw = np.array([r["adamw"] for r in runs])
    d = l2[:, 0] / l2[:, 1] - aw[:, 0] / aw[:, 1]
    assert d.mean() > 0.3 and d.mean() > 3 * d.std()
    pure = runs[0]["adamw_expected"]
    assert abs(aw[:, 0].mean() / pure - 1) + 3 * aw[:, 0].std() / pure < 0.3
    assert l2.min() > 10 * aw.max()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_noisy_quadratic_adam_l2_is_plain_l2_and_adamw_one_factor(seed):
    h = np.array([4.0, 1.0, 0.25, 0.0625])
    w_adam = wd.noisy_quadratic_adam(h, lam=0.25, decoupled=False, seed=seed)
    w_adamw = wd.noisy_quadratic_adam(h, lam=0.5, decoupled=True, seed=seed)
    assert np.abs(w_adam - h / (h + 0.25)).max() < 0.03
    assert np.ptp(w_adamw) < 0.03
    assert wd.best_l2_match(w_adamw, h)[1] > 0.2


# -- L2 as a Gaussian prior and as a constraint -----------------------------------------------------
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_map_estimate_is_ridge_with_lambda_sigma2_over_sigma_w2(seed):
    m = wd.map_vs_ridge(n=40, d=6, sigma=0.7, sigma_w=0.5, seed=seed)
    assert m["lam"] == pytest.approx(0.7**2 / 0.5**2)
    assert m["gap"] < 1e-10 and m["gap_wrong"] > 0.05


def test_constrained_solution_is_the_penalized_one_on_other_seeds():
    c = wd.constraint_check(d=8, lams=(0.03, 0.5, 2.0), seeds=(3, 4, 5))
    assert c["gap"].max() < 1e-9 and c["multiplier_error"].max() < 1e-9
    assert np.all(np.diff(c["r"], axis=1) < 0)  # a larger λ is a smaller ball


def test_constrained_solution_lies_on_the_boundary():
    H, w_star = quad.rotated_hessian(), np.array(quad.W_STAR_2D)
    c = wd.constrained_vs_penalized(H, w_star, 0.3)
    assert np.linalg.norm(c["w_constrained"]) == pytest.approx(c["r"], rel=1e-9)
    assert np.all(np.linalg.norm(c["path"], axis=1) <= c["r"] * (1 + 1e-12))
