"""regutils.lectures.norm_penalties (notebook 02): the four distances to zero. The notebook
asserts the slide's claims itself (nbval runs it)."""
import numpy as np
import pytest

from regutils.lectures import norm_penalties as normp


def test_norms_by_hand():
    n = normp.norms([np.array([[3.0, -4.0], [0.0, 0.0]]), np.array([1e-4])])
    assert n["L2"] == pytest.approx(5.0, abs=1e-6)       # √(9 + 16 + 1e-8)
    assert n["L1"] == pytest.approx(7.0001)
    assert n["Linf"] == 4.0
    assert n["L0"] == 2                                  # 0, 0 and 1e-4 (≤ tol) are not counted
    assert n["size"] == 5
    assert normp.norms([np.array([1e-4])], tol=0)["L0"] == 1
