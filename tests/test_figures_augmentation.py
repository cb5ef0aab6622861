"""regutils.figures.augmentation draws on the given axes."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np

import regutils as ru
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


def test_transform_and_gain_figures():
    X = np.random.default_rng(0).random((12, 64))
    hooks = {"rot": ru.augment.RandomRotation(15), "elastic": ru.augment.ElasticDistortion()}
    fig, ax = plt.subplots()
    image = fig_aug.plot_transforms(X, hooks, n=5, ax=ax)
    assert image.axes is ax and image.get_array().shape == (3 * 9 - 1, 5 * 9 - 1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["original", "rot", "elastic"]
    np.testing.assert_array_equal(image.get_array()[:8, :8], X[0].reshape(8, 8))
    plt.close(fig)
    fig, ax = plt.subplots()
    r = {"without": np.array([0.9, 0.8]), "a": np.array([0.92, 0.83]), "b": np.array([0.85, 0.8])}
    bars = fig_aug.plot_gains(r, ["a", "b"], ax=ax)
    assert [round(b.get_width(), 6) for b in bars] == [2.5, -2.5]
    plt.close(fig)
