"""Layers (Dense, ReLU, Tanh, Dropout, GaussianNoise) and the gradient-check tools themselves.

Gradient checks run in float64 with a relative error below 1e-7 (CS231n's threshold); the dropout
layer with its mask held is linear in X, so there it is far smaller (CS231n: ~1e-10).
The first tests prove that the checker itself can fail, so that the checks below mean something.
"""
import numpy as np
import pytest

import regutils as ru
from regutils.gradcheck import check_layer, numerical_gradient, rel_error

TOL = 1e-7


def rng(seed=0):
    return np.random.default_rng(seed)


def away_from_zero(shape, seed=0, margin=0.05):
    """Random inputs with |x| >= margin, so ReLU's kink is never within the difference step."""
    X = rng(seed).standard_normal(shape)
    return np.where(np.abs(X) < margin, np.sign(X + 1e-300) * margin, X)


# -- the gradient checker can tell right from wrong -------------------------------------------
def test_numerical_gradient_matches_known_derivative():
    x = rng(1).standard_normal((4, 3))
    expected = 3 * x**2 + np.cos(x)  # d/dx Σ (x³ + sin x), derived by hand
    num = numerical_gradient(lambda: float(np.sum(x**3 + np.sin(x))), x)
    assert num.shape == x.shape
    assert rel_error(expected, num) < 1e-8


def test_numerical_gradient_restores_its_input():
    x = rng(2).standard_normal(5)
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(x**2)), x)
    np.testing.assert_array_equal(x, before)


def test_rel_error_scale():
    a = rng(3).standard_normal(100)
    assert rel_error(a, a) == 0.0
    assert rel_error(a, a * (1 + 1e-9)) < 1e-8
    assert rel_error(a, -a) == pytest.approx(1.0)
    assert rel_error(a, rng(4).standard_normal(100)) > 0.5


class _ForgetfulDropout(ru.Dropout):
    """The counter-example from STYLE.md: a dropout backward that forgets the mask."""

    def backward(self, dout):
        return dout, {}


class _WrongDense(ru.Dense):
    """Dense whose weight gradient is off by a factor of 2."""

    def backward(self, dout):
        dX, grads = super().backward(dout)
        return dX, {"W": 2 * grads["W"], "b": grads["b"]}


def test_check_layer_detects_a_wrong_backward():
    X = rng(5).standard_normal((6, 4))
    bad = _ForgetfulDropout(0.5, seed=0)
    bad.forward(X)
    bad.hold = True
    assert check_layer(bad, X)["X"] > 1e-2
    errors = check_layer(_WrongDense(4, 3, seed=0), X)
    assert errors["W"] > 1e-2 and errors["b"] < TOL


# -- Dense -------------------------------------------------------------------------------------
def test_dense_forward_is_affine():
    layer = ru.Dense(5, 3, seed=0)
    X = rng(6).standard_normal((7, 5))
    W, b = layer.params["W"], layer.params["b"]
    expected = np.array([[sum(X[n, d] * W[d, m] for d in range(5)) + b[m] for m in range(3)]
                         for n in range(7)])
    np.testing.assert_allclose(layer.forward(X), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n, d, m", [(1, 1, 1), (5, 4, 3), (10, 7, 2)])
def test_dense_gradients(n, d, m):
    layer = ru.Dense(d, m, seed=n)
    layer.params["b"][:] = rng(7).standard_normal(m)
    errors = check_layer(layer, rng(8).standard_normal((n, d)))
    assert set(errors) == {"X", "W", "b"}
    assert max(errors.values()) < TOL, errors


def test_backward_never_changes_the_weights():
    layer = ru.Dense(4, 3, seed=0)
    W, b = layer.params["W"].copy(), layer.params["b"].copy()
    layer.forward(rng(9).standard_normal((5, 4)))
    layer.backward(rng(10).standard_normal((5, 3)))
    np.testing.assert_array_equal(layer.params["W"], W)
    np.testing.assert_array_equal(layer.params["b"], b)


def test_dense_initialisation_scale():
    """He init for ReLU (gain 2: std sqrt(2/D)), gain 1 gives std sqrt(1/D); biases start at 0."""
    for gain in (2.0, 1.0):
        layer = ru.Dense(400, 300, seed=0, gain=gain)
        assert layer.params["W"].std() == pytest.approx(np.sqrt(gain / 400), rel=0.02)
        assert abs(layer.params["W"].mean()) < 0.02 * np.sqrt(gain / 400)  # 120,000 draws
        np.testing.assert_array_equal(layer.params["b"], 0)
    np.testing.assert_array_equal(ru.Dense(4, 3, seed=1).params["W"], ru.Dense(4, 3, seed=1).params["W"])
    assert not np.array_equal(ru.Dense(4, 3, seed=1).params["W"], ru.Dense(4, 3, seed=2).params["W"])


# -- activations -------------------------------------------------------------------------------
def test_relu_forward_and_gradient():
    layer = ru.ReLU()
    X = away_from_zero((8, 6), seed=11)
    np.testing.assert_array_equal(layer.forward(X), np.where(X > 0, X, 0))
    assert check_layer(layer, X)["X"] < TOL


def test_tanh_forward_and_gradient():
    layer = ru.Tanh()
    X = 2 * rng(12).standard_normal((8, 6))
    np.testing.assert_allclose(layer.forward(X), np.tanh(X), rtol=0, atol=0)
    assert check_layer(layer, X)["X"] < TOL


# -- Dropout -----------------------------------------------------------------------------------
@pytest.mark.parametrize("rule", ["inverted", "vanilla"])
@pytest.mark.parametrize("p", [0.3, 0.5, 0.8])
def test_dropout_gradient_with_mask_held(rule, p):
    layer = ru.Dropout(p, rule=rule, seed=0)
    X = rng(13).standard_normal((20, 15))
    layer.forward(X)
    mask = layer.mask.copy()
    layer.hold = True
    # Linear in X with the mask held, so centred differences are exact for any step h; a larger h
    # keeps round-off (≈ eps·|f|/h) small, and the error reaches CS231n's ~1e-10.
    err = check_layer(layer, X, h=1e-3)["X"]
    assert err < 1e-10, err
    np.testing.assert_array_equal(layer.mask, mask)  # the check really used one mask


@pytest.mark.parametrize("p", [0.25, 0.4, 0.7])
def test_inverted_dropout_keeps_the_mean(p):
    """CS231n's test: x = randn(500, 500) + 10; train-mode mean ≈ test-mode mean ≈ 10,
    fraction of zeros ≈ 1 − p (std of the fraction ≈ 0.001, of the mean ≈ 0.04)."""
    x = rng(14).standard_normal((500, 500)) + 10
    layer = ru.Dropout(p, rule="inverted", seed=1)
    out_train = layer.forward(x)
    layer.training = False
    out_test = layer.forward(x)
    assert out_train.mean() == pytest.approx(10, abs=0.2)
    assert out_test.mean() == pytest.approx(10, abs=0.05)
    np.testing.assert_array_equal(out_test, x)  # identity at test time
    assert np.mean(out_train == 0) == pytest.approx(1 - p, abs=0.005)
    kept = out_train != 0
    np.testing.assert_allclose(out_train[kept], x[kept] / p, rtol=1e-15)


@pytest.mark.parametrize("p", [0.25, 0.5, 0.9])
def test_vanilla_dropout_masks_at_train_and_scales_at_test(p):
    x = rng(15).standard_normal((500, 500)) + 10
    layer = ru.Dropout(p, rule="vanilla", seed=2)
    out_train = layer.forward(x)
    kept = out_train != 0
    np.testing.assert_array_equal(out_train[kept], x[kept])  # no 1/p at train time
    assert np.mean(~kept) == pytest.approx(1 - p, abs=0.005)
    assert out_train.mean() == pytest.approx(10 * p, abs=0.1)
    layer.training = False
    np.testing.assert_allclose(layer.forward(x), p * x, rtol=1e-15)


@pytest.mark.parametrize("p", [0.3, 0.6])
def test_both_rules_are_unbiased(p):
    """E[train output] = test output per unit for both rules (averaged over 20,000 masks)."""
    x = np.linspace(-2, 3, 12)[None, :]
    X = np.repeat(x, 20000, axis=0)
    for rule in ("inverted", "vanilla"):
        layer = ru.Dropout(p, rule=rule, seed=3)
        mean_train = layer.forward(X).mean(axis=0)
        layer.training = False
        test = layer.forward(x)[0]
        # std of each average ≤ |x|·sqrt((1-p)/p / 20000) ≤ 0.04
        np.testing.assert_allclose(mean_train, test, atol=0.12)


def test_vanilla_plus_test_scaling_equals_inverted():
    """The two rules give the same network function: a vanilla network with next-layer weights W
    equals an inverted network with weights p·W, at train time (same masks) and at test time."""
    p = 0.6
    X = rng(16).standard_normal((30, 4))
    nets = {rule: ru.MLP([4, 16, 16, 3], keep_prob=p, rule=rule, seed=5)
            for rule in ("vanilla", "inverted")}
    for layer in nets["inverted"].layers[1:]:  # every Dense after a Dropout
        if isinstance(layer, ru.Dense):
            layer.params["W"] *= p
    train = {rule: net.forward(X) for rule, net in nets.items()}
    np.testing.assert_allclose(train["vanilla"], train["inverted"], rtol=1e-12, atol=1e-12)
    test = {rule: net.eval().forward(X) for rule, net in nets.items()}
    np.testing.assert_allclose(test["vanilla"], test["inverted"], rtol=1e-12, atol=1e-12)


def test_slide_one_neuron_expectation():
    """The slide's neuron with two inputs: E[a] = p(w₁x₁ + w₂x₂), by enumerating the 4 masks and by
    averaging vanilla dropout's masks."""
    p, w, x = 0.5, np.array([0.7, -1.3]), np.array([2.0, 0.5])
    exact = sum((p if z1 else 1 - p) * (p if z2 else 1 - p) * (w[0] * x[0] * z1 + w[1] * x[1] * z2)
                for z1 in (0, 1) for z2 in (0, 1))
    assert exact == pytest.approx(p * (w @ x), rel=1e-14)
    layer = ru.Dropout(p, rule="vanilla", seed=4)
    sampled = (layer.forward(np.tile(x, (40000, 1))) @ w).mean()
    assert sampled == pytest.approx(exact, abs=0.02)
    layer.training = False
    assert float(layer.forward(x[None])[0] @ w) == pytest.approx(exact, rel=1e-14)


@pytest.mark.parametrize("rule", ["inverted", "vanilla"])
def test_dropout_backward_applies_the_same_mask(rule):
    p = 0.5
    layer = ru.Dropout(p, rule=rule, seed=6)
    X = rng(17).standard_normal((50, 40)) + 3  # no exact zeros in X
    out = layer.forward(X)
    G = rng(18).standard_normal(X.shape)
    dX, grads = layer.backward(G)
    assert grads == {}
    factor = 1 / p if rule == "inverted" else 1.0
    np.testing.assert_array_equal(dX == 0, out == 0)
    np.testing.assert_allclose(dX, G * (out != 0) * factor, rtol=1e-15)


def test_dropout_draws_a_new_mask_each_forward_unless_held():
    layer = ru.Dropout(0.5, seed=7)
    X = np.ones((20, 30))
    a, b = layer.forward(X), layer.forward(X)
    assert not np.array_equal(a, b)
    layer.hold = True
    np.testing.assert_array_equal(layer.forward(X), b)
    assert ru.Dropout(0.5, seed=7).forward(X).tolist() == a.tolist()  # seeded


def test_dropout_keep_prob_one_is_identity():
    X = rng(19).standard_normal((5, 6))
    for rule in ("inverted", "vanilla"):
        layer = ru.Dropout(1.0, rule=rule)
        np.testing.assert_array_equal(layer.forward(X), X)
        np.testing.assert_array_equal(layer.backward(X)[0], X)


# -- GaussianNoise -----------------------------------------------------------------------------
def test_gaussian_noise_gradient_with_sample_held():
    layer = ru.GaussianNoise(0.5, seed=0)
    X = rng(20).standard_normal((10, 7))
    layer.forward(X)
    layer.hold = True
    assert check_layer(layer, X, h=1e-3)["X"] < 1e-10  # X + noise is linear in X (see above)


def test_gaussian_noise_statistics_and_test_mode():
    sigma = 0.3
    layer = ru.GaussianNoise(sigma, seed=1)
    X = rng(21).standard_normal((400, 500))
    noise = layer.forward(X) - X
    assert noise.std() == pytest.approx(sigma, rel=0.01)
    assert abs(noise.mean()) < 0.01 * sigma * 5
    assert not np.array_equal(layer.forward(X), layer.forward(X))  # fresh each forward
    layer.training = False
    np.testing.assert_array_equal(layer.forward(X), X)
    G = rng(22).standard_normal(X.shape)
    np.testing.assert_array_equal(layer.backward(G)[0], G)


def test_layer_reprs():
    assert repr(ru.Dense(3, 4)) == "Dense(3, 4)"
    assert repr(ru.ReLU()) == "ReLU()"
    assert repr(ru.Tanh()) == "Tanh()"
    assert "keep_prob=0.8" in repr(ru.Dropout(0.8, rule="vanilla"))
    assert "vanilla" in repr(ru.Dropout(0.8, rule="vanilla"))
    assert "0.25" in repr(ru.GaussianNoise(0.25))


@pytest.mark.parametrize("layer", [lambda: ru.Dense(6, 4, seed=0), ru.ReLU, ru.Tanh,
                                   lambda: ru.Dropout(0.5, seed=0),
                                   lambda: ru.GaussianNoise(0.1, seed=0)])
def test_float32_stays_float32(layer):
    layer = layer()
    if isinstance(layer, ru.Dense):
        layer.params = {k: v.astype(np.float32) for k, v in layer.params.items()}
    X = rng(23).standard_normal((5, 6)).astype(np.float32)
    out = layer.forward(X)
    assert out.dtype == np.float32
    dX, grads = layer.backward(np.ones_like(out))
    assert dX.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
