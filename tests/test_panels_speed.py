"""What makes the panels quick, checked for being the same thing, only quicker: the blitted
picture equals a full draw (but for rounding in the heat map), previews end in the very network ``train`` gives,
the PNG frames decode to the pixels drawn, and work in steps on an event loop stays cancellable.
(The speed itself is measured by benchmarks/bench_panels.py and tests/browser/test_speed.py.)"""
import asyncio
import html
import io
import threading
import time

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

import regutils as ru
from regutils import panels
from regutils.panels import canvas as canvas_module
from regutils.panels import picture
from regutils.panels.compute import train, training
from regutils.panels import jobs
from regutils.panels.jobs import Job
from regutils.panels.picture import HeadlessView
from regutils.panels.settings import Settings, digits_settings
from regutils.train import _blas_controller, one_blas_thread


def full_draw(panel):
    """The canvas's pixels after a full draw (the numbers line hidden, as on the canvas)."""
    f = panel.figure
    f.numbers.set_visible(False)
    try:
        FigureCanvasAgg.draw(panel.canvas)
    finally:
        f.numbers.set_visible(True)
    return np.asarray(panel.canvas.buffer_rgba()).copy()


def assert_same_picture(blitted, full, where, label):
    """The blitted picture is the full draw: exactly, but where the heat map, the points and
    the title are drawn straight into the pixels (``raster``), within 4/255 per channel in a
    few pixels."""
    diff = np.abs(blitted.astype(int) - full.astype(int)).max(axis=2)
    outside = diff.copy()
    outside[where] = 0
    assert outside.max() == 0, f"{label}: {np.count_nonzero(outside)} pixels differ outside the map"
    assert diff.max() <= 4, f"{label}: a pixel differs by {diff.max()}/255"
    assert np.mean(diff > 0) < 0.03, f"{label}: {100 * np.mean(diff > 0):.1f} % of the pixels differ"


def map_box(panel):
    """The pixels of the left axes and its title above it (the map and the points, or the
    digits and their labels, and the title: drawn straight into the pixels)."""
    f, where = panel.figure, np.zeros(panel.canvas.get_width_height()[::-1], bool)
    box, height = f.ax_main.bbox, where.shape[0]
    where[:int(height - box.y0) + 2, int(box.x0) - 1:int(box.x1) + 2] = True
    return where


@pytest.mark.parametrize("make, changes", [
    (lambda: panels.penalty_panel(n_train=100, epochs=30, canvas="agg"),
     [("lam", 0.1), ("penalty", "l1"), ("lam", 1e-5), ("noise", 0.4), ("colormap", "cividis"),
      ("lr", 2.0), ("lr", 10.0), ("lr", 0.01)]),   # lr=2: a new loss scale; lr=10 diverges
    (lambda: panels.dropout_panel(n_train=100, epochs=30, canvas="agg"),
     [("test_rule", "mc"), ("k", 5), ("seed", 1)]),
    (lambda: panels.corruption_panel(epochs=4, canvas="agg"), [("corruption", 0.5), ("seed", 2)]),
])
def test_the_blitted_picture_is_a_full_draw(make, changes):
    panel = make()
    kinds = []
    for name, value in changes:
        panel.set(**{name: value})
        kinds.append(panel.figure.render(panel.canvas))
        blitted = np.asarray(panel.canvas.buffer_rgba()).copy()
        assert_same_picture(blitted, full_draw(panel), map_box(panel), f"after {name}={value}")
    assert "blit" in kinds  # (and not only full draws: the cached background is used)


def test_new_axis_limits_redraw_only_those_axes_and_give_the_full_draw():
    """Live training past the budget moves the epoch axis, a new η the loss axis: the axes
    with new ticks are redrawn over the last background ("axes"), not the whole figure."""
    panel = panels.penalty_panel(n_train=100, epochs=30, canvas="agg")
    kinds = []
    panel.figure._backgrounds.restore = _recording(panel.figure._backgrounds.restore, kinds)
    panel.set(lr=2.0)  # a loss scale up to 50
    panel.mode_toggle.value = "live"
    for _ in range(14):  # 140 epochs: the epoch axis goes 30 → 60 → 120 → 240
        panel.tick()
        assert_same_picture(np.asarray(panel.canvas.buffer_rgba()).copy(), full_draw(panel),
                            map_box(panel), f"live, epoch {panel.result.epochs}")
    assert kinds.count("axes") >= 3 and kinds.count("full") <= 1, kinds


def _recording(restore, kinds):
    def recorded(*args):
        kinds.append(restore(*args))
        return kinds[-1]
    return recorded


def test_previews_end_in_the_network_train_gives():
    for s in (Settings(n_train=100, epochs=55, penalty="l2", lam=1e-3),
              Settings(n_train=100, epochs=40, keep_prob=0.5, test_rule="mc", k=5),
              digits_settings(corruption=0.5, epochs=6)):
        results = list(training(s, first=0.0, every=0.0))
        previews, final = results[:-1], results[-1]
        assert previews and not any(r.done for r in previews) and final.done
        epochs = [r.epochs for r in results]
        assert epochs == sorted(set(epochs)) and epochs[0] == 2 and epochs[-1] == s.epochs
        expected = train(s)
        for a, b in zip(final.weights, expected.weights):
            np.testing.assert_array_equal(a, b)
        for key in expected.history:  # recorded at the same epochs: the preview's record went
            np.testing.assert_array_equal(final.history[key], expected.history[key])
        assert final.metrics == expected.metrics
        if s.is_2d:
            np.testing.assert_array_equal(final.proba, expected.proba)


def test_training_in_steps_is_one_run_also_for_divergence():
    X, y = ru.make_moons(100, noise=0.2, seed=0)
    runs = []
    for chunks in ([60], [10] * 6):
        net, opt = ru.MLP([2, 16, 2], seed=0), ru.Adam(lr=0.01)
        history = ru.History()
        for n in chunks:
            ru.fit(net, opt, X, y, epochs=n, seed=1, history=history, eval_every=10)
        runs.append((net, history))
    (a, ha), (b, hb) = runs
    for wa, wb in zip(a.weights(), b.weights()):
        np.testing.assert_array_equal(wa, wb)
    assert ha == hb and ha.start_size == hb.start_size and ha.start_loss == hb.start_loss


def decode(frame):
    return np.asarray(Image.open(io.BytesIO(frame)))


def test_png_frames_decode_to_the_pixels_drawn(monkeypatch):
    rgba = np.random.default_rng(0).integers(0, 256, (37, 53, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode(canvas_module.png_bytes(rgba)), rgba)
    where = rgba[..., 0] > 128  # only those pixels, the others transparent
    np.testing.assert_array_equal(decode(canvas_module.png_bytes(rgba, where=where)),
                                  np.where(where[..., None], rgba, 0))
    # the panel's picture: diff frames, each the rectangle that changed, over the first picture
    panel = panels.penalty_panel(n_train=100, epochs=20)
    view = HeadlessView(panel.picture)  # (decodes and composes the frames as the browser does)
    panel.set(lam=0.1)
    panel.mode_toggle.value = "live"
    for _ in range(4):  # live ticks, back to back: each a diff, none lost
        panel.tick()
    assert view.frames[0]["full"] and len(view.frames) >= 6
    assert not any(f["full"] for f in view.frames[1:])
    assert all(f["x"] > 0 and f["y"] > 0 for f in view.frames[1:])  # (cropped on every side)
    np.testing.assert_array_equal(view.pixels, np.asarray(panel.canvas.buffer_rgba()))


def test_frames_wait_for_the_browser_and_the_newest_picture_wins():
    """Nothing is sent before a view is up; then at most ``WINDOW`` frames are on their way, and
    once the browser has painted them only the newest picture shown meanwhile follows, as a diff
    against the last frame sent: the view ends on the kernel's picture."""
    panel = panels.penalty_panel(n_train=100, epochs=20)
    sent = []
    panel.picture.send = lambda *args: sent.append(args)
    panel.mode_toggle.value = "live"
    panel.tick()
    assert sent == [] and panel.picture.frames == 0  # (no view yet)
    view = HeadlessView(panel.picture, auto_paint=False)
    for _ in range(6):
        panel.tick()
    assert len(view.frames) == picture.WINDOW == panel.picture.frames
    view.paint()  # the browser catches up: the newest picture comes, the 4 before it never
    assert len(view.frames) == picture.WINDOW + 1
    view.paint()
    np.testing.assert_array_equal(view.pixels, np.asarray(panel.canvas.buffer_rgba()))
    # a second view (another browser tab) starts from the whole picture
    other = HeadlessView(panel.picture)
    assert other.frames[0]["full"]
    np.testing.assert_array_equal(other.pixels, np.asarray(panel.canvas.buffer_rgba()))


def test_a_high_density_screen_gets_the_figure_at_its_pixel_ratio():
    """A view on a screen of 2 device pixels per CSS pixel: the figure is drawn at 2 × its dpi
    (sharp text), the frame says the ratio (the browser shows it at the same CSS size)."""
    panel = panels.penalty_panel(n_train=100, epochs=20)
    view = HeadlessView(panel.picture, ratio=2.0)
    assert view.pixels.shape[:2] == (720, 1872) and view.frames[-1]["ratio"] == 2.0
    assert panel.fig.dpi == 2 * 90
    panel.set(lam=0.1)
    np.testing.assert_array_equal(view.pixels, np.asarray(panel.canvas.buffer_rgba()))
    assert_same_picture(view.pixels, full_draw(panel), map_box(panel), "at ratio 2")


def test_one_blas_thread_applies_to_the_thread_that_runs_it():
    """OpenBLAS keeps its thread count per thread: a panel's training in a thread (no event
    loop) limits its own thread, and leaves the main thread's setting alone."""
    controller = _blas_controller()
    if controller is None:
        pytest.skip("no threadpoolctl")

    def threads():
        return controller.select(user_api="blas").info()[0]["num_threads"]

    before, seen = threads(), {}

    def worker():
        with one_blas_thread():
            seen["inside"] = threads()
        seen["after"] = threads()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == {"inside": 1, "after": before} and threads() == before
    with one_blas_thread():
        assert threads() == 1
    assert threads() == before


@pytest.fixture
def kernel_like(monkeypatch):
    """``run(coroutine)``: runs it on a fresh event loop in a fresh thread, which the panels use
    as they use a kernel's (a fresh thread: the browser tests leave Playwright's loop set as
    running in the main thread)."""
    monkeypatch.setattr(jobs, "ANY_RUNNING_LOOP", True)

    def run(coroutine):
        out = {}

        def target():
            try:
                out["value"] = asyncio.run(coroutine)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
                out["error"] = exc

        t = threading.Thread(target=target)
        t.start()
        t.join(60)
        if "error" in out:
            raise out["error"]
        return out["value"]
    return run


def test_outside_a_kernel_a_job_runs_in_a_thread():
    async def main():
        return Job(iter([None, None]), print).loop  # a running loop, but not a kernel's

    out = {}
    t = threading.Thread(target=lambda: out.update(loop=asyncio.run(main())))
    t.start()
    t.join(10)
    assert out == {"loop": None}


def test_a_job_runs_in_steps_on_the_event_loop_and_can_be_cancelled(kernel_like):
    order = []

    def steps(name, n):
        for i in range(n):
            order.append((name, i))
            yield None

    async def main():
        a = Job(steps("a", 5), order.append)
        b = Job(steps("b", 3), order.append)
        assert a.loop is not None and order == []  # nothing ran yet: the loop runs the steps
        await asyncio.sleep(0.05)
        assert a.done.is_set() and b.done.is_set()
        c = Job(steps("c", 100), order.append)
        await asyncio.sleep(0)
        c.cancel()
        await asyncio.sleep(0.05)
        return c

    c = kernel_like(main())
    assert order[:4] == [("a", 0), ("b", 0), ("a", 1), ("b", 1)]  # interleaved
    assert len([o for o in order if o[0] == "c"]) < 100 and c.done.is_set()


def test_in_a_kernel_a_newer_slider_value_drops_the_run_in_progress(kernel_like):
    async def main():
        panel = panels.penalty_panel(n_train=100, epochs=150, canvas="agg", background=True)
        first = panel.update_count
        panel.controls["lam"].value = 0.1     # starts training in steps on the loop
        panel.controls["lam"].value = 1e-2    # before any step: the first run is dropped
        while panel.result is None or panel.result.settings.lam != 1e-2 or not panel.result.done:
            await asyncio.sleep(0.01)
        return panel, first

    panel, first = kernel_like(main())
    assert panel.settings.replace(lam=0.1) not in panel.explorer  # never finished
    assert panel.result.settings == panel.settings and "trained" in panel.status.value
    assert panel.update_count > first
    np.testing.assert_array_equal(panel.result.weights[0], train(panel.settings).weights[0])


def test_in_a_kernel_live_training_ticks_on_the_loop_and_takes_slider_moves(kernel_like):
    async def main():
        panel = panels.penalty_panel(penalty="l2", lam=0.0, n_train=100, canvas="agg")
        panel.play()
        await asyncio.sleep(0.3)
        assert panel.playing and panel.live.epoch > 0
        panel.controls["lam"].value = 0.1
        await asyncio.sleep(0.2)
        assert panel.live.net.penalty.lam == 0.1 and "λ = 0.1 from epoch" in panel.status.value
        panel.pause()
        epoch = panel.live.epoch
        await asyncio.sleep(0.2)
        return panel, epoch

    panel, epoch = kernel_like(main())
    assert not panel.playing and panel.live.epoch == epoch and panel.error is None


def test_ticks_are_due_by_the_clock_so_a_late_loop_is_made_up(monkeypatch):
    """``jobs.every``: a tick of 10 ms every 30 ms, on a loop that runs each step 5 ms late,
    still ticks every 30 ms on average (waiting 30 ms minus the tick would give 35); a tick
    longer than the interval is followed at once; a long stall is not made up in a burst."""
    clock = {"now": 0.0}
    monkeypatch.setattr(jobs.time, "perf_counter", lambda: clock["now"])
    costs = iter([0.010] * 100 + [0.050] + [0.010] * 5 + [0.300] + [0.010] * 5)
    starts = []

    def tick():
        starts.append(clock["now"])
        clock["now"] += next(costs, None) or 0.0
        return len(starts) < 117

    steps = jobs.every(0.030, tick)
    for delay in steps:
        clock["now"] += delay + 0.005  # the event loop runs the next step 5 ms late
    gaps = np.diff(starts)
    assert len(starts) == 117
    assert np.mean(gaps[1:99]) == pytest.approx(0.030, abs=1e-9)  # (the first: 5 ms late)
    assert gaps[100] == pytest.approx(0.050 + 0.002 + 0.005)      # after the 50 ms tick: at once
    stall = 106
    assert gaps[stall] == pytest.approx(0.300 + 0.002 + 0.005)    # after the 300 ms stall: at once
    # then at most one interval is made up (and the loop's lateness), not the whole stall
    assert sum(gaps[stall + 1:stall + 5]) >= 3 * 0.030 - 0.005 - 1e-9
    assert gaps[stall + 4] == pytest.approx(0.030, abs=1e-9)


def test_while_playing_the_text_lines_change_a_few_times_a_second_and_pause_shows_the_last(
        kernel_like):
    """The picture changes every tick; the status and numbers lines at most every
    ``LIVE_TEXT_EVERY`` s, but at once for a slider moved; after ■ both lines are the last
    tick's."""
    async def main():
        panel = panels.penalty_panel(lam=0.0, n_train=100, canvas="agg", interval=0.01)
        changes = []
        panel.status.observe(lambda c: changes.append(time.perf_counter()), names="value")
        panel.play()
        await asyncio.sleep(1.0)
        ticks = panel.update_count
        panel.controls["lam"].value = 0.1
        moved = time.perf_counter()
        while "λ = 0.1 from epoch" not in panel.status.value:
            await asyncio.sleep(0.005)
        answered = time.perf_counter() - moved
        await asyncio.sleep(0.3)
        panel.pause()
        return panel, changes, ticks, answered

    panel, changes, ticks, answered = kernel_like(main())
    assert ticks >= 20, ticks  # (a tick every 10 ms asked; a slow machine gives fewer)
    during = [t for t in changes[1:] if t - changes[0] < 1.0]
    assert len(during) <= 1.0 / panel.LIVE_TEXT_EVERY + 1, (len(during), ticks)
    assert min(np.diff(during)) >= panel.LIVE_TEXT_EVERY - 1e-3
    assert answered < panel.LIVE_TEXT_EVERY, answered  # a moved slider is said at the next tick
    assert f"live: epoch {panel.live.epoch} — λ = 0.1 from epoch" in panel.status.value
    assert html.escape(panel.figure.numbers.get_text()) in panel.numbers.value


def test_an_error_while_playing_stays_in_the_status_line_after_pause(kernel_like):
    """A line held back by the live text rate never replaces the message of an error."""
    async def main():
        panel = panels.penalty_panel(n_train=100, canvas="agg", interval=0.01)
        panel.play()
        await asyncio.sleep(0.5)
        while panel._text[2] is None:  # a tick's line is held back
            await asyncio.sleep(0.001)

        def diverge(n_epochs, seconds=None):
            raise ru.TrainingDiverged("the loss is nan at epoch 1234")
        panel.live.step = diverge  # the next tick fails
        while panel.playing:
            await asyncio.sleep(0.01)
        panel.pause()
        return panel

    panel = kernel_like(main())
    assert isinstance(panel.error, ru.TrainingDiverged)
    assert "TrainingDiverged" in panel.status.value and "live: epoch" not in panel.status.value


def test_a_new_panel_hides_what_lived_before_it_from_the_garbage_collector():
    """``jobs.freeze_what_lives``: building a panel freezes the objects alive before it (so the
    garbage collector's full collections skip them), not the panel itself (a closed panel is
    still freed: test_panels_guards)."""
    import gc

    first = panels.penalty_panel(n_train=100, epochs=20, canvas="agg")
    second = panels.penalty_panel(n_train=100, epochs=20, canvas="agg")
    seen = {id(o) for o in gc.get_objects()}  # what the collector walks (frozen ones: not)
    assert id(first.fig) not in seen and id(first) not in seen
    assert id(second.fig) in seen and id(second) in seen
    assert gc.get_freeze_count() > 0


def test_a_live_tick_trains_fewer_epochs_when_they_cost_more_than_its_share(monkeypatch):
    """▶ trains at most ``LIVE_TRAINING`` × ``interval`` per tick (by what an epoch took in the
    last ticks): ``epochs_per_tick`` epochs when they are cheap, fewer (at least one) when they
    cost more, so a larger data set or a slower laptop keeps the picture's rate. ``tick()``
    trains ``epochs_per_tick`` always; the history keeps its grid either way."""
    from regutils.panels import compute

    clock = {"now": 0.0, "per_epoch": 0.0}
    monkeypatch.setattr(compute, "time", type("Clock", (), {
        "perf_counter": staticmethod(lambda: clock["now"])}))
    panel = panels.penalty_panel(n_train=100, canvas="agg", interval=0.03)
    panel.mode_toggle.value = "live"
    run = panel.live._run
    step = run.step

    def timed_step(n_epochs):
        clock["now"] += n_epochs * clock["per_epoch"]
        return step(n_epochs)
    run.step = timed_step

    def epochs_of_a_tick(tick):
        before = panel.live.epoch
        assert tick() is not False and panel.error is None
        return panel.live.epoch - before

    budget = panel.LIVE_TRAINING * panel.interval  # 12 ms
    trained = []
    for per_epoch in (0.0005, 0.003, 0.02, 0.0005):  # cheap, 4 per budget, over it, cheap again
        clock["per_epoch"] = per_epoch
        trained.append([epochs_of_a_tick(panel._live_step) for _ in range(6)])
    assert trained[0] == [10] * 6
    assert trained[1][-1] == int(budget / 0.003) == 4  # (the estimate is smoothed: 2-3 ticks)
    assert sum(trained[1]) < 6 * 10
    assert trained[2][-2:] == [1, 1]
    assert trained[3][-1] == 10
    clock["per_epoch"] = 0.02
    assert epochs_of_a_tick(panel.tick) == panel.epochs_per_tick
    epochs = run.history["epoch"]
    assert all(e % 10 == 0 for e in epochs[:-1]) and epochs[-1] == panel.live.epoch
    with pytest.raises(ValueError, match="seconds"):
        panel.live.step(5, seconds=0)
