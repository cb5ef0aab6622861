"""What ``PanelFigure.render`` writes straight into Agg's pixels instead of drawing artists:
the 2-D heat map with its points (``MapRaster``), rarely changing artists such as text
(``Layer``), and the cached pictures behind the dynamic artists (``Backgrounds``).

A panel redraws its heat map for every result. Matplotlib resamples the (R, R) map to the
axes' pixels, colours it and then stamps every marker over it: 10-15 ms per picture; and it
draws text glyph by glyph (matplotlib 3.11: ~0.1 ms a glyph, 13 ms for the two-line title).
Here the map is resampled bilinearly in NumPy (the same weights at the same pixel centres),
coloured by a lookup table and written into the renderer's buffer; the markers and the texts
are drawn by Agg once into a transparent layer and blended in, only at the pixels they cover.
The picture differs from the artists' by at most 4/255 per channel in about 2 % of the pixels
(tests/test_panels_speed.py); saved figures are drawn by the artists.
"""
import numpy as np


def bilinear_taps(n_out, n_in, start, length):
    """Output pixel j (centre at j + ½) from the n_in data cells that span ``length`` pixels from
    ``start``: the two cells it lies between (low, high) and the weight t of the high one, linear
    between cell centres and constant past the edges (how Agg resamples an image with
    ``interpolation="bilinear"``)."""
    centres = (np.arange(n_out) + 0.5 - start) / length * n_in - 0.5
    c = np.clip(centres, 0, n_in - 1)
    low = np.floor(c).astype(np.intp)
    return low, np.minimum(low + 1, n_in - 1), (c - low).astype(np.float32)


def bilinear(values, rows, cols):
    """``values`` (R, C) resampled at the taps ``rows`` and ``cols`` (``bilinear_taps``): plain
    NumPy, no BLAS (whose threads only wait for each other on so small a product)."""
    (r0, r1, tr), (c0, c1, tc) = rows, cols
    across = values[r0] * (1 - tr)[:, None] + values[r1] * tr[:, None]
    return across[:, c0] * (1 - tc) + across[:, c1] * tc


class Layer:
    """Artists drawn by Agg once, over transparency, and blended into a renderer's pixels from
    then on (what drawing them there would paint): for artists that change rarely but cost much
    to draw, above all text (matplotlib 3.11 renders text glyph by glyph, ~0.1 ms a glyph).
    ``draw(renderer, key)`` draws them again only when ``key`` (what they depend on) changed."""

    def __init__(self, artists):
        self.artists = list(artists)
        self._cached = None  # (key, flat pixel indices, premultiplied colours, 1 - alpha)

    def draw(self, renderer, key):
        from matplotlib.backends.backend_agg import RendererAgg

        key = (renderer.width, renderer.height, renderer.dpi, key,
               tuple(a.get_visible() for a in self.artists))
        if self._cached is None or self._cached[0] != key:
            layer = RendererAgg(renderer.width, renderer.height, renderer.dpi)
            for artist in sorted(self.artists, key=lambda a: a.get_zorder()):
                if artist.get_visible():
                    artist.draw(layer)
            rgba = np.asarray(layer.buffer_rgba()).reshape(-1, 4)
            flat = np.flatnonzero(rgba[:, 3])
            alpha = rgba[flat, 3:].astype(np.float32) / 255
            self._cached = (key, flat, rgba[flat, :3] * alpha, 1 - alpha)
        _, flat, colour, rest = self._cached
        if len(flat):
            under = np.asarray(renderer.buffer_rgba()).reshape(-1, 4)
            under[flat, :3] = (colour + under[flat, :3] * rest + 0.5).astype(np.uint8)


class MapRaster:
    """Draws ``image`` (an ``AxesImage`` of values in [0, 1], bilinear) and ``points`` (the
    scatters over it, a ``Layer``) into a renderer's pixels. Caches what depends only on the
    layout and the data: the resampling weights and the points' layer."""

    def __init__(self, image, points):
        self.image = image
        self.points = Layer(points)
        self._layout = None  # (key, rows, cols, taps along y, taps along x)
        self._lut = None  # (colormap, (N, 4) uint8)

    def _box(self, renderer):
        """The pixel rows and columns the image covers (its extent through transData, clipped
        to the axes), and the bilinear taps for them."""
        ax = self.image.axes
        x0, x1, y0, y1 = self.image.get_extent()
        (left, bottom), (right, top) = ax.transData.transform([(x0, y0), (x1, y1)])
        clip = ax.bbox
        key = (renderer.width, renderer.height, left, bottom, right, top, *clip.bounds,
               self.image.get_array().shape)
        if self._layout is None or self._layout[0] != key:
            height = renderer.height
            c0, c1 = int(np.floor(max(left, clip.x0))), int(np.ceil(min(right, clip.x1)))
            r0 = int(np.floor(height - min(top, clip.y1)))
            r1 = int(np.ceil(height - max(bottom, clip.y0)))
            n_rows, n_cols = self.image.get_array().shape
            taps_x = [a[c0:] for a in bilinear_taps(c1, n_cols, left, right - left)]
            # buffer rows count from the top, the map's rows from the bottom
            taps_y = [a[::-1][r0:r1] for a in bilinear_taps(height, n_rows, bottom, top - bottom)]
            self._layout = (key, slice(r0, r1), slice(c0, c1), taps_y, taps_x)
        return self._layout[1:]

    def _colours(self):
        cmap = self.image.get_cmap()
        if self._lut is None or self._lut[0] is not cmap:
            self._lut = (cmap, cmap(np.linspace(0, 1, cmap.N), bytes=True))
        return self._lut[1]

    def draw(self, renderer, data_key):
        """The heat map and the points over it, into ``renderer``'s pixels (what drawing the
        image and then the scatters would paint). ``data_key``: changes with the points."""
        if self.image.get_visible():
            rows, cols, taps_y, taps_x = self._box(renderer)
            lut = self._colours()
            values = bilinear(np.asarray(self.image.get_array(), np.float32), taps_y, taps_x)
            index = np.clip((values * len(lut)).astype(np.intp), 0, len(lut) - 1)
            np.asarray(renderer.buffer_rgba())[rows, cols] = np.take(lut, index, axis=0)
        self.points.draw(renderer, data_key)


class Backgrounds:
    """The figure without its dynamic artists, the last ``size`` versions, by what they depend
    on: the renderer and a key per axes (its limits, say). ``restore(canvas, keys, hidden)``
    puts the matching one into the canvas's pixels; when there is none, it redraws only the
    axes whose key changed over the most recent one (clearing where they were and are now,
    and any axes drawn there), or the whole figure when the renderer changed.

    The figure's background must be white. A full draw costs ~100 ms (mostly text); one
    axes with new ticks 25-50 ms."""

    def __init__(self, fig, size=6):
        from collections import OrderedDict

        self.fig = fig
        self.size = size
        self._cache = OrderedDict()  # key -> (region, renderer, axes keys, axes boxes)

    def __len__(self):
        return len(self._cache)

    def clear(self):
        self._cache.clear()

    def restore(self, canvas, keys, hidden):
        """Returns "blit" (a cached one), "axes" (some axes redrawn) or "full"."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = canvas.get_renderer()
        key = (renderer.width, renderer.height, renderer.dpi, *keys.values())
        cached = self._cache.get(key)
        if cached is not None and cached[1] is renderer:
            self._cache.move_to_end(key)
            canvas.restore_region(cached[0])
            return "blit"
        base = next((c for c in reversed(self._cache.values()) if c[1] is renderer), None)
        shown = [a.get_visible() for a in hidden]
        for a in hidden:
            a.set_visible(False)
        try:
            if base is None:
                FigureCanvasAgg.draw(canvas)
                renderer, kind = canvas.get_renderer(), "full"
                boxes = {ax: _box(ax, renderer) for ax in self.fig.axes}
            else:
                canvas.restore_region(base[0])
                boxes = self._redraw(renderer, [ax for ax in keys if keys[ax] != base[2][ax]],
                                     base[3])
                kind = "axes"
        finally:
            for a, visible in zip(hidden, shown):
                a.set_visible(visible)
        self._cache[key] = (canvas.copy_from_bbox(self.fig.bbox), renderer, dict(keys), boxes)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
        return kind

    def _redraw(self, renderer, changed, boxes):
        """Redraw the ``changed`` axes over the restored picture: clear where each was
        (``boxes``) and is now, and redraw every axes that reaches into a cleared box too."""
        boxes = dict(boxes)
        pixels = np.asarray(renderer.buffer_rgba())
        redraw, todo, cleared = set(changed), list(changed), []
        while todo:
            ax = todo.pop()
            new = _box(ax, renderer)
            for box in (boxes[ax], new):
                r0 = max(int(np.floor(renderer.height - box.y1)) - 1, 0)
                c0 = max(int(np.floor(box.x0)) - 1, 0)
                pixels[r0:int(np.ceil(renderer.height - box.y0)) + 1,
                       c0:int(np.ceil(box.x1)) + 1] = 255  # (the figure is white)
                cleared.append(box)
            boxes[ax] = new
            for other in self.fig.axes:
                if other not in redraw and any(boxes[other].overlaps(b) for b in cleared):
                    redraw.add(other)
                    todo.append(other)
        for ax in self.fig.axes:  # (in the figure's order, as a full draw)
            if ax in redraw:
                ax.draw(renderer)
        return boxes


def _box(ax, renderer):
    """Where ``ax`` draws: its tight box (ticks, labels, texts), at least the axes."""
    from matplotlib.transforms import Bbox

    tight = ax.get_tightbbox(renderer)
    return ax.bbox.frozen() if tight is None else Bbox.union([tight, ax.bbox])
