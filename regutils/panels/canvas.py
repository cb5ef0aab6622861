"""One canvas helper for the panels and the λ sliders: an ipympl canvas attached to a plain
``matplotlib.figure.Figure`` (no pyplot, no ``%matplotlib widget``), and the guard that turns an
error in a callback into a message instead of a traceback."""
import html
import struct
import sys
import time
import types
import warnings
import zlib

import numpy as np

IPYMPL = "module://ipympl.backend_nbagg"


def _ipympl():
    """ipympl's ``Canvas`` and ``FigureManager``, imported without switching pyplot's backend.

    ``import ipympl`` runs ``matplotlib.use("module://ipympl.backend_nbagg")`` when matplotlib is
    already imported: every later static figure of an inline notebook would become a widget.
    While importing, the backend setting is made to read as ipympl already (so that call does
    nothing) and is restored right after; pyplot itself is never touched.
    """
    import matplotlib

    if "ipympl.backend_nbagg" not in sys.modules:
        rc = matplotlib.rcParams
        keys = ("backend", "backend_fallback")
        saved = {key: rc._get(key) for key in keys} if hasattr(rc, "_get") else None
        if saved is not None:
            rc._set("backend", IPYMPL)
        try:
            import ipympl.backend_nbagg  # noqa: F401
        finally:
            if saved is not None:
                for key, value in saved.items():
                    rc._set(key, value)
    from ipympl.backend_nbagg import Canvas, FigureManager

    return Canvas, FigureManager


def ipympl_canvas(fig):
    """An ipympl canvas (a widget) for a plain ``Figure``: no toolbar, header, footer or resizing."""
    Canvas, FigureManager = _ipympl()
    with warnings.catch_warnings():  # ipympl 0.10's Toolbar trips a traitlets deprecation
        warnings.simplefilter("ignore", DeprecationWarning)
        canvas = Canvas(fig)
        FigureManager(canvas, 0)
    canvas.get_diff_image = types.MethodType(_get_diff_image, canvas)
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    canvas.capture_scroll = False
    return canvas


def png_bytes(rgba, level=1, where=None):
    """``rgba`` (H, W, 4) uint8 as PNG: no row filters and a fast deflate. For the panels' diff
    frames (mostly zeros) that is 3-4× quicker to encode than Pillow's adaptive filters, for a
    file about as small; any PNG decoder reads it. ``where`` (H, W) bool: only those pixels,
    the others transparent (0)."""
    h, w, _ = rgba.shape
    rows = np.zeros((h, 4 * w + 1), np.uint8)  # each row starts with its filter type: 0, none
    if where is None:
        rows[:, 1:] = rgba.reshape(h, 4 * w)
    else:
        # (one uint32 per pixel: a where over 4 bytes each is 40× slower)
        np.copyto(rows[:, 1:].view(np.uint32), rgba.view(np.uint32)[..., 0], where=where)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, level)) + chunk(b"IEND", b""))


DIFF_AFTER = 0.25
"""Seconds since the last frame after which the next may be a diff (only the changed pixels)."""


def _get_diff_image(self):
    """matplotlib's ``FigureCanvasWebAggCore.get_diff_image`` (3.11), encoded by ``png_bytes``:
    the frame ipympl sends, with the pixels unchanged since the last frame left transparent.
    A diff frame ends at the last row and column that changed: the browser draws it at the top
    left corner over the last picture, so less to encode and to decode.

    A diff is only sent ``DIFF_AFTER`` seconds or more after the last frame, else the whole
    picture: ipympl's front end loads every frame into the same image, and one that arrives
    while the last is still being decoded replaces it, so that a lost diff would leave its
    pixels stale until they change again (live training showed torn histograms)."""
    if not self._png_is_old:
        return None
    pixels = np.asarray(self.get_renderer().buffer_rgba())
    buff = pixels.view(np.uint32).squeeze(2)
    now, last = time.monotonic(), getattr(self, "_last_frame_at", -np.inf)
    where = None
    if (self._force_full or buff.shape != self._last_buff.shape or now - last < DIFF_AFTER
            or (pixels[:, :, 3] != 255).any()):
        self.set_image_mode("full")
    else:
        self.set_image_mode("diff")
        where = buff != self._last_buff
    self._last_buff = buff.copy()
    self._force_full = False
    self._png_is_old = False
    self._last_frame_at = now
    if where is None:
        return png_bytes(pixels)
    rows, cols = np.flatnonzero(where.any(axis=1)), np.flatnonzero(where.any(axis=0))
    h, w = (rows[-1] + 1, cols[-1] + 1) if len(rows) else (1, 1)
    return png_bytes(pixels[:h, :w], where=where[:h, :w])


def attach_canvas(fig, kind="ipympl"):
    """``fig``'s canvas: ipympl's (a widget, ``kind="ipympl"``) or Agg's (``"agg"``: headless)."""
    if kind not in ("ipympl", "agg"):
        raise ValueError(f"canvas must be one of 'ipympl', 'agg', got {kind!r}")
    if kind == "agg":
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        return FigureCanvasAgg(fig)
    return ipympl_canvas(fig)


def error_html(exc):
    """The status line for an exception: ``⚠ Name: message`` in red."""
    return (f"<span style='color:#b00020'>⚠ {html.escape(type(exc).__name__)}: "
            f"{html.escape(str(exc))}</span>")


def guarded(action, status):
    """Run ``action()``; an exception becomes the message of the ``status`` HTML widget (never a
    traceback under a slider). Returns the exception, or None when ``action`` succeeded."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - a slider must never leave a traceback
        status.value = error_html(exc)
        return exc
    return None


def close_widgets(widget):
    """Close ``widget`` and every widget it holds (children, layout, style, toolbar, ...): an
    ipywidgets ``close()`` leaves those alive, and they keep their owner in memory."""
    import ipywidgets as W

    seen, stack = set(), [widget]
    while stack:
        w = stack.pop()
        if not isinstance(w, W.Widget) or id(w) in seen:
            continue
        seen.add(id(w))
        for name in w.keys:
            try:
                value = getattr(w, name)
            except Exception:  # noqa: BLE001 - a trait that cannot be read holds no widget
                continue
            stack.extend(value if isinstance(value, (list, tuple)) else [value])
        w.close()


def with_lock(draw, lock):
    """``draw`` that waits for ``lock`` (the front end's own redraw requests, while a panel
    draws from elsewhere)."""
    def locked_draw(*args, **kwargs):
        with lock:
            return draw(*args, **kwargs)
    return locked_draw
