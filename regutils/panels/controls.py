"""The panels' controls as a table: settings field → (ipywidgets class, its arguments).

``make_control(name, value)`` builds one. Sliders over a fixed list of values (λ, η, n train) get
the start value added to the list; numeric sliders widen their range to include it, so a slider
never clamps the value it starts from.
"""
from .. import checks

# λ: 0 and a 1-2-5 log scale from 1e-5 to 10
LAMBDAS = (0.0,) + tuple(float(f"{m}e{e}") for e in range(-5, 1) for m in (1, 2, 5)) + (10.0,)
LEARNING_RATES = tuple(float(f"{m}e{e}") for e in range(-4, 1) for m in (1, 2, 5)) + (10.0,)
N_TRAIN = (20, 30, 50, 100, 150, 200, 300, 500, 1000)
DATASET_LABELS = (("moons", "moons"), ("circles", "circles"), ("spiral", "spiral"), ("xor", "xor"))

_LATE = {"continuous_update": False}  # slow to retrain (new data): update on release only
CONTROLS = {
    "dataset": ("Dropdown", dict(options=DATASET_LABELS, description="data set"), "200px"),
    "noise": ("FloatSlider", dict(min=0.0, max=0.6, step=0.05, description="data noise",
                                  readout_format=".2f", **_LATE), None),
    "n_train": ("SelectionSlider", dict(options=N_TRAIN, description="n train", **_LATE), None),
    "seed": ("IntSlider", dict(min=0, max=99, description="seed", **_LATE), None),
    "lam": ("SelectionSlider", dict(options=LAMBDAS, description="λ"), None),
    "penalty": ("ToggleButtons", dict(options=[("none", "none"), ("L1", "l1"), ("L2", "l2")],
                                      description="penalty"), "62px"),
    "decoupled": ("ToggleButtons", dict(
        options=[("λΩ in the loss", False), ("decoupled", True)], description="apply as",
        tooltips=["L̃ = L + λΩ(w): the gradient gets λw (L2) or λ·sign(w) (L1)",
                  "L2: weight decay w ← (1 − ηλ)w (AdamW for Adam); "
                  "L1: proximal step sign(w)·max(|w| − ηλ, 0)"]), "118px"),
    "lr": ("SelectionSlider", dict(options=LEARNING_RATES, description="η"), None),
    "optimizer": ("ToggleButtons", dict(
        options=[("Adam", "adam"), ("SGD μ=0.9", "sgd")], description="optimizer",
        tooltips=["Adam (AdamW when decoupled)", "SGD with momentum μ = 0.9"]), "100px"),
    "keep_prob": ("FloatSlider", dict(min=0.05, max=1.0, step=0.05, description="p (keep)",
                                      readout_format=".2f"), None),
    "rule": ("ToggleButtons", dict(
        options=[("vanilla", "vanilla"), ("inverted", "inverted")], description="dropout",
        tooltips=["mask at training, × p at test time",
                  "mask / p at training, nothing at test time"]), "90px"),
    "test_rule": ("ToggleButtons", dict(
        options=[("weight scaling", "scale"), ("Monte-Carlo", "mc")], description="test time",
        tooltips=["all units, scaled (one pass)", "average over k random masks"]), "118px"),
    "k": ("IntSlider", dict(min=1, max=100, description="k (masks)"), None),
    "input_sigma": ("FloatSlider", dict(min=0.0, max=1.0, step=0.05, description="σ input",
                                        readout_format=".2f"), None),
    "hidden_sigma": ("FloatSlider", dict(min=0.0, max=1.0, step=0.05, description="σ hidden",
                                         readout_format=".2f"), None),
    "colormap": ("Dropdown", dict(options=(("red–blue", "RdBu_r"),
                                           ("cividis (colour-blind safe)", "cividis")),
                                  description="colours"), "270px"),
    "corruption": ("FloatSlider", dict(min=0.0, max=1.0, step=0.1, description="corrupted",
                                       readout_format=".1f",
                                       tooltip="share of training labels redrawn at random",
                                       **_LATE), None),
}
"""name → (widget class, arguments, width): a button width for ToggleButtons, a layout width for
the others (None: 300 px)."""

VIEW = ("colormap",)
"""Controls of the picture only, not ``Settings`` fields: changing one redraws, never retrains."""


def _label(value):
    """'0', '1e-05' → '1e-5', '0.01', '10' for slider readouts."""
    if value == 0:
        return "0"
    text = f"{value:g}"
    return text.replace("e-0", "e-").replace("e+0", "e+").replace("e+", "e")


def make_control(name, value):
    """The widget for settings field ``name`` starting at ``value`` (see ``CONTROLS``)."""
    import ipywidgets as W

    if name not in CONTROLS:
        raise ValueError(f"control must be a Settings field with a control, got {name!r}")
    cls, kw, width = CONTROLS[name]
    kw = dict(kw, value=value)
    style = {"description_width": "70px"}
    if name == "dataset" and value not in dict(DATASET_LABELS).values():
        checks.fail("dataset", "one of " + ", ".join(v for _, v in DATASET_LABELS)
                    + " (the digits have corruption_panel)", value)
    if cls == "SelectionSlider":
        kw["options"] = [(_label(v), v) for v in sorted(set(kw["options"]) | {value})]
        kw.setdefault("continuous_update", True)
    elif cls in ("FloatSlider", "IntSlider"):
        kw["min"], kw["max"] = min(kw["min"], value), max(kw["max"], value)
        kw.setdefault("continuous_update", True)
    if cls == "ToggleButtons":
        style["button_width"] = width
    else:
        kw["layout"] = W.Layout(width=width or "300px")
    return getattr(W, cls)(style=style, **kw)


def make_button(description, icon, tooltip, on_click, width="90px"):
    """A button of a panel's row (Play, Pause, Reset, Save) calling ``on_click()``."""
    import ipywidgets as W

    button = W.Button(description=description, icon=icon, tooltip=tooltip,
                      layout=W.Layout(width=width))
    button.on_click(lambda _button: on_click())
    return button


def _same(a, b):
    """Equal as a control would show it: numbers by value (bools are not numbers), others by ==."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def allowed_values(name, widget, value):
    """Raise ValueError naming control ``name`` if ``widget`` cannot show ``value`` exactly (a
    slider would clamp it, a selection would raise a raw TraitError)."""
    options = getattr(widget, "options", None)
    if options is not None:  # SelectionSlider, ToggleButtons, Dropdown: (label, value) pairs
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        if not any(_same(value, v) for v in values):
            shown = ", ".join(_label(v) if isinstance(v, float) else repr(v) for v in values)
            checks.fail(name, f"one of {shown}", value)
    elif type(widget).__name__ == "IntSlider":
        checks.integer(name, value, widget.min, widget.max)
    elif hasattr(widget, "min"):  # FloatSlider
        checks.in_range(name, value, widget.min, widget.max)


def readout(widget):
    """A control's value as its readout shows it."""
    if hasattr(widget, "label") and getattr(widget, "options", None):
        return widget.label
    fmt = getattr(widget, "readout_format", "d")
    return format(widget.value, fmt) if isinstance(widget.value, (int, float)) else str(widget.value)


# (scoped to the panel) a toggle's description beside its buttons, not above them (the picture
# scales itself down where the notebook is narrower than the figure: ``picture._CSS``)
PANEL_CSS = """<style>
.regutils-panel .widget-toggle-buttons {display: flex; flex-flow: row nowrap; align-items: center}
.regutils-panel .widget-toggle-buttons > .widget-label {flex: 0 0 auto}
</style>"""
