"""regutils.panels.sliders: the λ sliders of notebooks 03 and 04."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from regutils.lectures import quadratic as quad
from regutils.panels import sliders

from optional import require_module


# ipympl's FigureManager builds its Toolbar in a way traitlets deprecates (not our code)
@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_lambda_slider_moves_the_figure_without_pyplot():
    require_module("ipympl", "pip install ipympl")
    before = plt.get_fignums()
    s = sliders.l2_slider(lam=0.1)
    s.slider.value = 1.0
    np.testing.assert_allclose(s.geometry.w_tilde, quad.l2_solution(quad.rotated_hessian(),
                                                                   quad.W_STAR_2D, 1.0))
    s1 = sliders.l1_slider(lam=0.05)
    s1.slider.value = 0.5
    assert s1.geometry.w_l1[1] == 0
    assert plt.get_fignums() == before
    assert "application/vnd.jupyter.widget-view+json" in s._repr_mimebundle_()


@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
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
