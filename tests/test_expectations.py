"""Tests of regutils.expectations: every claim that notebooks 05 (augmentation, noise) and 06
(dropout) print is asserted here too, at a size that runs in well under a minute.

Expected values are computed independently in the tests (by hand-written formulas, brute-force
loops or NumPy's solvers), never copied from the code under test.
"""
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from threadpoolctl import threadpool_limits  # installed with scikit-learn

import regutils as ru
import regutils.expectations as ex

matplotlib.use("Agg")


@pytest.fixture(scope="module", autouse=True)
def _one_blas_thread():
    """One BLAS thread, as in the notebooks: for these small matrices OpenBLAS's threads only
    wait for each other, and on a busy 2-core machine they make training 10-30 times slower."""
    with threadpool_limits(1):
        yield


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------------------------------------
# Masks, the ensemble's size, the slide's two-input neuron
# ------------------------------------------------------------------------------------------------
def test_all_masks_are_every_binary_vector_once():
    masks = ex.all_masks(5)
    assert masks.shape == (32, 5)
    assert set(np.unique(masks)) == {0.0, 1.0}
    assert len({tuple(m) for m in masks}) == 32


@pytest.mark.parametrize("p", [0.5, 0.3, 0.9])
def test_mask_probabilities_are_a_distribution(p):
    masks = ex.all_masks(6)
    probs = ex.mask_probabilities(masks, p)
    assert probs.sum() == pytest.approx(1.0, abs=1e-14)
    # the all-kept mask has probability p^6, the all-dropped one (1 - p)^6
    assert probs[masks.sum(axis=1) == 6][0] == pytest.approx(p**6)
    assert probs[masks.sum(axis=1) == 0][0] == pytest.approx((1 - p)**6)
    # expected share kept = p
    assert probs @ masks.mean(axis=1) == pytest.approx(p)


def test_ensemble_size_of_4096_units_is_about_ten_to_1233():
    exact, digits, log10 = ex.ensemble_size(4096)
    assert exact == 1 << 4096
    assert digits == len(str(1 << 4096)) == 1234
    assert math.floor(log10) == 1233
    assert str(exact).startswith("10443888")  # 2^4096 = 1.0443888… × 10^1233
    assert ex.ensemble_size(10)[:2] == (1024, 4)


@pytest.mark.parametrize("p", [0.5, 0.8, 0.25])
def test_two_input_neuron_expectation_is_p_times_the_sum(p):
    w, x = np.array([0.7, -1.2]), np.array([1.5, 0.4])
    r = ex.two_input_neuron(w, x, keep_prob=p, n_draws=200_000, seed=1)
    w1x1, w2x2 = w * x
    slide = (p**2 * (w1x1 + w2x2) + p * (1 - p) * (w1x1 + 0) + (1 - p) * p * (0 + w2x2)
             + (1 - p)**2 * 0)
    assert r["enumerated"] == pytest.approx(slide, abs=1e-14)
    assert r["formula"] == pytest.approx(p * (w1x1 + w2x2), abs=1e-14)
    assert r["monte_carlo"] == pytest.approx(slide, abs=0.01)


def test_masks_drop_about_one_minus_p():
    net = ru.MLP([3, 400, 2], keep_prob=0.7, seed=0)
    (mask,) = ex.sample_masks(net, 200, seed=0)
    assert mask.shape == (200, 400)
    assert 1 - mask.mean() == pytest.approx(0.3, abs=0.01)


# ------------------------------------------------------------------------------------------------
# The slide's code
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("inverted", [False, True])
def test_slide_backward_passes_the_gradient_check(inverted):
    errors = ex.slide_gradient_check(inverted=inverted)
    assert set(errors) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert max(errors.values()) < 1e-7


@pytest.mark.parametrize("inverted", [False, True])
def test_gradient_check_catches_a_backward_that_forgets_the_mask(inverted):
    errors = ex.slide_gradient_check(inverted=inverted, use_mask=False)
    assert errors["W1"] > 0.1 and errors["W2"] > 0.1


def test_slide_backward_matches_the_regutils_network_with_the_same_masks():
    rng = np.random.default_rng(0)
    params = ex.slide_init((5, 7, 6, 3), seed=0)
    X, y = rng.standard_normal((5, 8)), rng.integers(0, 3, 8)
    out, cache = ex.slide_forward(params, X, 0.5, rng, inverted=True)
    loss, dscores = ru.softmax_cross_entropy(out.T, y)
    grads = ex.slide_backward(params, cache, dscores.T)
    net = ru.MLP([5, 7, 6, 3], keep_prob=0.5, seed=0)
    for i, k in ((0, 1), (3, 2), (6, 3)):
        net.layers[i].params["W"][...] = params[f"W{k}"].T
    drops = [l for l in net.layers if isinstance(l, ru.Dropout)]
    for layer, U in zip(drops, (cache[2], cache[5])):
        layer.mask, layer.hold = U.T.copy(), True
    net_loss, net_grads = net.loss_and_grads(X.T, y)
    assert net_loss == pytest.approx(loss, rel=1e-12)
    for i, k in ((0, 1), (3, 2), (6, 3)):
        np.testing.assert_allclose(net_grads[f"{i}.W"], grads[f"W{k}"].T, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(net_grads[f"{i}.b"], grads[f"b{k}"][:, 0], rtol=1e-10,
                                   atol=1e-14)


def test_vanilla_with_test_scaling_equals_inverted_with_rescaled_weights():
    p = 0.8
    vanilla = ex.slide_init((6, 5, 4, 3), seed=2)
    inverted = {k: v.copy() for k, v in vanilla.items()}
    inverted["W2"] *= p   # the layer after a dropout sees U·h/p instead of U·h
    inverted["W3"] *= p
    X = np.random.default_rng(0).standard_normal((6, 9))
    np.testing.assert_allclose(ex.slide_predict(vanilla, X, p),
                               ex.slide_predict(inverted, X, p, inverted=True), rtol=1e-12)
    U = [(np.random.default_rng(1).random(s) < p) * 1.0 for s in ((5, 9), (4, 9))]
    out_v = ex.slide_forward(vanilla, X, p, masks=U)[0]
    out_i = ex.slide_forward(inverted, X, p, masks=[u / p for u in U])[0]
    np.testing.assert_allclose(out_v, out_i, rtol=1e-12)


@pytest.mark.parametrize("inverted", [False, True])
def test_the_slides_network_learns_the_digits(inverted):
    Xtr, Xte, ytr, yte = ru.digits_split()
    state = np.random.get_state()
    _, acc = ex.slide_train(Xtr, ytr, Xte, yte, inverted=inverted, epochs=30, lr=0.1)
    assert acc > 0.9
    assert np.array_equal(np.random.get_state()[1], state[1]), "numpy's global RNG untouched"


# ------------------------------------------------------------------------------------------------
# Sub-networks of a regutils Network
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rule", ["inverted", "vanilla"])
def test_forward_with_masks_is_the_training_forward_pass_with_that_mask(rule):
    net = ru.MLP([3, 6, 5, 2], keep_prob=0.6, input_keep_prob=0.8, dropout_rule=rule, seed=0)
    x = np.random.default_rng(0).standard_normal((1, 3))
    net.train()
    scores = net.forward(x)
    drops = [l for l in net.layers if isinstance(l, ru.Dropout)]
    masks = [(l.mask != 0).astype(float) for l in drops]
    np.testing.assert_allclose(ex.forward_with_masks(net, x, masks)[0], scores, rtol=1e-12)


def test_subnetwork_with_several_masks_is_their_arithmetic_mean():
    net = ru.MLP([2, 8, 8, 2], keep_prob=0.5, seed=0)
    masks = ex.sample_masks(net, 40, seed=0)
    X = np.random.default_rng(1).standard_normal((7, 2))
    members = [ex.SubNetwork(net, [m[i] for m in masks]).predict_proba(X) for i in range(40)]
    np.testing.assert_allclose(ex.SubNetwork(net, masks).predict_proba(X),
                               np.mean(members, axis=0), rtol=1e-12)
    all_kept = ex.SubNetwork(net, [np.ones(8), np.ones(8)])
    net_v = ex.vanilla_twin(net)
    # all units kept with the inverted rule = the vanilla twin with every unit kept
    np.testing.assert_allclose(all_kept.predict_proba(X),
                               ex.SubNetwork(net_v, [np.ones(8), np.ones(8)]).predict_proba(X),
                               rtol=1e-12)


@pytest.mark.parametrize("p", [0.5, 0.8])
def test_vanilla_twin_gives_the_same_predictions(p):
    net = ru.MLP([2, 16, 16, 2], keep_prob=p, seed=3)
    twin = ex.vanilla_twin(net)
    assert all(l.rule == "vanilla" for l in twin.layers if isinstance(l, ru.Dropout))
    assert all(l.rule == "inverted" for l in net.layers if isinstance(l, ru.Dropout))
    X = np.random.default_rng(0).standard_normal((30, 2))
    masks = ex.sample_masks(net, 20, seed=1)
    np.testing.assert_allclose(ex.forward_with_masks(net, X, masks),
                               ex.forward_with_masks(twin, X, masks), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(net.predict_proba(X), twin.predict_proba(X), rtol=1e-12,
                               atol=1e-13)


@pytest.mark.parametrize("rule", ["vanilla", "inverted"])
def test_expected_dropout_layer_output_is_the_test_time_output(rule):
    h = np.random.default_rng(0).uniform(0, 2, size=10)
    mean, test = ex.expected_layer_output(h, 0.5, rule)
    np.testing.assert_allclose(test, 0.5 * h if rule == "vanilla" else h, rtol=1e-15)
    np.testing.assert_allclose(mean, test, rtol=1e-12)
    mc, _ = ex.expected_layer_output(h, 0.5, rule, n_draws=20_000, seed=0)
    np.testing.assert_allclose(mc, test, atol=0.06)


def test_enumerate_ensemble_matches_a_brute_force_loop():
    net = ru.MLP([3, 4, 3], keep_prob=0.7, input_keep_prob=0.6, seed=0)
    X = np.random.default_rng(0).standard_normal((5, 3))
    e = ex.enumerate_ensemble(net, X)
    assert e["n_masks"] == 2**7
    arith, log_geo = 0.0, 0.0
    for bits in range(2**7):
        z = np.array([(bits >> i) & 1 for i in range(7)], float)
        zin, zh = z[:3], z[3:]
        prob = np.prod(np.where(zin == 1, 0.6, 0.4)) * np.prod(np.where(zh == 1, 0.7, 0.3))
        W1, b1 = net.layers[1].params["W"], net.layers[1].params["b"]
        W2, b2 = net.layers[4].params["W"], net.layers[4].params["b"]
        h = np.maximum((X * zin / 0.6) @ W1 + b1, 0) * zh / 0.7
        s = h @ W2 + b2
        P = np.exp(s - s.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        arith = arith + prob * P
        log_geo = log_geo + prob * np.log(P)
    geo = np.exp(log_geo)
    geo /= geo.sum(1, keepdims=True)
    np.testing.assert_allclose(e["arithmetic"], arith, rtol=1e-10)
    np.testing.assert_allclose(e["geometric"], geo, rtol=1e-10)
    np.testing.assert_allclose(e["scale"], net.predict_proba(X), rtol=1e-12)


@pytest.mark.parametrize("p", [0.5, 0.8])
def test_weight_scaling_is_the_geometric_mean_only_without_a_nonlinearity_after_the_drop(p):
    r = ex.exactness_experiment(keep_prob=p, n_test=10, epochs=40, seed=0)
    assert r["softmax regression, dropped inputs"]["geo_vs_scale"] < 1e-12
    assert r["dropout on the last hidden layer only"]["geo_vs_scale"] < 1e-12
    assert r["dropped inputs into a ReLU layer"]["geo_vs_scale"] > 1e-3
    # and it is never the arithmetic mean of the probabilities
    assert all(v["arith_vs_scale"] > 1e-3 for v in r.values())


def test_a_random_mask_at_test_time_gives_a_random_output():
    net, (Xtr, Xte, ytr, yte) = ex.moons_dropout_net(seed=0)
    assert net.accuracy(Xte, yte) > 0.9
    P_scaled = net.predict_proba(Xte)[:, 1]
    i = int(np.argmin(np.abs(P_scaled - 0.8)))
    P, P_scale = ex.test_time_masks(net, Xte[i], n_masks=500, seed=0)
    assert P.shape == (500, 2)
    assert P[:, 1].std() > 0.05
    assert P_scale[1] == pytest.approx(P_scaled[i])
    masks = ex.sample_masks(net, 5, seed=1)
    scaled = net.predict(Xte)
    single = [np.mean(ex.SubNetwork(net, [m[j] for m in masks]).predict(Xte) != scaled)
              for j in range(5)]
    mean100 = ex.SubNetwork(net, ex.sample_masks(net, 100, seed=2)).predict(Xte)
    assert np.mean(mean100 != scaled) < np.mean(single)


# ------------------------------------------------------------------------------------------------
# Dropout on digits: Monte-Carlo vs weight scaling, the rate p (the notebook's settings)
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits_dropout_net():
    return ex.train_dropout_digits(keep_prob=0.5, sizes=(64, 256, 256, 10), epochs=100, lr=0.05,
                                   seed=0)


def test_monte_carlo_reaches_weight_scaling_with_tens_of_masks(digits_dropout_net):
    net, run = digits_dropout_net
    _, Xte, _, yte = ru.digits_split()
    assert run["test_acc"] > 0.95
    curve = ex.mc_curve(net, Xte, yte, k_max=200, seed=0)
    assert curve["scale_error"] == pytest.approx(1 - run["test_acc"])
    assert curve["error"][0] > curve["scale_error"]
    assert curve["log_loss"][0] > 1.3 * curve["scale_log_loss"]
    k = ex.k_to_match(curve, "log_loss", rtol=0.1)
    assert k is not None and 2 <= k <= 100
    assert np.all(np.abs(curve["error"][49:] - curve["scale_error"]) <= 0.01)
    # the running average really is the mean of k single-mask predictions
    rng = np.random.default_rng(0)
    P = [net.predict_proba(Xte[:20], rule="mc", k=1, seed=rng) for _ in range(3)]
    assert ex.log_loss(np.mean(P, axis=0), yte[:20]) == pytest.approx(
        ex.mc_curve(net, Xte[:20], yte[:20], k_max=3, seed=0)["log_loss"][2])


def test_dropout_on_digits_small_effect_and_p_01_underfits(digits_dropout_net):
    _, run = digits_dropout_net
    sweep = ex.dropout_sweep((1.0, 0.5, 0.1), known={0.5: run}, sizes=(64, 256, 256, 10),
                             epochs=100, lr=0.05, seed=0)
    train = dict(zip(sweep["keep_probs"], sweep["train_acc"]))
    test = dict(zip(sweep["keep_probs"], sweep["test_acc"]))
    assert train[1.0] == 1.0
    assert abs(test[0.5] - test[1.0]) < 0.03
    assert train[0.1] < 0.8 and test[0.1] < test[1.0] - 0.1
    np.testing.assert_allclose(sweep["gap"], sweep["train_acc"] - sweep["test_acc"])


def test_k_to_match():
    curve = {"k": np.arange(1, 6), "error": np.array([0.5, 0.1, 0.3, 0.1, 0.1]),
             "scale_error": 0.1}
    assert ex.k_to_match(curve, "error") == 4
    curve["error"][-1] = 0.2
    assert ex.k_to_match(curve, "error") is None
    assert ex.k_to_match(curve, "error", atol=0.25) == 2   # 0.5 > 0.1 + 0.25 at k = 1
    assert ex.k_to_match(curve, "error", atol=0.45) == 1


# ------------------------------------------------------------------------------------------------
# Notebook 05: more data, flips, shifts, noise
# ------------------------------------------------------------------------------------------------
def test_more_data_gives_higher_test_accuracy():
    r = ex.accuracy_vs_size(sizes=(50, 400, 1347), seeds=(0,), steps=1500)
    test = r["test_acc"][:, 0]
    assert np.all(np.diff(test) > 0)
    assert test[-1] - test[0] > 0.08
    assert np.all(r["train_acc"] > 0.99)


def test_subset_is_stratified_and_seeded():
    Xtr, _, ytr, _ = ru.digits_split()
    Xs, ys = ex.subset(Xtr, ytr, 100, seed=0)
    assert len(ys) == 100 and np.bincount(ys).min() >= 9
    assert np.array_equal(ex.subset(Xtr, ytr, 100, seed=0)[1], ys)


def test_only_symmetric_digits_survive_a_horizontal_flip():
    r = ex.flip_experiment(seed=0)
    assert r["acc"] > 0.95
    pcf = r["per_class_flipped"]
    assert pcf[0] >= 0.75 and pcf[8] >= 0.75
    assert max(pcf[[3, 5, 6, 7]]) < 0.2
    assert r["flipped_acc"] < r["acc"] - 0.3
    # per-class accuracies average (weighted by class size) to the overall accuracy
    _, _, _, yte = ru.digits_split()
    assert np.bincount(yte) @ pcf / len(yte) == pytest.approx(r["flipped_acc"])


def test_naive_flipping_hurts_and_small_nudges_help_a_small_training_set():
    flips = ex.augmentation_experiment({"flip": ru.RandomFlip("horizontal")}, seeds=(0, 1))
    assert flips["flip"].mean() < flips["without"].mean() - 0.005
    nudges = ex.augmentation_experiment({"nudge": ex.RandomNudge(0.5)}, n_train=100,
                                        seeds=(0, 1, 2))
    assert np.all(nudges["nudge"] > nudges["without"])


def test_random_nudge_moves_a_share_of_images_by_one_pixel_and_keeps_labels():
    X = np.random.default_rng(0).uniform(size=(400, 64))
    X[:, [0, 7, 56, 63]] = 0  # nothing at the corners, so a moved image differs from the original
    y = np.arange(400) % 10
    Xn, yn = ex.RandomNudge(0.5)(X, y, np.random.default_rng(1))
    assert yn is y
    moved = ~np.all(Xn == X, axis=1)
    assert 0.4 < moved.mean() < 0.6
    for i in np.flatnonzero(moved)[:50]:
        assert any(np.array_equal(Xn[i], ru.shift(X[i:i + 1], dx, dy)[0])
                   for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)))


def test_input_noise_smooths_the_boundary():
    r = ex.noise_experiment((0.0, 0.1, 0.2, 0.3, 0.5), where="input", epochs=1000, seed=0)
    tr, te, length = r["train_acc"], r["test_acc"], r["length"]
    assert tr[0] == 1.0
    assert np.all(np.diff(length) < 0)
    assert te[1:4].max() > te[0]
    assert te[-1] < te[0]


def test_hidden_noise_stops_memorizing_and_smooths_the_boundary():
    r = ex.noise_experiment((0.0, 0.5, 1.0, 2.0), where="hidden", epochs=1000, seed=0)
    assert any(isinstance(l, ru.GaussianNoise) for l in r["nets"][1].layers)
    assert r["train_acc"][0] == 1.0 and r["train_acc"][-1] < 1.0
    assert np.all(np.diff(r["length"]) < 0)
    assert r["test_acc"][1:].max() > r["test_acc"][0]


def test_boundary_length_of_a_straight_boundary():
    class Vertical:
        def predict(self, X):
            return (X[:, 0] > 0.1).astype(int)

    class Diagonal:
        def predict(self, X):
            return (X[:, 0] > X[:, 1]).astype(int)

    square = (-1, 1, -1, 1)
    assert ex.boundary_length(Vertical(), square, resolution=101) == pytest.approx(2, rel=0.02)
    # a staircase along the diagonal: |dx| + |dy| = 2 + 2 (the grid measure is not Euclidean)
    assert ex.boundary_length(Diagonal(), square, resolution=101) == pytest.approx(4, rel=0.03)


def test_pool_digits_averages_blocks():
    X = np.arange(64, dtype=float)[None]
    pooled = ex.pool_digits(X, 4)
    assert pooled.shape == (1, 16)
    assert pooled[0, 0] == np.mean([0, 1, 8, 9])
    assert pooled.mean() == pytest.approx(X.mean())


# ------------------------------------------------------------------------------------------------
# Bishop (1995)
# ------------------------------------------------------------------------------------------------
def test_ridge_with_an_unpenalized_bias_is_the_minimizer():
    X, y = ex.linear_data(40, 4, seed=3)
    lam = 0.3
    w, b = ex.ridge(X, y, lam)
    # independent: least squares on the data stacked with √(Nλ)·I rows (no row for the bias)
    N, d = X.shape
    A = np.block([[X, np.ones((N, 1))], [np.sqrt(N * lam) * np.eye(d), np.zeros((d, 1))]])
    sol = np.linalg.lstsq(A, np.r_[y, np.zeros(d)], rcond=None)[0]
    np.testing.assert_allclose(w, sol[:-1], rtol=1e-10)
    assert b == pytest.approx(sol[-1], rel=1e-10)
    r = y - X @ w - b   # gradient of (1/N)Σr² + λ‖w‖² is zero
    np.testing.assert_allclose(-2 * X.T @ r / N + 2 * lam * w, 0, atol=1e-12)
    assert abs(r.sum()) < 1e-10


def test_training_on_noisy_copies_approaches_ridge_with_lambda_sigma_squared():
    r = ex.bishop_experiment(sigma=0.5, copies=(10, 2000, 10000), n=50, d=5, seed=0)
    dist = dict(zip(r["copies"], r["distance"]))
    assert dist[2000] < 0.01 and dist[10000] < 0.005
    assert dist[10000] < dist[10] / 5
    assert min(r["wrong"].values()) > 10 * dist[10000]
    assert r["ridge_vs_ols"] > 0.1  # the penalty matters at this σ


def test_noisy_copies_with_sigma_zero_are_least_squares():
    X, y = ex.linear_data(30, 3, seed=1)
    w, b = ex.least_squares_on_noisy_copies(X, y, 0.0, 3)
    w0, b0 = ex.ridge(X, y, 0.0)
    np.testing.assert_allclose(w, w0, rtol=1e-9)
    assert b == pytest.approx(b0, rel=1e-9)


def test_sgd_with_a_gaussian_noise_layer_lands_on_ridge():
    X, y = ex.linear_data(50, 5, seed=0)
    w, b = ex.noisy_training(X, y, sigma=0.5, epochs=6000, burn_in=1000, seed=0)
    w_r, b_r = ex.ridge(X, y, 0.25)
    assert np.linalg.norm(w - w_r) / np.linalg.norm(w_r) < 0.01
    assert b == pytest.approx(b_r, abs=0.02)


# ------------------------------------------------------------------------------------------------
# Errors and figures
# ------------------------------------------------------------------------------------------------
def test_errors_follow_the_template():
    with pytest.raises(ValueError, match="n must be at most 20"):
        ex.all_masks(21)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\], got 0"):
        ex.mask_probabilities(ex.all_masks(2), 0)
    with pytest.raises(ValueError, match="w and x must be two numbers each"):
        ex.two_input_neuron([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    net = ru.MLP([2, 4, 4, 2], keep_prob=0.5)
    with pytest.raises(ValueError, match="masks must be one mask per Dropout layer"):
        ex.forward_with_masks(net, np.zeros((1, 2)), [np.ones(4)])
    with pytest.raises(ValueError, match="at least one Dropout layer"):
        ex.enumerate_ensemble(ru.MLP([2, 3, 2]), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="the number of droppable units must be at most 20"):
        ex.enumerate_ensemble(ru.MLP([2, 30, 2], keep_prob=0.5), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="where must be one of"):
        ex.noise_experiment(where="output")
    with pytest.raises(ValueError, match="size must be a divisor of 8"):
        ex.pool_digits(np.zeros((1, 64)), 3)


def test_figures_draw_on_the_given_axes_and_return_their_artists():
    rcparams = dict(matplotlib.rcParams)
    fig, ax = plt.subplots()
    size = {"sizes": np.array([50, 100]), "test_acc": np.array([[0.8, 0.82], [0.9, 0.91]]),
            "train_acc": np.ones((2, 2))}
    assert ex.plot_accuracy_vs_size(size, ax=ax)["train"].axes is ax
    bars = ex.plot_per_class(np.ones(10), np.linspace(0, 1, 10), ax=ax)
    assert len(bars["flipped"]) == 10
    assert len(ex.plot_with_without({"a": {"without": np.array([0.9]), "with": np.array([0.8])}},
                                    ax=ax)) == 2
    curve = {"k": np.arange(1, 4), "error": np.array([0.1, 0.05, 0.04]),
             "log_loss": np.array([0.3, 0.2, 0.1]), "scale_error": 0.04, "scale_log_loss": 0.1}
    _, axes = plt.subplots(1, 2)
    lines = ex.plot_mc_curve(curve, axes=axes)
    assert lines["error"].axes is axes[0] and lines["log_loss"].axes is axes[1]
    _, ax2 = plt.subplots()
    assert ex.plot_masks(np.eye(3), ax=ax2).get_array().shape == (3, 3)
    assert len(ex.plot_flips(np.zeros((3, 64)), np.array([0, 1, 2])).ravel()) == 6
    assert dict(matplotlib.rcParams) == rcparams
