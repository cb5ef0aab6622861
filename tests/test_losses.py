"""Losses: softmax cross-entropy (stable) and mean squared error, values and gradients."""
import warnings

import numpy as np
import pytest

import regutils as ru
from regutils.gradcheck import check_loss, numerical_gradient, rel_error


def rng(seed=0):
    return np.random.default_rng(seed)


def test_softmax_rows_are_distributions_and_shift_invariant():
    z = rng(0).standard_normal((6, 4))
    p = ru.softmax(z)
    assert np.all(p > 0)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-15)
    np.testing.assert_allclose(ru.softmax(z + 7.5), p, rtol=1e-14)
    np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), rtol=1e-14)


def test_cross_entropy_value_against_the_definition():
    z = rng(1).standard_normal((8, 5))
    y = rng(2).integers(0, 5, 8)
    expected = -np.mean([np.log(np.exp(z[i, y[i]]) / np.exp(z[i]).sum()) for i in range(8)])
    loss, grad = ru.softmax_cross_entropy(z, y)
    assert loss == pytest.approx(expected, rel=1e-13)
    assert grad.shape == z.shape


def test_cross_entropy_of_uniform_scores_is_log_c():
    for c in (2, 10):
        loss, _ = ru.softmax_cross_entropy(np.zeros((3, c)), np.arange(3) % c)
        assert loss == pytest.approx(np.log(c), rel=1e-15)


@pytest.mark.parametrize("n, c", [(1, 2), (7, 3), (20, 10)])
def test_cross_entropy_gradient(n, c):
    # Scores of order 1: the element-wise relative error divides by each entry, and entries of
    # ~1e-6 (very unlikely classes) would show round-off of the difference quotient instead.
    z = rng(n).standard_normal((n, c))
    y = rng(c).integers(0, c, n)
    assert check_loss("cross_entropy", z, y) < 1e-7


def test_cross_entropy_is_stable_for_huge_scores():
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 1e4, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = ru.softmax_cross_entropy(z, np.array([1, 1]))
        p = ru.softmax(z)
    # row 0: log-sum-exp ≈ 1000, so -log p[1] = 1000; row 1: correct with certainty, 0
    assert loss == pytest.approx((1000.0 + 0.0) / 2, rel=1e-12)
    assert np.all(np.isfinite(grad)) and np.all(np.isfinite(p))
    np.testing.assert_allclose(grad[0], [0.5, -0.5, 0.0], atol=1e-12)  # (softmax - onehot) / N
    np.testing.assert_allclose(grad[1], 0, atol=1e-12)


@pytest.mark.parametrize("shape", [(5, 1), (6, 3)])
def test_mse_value_and_gradient(shape):
    y_hat = rng(3).standard_normal(shape)
    y = rng(4).standard_normal(shape)
    loss, grad = ru.mean_squared_error(y_hat, y)
    assert loss == pytest.approx(np.sum((y_hat - y) ** 2) / y.size, rel=1e-14)
    assert rel_error(grad, numerical_gradient(lambda: ru.mean_squared_error(y_hat, y)[0], y_hat)) < 1e-7
    assert check_loss("mse", y_hat, y) < 1e-7


def test_mse_reads_a_target_vector_as_one_column():
    y_hat = rng(5).standard_normal((4, 1))
    y = rng(6).standard_normal(4)
    assert ru.mean_squared_error(y_hat, y)[0] == pytest.approx(np.mean((y_hat[:, 0] - y) ** 2))


def test_mse_is_zero_at_the_target():
    y = rng(7).standard_normal((3, 2))
    loss, grad = ru.mean_squared_error(y.copy(), y)
    assert loss == 0.0
    np.testing.assert_array_equal(grad, 0)
