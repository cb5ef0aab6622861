"""regutils.plots: the static helpers and the panel figure (drawn off screen with Agg)."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import regutils as ru
from regutils import explore as ex
from regutils import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def trained():
    X, y = ru.make_moons(60, noise=0.2, seed=0)
    net = ru.MLP([2, 16, 2], seed=0)
    ru.fit(net, ru.Adam(lr=0.01), X, y, epochs=30)
    return net, X, y


def pixels(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


# -- static helpers -----------------------------------------------------------------------------
def test_grid_points_row_by_row_from_the_bottom():
    g = plots.grid_points((0, 1, 10, 12), resolution=3)
    assert g.shape == (9, 2)
    np.testing.assert_allclose(g[:3], [[0, 10], [0.5, 10], [1, 10]])
    np.testing.assert_allclose(g[-1], [1, 12])


def test_probability_map_is_p_class_1_on_the_grid(trained):
    net, X, _ = trained
    extent = plots.grid_extent(X)
    image = plots.probability_map(net, extent, resolution=7)
    assert image.shape == (7, 7) and np.all((image >= 0) & (image <= 1))
    xmin, xmax, ymin, ymax = extent
    corner = net.predict_proba(np.array([[xmax, ymin]]))[0, 1]  # bottom right = row 0, last column
    assert image[0, -1] == pytest.approx(corner)


def test_decision_boundary_returns_its_artists(trained):
    net, X, y = trained
    out = plots.decision_boundary(net, X, y, X[:10], y[:10], resolution=20)
    assert out["image"].get_array().shape == (20, 20)
    assert len(out["train"].get_offsets()) == len(X) and len(out["test"].get_offsets()) == 10
    assert out["image"].axes.get_xlim() == pytest.approx(out["extent"][:2])


def test_weight_histograms_count_every_weight(trained):
    net, _, _ = trained
    bars = plots.weight_histograms(net.weights(), bins=15)
    assert len(bars) == 2
    for patches, w in zip(bars, net.weights()):
        assert sum(p.get_height() for p in patches) == w.size


def test_learning_curves_and_digit_grid():
    h = ru.History()
    for e in range(1, 4):
        h.record(epoch=e, train_acc=0.5 + 0.1 * e, test_acc=0.5)
    lines = plots.learning_curves(h)
    np.testing.assert_allclose(lines["train"].get_ydata(), [0.6, 0.7, 0.8])
    axes = plots.digit_grid(np.zeros((4, 64)), labels=[1, 2, 3, 4], ncols=2, nrows=2)
    assert [ax.get_title() for ax in axes] == ["1", "2", "3", "4"]


def test_plots_do_not_change_global_settings(trained):
    before = dict(matplotlib.rcParams)
    net, X, y = trained
    plots.decision_boundary(net, X, y)
    plots.PanelFigure(2)
    assert dict(matplotlib.rcParams) == before


# -- the panel figure ---------------------------------------------------------------------------
def test_format_numbers():
    text = plots.format_numbers({"train_acc": 0.99512, "test_acc": 0.9, "gap": 0.09512,
                                 "l2": 12.345, "l1": 99.96, "zero_share": 0.25})
    for part in ("train acc 0.995", "test acc 0.900", "gap +0.095", "‖w‖₂ 12.35", "‖w‖₁ 100.0",
                 "|w| < 1e-3: 25.0 %"):
        assert part in text


def test_nice_range_is_a_round_bound_above_the_weights():
    for top in (0.0123, 0.9, 1.0, 2.5, 7.2, 40.0):
        r = plots.PanelFigure.nice_range(np.array([-top, 0.1 * top]))
        assert r >= top
        mantissa = r / 10 ** np.floor(np.log10(r))
        assert min(abs(mantissa - m) for m in (1, 1.5, 2, 3, 5, 10)) < 1e-9


def test_panel_figure_is_not_registered_with_pyplot_and_updates_in_place():
    s = ex.Settings(epochs=20, n_test=100, resolution=15, keep_prob=0.5)
    a, b = ex.train(s), ex.train(s.replace(epochs=60, dataset="xor"))
    fig = plots.PanelFigure(3)
    assert plt.get_fignums() == []
    fig.show(a, ex.make_data(a.settings))
    first, count = pixels(fig.fig), fig.n_artists(ticks=False)
    np.testing.assert_array_equal(fig.image.get_array(), a.proba)
    assert "epoch 20" in fig.main_title.get_text()
    fig.show(b, ex.make_data(b.settings))
    assert fig.n_artists(ticks=False) == count  # (the number of ticks follows the limits)
    np.testing.assert_array_equal(fig.train_points.get_offsets(), ex.make_data(b.settings).X)
    np.testing.assert_array_equal(fig.curves["train_loss"].get_xdata(), b.history["epoch"])
    assert fig.ax_loss.get_xlim() == (0, 60)
    assert fig.image.get_extent() == list(ex.make_data(b.settings).extent)
    assert not np.array_equal(first, pixels(fig.fig))
    # weights beyond the fixed bins are counted in the outer bins, none is lost
    for w, stairs in zip(b.weights, fig.hists):
        assert stairs.get_data().values.sum() == w.size


def test_panel_figure_for_digits_marks_corrupted_labels():
    s = ex.digits_settings(epochs=1, corruption=0.5)
    r, d = ex.train(s), ex.make_data(s)
    fig = plots.PanelFigure(2, kind="digits")
    fig.show(r, d)
    for i, label in enumerate(fig.digit_labels):
        assert label.get_text().startswith(str(d.y[i]))
        wrong = d.y[i] != d.y_clean[i]
        assert (label.get_color() == "#d62728") == wrong
        assert (f"({d.y_clean[i]})" in label.get_text()) == wrong
    assert f"{100 * d.corrupted.mean():.0f} %" in fig.main_title.get_text()
    with pytest.raises(ValueError, match="kind must be one of"):
        plots.PanelFigure(2, kind="3d")
