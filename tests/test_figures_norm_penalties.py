"""regutils.figures.norm_penalties: the figures of notebook 02 draw what they say."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

import regutils as ru
from regutils.figures import norm_penalties as figs
from regutils.lectures import norm_penalties as normp


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_lambda_sweep_marks_the_chosen_lambda_and_its_test_error(ax):
    lams = np.array([1e-3, 1e-2, 1e-1, 1.0])
    val = np.array([[0.2, 0.1, 0.15, 0.5], [0.22, 0.12, 0.17, 0.5]])
    sweep = {"lams": lams, "train_err": val / 2, "val_err": val, "train_mean": val.mean(0) / 2,
             "val_mean": val.mean(0), "best_index": 1, "best_lam": 0.01, "test_mean": 0.13}
    a = figs.plot_lambda_sweep(sweep, ax=ax)
    assert a["best"].get_xdata()[0] == 0.01 and a["best"].get_ydata()[0] == pytest.approx(0.11)
    assert a["test"].get_xdata()[0] == 0.01 and a["test"].get_ydata()[0] == 0.13
    assert "0.130" in a["test"].get_label()


def test_smoothness_draws_zeros_at_the_floor_and_lambda_zero_at_the_left(ax):
    smooth = {"lams": np.array([0.0, 0.01, 0.3]),
              "bound": np.array([[800.0, 15.0, 0.0]]), "gradient": np.array([[170.0, 6.0, 0.0]]),
              "pairs": np.array([[160.0, 6.0, 0.0]])}
    a = figs.plot_smoothness(smooth, ax=ax)
    x, y = a["bound"].get_xdata(), a["bound"].get_ydata()
    # the smallest non-zero value is 6, so a 0 is drawn a decade below its decade: at 0.1
    assert x[0] < x[1] == 0.01 and y[-1] == 0.1 and y[0] == 800
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "0.01", "0.3"]
    assert ax.get_yticklabels()[0].get_text() == "0" and ax.get_yticks()[0] == 0.1
    assert all(t > 0.1 for t in ax.get_yticks()[1:])  # no other tick on the row of zeros
    tiny = dict(smooth, bound=np.array([[800.0, 15.0, 3e-9]]))  # tiny values stay where they are
    ax.clear()
    assert figs.plot_smoothness(tiny, ax=ax)["bound"].get_ydata()[-1] == 3e-9


def test_moved_boundaries_show_the_origin_and_one_line_per_unit():
    net = ru.MLP([2, 4, 2], seed=0)
    net.weights()[0][:, 3] = 0                                # a unit with no line
    X, y = ru.make_moons(20, seed=0)
    fig, axes = plt.subplots(1, 2)
    try:
        out = figs.plot_moved_boundaries([(net, X + 4, y), (net, X + 4, y)], titles=["a", "b"],
                                         axes=axes)
        assert len(out) == 2 and len(out[0]["units"]) == 3
        assert out[0]["origin"].get_xdata()[0] == 0 and out[0]["origin"].get_ydata()[0] == 0
        lo, hi = axes[0].get_xlim()
        assert lo < 0 < hi and axes[0].get_title() == "a"
    finally:
        plt.close(fig)


def test_weight_sizes_draws_every_net_and_every_unit():
    X, y = ru.make_moons(20, seed=0)
    study = {}
    for key, seed in ((("adam", "l2"), 0), (("sgd", "l1"), 1)):
        net = ru.MLP([2, 5, 3, 2], seed=seed)
        net.weights()[1][:, 0] = 0
        study[key] = {"net": net, "units": normp.unit_report(net, X)}
    fig, axes = plt.subplots(1, 2)
    try:
        out = figs.plot_weight_sizes(study, list(study), axes=axes)
        assert len(out["hists"]) == 2 and len(out["units"]) == 2
        assert len(out["units"][0].get_ydata()) == 8               # 5 + 3 hidden units
        assert out["units"][0].get_ydata()[0] == 1e-14             # the zeroed unit, at the floor
        counts = out["hists"][0][0]
        assert counts.sum() == sum(W.size for W in study[("adam", "l2")]["net"].weights())
    finally:
        plt.close(fig)
