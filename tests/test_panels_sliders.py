"""regutils.panels.sliders: the λ sliders of notebooks 03 and 04."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from regutils.lectures import quadratic as quad
from regutils.panels import sliders
from regutils.panels.picture import HeadlessView



def test_lambda_slider_moves_the_figure_without_pyplot():
    before = plt.get_fignums()
    s = sliders.l2_slider(lam=0.1)
    view = HeadlessView(s.picture)
    s.slider.value = 1.0
    # the browser's view shows the figure at the new λ (a diff frame over the first picture)
    assert len(view.frames) == 2 and not view.frames[-1]["full"]
    np.testing.assert_array_equal(view.pixels, np.asarray(s.canvas.buffer_rgba()))
    sharp = HeadlessView(s.picture, ratio=2.0)  # a 2× screen: the figure at twice the dpi
    assert sharp.pixels.shape[:2] == (2 * 396, 2 * 756)
    np.testing.assert_allclose(s.geometry.w_tilde, quad.l2_solution(quad.rotated_hessian(),
                                                                   quad.W_STAR_2D, 1.0))
    s1 = sliders.l1_slider(lam=0.05)
    s1.slider.value = 0.5
    assert s1.geometry.w_l1[1] == 0
    assert plt.get_fignums() == before
    assert "application/vnd.jupyter.widget-view+json" in s._repr_mimebundle_()


def test_lambda_slider_shows_an_error_instead_of_a_traceback(monkeypatch):
    s = sliders.l1_slider(lam=0.05, canvas="agg")

    def broken(lam):
        raise FloatingPointError("boom")

    monkeypatch.setattr(s.geometry, "set_lam", broken)
    s.slider.value = 0.5                      # the callback must not raise into the front end
    assert "⚠" in s.status.value and "boom" in s.status.value
    monkeypatch.undo()
    s.slider.value = 0.2
    assert s.status.value == "" and s.geometry.w_l1[1] == 0
    with pytest.raises(ValueError, match="lam must be in"):
        sliders.l2_slider(lam=1e3)                  # outside the slider's range: said, not clamped
