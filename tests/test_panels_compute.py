"""regutils.panels.compute: the pure compute behind the panels (no widgets here)."""
import numpy as np
import pytest

import regutils as ru
from regutils import panels
from regutils import plots
from regutils.panels import compute


FAST = dict(epochs=60, n_test=300, resolution=20)


def weights_of(net):
    return [w.copy() for w in net.weights()]


# -- data -------------------------------------------------------------------------------------
def test_data_depend_only_on_the_data_key_and_are_read_only():
    s = panels.Settings(dataset="circles", n_train=100, n_test=200)
    d = compute.make_data(s)
    assert d.X.shape == (100, 2) and d.X_test.shape == (200, 2)
    assert d.X.dtype == np.float32
    assert compute.make_data(s.replace(lam=0.5, keep_prob=0.3)) is d  # same data for every regularizer
    other = compute.make_data(s.replace(seed=1))
    assert not np.array_equal(other.X, d.X)
    with pytest.raises(ValueError):
        d.X[0, 0] = 1.0
    xmin, xmax, ymin, ymax = d.extent
    both = np.vstack([d.X, d.X_test])
    assert xmin < both[:, 0].min() and xmax > both[:, 0].max()
    assert ymin < both[:, 1].min() and ymax > both[:, 1].max()


def test_label_corruption_is_nested_and_spares_the_test_set():
    base = panels.Settings(dataset="xor", n_train=400, n_test=100)
    clean = compute.make_data(base)
    assert not clean.corrupted.any()
    low = compute.make_data(base.replace(corruption=0.2))
    high = compute.make_data(base.replace(corruption=0.6))
    np.testing.assert_array_equal(low.X, clean.X)
    np.testing.assert_array_equal(high.y_test, clean.y_test)
    assert 0.03 < low.corrupted.mean() < 0.2 < high.corrupted.mean() < 0.45  # ≈ f·(C−1)/C
    assert not np.any(low.corrupted & ~high.corrupted)  # a larger fraction redraws a superset


def test_digits_data_with_random_labels():
    d = compute.make_data(panels.digits_settings(corruption=1.0))
    assert d.X.shape[1] == 64 and d.n_classes == 10 and d.images.shape[1:] == (8, 8)
    assert len(d.X) + len(d.X_test) == 1797
    assert 0.85 < d.corrupted.mean() < 0.95  # 1.0 redraws every label, 9 in 10 change


# -- network ----------------------------------------------------------------------------------
def test_initial_weights_equal_mlp_and_do_not_depend_on_the_regularizer():
    s = panels.Settings(hidden=(16, 8), dtype="float64")
    reference = ru.MLP([2, 16, 8, 2], seed=0).weights()
    for changed in (s, s.replace(keep_prob=0.3, input_sigma=0.4, hidden_sigma=0.2, lam=3.0,
                                 penalty="l1", rule="vanilla")):
        net = compute.make_network(changed)
        for w, r in zip(net.weights(), reference):
            np.testing.assert_array_equal(w, r)


def test_regularizer_goes_to_the_loss_or_to_the_optimizer():
    s = panels.Settings(penalty="l2", lam=0.5)
    net, opt = compute.make_network(s), compute.make_optimizer(s)
    assert net.penalty.name == "l2" and net.penalty.lam == 0.5 and opt.weight_decay == 0
    d = s.replace(decoupled=True)
    net, opt = compute.make_network(d), compute.make_optimizer(d)
    assert net.penalty.name == "none" and opt.weight_decay == 0.5
    l1 = compute.make_network(s.replace(penalty="l1", decoupled=True))
    assert l1.penalty.name == "none"  # proximal step instead, see the L1 tests below


# -- compare mode -----------------------------------------------------------------------------
@pytest.mark.parametrize("changes", [
    dict(),
    dict(keep_prob=0.6),
    dict(keep_prob=0.5, rule="vanilla", input_sigma=0.2, hidden_sigma=0.1),
    dict(penalty="l2", lam=1e-2),
    dict(penalty="l1", lam=1e-3),
])
def test_compare_run_equals_the_plain_fit_loop(changes):
    """An independent path: regutils.MLP + fit must give the very same weights."""
    s = panels.Settings(hidden=(16, 16), epochs=25, optimizer="sgd", lr=0.1, momentum=0.9,
                    record_every=5, dtype="float64", n_test=50, resolution=5, **changes)
    result = compute.train(s)
    d = compute.make_data(s)
    net = ru.MLP([2, 16, 16, 2], keep_prob=s.keep_prob, rule=s.rule,
                 input_sigma=s.input_sigma, hidden_sigma=s.hidden_sigma, penalty=s.penalty,
                 lam=s.lam, seed=s.seed)
    history = ru.fit(net, ru.SGD(lr=0.1, momentum=0.9), d.X, d.y, d.X_test, d.y_test, epochs=25)
    for w, r in zip(result.weights, net.weights()):
        np.testing.assert_allclose(w, r, rtol=1e-12, atol=1e-12)
    # the history is recorded every 5 epochs and starts at epoch 0
    np.testing.assert_array_equal(result.history["epoch"], [0, 5, 10, 15, 20, 25])
    np.testing.assert_allclose(result.history["train_acc"][1:], history["train_acc"][4::5])
    np.testing.assert_allclose(result.history["test_loss"][1:], history["test_loss"][4::5])


def test_compare_runs_are_deterministic_and_start_from_the_same_weights():
    s = panels.Settings(keep_prob=0.5, input_sigma=0.1, **FAST)
    a, b = compute.train(s), compute.train(s)
    for x, y in zip(a.weights, b.weights):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.proba, b.proba)
    assert a.metrics == b.metrics
    starts = [compute.train(s.replace(epochs=0, lam=lam, penalty="l2")).weights for lam in (0, 1.0)]
    for x, y in zip(*starts):
        np.testing.assert_array_equal(x, y)


def test_global_random_state_is_untouched():
    state = np.random.get_state()[1].copy()
    compute.train(panels.Settings(keep_prob=0.5, **FAST))
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_metrics_agree_with_an_independent_computation():
    s = panels.Settings(penalty="l1", lam=1e-3, decoupled=True, **FAST)
    r = compute.train(s)
    flat = np.concatenate([w.ravel() for w in r.weights]).astype(np.float64)
    assert r.metrics["l2"] == pytest.approx(np.linalg.norm(flat), rel=1e-6)
    assert r.metrics["l1"] == pytest.approx(np.abs(flat).sum(), rel=1e-6)
    assert r.metrics["zero_share"] == pytest.approx((np.abs(flat) < 1e-3).mean())
    d = compute.make_data(s)
    net = compute.LiveTrainer(s).step(s.epochs).net  # the same run, with its biases
    for w, trained in zip(net.weights(), r.weights):
        np.testing.assert_array_equal(w, trained)
    assert r.metrics["train_acc"] == pytest.approx(np.mean(net.predict(d.X) == d.y))
    assert r.metrics["test_acc"] == pytest.approx(np.mean(net.predict(d.X_test) == d.y_test))
    assert r.metrics["gap"] == pytest.approx(r.metrics["train_acc"] - r.metrics["test_acc"])
    # the probability map is P(class 1 | x) on the plots module's grid (row 0 at the bottom)
    expected = plots.probability_map(net, d.extent, resolution=s.resolution)
    np.testing.assert_allclose(r.proba, expected, atol=1e-5)


def test_the_gap_is_visible_and_l2_closes_it():
    """200 points, 2-64-64-2, the default budget: overfitting shows, λ shrinks the gap."""
    free = compute.train(panels.Settings())
    reg = compute.train(panels.Settings(penalty="l2", lam=1e-2))
    assert free.metrics["gap"] > 0.03
    assert reg.metrics["gap"] < free.metrics["gap"] - 0.01
    h = free.history  # the test loss rises again while the training loss keeps falling
    assert h["test_loss"][-1] > h["test_loss"].min() + 0.05
    assert h["train_loss"][-1] < h["train_loss"][len(h["train_loss"]) // 2]


def test_larger_lambda_gives_smaller_weights():
    norms = [compute.train(panels.Settings(penalty="l2", lam=lam, **FAST)).metrics["l2"]
             for lam in (0.0, 1e-3, 1e-2, 1e-1)]
    assert all(a > b for a, b in zip(norms, norms[1:])), norms


def test_decoupled_l2_equals_l2_in_the_loss_for_plain_sgd_only():
    base = panels.Settings(penalty="l2", lam=0.05, optimizer="sgd", lr=0.1, momentum=0.0,
                       dtype="float64", **FAST)
    a, b = compute.train(base), compute.train(base.replace(decoupled=True))
    for x, y in zip(a.weights, b.weights):
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12)
    adam = panels.Settings(penalty="l2", lam=0.05, **FAST)
    c, d = compute.train(adam), compute.train(adam.replace(decoupled=True))
    assert abs(c.metrics["l2"] - d.metrics["l2"]) > 0.1  # Adam + L2 is not AdamW


def test_decoupled_l1_is_a_proximal_step_with_exact_zeros():
    s = panels.Settings(penalty="l1", lam=1e-2, optimizer="sgd", lr=0.1)
    sub, prox = compute.train(s), compute.train(s.replace(decoupled=True))

    def exact_zeros(r):
        return np.mean(np.concatenate([w.ravel() for w in r.weights]) == 0)

    assert exact_zeros(prox) > 0.3  # soft-thresholding lands on 0
    assert exact_zeros(sub) < 0.01  # the subgradient step jitters around 0
    assert prox.metrics["zero_share"] >= exact_zeros(prox)
    assert prox.metrics["test_acc"] > 0.9


def test_monte_carlo_test_rule():
    s = panels.Settings(keep_prob=1.0, test_rule="mc", k=5, **FAST)
    np.testing.assert_allclose(compute.train(s).proba, compute.train(s.replace(test_rule="scale")).proba,
                               atol=1e-6)  # no dropout: every mask is the full network
    d = panels.Settings(keep_prob=0.5, **FAST)
    mc, scale = compute.train(d.replace(test_rule="mc", k=30)), compute.train(d)
    assert not np.allclose(mc.proba, scale.proba, atol=1e-3)
    assert abs(mc.metrics["test_acc"] - scale.metrics["test_acc"]) < 0.1


def test_divergence_raises_a_readable_error():
    with pytest.raises(ru.TrainingDiverged, match="smaller η"):
        compute.train(panels.Settings(optimizer="sgd", lr=10.0, **FAST))


def test_random_labels_are_memorized_but_do_not_generalize():
    clean = compute.train(panels.digits_settings(epochs=20))
    noisy = compute.train(panels.digits_settings(epochs=20, corruption=1.0))
    assert clean.metrics["test_acc"] > 0.9
    assert noisy.metrics["test_acc"] < 0.2
    assert noisy.metrics["train_acc"] > 2 * noisy.metrics["test_acc"]  # it is memorizing
    assert clean.proba is None


# -- cache ------------------------------------------------------------------------------------
def test_explorer_caches_per_settings_with_lru_eviction():
    e = compute.Explorer(maxsize=2)
    s = [panels.Settings(lam=lam, penalty="l2", epochs=5, n_test=20, resolution=4)
         for lam in (0.0, 0.1, 1.0)]
    first = e.result(s[0])
    assert e.result(s[0]) is first and (e.hits, e.misses) == (1, 1)
    e.result(s[1])
    e.result(s[0])  # s[0] is now the most recent
    e.result(s[2])  # evicts s[1]
    assert s[0] in e and s[2] in e and s[1] not in e and len(e) == 2
    off = compute.Explorer(maxsize=0)
    assert off.result(s[0]) is not off.result(s[0]) and len(off) == 0


# -- live mode --------------------------------------------------------------------------------
def test_live_steps_continue_training():
    s = panels.Settings(keep_prob=0.7, hidden_sigma=0.1, **FAST)
    live = compute.LiveTrainer(s.replace(epochs=0))
    live.step(20).step(40)
    assert live.epoch == 60
    fresh = compute.train(s)
    for x, y in zip(live.result().weights, fresh.weights):
        np.testing.assert_array_equal(x, y)


def test_live_update_changes_the_running_network_in_place():
    live = compute.LiveTrainer(panels.Settings(**FAST))
    live.step(30)
    net, before = live.net, weights_of(live.net)
    assert live.update(penalty="l2", lam=0.5, keep_prob=0.4, rule="vanilla",
                       input_sigma=0.3, hidden_sigma=0.2, lr=0.02) is False
    assert live.net is net and live.epoch == 30  # no reset
    for x, y in zip(weights_of(net), before):
        np.testing.assert_array_equal(x, y)
    assert net.penalty.name == "l2" and net.penalty.lam == 0.5
    drops = [l for l in net.layers if isinstance(l, ru.Dropout)]
    noise = [l for l in net.layers if isinstance(l, ru.GaussianNoise)]
    assert all(l.keep_prob == 0.4 and l.rule == "vanilla" for l in drops)
    assert noise[0].sigma == 0.3 and all(l.sigma == 0.2 for l in noise[1:])
    assert live.optimizer.lr == 0.02
    live.update(decoupled=True)
    assert net.penalty.name == "none" and live.optimizer.weight_decay == 0.5


def test_turning_on_l2_in_live_mode_shrinks_the_weights():
    s = panels.Settings(**FAST)
    on, off = compute.LiveTrainer(s), compute.LiveTrainer(s)
    on.step(100)
    off.step(100)
    norm_at_100 = on.result().metrics["l2"]
    on.update(penalty="l2", lam=0.05)
    on.step(100)
    off.step(100)
    assert on.result().metrics["l2"] < 0.8 * norm_at_100 < off.result().metrics["l2"]


def test_live_data_change_or_reset_starts_over():
    s = panels.Settings(**FAST)
    live = compute.LiveTrainer(s)
    live.step(10)
    assert live.update(dataset="spiral") is True and live.epoch == 0
    live.step(5)
    live.reset()
    assert live.epoch == 0
    for w, r in zip(live.net.weights(), compute.make_network(s.replace(dataset="spiral")).weights()):
        np.testing.assert_array_equal(w, r)
    assert live.update(corruption=0.5) is False  # new labels, same network, same epoch
    assert live.data.corrupted.mean() > 0.1


def test_live_divergence_then_restart():
    live = compute.LiveTrainer(panels.Settings(optimizer="sgd", lr=0.1, **FAST))
    live.step(5)
    live.update(lr=10.0)
    with pytest.raises(ru.TrainingDiverged):
        live.step(200)
    assert live.diverged
    live.update(lr=0.1)
    live.step(3)
    assert not live.diverged and live.epoch == 3
    assert np.isfinite(live.result().metrics["l2"])


def test_live_history_stays_bounded():
    live = compute.LiveTrainer(panels.Settings(record_every=1, **FAST), max_records=20)
    for _ in range(30):
        live.step(5)
    h = live.result().history
    assert len(h["epoch"]) <= 21
    assert h["epoch"][0] == 0 and h["epoch"][-1] == 150
    assert np.all(np.diff(h["epoch"]) > 0)
