"""regutils.figures.weight_decay: the L2 geometry figure updates in place."""
import matplotlib.pyplot as plt
import numpy as np

from regutils.figures import weight_decay as fig_wd


# -- figures and the λ sliders -------------------------------------------------------------------
def test_l2_geometry_updates_in_place():
    fig, ax = plt.subplots()
    try:
        g = fig_wd.L2Geometry(lam=0.1, ax=ax)
        n_artists = len(ax.get_children())
        w = g.set_lam(1.0)
        np.testing.assert_allclose(g.artists["w_tilde"].get_xydata()[0], w)
        x, y = g.artists["circle"].get_data()
        np.testing.assert_allclose(np.hypot(x, y), np.linalg.norm(w))
        assert len(ax.get_children()) == n_artists
    finally:
        plt.close(fig)
