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


def test_plot_ridge_uses_a_log_axis_and_marks_the_chosen_lambda():
    from regutils.lectures import weight_decay as wd
    r = wd.ridge_experiment(epochs=20)
    axes = fig_wd.plot_ridge(r)
    try:
        assert axes[1].get_xscale() == "log"
        star = [l for l in axes[1].get_lines() if l.get_marker() == "*"][0]
        assert star.get_xdata()[0] == r["best_lam"] and star.get_ydata()[0] == r["test_loss_best"]
    finally:
        plt.close(axes[0].figure)


def test_plot_constraint_draws_the_path_inside_the_ball():
    from regutils.lectures import quadratic as quad
    from regutils.lectures import weight_decay as wd
    H, w_star = quad.rotated_hessian(), np.array(quad.W_STAR_2D)
    c = wd.constrained_vs_penalized(H, w_star, 0.3)
    fig, ax = plt.subplots()
    try:
        g = fig_wd.plot_constraint(H, w_star, c, ax=ax)
        np.testing.assert_allclose(g.artists["pgd_end"].get_xydata()[0], g.w_tilde, atol=1e-9)
        assert np.all(np.hypot(*g.artists["pgd_path"].get_data()) <= c["r"] * (1 + 1e-9))
    finally:
        plt.close(fig)
