"""λ sliders above the weight-space figures of notebooks 03 (``l2_slider``) and 04 (``l1_slider``),
shown like the panels' figures (``picture.Picture``): no pyplot, no ``%matplotlib widget``."""
import numpy as np

from .. import checks
from ..figures.l1_sparsity import L1Geometry
from ..figures.weight_decay import L2Geometry
from .canvas import attach_canvas, guarded
from .picture import Picture


class LambdaSlider:
    """A log slider for λ above one figure (``L2Geometry`` or ``L1Geometry``): a
    ``matplotlib.figure.Figure`` drawn by Agg and shown by a ``Picture`` widget — no pyplot, no
    ``%matplotlib widget``. Moving the slider calls ``set_lam`` (artists updated in place), which
    draws the figure and shows it (the widget sends only the changed pixels, and while the
    browser is still painting, only the newest picture). ``canvas="agg"``: no widget (headless).
    Display it as the last expression of a cell.
    """

    def __init__(self, kind="l2", lam=0.1, lam_min=1e-3, lam_max=1e2, canvas="widget", **kwargs):
        import ipywidgets as W
        from matplotlib.figure import Figure

        checks.choice("kind", kind, ("l2", "l1"))
        checks.choice("canvas", canvas, ("widget", "agg"))
        lam_min = checks.positive("lam_min", lam_min)
        lam_max = checks.in_range("lam_max", lam_max, lam_min, np.inf, low_open=True)
        lam = checks.in_range("lam", lam, lam_min, lam_max)
        self.fig = Figure(figsize=(8.4, 4.4), dpi=90)
        ax = self.fig.add_subplot()
        self.fig.subplots_adjust(left=0.08, right=0.62, bottom=0.11, top=0.92)
        self.canvas = attach_canvas(self.fig)
        cls = L2Geometry if kind == "l2" else L1Geometry
        self.geometry = cls(lam=lam, ax=ax, **kwargs)
        ax.set_title("L2: w̃ = Q(Λ + λI)⁻¹ΛQᵀw*" if kind == "l2"
                     else "L1: wᵢ = sign(wᵢ*)·max(|wᵢ*| − λ/Hᵢᵢ, 0)", fontsize=10)
        self.slider = W.FloatLogSlider(value=lam, base=10, min=np.log10(lam_min),
                                       max=np.log10(lam_max), step=0.02, description="λ",
                                       readout_format=".3g", continuous_update=True,
                                       layout=W.Layout(width="420px"))
        self.slider.observe(self._on_change, names="value")
        self.status = W.HTML("")
        self.picture = None
        if canvas == "widget":
            self.picture = Picture(self.fig, self._paint,
                                   alt=f"{kind.upper()} geometry: the loss contours, the "
                                       f"{kind.upper()} constraint and the path of the solution "
                                       "as λ grows")
        self.widget = W.VBox([self.slider, self.picture, self.status] if self.picture
                             else [self.slider, self.status])
        self._paint()

    def _on_change(self, change):
        if guarded(lambda: self.set_lam(change["new"]), self.status) is None:
            self.status.value = ""

    def set_lam(self, lam):
        """Move to λ = ``lam`` (also what the slider calls)."""
        out = self.geometry.set_lam(lam)
        self._paint()
        return out

    def _paint(self):
        if self.picture is not None:
            self.canvas.draw()
            self.picture.show(self.canvas.buffer_rgba())

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

def l2_slider(lam=0.1, **kwargs):
    """The L2 geometry (loss ellipses, L2 circle, path of w̃) with a λ slider."""
    return LambdaSlider("l2", lam=lam, **kwargs)

def l1_slider(lam=0.2, lam_min=1e-3, lam_max=2.0, **kwargs):
    """The L1 geometry (loss contours, L1 diamond vs L2 circle, both paths) with a λ slider."""
    return LambdaSlider("l1", lam=lam, lam_min=lam_min, lam_max=lam_max, **kwargs)
