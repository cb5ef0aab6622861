"""regutils.figures.dropout draws on the given axes."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np

import regutils as ru
from regutils.lectures import dropout as lec

from regutils.figures import dropout as fig_drop


def test_figures_draw_on_the_given_axes_and_return_their_artists():
    rcparams = dict(matplotlib.rcParams)
    curve = {"k": np.arange(1, 4), "n_errors": np.array([9, 5, 4]), "n_test": 100,
             "log_loss": np.array([0.3, 0.2, 0.1]), "gap_max": np.array([0.5, 0.4, 0.4]),
             "gap_mean": np.array([0.05, 0.04, 0.04]), "scale_n_errors": 4, "scale_log_loss": 0.1}
    _, axes = plt.subplots(1, 3)
    lines = fig_drop.plot_mc_curve(curve, axes=axes)
    assert lines["error"].axes is axes[0] and lines["log_loss"].axes is axes[1]
    assert lines["gap_max"].axes is axes[2] and lines["gap_mean"].axes is axes[2]
    np.testing.assert_array_equal(lines["error"].get_ydata(), [9, 5, 4])   # counts, not rates
    _, ax2 = plt.subplots()
    assert fig_drop.plot_masks(np.eye(3), ax=ax2).get_array().shape == (3, 3)
    exact = {"a": {"geo_vs_scale": 1e-16, "arith_vs_scale": 0.05},
             "b": {"geo_vs_scale": 0.08, "arith_vs_scale": 0.27}}
    _, ax3 = plt.subplots()
    points = fig_drop.plot_exactness(exact, ax=ax3)
    assert points["geometric"].axes is ax3 and ax3.get_xscale() == "linear"
    co = {"n_test": 450, "no dropout": {"worst_extra_errors": np.array([5, 8, 7])},
          "dropout": {"worst_extra_errors": np.array([3, 3, 2])}}
    _, ax4 = plt.subplots()
    assert fig_drop.plot_coadaptation(co, ax=ax4)["dropout"].axes is ax4
    mn = {"c": 3.0, "lr": 0.5, "without": {"test_acc": np.array([0.96, 0.97])},
          "with": {"test_acc": np.array([0.97, 0.97])}}
    _, ax5 = plt.subplots()
    assert fig_drop.plot_max_norm(mn, ax=ax5)[0].axes is ax5
    plt.close("all")
    assert dict(matplotlib.rcParams) == rcparams


def test_subnetworks_show_test_points_the_key_and_a_colour_bar():
    X, y = ru.make_moons(40, seed=0)
    X_test, y_test = ru.make_moons(30, seed=1)
    net = ru.MLP([2, 8, 8, 2], keep_prob=0.5, seed=0)
    masks = lec.sample_masks(net, 2, seed=1)
    out = fig_drop.plot_subnetworks(net, (X, X_test, y, y_test), masks, n_average=3, seed=2)
    try:
        assert len(out) == 2 + 3
        assert all(o["test"] is not None for o in out)            # hollow test points on every panel
        assert out[0]["legend"] is not None and all(o["legend"] is None for o in out[1:])
        fig = out[0]["image"].axes.figure
        bars = [a for a in fig.axes if a.get_ylabel() == "P(class 1 | x)"]
        assert len(bars) == 1
    finally:
        plt.close("all")


def test_dropout_sweep_draws_train_and_validation_accuracy_the_loss_and_the_chosen_p():
    val = np.array([[0.96, 0.97, 0.2], [0.95, 0.98, 0.3]])
    result = {"keep_probs": np.array([1.0, 0.5, 0.1]), "train_mean": np.array([1.0, 0.99, 0.6]),
              "val_acc": val, "val_mean": val.mean(axis=0), "val_loss_mean": np.array([0.14, 0.09, 2.0]),
              "best_p": 0.5}
    _, axes = plt.subplots(1, 2)
    try:
        lines = fig_drop.plot_dropout_sweep(result, axes=axes)
        assert lines["val"].axes is axes[0] and lines["val_loss"].axes is axes[1]
        np.testing.assert_array_equal(lines["val"].get_ydata(), val.mean(axis=0))
        np.testing.assert_array_equal(lines["val_loss"].get_ydata(), result["val_loss_mean"])
        assert list(lines["chosen"].get_xdata()) == [0.5, 0.5]
        assert len(axes[0].lines) == 2 + 2 + 1  # one dotted row per seed, train, validation, chosen p
        assert axes[1].get_yscale() == "log"
    finally:
        plt.close("all")
