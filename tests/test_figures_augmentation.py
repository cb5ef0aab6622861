"""regutils.figures.augmentation draws on the given axes."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from regutils.figures import augmentation as fig_aug


def test_figures_draw_on_the_given_axes_and_return_their_artists():
    rcparams = dict(matplotlib.rcParams)
    fig, ax = plt.subplots()
    size = {"sizes": np.array([50, 100]), "test_acc": np.array([[0.8, 0.82], [0.9, 0.91]]),
            "train_acc": np.ones((2, 2))}
    assert fig_aug.plot_accuracy_vs_size(size, ax=ax)["train"].axes is ax
    bars = fig_aug.plot_per_class(np.ones(10), np.linspace(0, 1, 10), ax=ax)
    assert len(bars["flipped"]) == 10
    assert len(fig_aug.plot_with_without({"a": {"without": np.array([0.9]), "with": np.array([0.8])}},
                                    ax=ax)) == 2
    assert len(fig_aug.plot_flips(np.zeros((3, 64)), np.array([0, 1, 2])).ravel()) == 6
    assert dict(matplotlib.rcParams) == rcparams
