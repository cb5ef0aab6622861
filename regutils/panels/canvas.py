"""Canvas helpers for the panels and the λ sliders: an Agg canvas for a plain
``matplotlib.figure.Figure`` (no pyplot, no ``%matplotlib widget``), the PNG frames their
``picture.Picture`` sends, and the guard that turns an error in a callback into a message instead
of a traceback."""
import html
import struct
import zlib

import numpy as np


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


def attach_canvas(fig):
    """An Agg canvas for ``fig`` (a plain ``Figure``: no pyplot); a ``picture.Picture`` widget
    shows its pixels in the browser."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return FigureCanvasAgg(fig)


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

