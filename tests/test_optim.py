"""Optimizers: the update equations (checked against hand-written formulas), and the lecture's
claims: for plain SGD an L2 penalty and weight decay are the same update; for Adam they are not."""
import numpy as np
import pytest

import regutils as ru


def rng(seed=0):
    return np.random.default_rng(seed)


def params_and_grads(seed=0):
    r = rng(seed)
    params = {"0.W": r.standard_normal((3, 4)), "0.b": r.standard_normal(4)}
    grads = {k: r.standard_normal(v.shape) for k, v in params.items()}
    return params, grads


def copy(d):
    return {k: v.copy() for k, v in d.items()}


def test_sgd_step():
    params, grads = params_and_grads()
    before = copy(params)
    ru.SGD(lr=0.1).step(params, grads)
    for k in params:
        np.testing.assert_allclose(params[k], before[k] - 0.1 * grads[k], rtol=1e-15)


def test_sgd_updates_the_arrays_in_place():
    params, grads = params_and_grads()
    W = params["0.W"]
    ru.SGD(lr=0.1, momentum=0.9, weight_decay=0.1).step(params, grads)
    assert params["0.W"] is W


def test_sgd_momentum_matches_the_formula():
    """v ← μv + g; w ← w − ηv (PyTorch's form), over three steps with changing gradients."""
    lr, mu = 0.05, 0.9
    params, _ = params_and_grads(1)
    expected = copy(params)
    v = {k: np.zeros_like(p) for k, p in params.items()}
    opt = ru.SGD(lr=lr, momentum=mu)
    for t in range(3):
        grads = {k: rng(10 + t).standard_normal(p.shape) for k, p in params.items()}
        for k in params:
            v[k] = mu * v[k] + grads[k]
            expected[k] = expected[k] - lr * v[k]
        opt.step(params, grads)
    for k in params:
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-13)


def test_sgd_weight_decay_is_decoupled_and_skips_biases():
    """w ← (1 − ηλ)w − η∇L for weights; biases get the plain step."""
    lr, wd = 0.1, 0.01
    params, grads = params_and_grads(2)
    before = copy(params)
    ru.SGD(lr=lr, weight_decay=wd).step(params, grads)
    np.testing.assert_allclose(params["0.W"], (1 - lr * wd) * before["0.W"] - lr * grads["0.W"],
                               rtol=1e-14)
    np.testing.assert_allclose(params["0.b"], before["0.b"] - lr * grads["0.b"], rtol=1e-15)


def test_adam_matches_the_formula():
    """m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − η m̂/(√v̂ + ε), with bias correction."""
    lr, b1, b2, eps = 0.01, 0.8, 0.99, 1e-8
    params, _ = params_and_grads(3)
    expected = copy(params)
    m = {k: 0.0 for k in params}
    v = {k: 0.0 for k in params}
    opt = ru.Adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    for t in range(1, 5):
        grads = {k: rng(20 + t).standard_normal(p.shape) for k, p in params.items()}
        for k in params:
            m[k] = b1 * m[k] + (1 - b1) * grads[k]
            v[k] = b2 * v[k] + (1 - b2) * grads[k] ** 2
            m_hat, v_hat = m[k] / (1 - b1**t), v[k] / (1 - b2**t)
            expected[k] = expected[k] - lr * m_hat / (np.sqrt(v_hat) + eps)
        opt.step(params, grads)
    for k in params:
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-12)


def test_adam_first_step_is_lr_times_sign():
    params, grads = params_and_grads(4)
    before = copy(params)
    ru.Adam(lr=0.01).step(params, grads)
    for k in params:  # m̂ = g, v̂ = g²: the first step is η·g/(|g| + ε)
        g = grads[k]
        np.testing.assert_allclose(before[k] - params[k], 0.01 * g / (np.abs(g) + 1e-8), rtol=1e-9)


def test_adamw_matches_the_formula():
    """AdamW: w ← (1 − ηλ)w − η m̂/(√v̂ + ε) for weights; biases are not decayed."""
    lr, wd = 0.01, 0.1
    params, _ = params_and_grads(5)
    ref = copy(params)
    adam = ru.Adam(lr=lr)
    adamw = ru.AdamW(lr=lr, weight_decay=wd)
    for t in range(3):
        grads = {k: rng(30 + t).standard_normal(p.shape) for k, p in params.items()}
        before = copy(params)
        step = copy(ref)
        adam.step(step, grads)  # the Adam step -η m̂/(√v̂+ε) on a copy of the same trajectory
        adamw.step(params, grads)
        for k in params:
            decay = (1 - lr * wd) if k.endswith("W") else 1.0
            np.testing.assert_allclose(params[k], decay * before[k] + (step[k] - ref[k]),
                                       rtol=1e-12, atol=1e-15)
        ref = step


def test_adamw_default_weight_decay_is_pytorchs():
    assert ru.AdamW().weight_decay == 0.01
    assert ru.Adam().weight_decay == 0.0


def _train(net, opt, X, y, steps):
    """Full-batch steps; returns a copy of the parameters after every step."""
    params = net.parameters()
    trajectory = []
    for _ in range(steps):
        _, grads = net.loss_and_grads(X, y)
        opt.step(params, grads)
        trajectory.append(copy(params))
    return trajectory


def _moons():
    return ru.make_moons(100, noise=0.2, seed=0)


def test_sgd_l2_penalty_equals_weight_decay_step_for_step():
    """The slide: w ← w − η(λw + ∇L) ⇔ w ← (1 − ηλ)w − η∇L. Plain SGD, 100 steps, dropout on
    (same seed, same masks): equal to round-off at every step."""
    X, y = _moons()
    lam, lr = 1e-2, 0.5
    with_penalty = ru.MLP([2, 16, 16, 2], keep_prob=0.8, penalty="l2", lam=lam, seed=3)
    with_decay = ru.MLP([2, 16, 16, 2], keep_prob=0.8, seed=3)
    a = _train(with_penalty, ru.SGD(lr=lr), X, y, 100)
    b = _train(with_decay, ru.SGD(lr=lr, weight_decay=lam), X, y, 100)
    worst = max(np.max(np.abs(pa[k] - pb[k])) for pa, pb in zip(a, b) for k in pa)
    assert worst < 1e-14, worst
    # and the decay did something: the unregularized run is far away
    c = _train(ru.MLP([2, 16, 16, 2], keep_prob=0.8, seed=3), ru.SGD(lr=lr), X, y, 100)
    assert max(np.max(np.abs(a[-1][k] - c[-1][k])) for k in a[-1]) > 1e-2


def test_adam_with_l2_penalty_differs_from_adamw():
    X, y = _moons()
    lam, lr = 1e-2, 0.01
    a = _train(ru.MLP([2, 16, 16, 2], penalty="l2", lam=lam, seed=3), ru.Adam(lr=lr), X, y, 50)
    b = _train(ru.MLP([2, 16, 16, 2], seed=3), ru.AdamW(lr=lr, weight_decay=lam), X, y, 50)
    diff = max(np.max(np.abs(a[-1][k] - b[-1][k])) for k in a[-1] if k.endswith("W"))
    assert diff > 1e-2, diff  # measured ≈ 0.7


def test_optimizer_reprs():
    assert repr(ru.SGD(lr=0.1)) == "SGD(lr=0.1)"
    r = repr(ru.SGD(lr=0.1, momentum=0.9, weight_decay=1e-4))
    assert "momentum=0.9" in r and "weight_decay=0.0001" in r
    assert "AdamW" in repr(ru.AdamW(lr=1e-3))


@pytest.mark.parametrize("opt_class", [ru.SGD, ru.Adam])
def test_prox_l1_soft_thresholds_weights_only(opt_class):
    """prox_l1: after the update, w ← sign(w)·max(|w| − ηλ, 0) on weights; biases untouched."""
    opt = opt_class(lr=0.5, prox_l1=0.1)
    params = {"0.W": np.array([0.01, -0.02, 1.0, -1.0]), "0.b": np.array([0.01])}
    opt.step(params, {"0.W": np.zeros(4), "0.b": np.zeros(1)})
    np.testing.assert_array_equal(params["0.W"], [0.0, 0.0, 0.95, -0.95])
    np.testing.assert_array_equal(params["0.b"], [0.01])


def test_prox_l1_after_the_gradient_step():
    """One ISTA step: soft_threshold(w − η g, ηλ), in that order."""
    w0, g = np.array([0.3, -0.3, 0.05]), np.array([0.4, -0.4, 0.0])
    params = {"0.W": w0.copy()}
    ru.SGD(lr=0.5, prox_l1=0.2).step(params, {"0.W": g})
    np.testing.assert_allclose(params["0.W"], ru.soft_threshold(w0 - 0.5 * g, 0.1))
    np.testing.assert_array_equal(params["0.W"], [0.0, 0.0, 0.0])



# ------------------------------------------------------------------------------------------------
# max_norm: each unit's incoming weight vector projected onto ‖w‖₂ ≤ c after the step
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("opt_class", [ru.SGD, ru.Adam, ru.AdamW])
def test_max_norm_bounds_every_unit_after_a_step(opt_class):
    r = rng(5)
    params = {"0.W": 3.0 * r.standard_normal((6, 8)), "0.b": 5.0 * r.standard_normal(8),
              "1.W": 3.0 * r.standard_normal((8, 3)), "1.b": 5.0 * r.standard_normal(3)}
    grads = {k: r.standard_normal(v.shape) for k, v in params.items()}
    before_b = {k: params[k].copy() for k in ("0.b", "1.b")}
    opt = opt_class(lr=0.1, max_norm=1.5)
    free = {k: v.copy() for k, v in params.items()}
    opt_class(lr=0.1).step(free, grads)
    opt.step(params, grads)
    for name in ("0.W", "1.W"):
        norms = np.linalg.norm(params[name], axis=0)
        assert np.all(norms <= 1.5 * (1 + 1e-12)), name
        assert np.all(np.linalg.norm(free[name], axis=0) > 1.5), "the test must exercise the projection"
        # the projection only rescales each column: same direction as the free step
        np.testing.assert_allclose(params[name] / norms,
                                   free[name] / np.linalg.norm(free[name], axis=0), rtol=1e-12)
        np.testing.assert_allclose(norms, 1.5, rtol=1e-12)
    for name in before_b:   # biases are not constrained
        np.testing.assert_allclose(params[name], free[name], rtol=1e-15)
        assert np.abs(params[name]).max() > 1.5


def test_max_norm_leaves_units_inside_the_ball_unchanged():
    r = rng(6)
    W = r.standard_normal((5, 4))
    W[:, :2] *= 0.01 / np.linalg.norm(W[:, :2], axis=0)     # two units far inside ‖w‖ ≤ 1
    W[:, 2:] *= 10 / np.linalg.norm(W[:, 2:], axis=0)       # two far outside
    g = 1e-3 * r.standard_normal(W.shape)
    free, bounded = {"0.W": W.copy()}, {"0.W": W.copy()}
    ru.SGD(lr=0.1).step(free, {"0.W": g})
    ru.SGD(lr=0.1, max_norm=1.0).step(bounded, {"0.W": g})
    np.testing.assert_array_equal(bounded["0.W"][:, :2], free["0.W"][:, :2])
    np.testing.assert_allclose(np.linalg.norm(bounded["0.W"][:, 2:], axis=0), 1.0, rtol=1e-12)


def test_max_norm_none_is_the_plain_step():
    params, grads = params_and_grads(7)
    a, b = copy(params), copy(params)
    ru.SGD(lr=0.3, momentum=0.9).step(a, grads)
    ru.SGD(lr=0.3, momentum=0.9, max_norm=None).step(b, grads)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


@pytest.mark.parametrize("bad, exc", [(0, ValueError), (-1.0, ValueError), (float("inf"), ValueError),
                                      (float("nan"), ValueError), ("2", TypeError), (True, TypeError)])
@pytest.mark.parametrize("opt_class", [ru.SGD, ru.Adam, ru.AdamW])
def test_max_norm_bad_values_give_named_errors(opt_class, bad, exc):
    with pytest.raises(exc, match="max_norm"):
        opt_class(lr=0.1, max_norm=bad)


def test_max_norm_changed_after_construction_is_checked_before_any_weight_changes():
    params, grads = params_and_grads(8)
    before = copy(params)
    opt = ru.SGD(lr=0.1, max_norm=1.0)
    opt.max_norm = -2
    with pytest.raises(ValueError, match="max_norm"):
        opt.step(params, grads)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_max_norm_in_the_repr():
    assert "max_norm=3" in repr(ru.SGD(lr=0.1, max_norm=3.0))
