"""The network: MLP construction, modes, whole-network gradient checks (penalties + dropout with the
mask held + Gaussian noise with the sample held), the test-time rules (weight scaling and
Monte-Carlo), and ``print(net)``."""
import itertools

import numpy as np
import pytest

import regutils as ru
from regutils.gradcheck import check_network


def rng(seed=0):
    return np.random.default_rng(seed)


def data(n=10, d=3, c=3, seed=0):
    return rng(seed).standard_normal((n, d)), rng(seed + 1).integers(0, c, n)


# -- construction ------------------------------------------------------------------------------
def test_mlp_layer_order():
    net = ru.MLP([4, 8, 6, 3], keep_prob=0.5, input_keep_prob=0.8, input_sigma=0.1,
                 hidden_sigma=0.2, activation="tanh")
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["GaussianNoise", "Dropout", "Dense", "Tanh", "GaussianNoise", "Dropout",
                     "Dense", "Tanh", "GaussianNoise", "Dropout", "Dense"]
    assert [w.shape for w in net.weights()] == [(4, 8), (8, 6), (6, 3)]
    keep = [l.keep_prob for l in net.layers if isinstance(l, ru.Dropout)]
    assert keep == [0.8, 0.5, 0.5]
    sigmas = [l.sigma for l in net.layers if isinstance(l, ru.GaussianNoise)]
    assert sigmas == [0.1, 0.2, 0.2]


def test_mlp_without_regularizers_is_plain():
    net = ru.MLP([2, 5, 2])
    assert [type(l).__name__ for l in net.layers] == ["Dense", "ReLU", "Dense"]
    assert isinstance(net.penalty, ru.NoPenalty)


def test_mlp_is_seeded_and_weights_do_not_depend_on_regularizers():
    a = ru.MLP([2, 8, 8, 2], seed=0).weights()
    b = ru.MLP([2, 8, 8, 2], keep_prob=0.5, hidden_sigma=0.3, input_sigma=0.1, penalty="l1",
               lam=0.1, seed=0).weights()
    c = ru.MLP([2, 8, 8, 2], seed=1).weights()
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a[0], c[0])


def test_parameters_are_the_arrays_themselves():
    net = ru.MLP([2, 4, 3])
    params = net.parameters()
    assert sorted(params) == ["0.W", "0.b", "2.W", "2.b"]
    params["0.W"] += 1.0
    np.testing.assert_array_equal(net.layers[0].params["W"], params["0.W"])
    assert net.weights()[0] is params["0.W"]
    assert (net.n_inputs, net.n_outputs) == (2, 3)


def test_set_penalty_keeps_the_weights():
    net = ru.MLP([2, 4, 2], seed=0)
    before = [w.copy() for w in net.weights()]
    net.set_penalty("l1", 0.3)
    assert isinstance(net.penalty, ru.L1) and net.penalty.lam == 0.3
    for w, b in zip(net.weights(), before):
        np.testing.assert_array_equal(w, b)


# -- modes -------------------------------------------------------------------------------------
def test_train_and_eval_modes():
    net = ru.MLP([3, 20, 2], keep_prob=0.5, hidden_sigma=0.3, seed=0)
    X, _ = data(d=3)
    assert not np.array_equal(net.forward(X), net.forward(X))  # fresh masks and noise
    net.eval()
    assert all(not l.training for l in net.layers)
    np.testing.assert_array_equal(net.forward(X), net.forward(X))
    net.train()
    assert all(l.training for l in net.layers)


def test_hold_noise_reuses_masks_and_noise_only_inside_the_block():
    net = ru.MLP([3, 20, 2], keep_prob=0.5, hidden_sigma=0.3, input_sigma=0.2, seed=0)
    X, _ = data(d=3)
    first = net.forward(X)
    with net.hold_noise():
        np.testing.assert_array_equal(net.forward(X), first)
        np.testing.assert_array_equal(net.forward(X), first)
    assert not np.array_equal(net.forward(X), first)


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_predict_proba_leaves_the_mode_alone(mode):
    net = ru.MLP([3, 8, 2], keep_prob=0.5, seed=0)
    getattr(net, mode)()
    X, _ = data(d=3)
    for rule in ("scale", "mc"):
        p = net.predict_proba(X, test_rule=rule, k=3)
        assert net.training == (mode == "train")
        assert all(l.training == (mode == "train") for l in net.layers)
        np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-12)


def test_predict_and_accuracy():
    net = ru.MLP([3, 8, 4], seed=0)
    X, _ = data(n=30, d=3, c=4)
    p = net.predict_proba(X)
    y_hat = net.predict(X)
    np.testing.assert_array_equal(y_hat, p.argmax(axis=1))
    y = y_hat.copy()
    y[:6] = (y[:6] + 1) % 4
    assert net.accuracy(X, y) == pytest.approx(24 / 30)


def test_predict_scale_rule_is_deterministic_and_uses_test_time_dropout():
    """rule="scale": vanilla nets multiply by p, inverted nets do nothing (by hand for one layer)."""
    X, _ = data(n=6, d=3)
    for rule, factor in (("vanilla", 0.4), ("inverted", 1.0)):
        net = ru.MLP([3, 7, 2], keep_prob=0.4, rule=rule, seed=2)
        (W1, b1), (W2, b2) = [(l.params["W"], l.params["b"]) for l in net.layers if l.params]
        logits = factor * np.maximum(X @ W1 + b1, 0) @ W2 + b2
        expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(net.predict_proba(X), expected, rtol=1e-12)


# -- whole-network gradient checks (float64, relative error < 1e-7) -----------------------------
NETWORKS = {
    "l2+dropout+noise": dict(keep_prob=0.7, hidden_sigma=0.2, input_sigma=0.1, penalty="l2",
                             lam=0.05),
    "l1+vanilla-dropout+noise": dict(keep_prob=0.6, rule="vanilla", hidden_sigma=0.2,
                                     input_sigma=0.1, penalty="l1", lam=0.05),
    "l2+penalized-bias": dict(keep_prob=0.8, penalty="l2", lam=0.1, penalize_bias=True),
    "tanh+mse+l2": dict(activation="tanh", loss="mse", keep_prob=0.7, hidden_sigma=0.1,
                        penalty="l2", lam=0.05),
    "input-dropout+l1": dict(input_keep_prob=0.8, keep_prob=0.7, penalty="l1", lam=0.05),
}


@pytest.mark.parametrize("name", list(NETWORKS))
def test_network_gradients(name):
    kwargs = NETWORKS[name]
    net = ru.MLP([4, 7, 6, 3], seed=4, **kwargs)
    for layer in net.layers:  # nonzero biases so the bias gradients are really tested
        if layer.params:
            layer.params["b"][:] = rng(5).standard_normal(layer.params["b"].shape) * 0.1
    X, y = data(n=8, d=4, c=3, seed=6)
    if kwargs.get("loss") == "mse":
        y = rng(7).standard_normal((8, 3))
    if kwargs.get("penalty") == "l1":  # L1's kink: no weight within the difference step of 0
        assert min(np.abs(w).min() for w in net.weights()) > 1e-3
    errors = check_network(net, X, y)
    assert set(errors) == set(net.parameters())
    assert max(errors.values()) < 1e-7, errors


def test_network_gradient_check_uses_the_held_mask():
    """Masks really are held (and not just absent): with dropout the gradient differs from the
    gradient of the same net in eval mode."""
    net = ru.MLP([4, 7, 3], keep_prob=0.5, seed=3)
    X, y = data(n=8, d=4, c=3, seed=6)
    errors = check_network(net, X, y)
    assert max(errors.values()) < 1e-7
    _, g_train = net.loss_and_grads(X, y)
    net.eval()
    _, g_eval = net.loss_and_grads(X, y)
    assert not np.allclose(g_train["0.W"], g_eval["0.W"])


def test_loss_and_grads_is_data_loss_plus_penalty():
    net = ru.MLP([4, 7, 3], penalty="l2", lam=0.1, seed=1).eval()
    X, y = data(n=8, d=4, c=3)
    total, _ = net.loss_and_grads(X, y)
    by_hand = 0.5 * 0.1 * sum(float(np.sum(w**2)) for w in net.weights())
    assert total == pytest.approx(net.data_loss(X, y) + by_hand, rel=1e-13)


def test_float32_network_stays_float32():
    net = ru.MLP([4, 8, 3], keep_prob=0.8, hidden_sigma=0.1, penalty="l2", lam=1e-3,
                 dtype=np.float32, seed=0)
    X, y = data(n=8, d=4, c=3)
    X = X.astype(np.float32)
    assert net.forward(X).dtype == np.float32
    _, grads = net.loss_and_grads(X, y)
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}
    params = net.parameters()
    ru.SGD(lr=0.1, momentum=0.9, weight_decay=1e-3).step(params, grads)
    ru.AdamW(lr=0.1).step(params, grads)
    assert {p.dtype for p in net.parameters().values()} == {np.dtype(np.float32)}


# -- Monte-Carlo versus weight scaling ---------------------------------------------------------
def _linear_softmax(p, rule, D=8, C=3, seed=0, scale=0.7):
    """Softmax regression with dropout on its D inputs: MLP([D, C], input_keep_prob=p)."""
    net = ru.MLP([D, C], input_keep_prob=p, rule=rule, seed=seed)
    dense = net.layers[-1]
    dense.params["W"][:] = scale * rng(seed + 1).standard_normal((D, C))
    dense.params["b"][:] = 0.1 * rng(seed + 2).standard_normal(C)
    X = rng(seed + 3).standard_normal((5, D))
    return net, X


def _all_masks(net, X, p, rule):
    """Exact E_z over all 2^D masks, by hand: the arithmetic mean of softmax(f(x, z)) and the
    renormalized geometric mean."""
    W, b = net.layers[-1].params["W"], net.layers[-1].params["b"]
    D = W.shape[0]
    mean = np.zeros((len(X), W.shape[1]))
    log_geo = np.zeros_like(mean)
    for z in itertools.product((0, 1), repeat=D):
        z = np.array(z, float)
        weight = np.prod(np.where(z == 1, p, 1 - p))
        logits = (X * z / (p if rule == "inverted" else 1.0)) @ W + b
        log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        mean += weight * np.exp(log_probs)
        log_geo += weight * log_probs
    geo = np.exp(log_geo)
    return mean, geo / geo.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("rule", ["inverted", "vanilla"])
def test_weight_scaling_is_the_geometric_mean_for_softmax_regression(rule):
    """Goodfellow §7.12: for softmax regression weight scaling is exactly the renormalized geometric
    mean over all masks (enumerated: 2⁸ masks)."""
    p = 0.6
    net, X = _linear_softmax(p, rule)
    _, geometric = _all_masks(net, X, p, rule)
    np.testing.assert_allclose(net.predict_proba(X, test_rule="scale"), geometric, rtol=1e-12)


def test_monte_carlo_approaches_the_exact_average_and_weight_scaling():
    """MC over k masks converges to the exact arithmetic mean E_z[softmax] (enumerated), which for
    small weights is close to weight scaling (their difference is Jensen's gap, measured ≈ 0.05
    here, against ≈ 0.3 for one mask)."""
    p, rule = 0.6, "inverted"
    net, X = _linear_softmax(p, rule, scale=0.2)
    exact, _ = _all_masks(net, X, p, rule)
    scale = net.predict_proba(X, test_rule="scale")
    err_exact = {k: np.abs(net.predict_proba(X, "mc", k=k, seed=1) - exact).max()
                 for k in (1, 20, 4000)}
    err_scale = {k: np.abs(net.predict_proba(X, "mc", k=k, seed=1) - scale).max()
                 for k in (1, 20, 4000)}
    gap = np.abs(exact - scale).max()  # Jensen's gap: the arithmetic mean is not the geometric one
    assert err_exact[1] > err_exact[20] > err_exact[4000]
    assert err_exact[4000] < 0.02  # ≈ 1/sqrt(4000) of a probability's spread
    assert err_scale[1] > err_scale[20] > err_scale[4000]
    assert err_scale[4000] < gap + 0.02
    assert gap < err_scale[1] / 4


def test_monte_carlo_is_seeded_and_leaves_training_masks_alone():
    X, _ = data(n=20, d=3)
    net = ru.MLP([3, 16, 2], keep_prob=0.5, seed=0)
    a = net.predict_proba(X, test_rule="mc", k=5, seed=3)
    np.testing.assert_array_equal(a, net.predict_proba(X, test_rule="mc", k=5, seed=3))
    assert not np.array_equal(a, net.predict_proba(X, test_rule="mc", k=5, seed=4))
    assert not np.allclose(a, net.predict_proba(X, test_rule="scale"))
    twin = ru.MLP([3, 16, 2], keep_prob=0.5, seed=0)  # same training masks without the MC call
    np.testing.assert_array_equal(net.forward(X), twin.forward(X))


# -- print(net) --------------------------------------------------------------------------------
def test_print_net_shows_architecture_and_regularizers(capsys):
    net = ru.MLP([2, 8, 2], keep_prob=0.5, rule="vanilla", hidden_sigma=0.1,
                 penalty="l2", lam=1e-3)
    print(net)
    out = capsys.readouterr().out
    for piece in ("Dense(2, 8)", "ReLU()", "Dense(8, 2)", "GaussianNoise(sigma=0.1)",
                  "keep_prob=0.5", "vanilla", "L2(lam=0.001)", "cross_entropy"):
        assert piece in out, (piece, out)
    assert out.index("Dense(2, 8)") < out.index("keep_prob") < out.index("Dense(8, 2)")
    print(ru.MLP([2, 8, 2], penalty="l1", lam=0.01))
    assert "L1(lam=0.01)" in capsys.readouterr().out
