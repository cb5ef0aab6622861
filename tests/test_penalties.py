"""Penalties λΩ(w): L2 = ½λ‖w‖² with gradient λw, L1 = λ‖w‖₁ with λ·sign(w) (sign(0) = 0), none;
biases are not penalized unless asked; soft-thresholding (the proximal step of L1)."""
import numpy as np
import pytest

import regutils as ru
from regutils.gradcheck import check_penalty


def rng(seed=0):
    return np.random.default_rng(seed)


def test_l2_value_and_gradient():
    w = np.array([[1.0, -2.0], [0.5, 0.0]])
    value, grad = ru.L2(0.1)(w)
    assert value == pytest.approx(0.5 * 0.1 * (1 + 4 + 0.25), rel=1e-15)
    np.testing.assert_allclose(grad, 0.1 * w, rtol=1e-15)


def test_l1_value_and_gradient_with_sign_of_zero_zero():
    w = np.array([[1.0, -2.0], [0.5, 0.0], [-0.0, 3.0]])
    value, grad = ru.L1(0.1)(w)
    assert value == pytest.approx(0.1 * (1 + 2 + 0.5 + 3), rel=1e-15)
    np.testing.assert_array_equal(grad, 0.1 * np.array([[1, -1], [1, 0], [0, 1]]))
    assert grad[1, 1] == 0 and grad[2, 0] == 0  # the subgradient at 0 is 0, not +1


def test_no_penalty():
    w = rng(0).standard_normal((3, 4))
    for penalty in (ru.NoPenalty(), ru.make_penalty("none"), ru.make_penalty(None)):
        value, grad = penalty(w)
        assert value == 0
        np.testing.assert_array_equal(grad, np.zeros_like(w))


@pytest.mark.parametrize("penalty", [ru.L2(0.3), ru.L1(0.3), ru.L2(2.0), ru.L1(1e-3)])
def test_penalty_gradients(penalty):
    w = rng(1).standard_normal((6, 5))
    w = np.where(np.abs(w) < 0.01, 0.5, w)  # L1: stay away from the kink at 0
    assert check_penalty(penalty, w) < 1e-7


def test_penalties_scale_linearly_in_lambda_and_are_nonnegative():
    w = rng(2).standard_normal((4, 4))
    for cls in (ru.L1, ru.L2):
        v1, g1 = cls(1.0)(w)
        v3, g3 = cls(3.0)(w)
        assert v1 > 0 and v3 == pytest.approx(3 * v1, rel=1e-15)
        np.testing.assert_allclose(g3, 3 * g1, rtol=1e-15)
        assert cls(0.0)(w)[0] == 0


def test_make_penalty_by_name_and_instances_pass_through():
    assert isinstance(ru.make_penalty("l2", 0.1), ru.L2)
    assert isinstance(ru.make_penalty("l1", 0.1), ru.L1)
    assert ru.make_penalty("l1", 0.25).lam == 0.25
    p = ru.L2(0.5)
    assert ru.make_penalty(p) is p


def test_biases_are_not_penalized_unless_asked():
    assert ru.L2(1.0).applies_to("W") and not ru.L2(1.0).applies_to("b")
    assert ru.L2(1.0, penalize_bias=True).applies_to("b")


@pytest.mark.parametrize("penalize_bias", [False, True])
@pytest.mark.parametrize("name", ["l2", "l1"])
def test_network_penalizes_weights_only_unless_asked(name, penalize_bias):
    """L̃ = L + λΩ and ∇L̃ = ∇L + λ∇Ω over the weights (and the biases only if asked)."""
    lam = 0.05
    X = rng(3).standard_normal((12, 3))
    y = rng(4).integers(0, 2, 12)
    plain = ru.MLP([3, 5, 2], seed=1)
    net = ru.MLP([3, 5, 2], penalty=name, lam=lam, penalize_bias=penalize_bias, seed=1)
    for layer in net.layers:  # nonzero biases, so a bias penalty would show
        if "b" in layer.params:
            layer.params["b"][:] = 0.3
    for a, b in zip(plain.layers, net.layers):
        a.params = {k: v.copy() for k, v in b.params.items()}
    L, g0 = plain.loss_and_grads(X, y)
    L_tilde, g = net.loss_and_grads(X, y)
    omega = ru.L2(1.0) if name == "l2" else ru.L1(1.0)
    params = net.parameters()
    penalized = [k for k in params if k.endswith("W") or penalize_bias]
    assert L_tilde == pytest.approx(L + lam * sum(omega(params[k])[0] for k in penalized), rel=1e-13)
    assert net.penalty_value() == pytest.approx(L_tilde - L, rel=1e-12)
    for k in params:
        extra = lam * omega(params[k])[1] if k in penalized else 0
        np.testing.assert_allclose(g[k], g0[k] + extra, rtol=1e-13, atol=1e-15)


def test_soft_threshold():
    w = np.array([-2.0, -0.3, -0.1, 0.0, 0.05, 0.1, 0.7])
    out = ru.soft_threshold(w, 0.1)
    np.testing.assert_allclose(out, [-1.9, -0.2, 0.0, 0.0, 0.0, 0.0, 0.6], atol=1e-15)
    assert np.all(out[2:6] == 0)  # exact zeros, not small numbers
    np.testing.assert_array_equal(ru.soft_threshold(w, 0), w)


def test_ista_reaches_goodfellow_closed_form():
    """Goodfellow §7.1.2 with a diagonal Hessian H: ½Σ Hᵢ(wᵢ − wᵢ*)² + λ‖w‖₁ is minimized at
    wᵢ = sign(wᵢ*)·max(|wᵢ*| − λ/Hᵢ, 0). ISTA (gradient step + soft_threshold) gets there with exact
    zeros."""
    H = np.array([1.0, 2.0, 0.5, 4.0, 1.5])
    w_star = np.array([0.3, -0.05, 1.0, -2.0, 0.1])
    lam, lr = 0.2, 0.2
    closed = np.sign(w_star) * np.maximum(np.abs(w_star) - lam / H, 0)
    w = np.zeros(5)
    for _ in range(500):
        w = ru.soft_threshold(w - lr * H * (w - w_star), lr * lam)
    np.testing.assert_allclose(w, closed, atol=1e-14)
    np.testing.assert_array_equal(w == 0, closed == 0)
    assert np.sum(closed == 0) == 2


def test_penalty_repr():
    assert repr(ru.L2(0.001)) == "L2(lam=0.001)"
    assert "L1" in repr(ru.L1(0.5)) and "0.5" in repr(ru.L1(0.5))
    assert "penalize_bias=True" in repr(ru.L1(0.5, penalize_bias=True))


def test_penalty_gradients_check_numerically():
    w = np.random.default_rng(0).standard_normal((4, 3))
    assert ru.check_penalty(ru.L2(0.1), w) < 1e-8
    assert ru.check_penalty(ru.L1(0.1), w) < 1e-8  # no entry near 0
