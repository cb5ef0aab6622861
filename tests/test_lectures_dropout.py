"""regutils.lectures.dropout (notebook 06): masks, sub-networks, the exact ensemble."""
import numpy as np
import pytest

import regutils as ru
from regutils.lectures import augmentation as aug
from regutils.lectures import dropout as drop


@pytest.fixture(scope="module", autouse=True)
def _one_blas_thread():
    """One BLAS thread, as in the notebooks: for these small matrices OpenBLAS's threads only
    wait for each other, and on a busy 2-core machine they make training 10-30 times slower."""
    with ru.one_blas_thread():
        yield


# ------------------------------------------------------------------------------------------------
# Masks, the ensemble's size, the slide's two-input neuron
# ------------------------------------------------------------------------------------------------
def test_all_masks_are_every_binary_vector_once():
    masks = drop.all_masks(5)
    assert masks.shape == (32, 5)
    assert set(np.unique(masks)) == {0.0, 1.0}
    assert len({tuple(m) for m in masks}) == 32


@pytest.mark.parametrize("p", [0.5, 0.3, 0.9])
def test_mask_probabilities_are_a_distribution(p):
    masks = drop.all_masks(6)
    probs = drop.mask_probabilities(masks, p)
    assert probs.sum() == pytest.approx(1.0, abs=1e-14)
    # the all-kept mask has probability p^6, the all-dropped one (1 - p)^6
    assert probs[masks.sum(axis=1) == 6][0] == pytest.approx(p**6)
    assert probs[masks.sum(axis=1) == 0][0] == pytest.approx((1 - p)**6)
    # expected share kept = p
    assert probs @ masks.mean(axis=1) == pytest.approx(p)


# ------------------------------------------------------------------------------------------------
# Sub-networks of a regutils Network
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rule", ["inverted", "vanilla"])
def test_forward_with_masks_is_the_training_forward_pass_with_those_masks(rule):
    net = ru.MLP([3, 6, 5, 2], keep_prob=0.6, input_keep_prob=0.8, rule=rule, seed=0)
    x = np.random.default_rng(0).standard_normal((1, 3))
    net.train()
    scores = net.forward(x)
    drops = [l for l in net.layers if isinstance(l, ru.Dropout)]
    masks = [(l.mask != 0).astype(float) for l in drops]
    np.testing.assert_allclose(net.forward(x, masks)[0], scores, rtol=1e-12)


def test_subnetwork_with_several_masks_is_their_arithmetic_mean():
    net = ru.MLP([2, 8, 8, 2], keep_prob=0.5, seed=0)
    masks = drop.sample_masks(net, 40, seed=0)
    X = np.random.default_rng(1).standard_normal((7, 2))
    members = [drop.SubNetwork(net, [m[i] for m in masks]).predict_proba(X) for i in range(40)]
    np.testing.assert_allclose(drop.SubNetwork(net, masks).predict_proba(X),
                               np.mean(members, axis=0), rtol=1e-12)
    all_kept = drop.SubNetwork(net, [np.ones(8), np.ones(8)])
    net_v = drop.vanilla_twin(net)
    # all units kept with the inverted rule = the vanilla twin with every unit kept
    np.testing.assert_allclose(all_kept.predict_proba(X),
                               drop.SubNetwork(net_v, [np.ones(8), np.ones(8)]).predict_proba(X),
                               rtol=1e-12)


@pytest.mark.parametrize("p", [0.5, 0.8])
def test_vanilla_twin_gives_the_same_predictions(p):
    net = ru.MLP([2, 16, 16, 2], keep_prob=p, seed=3)
    twin = drop.vanilla_twin(net)
    assert all(l.rule == "vanilla" for l in twin.layers if isinstance(l, ru.Dropout))
    assert all(l.rule == "inverted" for l in net.layers if isinstance(l, ru.Dropout))
    X = np.random.default_rng(0).standard_normal((30, 2))
    masks = drop.sample_masks(net, 20, seed=1)
    np.testing.assert_allclose(net.forward(X, masks),
                               twin.forward(X, masks), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(net.predict_proba(X), twin.predict_proba(X), rtol=1e-12,
                               atol=1e-13)


def test_enumerate_ensemble_matches_a_brute_force_loop():
    net = ru.MLP([3, 4, 3], keep_prob=0.7, input_keep_prob=0.6, seed=0)
    X = np.random.default_rng(0).standard_normal((5, 3))
    e = drop.enumerate_ensemble(net, X)
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


def test_k_to_match():
    curve = {"k": np.arange(1, 6), "error": np.array([0.5, 0.1, 0.3, 0.1, 0.1]),
             "scale_error": 0.1}
    assert drop.k_to_match(curve, "error") == 4
    curve["error"][-1] = 0.2
    assert drop.k_to_match(curve, "error") is None
    assert drop.k_to_match(curve, "error", atol=0.25) == 2   # 0.5 > 0.1 + 0.25 at k = 1
    assert drop.k_to_match(curve, "error", atol=0.45) == 1


def test_pool_digits_averages_blocks():
    X = np.arange(64, dtype=float)[None]
    pooled = drop.pool_digits(X, 4)
    assert pooled.shape == (1, 16)
    assert pooled[0, 0] == np.mean([0, 1, 8, 9])
    assert pooled.mean() == pytest.approx(X.mean())


# ------------------------------------------------------------------------------------------------
# Errors and figures
# ------------------------------------------------------------------------------------------------
def test_errors_follow_the_template():
    with pytest.raises(ValueError, match="n must be at most 20"):
        drop.all_masks(21)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\], got 0"):
        drop.mask_probabilities(drop.all_masks(2), 0)
    with pytest.raises(ValueError, match="w and x must be two numbers each"):
        drop.two_input_neuron([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    net = ru.MLP([2, 4, 4, 2], keep_prob=0.5)
    with pytest.raises(ValueError, match="masks must be one mask per Dropout layer"):
        net.forward(np.zeros((1, 2)), [np.ones(4)])
    with pytest.raises(ValueError, match="at least one Dropout layer"):
        drop.enumerate_ensemble(ru.MLP([2, 3, 2]), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="the number of droppable units must be at most 20"):
        drop.enumerate_ensemble(ru.MLP([2, 30, 2], keep_prob=0.5), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="where must be one of"):
        aug.noise_experiment(where="output")
    with pytest.raises(ValueError, match="size must be a divisor of 8"):
        drop.pool_digits(np.zeros((1, 64)), 3)


# ------------------------------------------------------------------------------------------------
# Monte-Carlo against weight scaling; co-adaptation; max-norm (the claims of sections 9, 11, 12,
# re-run on other seeds with smaller budgets)
# ------------------------------------------------------------------------------------------------
def test_mc_curve_is_the_running_mean_of_the_drawn_masks():
    net = ru.MLP([4, 6, 6, 3], keep_prob=0.5, seed=0)
    r = np.random.default_rng(1)
    X, y = r.standard_normal((20, 4)), r.integers(0, 3, 20)
    curve = drop.mc_curve(net, X, y, k_max=12, seed=3, chunk=12)
    masks = drop.sample_masks(net, 12, seed=np.random.default_rng(3))   # the same draw
    P_scale = net.predict_proba(X)
    for k in (1, 5, 12):
        P = drop.SubNetwork(net, [m[:k] for m in masks]).predict_proba(X)
        assert curve["n_errors"][k - 1] == np.sum(P.argmax(1) != y)
        assert curve["log_loss"][k - 1] == pytest.approx(drop.log_loss(P, y), rel=1e-12)
        gap = np.abs(P - P_scale).max(axis=1)
        assert curve["gap_max"][k - 1] == pytest.approx(gap.max(), rel=1e-12)
        assert curve["gap_mean"][k - 1] == pytest.approx(gap.mean(), rel=1e-12)
    assert curve["scale_n_errors"] == np.sum(P_scale.argmax(1) != y)
    # chunks of masks: same length, same kind of estimate
    assert len(drop.mc_curve(net, X, y, k_max=12, seed=3, chunk=5)["k"]) == 12


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mc_probabilities_do_not_converge_to_weight_scaling(seed):
    """Section 9's claim: the mean probability gap stops shrinking (noise alone: × √(30/300))."""
    net, _ = drop.train_dropout_digits(keep_prob=0.5, sizes=(64, 64, 64, 10), epochs=30, seed=seed,
                                       dtype=np.float32)
    X_train, X_test, y_train, y_test = ru.digits_split()
    curve = drop.mc_curve(net, X_test, y_test, k_max=300, seed=seed)
    assert curve["gap_mean"][-1] / curve["gap_mean"][29] > 0.7
    assert curve["gap_max"][-1] > 0.1
    # while the decisions agree within a few test images
    assert np.all(np.abs(curve["n_errors"][29:] - curve["scale_n_errors"]) <= 6)


def test_unit_removal_is_zeroing_the_unit():
    net = ru.MLP([5, 7, 3], keep_prob=0.5, seed=0)
    r = np.random.default_rng(2)
    X, y = r.standard_normal((40, 5)), r.integers(0, 3, 40)
    out = drop.unit_removal(net, X, y)
    assert out["extra_errors"].shape == (7,)
    for j in (0, 3, 6):
        cut = ru.MLP([5, 7, 3], keep_prob=0.5, seed=0)
        cut.layers[-1].params["W"][j] = 0.0           # unit j no longer reaches the output
        errors = np.sum(cut.predict(X) != y)
        assert out["extra_errors"][j] == errors - out["n_errors"]
        loss = drop.log_loss(cut.predict_proba(X), y) - drop.log_loss(net.predict_proba(X), y)
        assert out["loss_increase"][j] == pytest.approx(loss, rel=1e-9, abs=1e-12)


def test_coadaptation_claim_on_other_seeds():
    """Section 11: the most important unit of a net trained without dropout costs more test errors,
    and an average unit more log-loss, by more than the seed-to-seed spread."""
    co = drop.coadaptation_experiment(seeds=(3, 4, 5))
    a, b = co["no dropout"], co["dropout"]
    for key in ("worst_extra_errors", "mean_loss_increase"):
        assert a[key].mean() - b[key].mean() > a[key].std() + b[key].std(), key


def test_max_norm_claim_on_other_seeds():
    """Section 12: the bound holds and is active; at η = 0.5 max-norm does not cost accuracy."""
    mn = drop.max_norm_experiment(seeds=(5, 6, 7))
    assert np.all(mn["with"]["largest_norm"] <= 3.0 * (1 + 1e-5))
    assert np.all(mn["without"]["largest_norm"] > 3.0)
    diff = mn["with"]["test_acc"] - mn["without"]["test_acc"]
    assert diff.mean() > -diff.std()


def test_keep_prob_chosen_on_validation_and_sweep_claims_on_other_seeds():
    """Notebook 06 section 10 (seeds 0, 1, 2), re-run on seeds 3, 4, 5: p = 0.5 against p = 1
    changes the validation accuracy by less than 3 points beyond the spread and lowers the
    validation log-loss on every seed; p = 0.1 underfits; p is the best mean validation accuracy
    and only its test accuracy is returned."""
    sel = drop.keep_prob_selection((1.0, 0.5, 0.1), seeds=(3, 4, 5))
    assert sel["split"] == {"train": 988, "val": 359, "test": 450}
    assert sel["best_index"] == int(np.argmax(sel["val_acc"].mean(axis=0)))
    assert sel["best_p"] == sel["keep_probs"][sel["best_index"]] and sel["test_acc"].shape == (3,)
    diff = sel["val_acc"][:, 1] - sel["val_acc"][:, 0]
    assert abs(diff.mean()) + np.ptp(diff) / 2 < 0.03, diff
    loss = sel["val_loss"][:, 1] - sel["val_loss"][:, 0]
    assert loss.mean() + np.ptp(loss) / 2 < 0, loss
    assert np.all(sel["train_acc"][:, 0] == 1.0)
    assert sel["train_mean"][2] < 0.8 and sel["val_mean"][2] + sel["val_spread"][2] < sel["val_mean"][0] - 0.1
