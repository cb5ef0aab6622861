"""regutils.figures.l1_sparsity: the L1 geometry figure."""
import matplotlib.pyplot as plt
import numpy as np

from regutils.figures import l1_sparsity as fig_l1


def test_l1_geometry_lands_on_a_corner():
    fig, ax = plt.subplots()
    try:
        g = fig_l1.L1Geometry(lam=0.3, ax=ax)
        assert g.w_l1[1] == 0 and g.w_l1[0] > 0 and np.all(g.w_l2 != 0)
        assert "corner" in g.artists["text"].get_text()
        g.set_lam(0.05)
        assert np.all(g.w_l1 != 0) and "corner" not in g.artists["text"].get_text()
    finally:
        plt.close(fig)
