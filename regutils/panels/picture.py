"""The panels' picture in the browser: a ``<canvas>`` widget (anywidget) that the kernel sends
the pixels that changed, as PNG frames, and that paints them in order.

    picture = Picture(fig, redraw, alt="what the figure shows")
    picture.show(canvas.buffer_rgba())        # any (H, W, 4) uint8 picture: sent when it can be

Why not ipympl's canvas (the panels' first version used it): its front end re-encodes the last
frame as a data URL on every frame (5-7 ms of the browser's main thread), decodes each PNG there,
and loads every frame into one image, so that a frame arriving while the last still decodes is
lost (a lost diff leaves stale pixels). Here:

- a frame is the rectangle that changed since the last frame sent (its unchanged pixels
  transparent), drawn at its place; the first frame for a view, and any frame whose picture is
  not opaque or changed size, is the whole picture;
- the browser decodes frames off its main thread (``createImageBitmap``) and paints them in the
  order sent, each one, and says which it painted;
- at most ``WINDOW`` frames are on their way: a newer picture waits, and only the newest waiting
  one is sent once the browser has painted (the kernel never runs ahead of the screen: a slow
  laptop gets fewer frames, not a growing delay). Nothing is sent before a view is up;
- on a high-density screen (``devicePixelRatio`` 2) the figure is set to that many times its
  dpi and ``redraw()`` is called (as ipympl does), so text stays sharp at the same size.
"""
import threading

import anywidget
import numpy as np
import traitlets

from .canvas import png_bytes

WINDOW = 4
"""Frames sent but not yet painted by the browser, at most. (A frame's report comes back after
the websocket, the server and the kernel's event loop: in the browser test live mode painted
20.8 frames/s with 2, 23.8 with 3, 25.0 with 4 and 26.2 with 6.)"""

_ESM = """
function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "regutils-picture";
  canvas.setAttribute("role", "img");
  const label = () => canvas.setAttribute("aria-label", model.get("alt"));
  label();
  model.on("change:alt", label);
  el.appendChild(canvas);
  const context = canvas.getContext("2d");
  let painted = Promise.resolve();  // the frames are painted in the order they came
  let whole = false;                // nothing is drawn before a whole picture
  let alive = true;
  const onFrame = (msg, buffers) => {
    if (msg.type !== "frame" || !(whole || msg.full)) return;
    whole = true;
    const decoded = createImageBitmap(new Blob([buffers[0]], { type: "image/png" }));
    painted = painted.then(() => decoded).then((image) => {
      if (!alive) return;
      if (msg.full) {
        if (canvas.width !== msg.width || canvas.height !== msg.height) {
          canvas.width = msg.width;
          canvas.height = msg.height;
        }
        canvas.style.width = `${msg.width / msg.ratio}px`;
        context.clearRect(0, 0, canvas.width, canvas.height);
      }
      context.drawImage(image, msg.x, msg.y);
      image.close();
      model.send({ type: "painted", frame: msg.frame });
    }).catch((error) => console.error("regutils picture:", error));
  };
  model.on("msg:custom", onFrame);
  model.send({ type: "view", ratio: window.devicePixelRatio || 1 });
  return () => { alive = false; model.off("msg:custom", onFrame); };
}
export default { render };
"""

_CSS = ".regutils-picture {display: block; max-width: 100%; height: auto}"


class Picture(anywidget.AnyWidget):
    """A picture widget (see the module docstring) for ``fig``: ``redraw()`` draws it and
    ``show``s the result (called after a view reported a new device pixel ratio: the figure is
    then at ``ratio`` × its dpi); ``alt``: the text a screen reader says; ``frames``: how many
    frames were sent."""

    _esm = _ESM
    _css = _CSS
    alt = traitlets.Unicode("").tag(sync=True)

    def __init__(self, fig, redraw, alt=""):
        super().__init__(alt=alt)
        self.ratio = 1.0
        self.frames = 0
        self._fig, self._dpi, self._redraw = fig, fig.dpi, redraw
        self._lock = threading.RLock()  # (a view's report may send the next frame)
        self._newest = None   # (H, W, 4) uint8, waiting to be sent
        self._sent = None     # the last picture sent (what the views show once they painted it)
        self._painted = 0     # the newest frame a view painted
        self._viewed = False
        self.on_msg(self._on_message)

    def show(self, rgba):
        """Show ``rgba`` ((H, W, 4) uint8, copied): sent now, or once the browser has caught up
        (then only the newest picture shown meanwhile)."""
        with self._lock:
            self._newest = np.array(rgba, dtype=np.uint8, copy=True)
            self._flush()

    def _flush(self):
        if self._newest is None or not self._viewed or self.frames - self._painted >= WINDOW:
            return
        pixels, self._newest = self._newest, None
        h, w, _ = pixels.shape
        new = pixels.view(np.uint32)[..., 0]
        last = None if self._sent is None else self._sent.view(np.uint32)[..., 0]
        if last is None or last.shape != new.shape or (pixels[..., 3] != 255).any():
            y = x = 0
            data, full = png_bytes(pixels), True
        else:
            changed = new != last
            rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            if not len(rows):
                return  # the same picture
            (y, y1), (x, x1) = (rows[[0, -1]] + (0, 1)), (cols[[0, -1]] + (0, 1))
            data = png_bytes(pixels[y:y1, x:x1], where=changed[y:y1, x:x1])
            full = False
        self._sent = pixels
        self.frames += 1
        self.send({"type": "frame", "frame": self.frames, "full": full, "x": int(x), "y": int(y),
                   "width": w, "height": h, "ratio": self.ratio}, [data])

    def _on_message(self, _widget, content, _buffers):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "painted":
            with self._lock:
                self._painted = max(self._painted, int(content.get("frame", 0)))
                self._flush()
        elif kind == "view":  # a new view: it gets the whole picture
            ratio = float(content.get("ratio") or 1.0)
            changed = ratio != self.ratio
            with self._lock:
                self._viewed, self._painted, self.ratio = True, self.frames, ratio
                if self._newest is None:
                    self._newest = self._sent
                self._sent = None
            if changed:
                self._fig.set_dpi(self._dpi * ratio)
                self._redraw()
            with self._lock:
                self._flush()


class HeadlessView:
    """What the browser's view does with the frames, in Python: for tests and benchmarks
    without a browser. ``HeadlessView(picture)`` connects (as a view's "view" message does);
    every frame the picture sends is decoded and painted like the front end paints it (a whole
    picture replaces, a diff goes over at its place), then reported painted unless
    ``auto_paint=False`` (then ``paint()`` paints what came). ``pixels``: what the view shows;
    ``frames``: the frames' messages, in order. ``decode=False``: frames are only reported
    painted (a benchmark of the kernel's side)."""

    def __init__(self, picture, ratio=1.0, auto_paint=True, decode=True):
        self.picture, self.auto_paint, self.decode = picture, auto_paint, decode
        self.pixels, self.frames, self._queue = None, [], []
        picture.send = self._receive
        picture._on_message(picture, {"type": "view", "ratio": ratio}, [])

    def _receive(self, content, buffers=None):
        self.frames.append(content)
        self._queue.append((content, buffers[0]))
        if self.auto_paint:
            self.paint()

    def paint(self):
        import io

        from PIL import Image

        while self._queue:
            msg, data = self._queue.pop(0)
            if self.decode:
                frame = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
                if msg["full"]:
                    self.pixels = frame.copy()
                else:
                    h, w, _ = frame.shape
                    part = self.pixels[msg["y"]:msg["y"] + h, msg["x"]:msg["x"] + w]
                    part[...] = np.where(frame[..., 3:] > 0, frame, part)
            self.picture._on_message(self.picture, {"type": "painted", "frame": msg["frame"]}, [])
