"""regutils.panels without a browser: ipywidgets and the picture widget work without a front end.

The memory/figure test performs 500 updates and checks that no pyplot figure appears, that the
figure keeps the same number of artists and that the process memory stays within a bound.
"""
import gc
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import regutils as ru
from regutils import panels
from regutils.panels.picture import HeadlessView, Picture


FAST = dict(n_train=100)
RSS_BOUND_MB = 15  # allowed growth of the resident set over 490 updates (after warm-up)


def snapshot(panel):
    """The data of every artist a panel updates."""
    f = panel.figure
    snap = {"image": np.array(f.image.get_array(), dtype=float),
            "hists": [np.array(h.get_data().values, dtype=float) for h in f.hists],
            "lines": [np.array(l.get_ydata(), dtype=float) for l in f.curves.values()],
            "numbers": f.numbers.get_text(), "title": f.main_title.get_text()}
    if f.kind == "2d":
        snap["points"] = [np.array(c.get_offsets()) for c in f.train_points]
    else:
        snap["labels"] = [t.get_text() for t in f.digit_labels]
    return snap


def differs(a, b):
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, list):
            if len(x) != len(y) or any(np.shape(p) != np.shape(q) or not np.array_equal(p, q)
                                       for p, q in zip(x, y)):
                return True
        elif isinstance(x, str):
            if x != y:
                return True
        elif np.shape(x) != np.shape(y) or not np.array_equal(x, y):
            return True
    return False


def artists(panel):
    f = panel.figure
    return [id(a) for a in (f.image, *f.hists, *f.curves.values(), f.numbers, f.main_title)]


@pytest.fixture
def no_new_pyplot_figures():
    before = list(plt.get_fignums())
    yield
    assert plt.get_fignums() == before


# -- construction, labels, display ------------------------------------------------------------
def test_panels_build_without_pyplot_and_show_lecture_symbols(no_new_pyplot_figures):
    penalty = panels.penalty_panel(**FAST)
    dropout = panels.dropout_panel(**FAST)
    noise = panels.noise_panel(**FAST)
    assert isinstance(penalty.canvas, FigureCanvasAgg) and penalty.fig.canvas is penalty.canvas
    assert isinstance(penalty.picture, Picture)
    assert penalty.controls["lam"].description == "λ"
    assert penalty.controls["lr"].description == "η"
    assert dropout.controls["keep_prob"].description == "p (keep)"
    assert noise.controls["input_sigma"].description == "σ input"
    assert noise.controls["hidden_sigma"].description == "σ hidden"
    lam_labels = [label for label, _ in penalty.controls["lam"].options]
    assert lam_labels[0] == "0" and lam_labels[1] == "1e-5" and lam_labels[-1] == "10"
    values = [v for _, v in penalty.controls["lam"].options]
    assert values[1] == 1e-5 and values[-1] == 10.0 and values == sorted(values)
    p = dropout.controls["keep_prob"]
    assert (p.min, p.max) == (0.05, 1.0)
    assert [v for _, v in dropout.controls["rule"].options] == ["vanilla", "inverted"]
    assert [v for _, v in dropout.controls["test_rule"].options] == ["scale", "mc"]
    assert dropout.controls["k"].disabled  # k masks only matter for the Monte-Carlo rule
    dropout.set(test_rule="mc")
    assert not dropout.controls["k"].disabled
    assert [v for _, v in penalty.controls["penalty"].options] == ["none", "l1", "l2"]
    assert {v for _, v in penalty.controls["dataset"].options} == {"moons", "circles", "spiral",
                                                                    "xor"}
    for panel in (penalty, dropout, noise):
        bundle = panel._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert bundle["text/plain"].startswith(type(panel).__name__)
        assert panel.picture in panel.widget.children
        assert panel.status.value and "⚠" not in panel.status.value
        panel.close()


def test_the_api_settings_reach_the_compute():
    panel = panels.penalty_panel(dataset="xor", penalty="l1", lam=2e-3, decoupled=True, n_train=150,
                             noise=0.1, seed=3, epochs=40)
    s = panel.settings
    assert (s.dataset, s.penalty, s.lam, s.decoupled, s.n_train, s.noise, s.seed, s.epochs) == \
        ("xor", "l1", 2e-3, True, 150, 0.1, 3, 40)
    assert panel.controls["lam"].value == 2e-3
    off_grid = panels.penalty_panel(lam=3e-3, lr=0.03, epochs=5, n_train=20)
    assert off_grid.controls["lam"].value == 3e-3 and off_grid.settings.lam == 3e-3
    assert off_grid.controls["lam"].label == "0.003" and off_grid.controls["lr"].value == 0.03
    assert panel.result.settings == s and panel.result.epochs == 40
    d = panels.dropout_panel(keep_prob=0.3, rule="vanilla", test_rule="mc", k=7, epochs=10).settings
    assert (d.keep_prob, d.rule, d.test_rule, d.k) == (0.3, "vanilla", "mc", 7)
    n = panels.noise_panel(input_sigma=0.2, hidden_sigma=0.1, epochs=10).settings
    assert (n.input_sigma, n.hidden_sigma) == (0.2, 0.1)
    c = panels.corruption_panel(fraction=0.4, seed=2, epochs=3).settings
    assert (c.dataset, c.corruption, c.seed) == ("digits", 0.4, 2)
    with pytest.raises(ValueError, match="keep_prob must be in"):
        panels.dropout_panel(keep_prob=0.0)


# -- every control changes the figure -----------------------------------------------------------
CHANGES = {
    "penalty": [("penalty", "l1"), ("lam", 0.05), ("decoupled", True), ("penalty", "none"),
                ("dataset", "spiral"), ("noise", 0.1), ("n_train", 150), ("seed", 3),
                ("optimizer", "sgd"), ("lr", 0.05)],
    "dropout": [("keep_prob", 0.8), ("rule", "vanilla"), ("test_rule", "mc"), ("k", 5),
                ("dataset", "circles")],
    "noise": [("input_sigma", 0.3), ("hidden_sigma", 0.2), ("dataset", "xor")],
    "corruption": [("corruption", 0.5), ("seed", 1)],
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_each_control_changes_the_figure_in_place(kind, no_new_pyplot_figures):
    panel = (panels.corruption_panel(epochs=3) if kind == "corruption"
             else getattr(panels, f"{kind}_panel")(epochs=80, **FAST))
    if kind == "penalty":
        panel.set(lam=1e-3)
    same_artists, count = artists(panel), panel.figure.n_artists(ticks=False)
    for name, value in CHANGES[kind]:
        before, updates = snapshot(panel), panel.update_count
        panel.controls[name].value = value
        panel.wait()  # (with the picture widget a new setting trains in steps)
        assert panel.error is None, (name, panel.status.value)
        assert panel.update_count >= updates + 1 and panel.result.done
        assert getattr(panel.settings, name) == value
        assert differs(before, snapshot(panel)), f"moving {name} did not change the figure"
        assert artists(panel) == same_artists and panel.figure.n_artists(ticks=False) == count


def test_the_figure_shows_the_result():
    panel = panels.penalty_panel(epochs=50, **FAST)
    r, f = panel.result, panel.figure
    np.testing.assert_array_equal(f.image.get_array(), r.proba)
    np.testing.assert_array_equal(f.curves["test_acc"].get_ydata(), r.history["test_acc"])
    for w, stairs, bound in zip(r.weights, f.hists, f.weight_ranges):
        assert bound >= np.abs(w).max()
        counts, _ = np.histogram(w, bins=f.N_BINS, range=(-bound, bound))
        np.testing.assert_array_equal(stairs.get_data().values, counts)
    assert f"test acc {r.metrics['test_acc']:.3f}" in f.numbers.get_text()


def test_returning_to_a_value_is_served_from_the_cache():
    panel = panels.penalty_panel(epochs=40, **FAST)
    first = panel.result
    panel.set(lam=0.1)
    panel.set(lam=1e-3)
    assert panel.result is first and "cached" in panel.status.value
    assert panel.explorer.hits >= 1


# -- errors -----------------------------------------------------------------------------------
def test_an_error_in_a_callback_is_a_message_and_the_panel_recovers():
    panel = panels.penalty_panel(optimizer="sgd", epochs=60, **FAST)
    good = snapshot(panel)
    panel.controls["lr"].value = 10.0  # diverges: NaN loss
    panel.wait()
    assert isinstance(panel.error, ru.TrainingDiverged)
    assert "⚠" in panel.status.value and "diverged" in panel.status.value
    assert "Traceback" not in panel.status.value and "smaller η" in panel.status.value
    panel.controls["lr"].value = 0.05
    panel.wait()
    assert panel.error is None and "⚠" not in panel.status.value
    assert panel.result.settings.lr == 0.05
    assert differs(good, snapshot(panel))
    np.testing.assert_array_equal(panel.figure.image.get_array(), panel.result.proba)


def test_live_divergence_pauses_and_the_next_tick_starts_over():
    panel = panels.penalty_panel(optimizer="sgd", **FAST)
    panel.play()  # live training in a thread
    assert panel.mode == "live" and panel.playing
    panel.controls["lr"].value = 10.0  # applied by the live thread before its next tick
    deadline = time.monotonic() + 30
    while panel.playing and time.monotonic() < deadline:
        time.sleep(0.01)
    assert isinstance(panel.error, ru.TrainingDiverged) and not panel.playing
    panel.pause()
    panel.controls["lr"].value = 0.1
    panel.tick()
    assert panel.error is None and panel.live.epoch == panel.epochs_per_tick
    assert "started over" in panel.status.value or "restarted" in panel.status.value


def test_sliders_moved_while_playing_reach_the_running_network():
    panel = panels.penalty_panel(penalty="l2", lam=0.0, **FAST)
    panel.play()
    time.sleep(0.3)
    panel.controls["lam"].value = 0.1
    deadline = time.monotonic() + 10
    while "λ = 0.1 from epoch" not in panel.status.value and time.monotonic() < deadline:
        time.sleep(0.01)
    assert panel.live.net.penalty.lam == 0.1 and panel.playing
    assert "λ = 0.1 from epoch" in panel.status.value
    epoch = panel.live.epoch
    time.sleep(0.3)
    assert panel.live.epoch > epoch  # still training
    panel.pause()
    epoch, updates = panel.live.epoch, panel.update_count
    time.sleep(0.2)
    assert not panel.playing and panel.live.epoch == epoch and panel.update_count == updates
    assert panel.error is None, panel.status.value


# -- live mode --------------------------------------------------------------------------------
def test_play_trains_and_sliders_change_the_running_network():
    panel = panels.penalty_panel(penalty="l2", lam=0.0, **FAST)
    panel.tick()  # the first tick switches to live mode (epoch 0)
    assert panel.mode == "live" and panel.live.epoch == 0
    before = snapshot(panel)
    for _ in range(5):
        panel.tick()
    assert panel.live.epoch == 5 * panel.epochs_per_tick
    assert differs(before, snapshot(panel))
    net = panel.live.net
    panel.controls["lam"].value = 0.1
    assert panel.live.net is net and net.penalty.lam == 0.1  # warm start, no reset
    assert panel.live.epoch == 5 * panel.epochs_per_tick
    norm = panel.result.metrics["l2"]
    for _ in range(10):
        panel.tick()
    assert panel.result.metrics["l2"] < norm  # "turn on L2 and watch the weights shrink"
    panel.reset_button.click()
    assert panel.live.epoch == 0 and panel.result.epochs == 0
    panel.mode_toggle.value = "compare"
    panel.wait()
    assert panel.live is None and panel.result.epochs == panel.settings.epochs


# -- memory and figures -----------------------------------------------------------------------
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_500_updates_leak_no_figures_artists_or_memory(no_new_pyplot_figures):
    panel = panels.penalty_panel(penalty="l2", cache_size=16, **FAST)
    # as with a browser connected: every update renders (Agg) and sends a PNG diff at once
    HeadlessView(panel.picture)
    lams = [0.0, 1e-4, 1e-3, 1e-2]
    penalties = ["l2", "l1", "none"]

    def update(i):
        """Even i < 250: compare-mode slider changes; then live mode: ticks and slider moves."""
        if i == 250:
            panel.mode_toggle.value = "live"
        elif i < 250:
            if i % 10 == 9:
                panel.controls["penalty"].value = penalties[(i // 10) % 3]
            else:
                panel.controls["lam"].value = lams[i % 4]
            panel.wait()
        elif i % 25 == 0:
            panel.controls["lam"].value = lams[(i // 25) % 4]
        elif i % 97 == 0:
            panel.reset_button.click()
        else:
            panel.tick()
        assert panel.error is None, panel.status.value

    # warm-up: both modes once, so caches, fonts and the live trainer exist
    for i in list(range(5)) + [250, 251, 252, 253, 254]:
        update(i)
    panel.mode_toggle.value = "compare"
    gc.collect()
    count, rss, updates = panel.figure.n_artists(), rss_mb(), panel.update_count
    for i in range(10, 500):
        update(i)
    gc.collect()
    grown = rss_mb() - rss
    assert panel.update_count - updates >= 490
    assert panel.figure.n_artists() == count
    assert plt.get_fignums() == []
    assert len(panel.explorer) <= 16
    assert len(panel.result.history["epoch"]) <= panel.live.max_records + 1
    # the figure keeps a bounded cache of backgrounds (blitting), which may fill up meanwhile:
    # its full size is allowed on top of the bound, and the cache must stay within its size
    f = panel.figure
    backgrounds_mb = f.BACKGROUNDS * f.fig.bbox.width * f.fig.bbox.height * 4 / 2**20
    assert len(f._backgrounds) <= f.BACKGROUNDS
    bound = RSS_BOUND_MB + backgrounds_mb
    print(f"\n500 updates: artists {count} -> {panel.figure.n_artists()}, "
          f"RSS {rss:.1f} MB -> {rss + grown:.1f} MB (+{grown:.1f} MB, bound {bound:.1f} MB)")
    assert grown < bound


def test_making_a_panel_leaves_pyplot_and_its_backend_alone():
    """A panel neither switches pyplot's backend (static figures of an inline notebook would
    turn into widgets, as ``import ipympl`` does) nor adds a pyplot figure: a fresh process."""
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt\n"
            "fig = plt.figure()\n"
            "from regutils.panels import penalty_panel\n"
            "p = penalty_panel(epochs=2, n_train=20)\n"
            "import sys\n"
            "print(matplotlib.get_backend(), plt.get_fignums(),\n"
            "      'ipympl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.lower().split() == ["agg", "[1]", "false"]
    assert "Warning" not in out.stderr, out.stderr


def test_start_values_outside_the_default_ranges_are_shown_as_given():
    """A slider never shows another value than the network uses (ipywidgets would clamp)."""
    panel = panels.dropout_panel(keep_prob=0.02, noise=0.8, canvas="agg", **FAST)
    assert panel.controls["keep_prob"].value == 0.02 == panel.settings.keep_prob
    assert panel.controls["noise"].value == 0.8 == panel.settings.noise
    noisy = panels.noise_panel(input_sigma=1.5, canvas="agg", **FAST)
    assert noisy.controls["input_sigma"].value == 1.5 == noisy.settings.input_sigma


def test_a_2d_panel_on_digits_says_which_panel_to_use():
    with pytest.raises(ValueError, match="dataset must be one of .*corruption_panel.*'digits'"):
        panels.penalty_panel(dataset="digits", canvas="agg")
