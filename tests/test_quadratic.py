"""The claims of notebooks 03 (L2 / weight decay) and 04 (L1 and sparsity), asserted by calling the
same regutils.quadratic functions the notebooks call (thresholds from ../shared/lecture/EXPECTED.md)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

import regutils as ru
import regutils.quadratic as rq
from optional import require_module


def random_spd(d, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return Q @ np.diag(rng.uniform(0.05, 3.0, d)) @ Q.T, rng.standard_normal(d)


# -- L2 on the quadratic: w̃ = Q(Λ + λI)⁻¹ΛQᵀw* ----------------------------------------------------
@pytest.mark.parametrize("d,seed", [(2, 0), (3, 1), (5, 2)])
@pytest.mark.parametrize("lam", [0.0, 0.01, 0.3, 5.0])
def test_closed_form_agrees_with_gradient_descent(d, seed, lam):
    H, w_star = random_spd(d, seed)
    w_gd, steps = rq.gradient_descent_l2(H, w_star, lam)
    assert steps < 200_000
    assert np.abs(rq.l2_solution(H, w_star, lam) - w_gd).max() < 1e-6


def test_closed_form_is_the_stationary_point():
    H, w_star = random_spd(4, 7)
    w = rq.l2_solution(H, w_star, 0.4)
    np.testing.assert_allclose(H @ (w - w_star) + 0.4 * w, 0, atol=1e-12)


def test_each_eigen_direction_is_scaled_by_its_factor():
    H, w_star = random_spd(4, 3)
    lam = 0.5
    eigvals, Q = np.linalg.eigh(H)
    ratio = (Q.T @ rq.l2_solution(H, w_star, lam)) / (Q.T @ w_star)
    np.testing.assert_allclose(ratio, eigvals / (eigvals + lam), rtol=1e-10)
    ev, factors = rq.shrink_factors(H, lam)
    np.testing.assert_allclose(factors, eigvals / (eigvals + lam), rtol=1e-12)
    # the flat direction (smallest eigenvalue) is decayed most
    assert factors[0] == factors.min()


def test_quadratic_model_is_exact_for_least_squares():
    assert rq.ridge_check() < 1e-12


def test_l2_path_runs_from_w_star_to_zero():
    H, w_star = rq.rotated_hessian(), np.array(rq.W_STAR_2D)
    path = rq.l2_path(H, w_star, [0.0, 1e-3, 1.0, 1e6])
    np.testing.assert_allclose(path[0], w_star)
    norms = np.linalg.norm(path, axis=1)
    assert np.all(np.diff(norms) < 0) and norms[-1] < 1e-5


def test_rotated_hessian_has_the_requested_eigenvalues():
    np.testing.assert_allclose(np.linalg.eigvalsh(rq.rotated_hessian((0.1, 1.0), 20)), [0.1, 1.0])


# -- the two update forms ------------------------------------------------------------------------
def test_sgd_penalty_and_weight_decay_give_the_same_weights_step_by_step():
    diffs = rq.compare_update_forms("sgd", epochs=5)
    assert len(diffs) == 50 and diffs.max() < 1e-12


def test_adam_l2_and_adamw_differ():
    diffs = rq.compare_update_forms("adam", lr=0.01, epochs=5)
    assert diffs.max() > 1e-2


def test_adamw_shrinks_every_coordinate_alike_and_adam_l2_like_plain_l2():
    h = np.array([4.0, 1.0, 0.25, 0.0625])
    adam = rq.noisy_quadratic_adam(h, lam=0.25, decoupled=False)
    adamw = rq.noisy_quadratic_adam(h, lam=0.5, decoupled=True)
    assert np.abs(adam - h / (h + 0.25)).max() < 0.03
    assert np.ptp(adamw) < 0.03 and np.ptp(adam) > 0.5
    lam_best, err = rq.best_l2_match(adamw, h)
    assert err > 0.2, (lam_best, err)
    # and the same helper matches plain L2 exactly when the target IS plain L2
    assert rq.best_l2_match(h / (h + 0.3), h)[1] < 1e-3


# -- the high-dimensional regression ---------------------------------------------------------------
def test_l2_rescues_200_features_20_points():
    r = rq.ridge_experiment(lams=(0.0, 0.1, 1.0, 10.0), epochs=1600, lr=0.025,
                            data=rq.make_highdim_regression(n_test=1000))
    assert r["train_loss"][0] < 1e-4              # without λ the 20 points are fitted exactly
    assert r["test_loss"][0] > 10 * r["test_loss"].min()
    assert r["best_lam"] > 0
    assert np.all(np.diff(r["weight_norm"]) < 0)


def test_highdim_data_shapes():
    X, y, Xt, yt, w = rq.make_highdim_regression()
    assert X.shape == (20, 200) and y.shape == (20, 1) and Xt.shape == (100, 200) and w.shape == (200,)


# -- weights pulled to the origin, sparsity on a real net ----------------------------------------
def test_larger_lambda_gives_smaller_weights_on_digits():
    r = rq.l2_sweep(lams=(0.0, 1e-3, 1e-2), epochs=8)
    norms = [r[lam]["norm"] for lam in (0.0, 1e-3, 1e-2)]
    assert norms[0] > norms[1] > norms[2]


def test_proximal_l1_gives_exact_zeros_and_subgradient_does_not():
    r = rq.sparsity_experiment(lam=1e-3, epochs=40)  # notebook 04's run
    assert r["l1 proximal"]["zero"] > 0.2
    assert r["l1 subgradient"]["zero"] == 0
    assert r["l2 matched"]["zero"] == 0 and r["none"]["zero"] == 0
    # the subgradient path still makes many weights small: it jitters around 0 without landing
    assert r["l1 subgradient"]["small"] > 0.3
    # matched strength: L1 and L2 cost the same fit (accuracies within 2 points)
    assert abs(r["l2 matched"]["test_acc"] - r["l1 proximal"]["test_acc"]) < 0.02


# -- L1 on the quadratic with a diagonal Hessian -----------------------------------------------------
H_DIAG = np.array([1.0, 0.25, 2.0, 0.5, 4.0])
W_STAR = np.array([1.0, 0.5, -0.2, -1.0, 0.05])


@pytest.mark.parametrize("lam", [0.0, 0.05, 0.3, 1.0])
def test_l1_closed_form_agrees_with_numerical_minimizer(lam):
    closed = rq.l1_solution(H_DIAG, W_STAR, lam)
    assert np.abs(closed - rq.l1_numerical_minimizer(H_DIAG, W_STAR, lam)).max() < 1e-6
    # and it is the minimum: no random nearby point does better
    rng = np.random.default_rng(0)
    f0 = rq.l1_objective(closed, np.diag(H_DIAG), W_STAR, lam)
    others = closed + 1e-3 * rng.standard_normal((500, 5))
    assert np.all(rq.l1_objective(others, np.diag(H_DIAG), W_STAR, lam) >= f0)


def test_l1_closed_form_zeroes_exactly_the_small_weights():
    lam = 0.3
    w = rq.l1_solution(H_DIAG, W_STAR, lam)
    np.testing.assert_array_equal(w == 0, np.abs(W_STAR) <= lam / H_DIAG)


def test_ista_gives_exact_zeros_while_subgradient_jitters():
    lam, lr = 0.3, 0.2
    closed = rq.l1_solution(H_DIAG, W_STAR, lam)
    zero = closed == 0
    assert zero.any()
    ista = rq.ista_l1(np.diag(H_DIAG), W_STAR, lam, lr, steps=400)
    sub = rq.subgradient_descent_l1(np.diag(H_DIAG), W_STAR, lam, lr, steps=400)
    assert np.abs(ista[-1] - closed).max() < 1e-12
    assert np.all(ista[-50:, zero] == 0)
    tail = sub[-50:, zero]
    assert np.mean(tail == 0) < 0.1                        # (almost) never exactly 0 ...
    assert np.all(np.abs(tail).max(axis=0) > 0.25 * lr * lam)  # ... keeps jumping away from it
    assert np.all(np.abs(tail) < 2 * lr * lam)             # ... in a band of width ~ηλ


def test_l1_solution_needs_a_diagonal_hessian():
    with pytest.raises(ValueError, match="H must be diagonal"):
        rq.l1_solution([[1.0, 0.2], [0.2, 1.0]], [1.0, 1.0], 0.1)


def test_feature_selection_zeroes_the_irrelevant_inputs():
    r = rq.feature_selection()
    k, d = r["n_informative"], len(r["w_true"])
    assert r["l1"]["zero_irrelevant"] == d - k and r["l1"]["zero_informative"] == 0
    assert r["l2"]["zero_irrelevant"] == 0 and r["none"]["zero_irrelevant"] == 0


def test_slopes_at_a_kink():
    centred, right, left = rq.slopes_at(abs, 0.0)
    assert centred == 0 and right == pytest.approx(1) and left == pytest.approx(-1)
    assert ru.L1(1.0)(np.zeros(1))[1][0] == 0  # sign(0) = 0, one valid subgradient


def test_penalty_gradients_check_numerically():
    w = np.random.default_rng(0).standard_normal((4, 3))
    assert ru.check_penalty(ru.L2(0.1), w) < 1e-8
    assert ru.check_penalty(ru.L1(0.1), w) < 1e-8  # no entry near 0


# -- argument checks ------------------------------------------------------------------------------
def test_bad_arguments_are_reported_by_name():
    H = rq.rotated_hessian()
    with pytest.raises(ValueError, match="lam must be >= 0, got -1"):
        rq.l2_solution(H, [1, 1], -1.0)
    with pytest.raises(ValueError, match="H must be symmetric"):
        rq.l2_solution([[1.0, 0.5], [0.0, 1.0]], [1, 1], 0.1)
    with pytest.raises(ValueError, match="w_star.size must be 2"):
        rq.l2_solution(H, [1, 1, 1], 0.1)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        rq.compare_update_forms("rmsprop")


# -- figures and the λ sliders -------------------------------------------------------------------
def test_l2_geometry_updates_in_place():
    fig, ax = plt.subplots()
    try:
        g = rq.L2Geometry(lam=0.1, ax=ax)
        n_artists = len(ax.get_children())
        w = g.set_lam(1.0)
        np.testing.assert_allclose(g.artists["w_tilde"].get_xydata()[0], w)
        x, y = g.artists["circle"].get_data()
        np.testing.assert_allclose(np.hypot(x, y), np.linalg.norm(w))
        assert len(ax.get_children()) == n_artists
    finally:
        plt.close(fig)


def test_l1_geometry_lands_on_a_corner():
    fig, ax = plt.subplots()
    try:
        g = rq.L1Geometry(lam=0.3, ax=ax)
        assert g.w_l1[1] == 0 and g.w_l1[0] > 0 and np.all(g.w_l2 != 0)
        assert "corner" in g.artists["text"].get_text()
        g.set_lam(0.05)
        assert np.all(g.w_l1 != 0) and "corner" not in g.artists["text"].get_text()
    finally:
        plt.close(fig)


# ipympl's FigureManager builds its Toolbar in a way traitlets deprecates (not our code)
@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_lambda_slider_moves_the_figure_without_pyplot():
    require_module("ipympl", "pip install ipympl")
    before = plt.get_fignums()
    s = rq.l2_slider(lam=0.1)
    s.slider.value = 1.0
    np.testing.assert_allclose(s.geometry.w_tilde, rq.l2_solution(rq.rotated_hessian(),
                                                                   rq.W_STAR_2D, 1.0))
    s1 = rq.l1_slider(lam=0.05)
    s1.slider.value = 0.5
    assert s1.geometry.w_l1[1] == 0
    assert plt.get_fignums() == before
    assert "application/vnd.jupyter.widget-view+json" in s._repr_mimebundle_()


def test_unsquared_norm_gradient_has_length_one_and_no_value_at_zero():
    for t in (1.0, 1e-3, 1e-6):
        w = t * np.array([0.6, 0.8])
        g = ru.numerical_gradient(lambda: float(np.linalg.norm(w)), w, h=1e-3 * t)
        assert abs(np.linalg.norm(g) - 1) < 1e-6     # constant size, however close to 0
    _, right, left = rq.slopes_at(lambda s: float(np.linalg.norm([s, 0.0])), 0.0)
    assert right == pytest.approx(1) and left == pytest.approx(-1)  # kink: no gradient at 0


@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_lambda_slider_shows_an_error_instead_of_a_traceback(monkeypatch):
    s = rq.l1_slider(lam=0.05, canvas="agg")

    def broken(lam):
        raise FloatingPointError("boom")

    monkeypatch.setattr(s.geometry, "set_lam", broken)
    s.slider.value = 0.5                      # the callback must not raise into the front end
    assert "⚠" in s.status.value and "boom" in s.status.value
    monkeypatch.undo()
    s.slider.value = 0.2
    assert s.status.value == "" and s.geometry.w_l1[1] == 0
    with pytest.raises(ValueError, match="lam must be in"):
        rq.l2_slider(lam=1e3)                  # outside the slider's range: said, not clamped
