"""regutils.panels.figure: the panel figure, built once and updated in place."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from regutils import panels
from regutils.panels import figure


def pixels(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


# -- the panel figure ---------------------------------------------------------------------------
def test_format_numbers():
    text = figure.format_numbers({"train_acc": 0.99512, "test_acc": 0.9, "gap": 0.09512,
                                 "l2": 12.345, "l1": 99.96, "zero_share": 0.25})
    for part in ("train acc 0.995", "test acc 0.900", "gap +0.095", "‖w‖₂ 12.35", "‖w‖₁ 100.0",
                 "|w| < 1e-3: 25.0 %"):
        assert part in text


def test_nice_range_is_a_round_bound_above_the_weights():
    for top in (0.0123, 0.9, 1.0, 2.5, 7.2, 40.0):
        r = figure.PanelFigure.nice_range(np.array([-top, 0.1 * top]))
        assert r >= top
        mantissa = r / 10 ** np.floor(np.log10(r))
        assert min(abs(mantissa - m) for m in (1, 1.5, 2, 3, 5, 10)) < 1e-9


def test_panel_figure_is_not_registered_with_pyplot_and_updates_in_place():
    s = panels.Settings(epochs=20, n_test=100, resolution=15, keep_prob=0.5)
    a, b = panels.train(s), panels.train(s.replace(epochs=60, dataset="xor"))
    fig = figure.PanelFigure(3)
    assert plt.get_fignums() == []
    fig.show(a, panels.make_data(a.settings))
    first, count = pixels(fig.fig), fig.n_artists(ticks=False)
    np.testing.assert_array_equal(fig.image.get_array(), a.proba)
    assert fig.numbers.get_text().startswith("epoch 20 ")  # (the title stays: it is cached)
    fig.show(b, panels.make_data(b.settings))
    assert fig.n_artists(ticks=False) == count  # (the number of ticks follows the limits)
    data = panels.make_data(b.settings)
    for c in (0, 1):  # one scatter per class: class 0 circles, class 1 triangles
        np.testing.assert_array_equal(fig.train_points[c].get_offsets(), data.X[data.y == c])
    np.testing.assert_array_equal(fig.curves["train_loss"].get_xdata(), b.history["epoch"])
    assert fig.ax_loss.get_xlim() == (0, 60)
    assert fig.image.get_extent() == list(panels.make_data(b.settings).extent)
    assert not np.array_equal(first, pixels(fig.fig))
    # weights beyond the fixed bins are counted in the outer bins, none is lost
    for w, stairs in zip(b.weights, fig.hists):
        assert stairs.get_data().values.sum() == w.size


def test_panel_figure_for_digits_marks_corrupted_labels():
    s = panels.digits_settings(epochs=1, corruption=0.5)
    r, d = panels.train(s), panels.make_data(s)
    fig = figure.PanelFigure(2, kind="digits")
    fig.show(r, d)
    for i, label in enumerate(fig.digit_labels):
        assert label.get_text().startswith(str(d.y[i]))
        wrong = d.y[i] != d.y_clean[i]
        assert (label.get_color() == "#d62728") == wrong
        assert (f"({d.y_clean[i]})" in label.get_text()) == wrong
    assert f"{100 * d.corrupted.mean():.0f} %" in fig.main_title.get_text()
    with pytest.raises(ValueError, match="kind must be one of"):
        figure.PanelFigure(2, kind="3d")


def marker_vertices(collection):
    """The marker shape of a scatter (its one path's vertices, rounded)."""
    (path,) = collection.get_paths()
    return np.round(path.vertices, 3)


def test_classes_differ_by_marker_shape_train_filled_test_hollow():
    s = panels.Settings(epochs=5, n_test=300, resolution=10)
    r, d = panels.train(s), panels.make_data(s)
    fig = figure.PanelFigure(3)
    fig.show(r, d)
    circle, triangle = (marker_vertices(c) for c in fig.train_points)
    assert circle.shape != triangle.shape or not np.array_equal(circle, triangle)
    for c, shape in ((0, circle), (1, triangle)):
        train, test = fig.train_points[c], fig.test_points[c]
        np.testing.assert_array_equal(marker_vertices(test), shape)  # same shape, test hollow
        assert len(train.get_facecolor()) == 1 and train.get_facecolor()[0][3] == 1
        assert len(test.get_facecolor()) == 0 or test.get_facecolor()[0][3] == 0
        n = min(len(d.X_test), fig.MAX_TEST_POINTS)
        np.testing.assert_array_equal(test.get_offsets(), d.X_test[:n][d.y_test[:n] == c])
    assert len(triangle) == 4 and len(circle) > 20  # ^: a closed triangle, o: a circle
    assert "● class 0" in fig.main_title.get_text() and "▲ class 1" in fig.main_title.get_text()
    assert "hollow: test" in fig.main_title.get_text()


def test_the_heat_map_can_be_cividis_and_switches_in_place():
    s = panels.Settings(epochs=5, n_test=100, resolution=10)
    r, d = panels.train(s), panels.make_data(s)
    fig = figure.PanelFigure(3, colormap="cividis")
    fig.show(r, d)
    assert fig.image.get_cmap().name == "cividis"
    cividis = pixels(fig.fig)
    count = fig.n_artists(ticks=False)
    fig.set_colormap("RdBu_r")
    assert fig.image.get_cmap().name == "RdBu_r" and fig.n_artists(ticks=False) == count
    assert not np.array_equal(cividis, pixels(fig.fig))
    for bad in ("jet", None, "cividis_r"):
        with pytest.raises(ValueError, match=r"colormap must be one of 'RdBu_r', 'cividis', got"):
            figure.PanelFigure(3, colormap=bad)
        with pytest.raises(ValueError, match="colormap must be one of"):
            fig.set_colormap(bad)
