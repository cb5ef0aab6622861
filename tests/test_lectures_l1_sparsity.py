"""regutils.lectures.l1_sparsity (notebook 04); the notebook asserts its claims itself."""
import numpy as np
import pytest

from regutils.lectures import l1_sparsity as l1
from regutils.lectures import quadratic as quad


# -- L1 on the quadratic with a diagonal Hessian -----------------------------------------------------
H_DIAG = np.array([1.0, 0.25, 2.0, 0.5, 4.0])


W_STAR = np.array([1.0, 0.5, -0.2, -1.0, 0.05])


@pytest.mark.parametrize("lam", [0.0, 0.05, 0.3, 1.0])
def test_l1_closed_form_agrees_with_numerical_minimizer(lam):
    closed = quad.l1_solution(H_DIAG, W_STAR, lam)
    assert np.abs(closed - l1.l1_numerical_minimizer(H_DIAG, W_STAR, lam)).max() < 1e-6
    # and it is the minimum: no random nearby point does better
    rng = np.random.default_rng(0)
    f0 = l1.l1_objective(closed, np.diag(H_DIAG), W_STAR, lam)
    others = closed + 1e-3 * rng.standard_normal((500, 5))
    assert np.all(l1.l1_objective(others, np.diag(H_DIAG), W_STAR, lam) >= f0)
