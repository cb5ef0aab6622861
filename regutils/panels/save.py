"""Saving a panel's figure: a file name that says the panel and its settings, and the write.

    penalty-panel_L2_lam0.03.png              penalty panel, L2, λ = 0.03, the default data
    penalty-panel_L1_lam0.001_decoupled_xor_seed3.svg
    dropout-panel_p0.5_inverted_mc_k20.png    (k only with the Monte-Carlo rule)
    noise-panel_sigma-in0.1_sigma-hidden0_live-epoch120.png

The panel's own controls come first, in their order; then the data controls (data set, data
noise, n train, seed, optimizer, η) only where they differ from the defaults (moons, 0.25, 200,
0, Adam with η = 0.02, or SGD with η = 0.1); in live mode the epoch shown.
"""
import io
import os
from pathlib import Path

from .. import checks
from .controls import _label
from .settings import Settings

FORMATS = ("png", "svg")
PNG_DPI = 150  # sharper than the screen's 90 dpi, for slides and handouts
_DEFAULTS = Settings()


def _number(prefix):
    return lambda value, s: f"{prefix}{_label(value)}"


# settings field -> value, settings -> the part of the name ("" leaves the field out)
PARTS = {
    "penalty": lambda v, s: {"none": "no-penalty", "l1": "L1", "l2": "L2"}[v],
    "lam": _number("lam"),
    "decoupled": lambda v, s: "decoupled" if v else "",
    "keep_prob": _number("p"),
    "rule": lambda v, s: v,
    "test_rule": lambda v, s: v,
    "k": lambda v, s: f"k{v}" if s.test_rule == "mc" else "",
    "input_sigma": _number("sigma-in"),
    "hidden_sigma": _number("sigma-hidden"),
    "corruption": _number("corrupted"),
}
DATA_PARTS = {
    "dataset": lambda v, s: v,
    "noise": _number("noise"),
    "n_train": _number("n"),
    "seed": _number("seed"),
    "optimizer": lambda v, s: v,
    "lr": _number("lr"),
}


def _default(name, settings):
    if name == "lr":
        return 0.02 if settings.optimizer == "adam" else 0.1
    return getattr(_DEFAULTS, name)


def file_name(slug, settings, names, fmt, live_epoch=None):
    """The file name for a panel ``slug`` (e.g. "penalty-panel") showing ``settings``, whose
    controls are ``names`` (see the module docstring); ``fmt`` "png" or "svg"."""
    checks.choice("format", fmt, FORMATS)
    parts = [slug]
    for name in names:
        if name in DATA_PARTS:
            continue
        if name in PARTS:
            parts.append(PARTS[name](getattr(settings, name), settings))
    digits = settings.dataset == "digits"
    for name in names:
        if name in DATA_PARTS:
            value = getattr(settings, name)
            if digits or value != _default(name, settings):
                parts.append(DATA_PARTS[name](value, settings))
    if live_epoch is not None:
        parts.append(f"live-epoch{live_epoch}")
    return "_".join(p for p in parts if p) + "." + fmt


def write_figure(fig, path, fmt):
    """Render ``fig`` as ``fmt`` into memory, then write the file (a figure that fails to render
    leaves no half-written file). Returns the absolute path."""
    checks.choice("format", fmt, FORMATS)
    buffer = io.BytesIO()
    kw = {"dpi": PNG_DPI} if fmt == "png" else {"metadata": {"Date": None}}
    fig.savefig(buffer, format=fmt, facecolor="white", **kw)
    path = Path(path)
    path.write_bytes(buffer.getvalue())
    return Path(os.path.abspath(path))
