"""The explorer panels and the λ sliders (what a notebook shows in one line):

    from regutils.panels import penalty_panel
    penalty_panel(penalty="l2", lam=1e-3)

Inside: ``settings`` and ``compute`` (pure: Settings, train, Explorer, LiveTrainer), ``figure``
(PanelFigure, drawn by blitting), ``picture`` (the widget that shows it in the browser),
``controls`` (the controls as a table), ``canvas`` (the Agg canvas, the PNG frames and the
error guard), ``jobs`` (work in steps on the kernel's event loop), ``panel`` (the wiring),
``kinds`` (the four panels), ``sliders`` (the λ sliders of notebooks 03 and 04).
"""
from .compute import Explorer, LiveTrainer, Result, make_data, train
from .kinds import corruption_panel, dropout_panel, noise_panel, penalty_panel
from .panel import Panel
from .settings import Settings, digits_settings
from .sliders import LambdaSlider, l1_slider, l2_slider
