"""regutils.plots: static plots take ax=None and return their artists."""
import matplotlib
import numpy as np
import pytest

import regutils as ru
from regutils import plots


@pytest.fixture(scope="module")
def trained():
    X, y = ru.make_moons(60, noise=0.2, seed=0)
    net = ru.MLP([2, 16, 2], seed=0)
    ru.fit(net, ru.Adam(lr=0.01), X, y, epochs=30)
    return net, X, y


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
    bars = plots.weight_histograms({f"W{i}": w for i, w in enumerate(net.weights())}, bins=15)
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
    assert dict(matplotlib.rcParams) == before


def test_decision_boundary_marks_the_class_by_shape_and_takes_a_cmap(trained):
    net, X, y = trained
    out = plots.decision_boundary(net, X, y, X[:10], y[:10], resolution=10, cmap="cividis",
                                  legend=True)
    assert out["image"].get_cmap().name == "cividis"
    for points, labels in ((out["train"], y), (out["test"], y[:10])):
        shapes = [len(p.vertices) for p in points.get_paths()]
        assert len(shapes) == len(labels)
        circle, triangle = (len(plots.marker_path(m).vertices) for m in plots.CLASS_MARKERS)
        assert circle != triangle
        assert shapes == [triangle if c == 1 else circle for c in labels]
    assert [t.get_text() for t in out["legend"].get_texts()] == ["class 0", "class 1",
                                                                  "test (hollow)"]
    default = plots.decision_boundary(net, X, y, resolution=10)
    assert default["image"].get_cmap().name == plots.BOUNDARY_CMAP and default["legend"] is None


def test_decision_boundary_rejects_an_unknown_cmap_by_name(trained):
    net, X, y = trained
    with pytest.raises(ValueError, match=r"cmap must be a matplotlib colormap name such as "
                                         r"'RdBu_r' or 'cividis'.*got 'civdis'"):
        plots.decision_boundary(net, X, y, resolution=10, cmap="civdis")
    with pytest.raises(ValueError, match="cmap must be .* got 3"):
        plots.decision_boundary(net, X, y, resolution=10, cmap=3)


def contrast(a, b):
    """WCAG 2 contrast ratio of two colours."""
    def luminance(c):
        c = np.array(matplotlib.colors.to_rgb(c))
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("cmap", [plots.BOUNDARY_CMAP, plots.COLORBLIND_CMAP])
def test_point_marks_stand_out_on_every_colour_of_the_heat_map(cmap):
    """Hollow test rings >= 2.8:1 and the black edges of train points >= 4.5:1 against the heat
    map (at its alpha, over white) everywhere, also where it has the class's own colour."""
    alpha = plots.BOUNDARY_ALPHA
    rgb = matplotlib.colormaps[cmap](np.linspace(0.0, 1.0, 201))[:, :3]
    backgrounds = alpha * rgb + (1 - alpha)
    for ring in plots.CLASS_EDGE_COLORS:
        assert min(contrast(ring, bg) for bg in backgrounds) >= 2.8
    assert min(contrast("k", bg) for bg in backgrounds) >= 4.5
    # (the fill colours alone would not do for a ring: blue on the blue end is about 1.1:1)
    assert min(contrast(plots.CLASS_COLORS[0], bg) for bg in backgrounds) < 1.5
