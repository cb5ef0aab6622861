"""Property tests (hypothesis) over random shapes and hyperparameters: layer gradients, penalty
values and gradients, dropout's zeros. Derandomized (the same examples on every run, so CI is
reproducible) and with modest ``max_examples`` so the file runs in a few seconds."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import regutils as ru
from regutils.gradcheck import check_layer, check_network, check_penalty

PROPERTY = settings(max_examples=30, deadline=None, derandomize=True, database=None)

sizes = st.integers(1, 6)
seeds = st.integers(0, 2**32 - 1)
keep_probs = st.floats(0.05, 1.0)
rules = st.sampled_from(["inverted", "vanilla"])
lams = st.floats(0.0, 10.0)
sigmas = st.floats(0.0, 2.0)


def standard_normal(seed, shape):
    return np.random.default_rng(seed).standard_normal(shape)


weights = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=6),
                     elements=st.one_of(st.just(0.0), st.just(-0.0),
                                        st.floats(-100, 100, allow_subnormal=False)))


# -- layer gradients ---------------------------------------------------------------------------
@PROPERTY
@given(n=sizes, d=sizes, m=sizes, seed=seeds)
def test_dense_gradient(n, d, m, seed):
    layer = ru.Dense(d, m, seed=seed)
    layer.params["b"][:] = standard_normal(seed + 1, m)
    # bilinear in (X, W, b): centred differences are exact, a larger step keeps round-off small
    errors = check_layer(layer, standard_normal(seed + 2, (n, d)), seed=seed, h=1e-3)
    assert max(errors.values()) < 1e-7, errors


@PROPERTY
@given(n=sizes, d=sizes, seed=seeds)
def test_relu_gradient(n, d, seed):
    X = standard_normal(seed, (n, d))
    X = X + np.where(X >= 0, 0.01, -0.01)  # keep the kink at 0 out of the difference step
    assert check_layer(ru.ReLU(), X, seed=seed)["X"] < 1e-7


@PROPERTY
@given(n=sizes, d=sizes, seed=seeds, scale=st.floats(0.1, 1.5))
def test_tanh_gradient(n, d, seed, scale):
    # scale ≤ 1.5: deep in saturation tanh' ≈ 1e-5 and the element-wise relative error would show
    # the round-off of the difference quotient, not a wrong backward
    assert check_layer(ru.Tanh(), scale * standard_normal(seed, (n, d)), seed=seed)["X"] < 1e-7


@PROPERTY
@given(n=sizes, d=sizes, seed=seeds, p=keep_probs, rule=rules)
def test_dropout_gradient_with_mask_held(n, d, seed, p, rule):
    layer = ru.Dropout(p, rule=rule, seed=seed)
    X = standard_normal(seed + 1, (n, d))
    layer.forward(X)
    layer.hold = True
    assert check_layer(layer, X, seed=seed, h=1e-3)["X"] < 1e-9  # linear in X


@PROPERTY
@given(n=sizes, d=sizes, seed=seeds, sigma=sigmas)
def test_gaussian_noise_gradient_with_sample_held(n, d, seed, sigma):
    layer = ru.GaussianNoise(sigma, seed=seed)
    X = standard_normal(seed + 1, (n, d))
    layer.forward(X)
    layer.hold = True
    assert check_layer(layer, X, seed=seed, h=1e-3)["X"] < 1e-9


@settings(max_examples=12, deadline=None, derandomize=True, database=None)
@given(hidden=st.lists(st.integers(1, 5), min_size=1, max_size=2), seed=seeds,
       p=st.floats(0.3, 1.0), rule=rules, sigma=st.floats(0.0, 0.5),
       penalty=st.sampled_from(["none", "l2", "l1"]), lam=st.floats(0.0, 0.1))
def test_network_gradient(hidden, seed, p, rule, sigma, penalty, lam):
    net = ru.MLP([3, *hidden, 3], activation="tanh", keep_prob=p, rule=rule,
                 hidden_sigma=sigma, penalty=penalty, lam=lam if penalty != "none" else 0.0,
                 seed=seed)
    if penalty == "l1":
        for w in net.weights():
            w[np.abs(w) < 1e-3] = 1e-3  # L1's kink at 0 out of the difference step
    X = standard_normal(seed, (5, 3))
    y = np.arange(5) % 3
    errors = check_network(net, X, y)
    assert max(errors.values()) < 1e-7, errors


# -- penalties ---------------------------------------------------------------------------------
@PROPERTY
@given(w=weights, lam=lams)
def test_l2_value_and_gradient(w, lam):
    value, grad = ru.L2(lam)(w)
    assert value >= 0
    assert np.isclose(value, 0.5 * lam * np.sum(w * w), rtol=1e-12, atol=0)
    np.testing.assert_allclose(grad, lam * w, rtol=1e-15, atol=0)


@PROPERTY
@given(w=weights, lam=lams)
def test_l1_value_and_subgradient_with_sign_of_zero_zero(w, lam):
    value, grad = ru.L1(lam)(w)
    assert value >= 0
    assert np.isclose(value, lam * np.sum(np.abs(w)), rtol=1e-12, atol=0)
    expected = lam * np.where(w > 0, 1.0, np.where(w < 0, -1.0, 0.0))
    np.testing.assert_array_equal(grad, expected)
    assert np.all(grad[w == 0] == 0)


@PROPERTY
@given(w=weights, lam=st.floats(0.001, 10.0), c=st.floats(0.0, 100.0),
       name=st.sampled_from(["l1", "l2"]))
def test_penalty_value_scales_linearly_in_lambda(w, lam, c, name):
    cls = ru.L1 if name == "l1" else ru.L2
    v1, g1 = cls(lam)(w)
    vc, gc = cls(c * lam)(w)
    assert np.isclose(vc, c * v1, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(gc, c * g1, rtol=1e-12, atol=0)


@PROPERTY
@given(shape=hnp.array_shapes(max_dims=2, max_side=6), seed=seeds, lam=st.floats(0.01, 10.0),
       name=st.sampled_from(["l1", "l2"]))
def test_penalty_gradient_check(shape, seed, lam, name):
    w = standard_normal(seed, shape)
    w = w + np.where(w >= 0, 0.01, -0.01)  # L1 away from 0
    penalty = ru.L1(lam) if name == "l1" else ru.L2(lam)
    assert check_penalty(penalty, w) < 1e-7


@PROPERTY
@given(w=weights, t=st.floats(0.0, 50.0))
def test_soft_threshold_shrinks_towards_zero(w, t):
    out = ru.soft_threshold(w, t)
    assert np.all(np.abs(out) <= np.abs(w))
    assert np.all(out[np.abs(w) <= t] == 0)
    big = np.abs(w) > t
    np.testing.assert_allclose(np.abs(w[big]) - np.abs(out[big]), t, rtol=1e-9, atol=1e-9)
    assert np.all(np.sign(out[big]) == np.sign(w[big]))


# -- dropout's zeros ---------------------------------------------------------------------------
@PROPERTY
@given(n=sizes, d=sizes, seed=seeds, p=keep_probs, rule=rules)
def test_dropout_output_is_zero_exactly_where_the_mask_is(n, d, seed, p, rule):
    layer = ru.Dropout(p, rule=rule, seed=seed)
    X = standard_normal(seed + 1, (n, d))
    X = X + np.where(X >= 0, 0.1, -0.1)  # no zeros in X
    out = layer.forward(X)
    dropped = out == 0
    if p < 1:
        np.testing.assert_array_equal(dropped, layer.mask == 0)
    else:
        assert not dropped.any()
    factor = 1 / p if rule == "inverted" else 1.0
    np.testing.assert_allclose(out[~dropped], X[~dropped] * factor, rtol=1e-14)
    dX, _ = layer.backward(np.ones_like(out))
    np.testing.assert_array_equal(dX == 0, dropped)
