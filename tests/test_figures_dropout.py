"""regutils.figures.dropout draws on the given axes."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from regutils.figures import dropout as fig_drop


def test_figures_draw_on_the_given_axes_and_return_their_artists():
    rcparams = dict(matplotlib.rcParams)
    curve = {"k": np.arange(1, 4), "error": np.array([0.1, 0.05, 0.04]),
             "log_loss": np.array([0.3, 0.2, 0.1]), "scale_error": 0.04, "scale_log_loss": 0.1}
    _, axes = plt.subplots(1, 2)
    lines = fig_drop.plot_mc_curve(curve, axes=axes)
    assert lines["error"].axes is axes[0] and lines["log_loss"].axes is axes[1]
    _, ax2 = plt.subplots()
    assert fig_drop.plot_masks(np.eye(3), ax=ax2).get_array().shape == (3, 3)
    assert dict(matplotlib.rcParams) == rcparams
