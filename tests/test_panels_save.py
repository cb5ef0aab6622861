"""regutils.panels: the Save button (PNG or SVG, named after the panel and its settings) and the
colour-blind-safe heat map control."""
import xml.etree.ElementTree as ET

import pytest

from regutils import panels
from regutils.panels import save
from regutils.panels import picture

FAST = dict(n_train=60, epochs=10, canvas="agg")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_save_writes_a_png_named_after_the_panel_and_its_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the kernel's directory: in JupyterLab, the notebook's folder
    panel = panels.penalty_panel(penalty="l2", lam=0.03, n_train=200, epochs=10, canvas="agg")
    assert panel.file_name() == "penalty-panel_L2_lam0.03.png"
    panel.save_button.click()
    path = tmp_path / "penalty-panel_L2_lam0.03.png"
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    w_in, h_in = panel.fig.get_size_inches()
    assert (width, height) == (round(w_in * save.PNG_DPI), round(h_in * save.PNG_DPI))
    assert panel.error is None and str(path) in panel.status.value
    assert "saved the figure to" in panel.status.value


def test_save_as_svg_is_an_svg_document(tmp_path):
    panel = panels.dropout_panel(keep_prob=0.5, test_rule="mc", k=5, save_dir=tmp_path, **FAST)
    panel.save_format.value = "svg"
    panel.save_button.click()
    (path,) = tmp_path.iterdir()
    assert path.name == "dropout-panel_p0.5_inverted_mc_k5_n60.svg"
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "train acc" in path.read_text()  # the numbers line (matplotlib names each text)
    assert str(path) in panel.status.value


@pytest.mark.parametrize("make, changes, name", [
    (panels.penalty_panel, dict(penalty="none", lam=0.0), "penalty-panel_no-penalty_lam0.png"),
    (panels.penalty_panel, dict(penalty="l1", lam=1e-5, decoupled=True, dataset="xor", seed=3),
     "penalty-panel_L1_lam1e-5_decoupled_xor_seed3.png"),
    (panels.penalty_panel, dict(optimizer="sgd"), "penalty-panel_L2_lam0.001_sgd.png"),
    (panels.penalty_panel, dict(optimizer="sgd", lr=0.05), "penalty-panel_L2_lam0.001_sgd_lr0.05.png"),
    (panels.dropout_panel, dict(keep_prob=0.8), "dropout-panel_p0.8_inverted_scale.png"),
    (panels.noise_panel, dict(input_sigma=0.1, noise=0.1),
     "noise-panel_sigma-in0.1_sigma-hidden0_noise0.1.png"),
])
def test_file_names_say_the_settings(make, changes, name):
    panel = make(canvas="agg", epochs=2, **changes)
    assert panel.file_name() == name
    assert panel.file_name("svg") == name[:-3] + "svg"


def test_a_moved_control_changes_the_name_and_live_mode_adds_the_epoch():
    panel = panels.penalty_panel(canvas="agg", epochs=2)
    panel.set(lam=0.1)
    assert panel.file_name() == "penalty-panel_L2_lam0.1.png"
    panel.tick()
    panel.tick()
    assert panel.mode == "live"
    assert panel.file_name() == f"penalty-panel_L2_lam0.1_live-epoch{panel.result.epochs}.png"
    assert panel.result.epochs == panel.epochs_per_tick


def test_corruption_panel_name(tmp_path):
    panel = panels.corruption_panel(fraction=0.2, epochs=1, canvas="agg", save_dir=tmp_path)
    path = panel.save("png")
    assert path.name == "corruption-panel_corrupted0.2_seed0.png"
    assert path.read_bytes().startswith(PNG_MAGIC)


def test_a_failing_save_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    panel = panels.penalty_panel(save_dir=blocker, **FAST)  # a file where the folder should be
    panel.save_button.click()
    assert isinstance(panel.error, OSError)
    assert "⚠" in panel.status.value and "not-a-folder" in panel.status.value
    assert "Traceback" not in panel.status.value
    # a read-only folder (as root, chmod does not stop a write: the error is simulated)
    def read_only(self, data):
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(save.Path, "write_bytes", read_only)
    panel.save_dir = tmp_path
    panel.save_button.click()
    assert isinstance(panel.error, PermissionError)
    assert "PermissionError" in panel.status.value and "Permission denied" in panel.status.value
    assert list(tmp_path.iterdir()) == [blocker]  # nothing half-written
    monkeypatch.undo()
    panel.save_button.click()  # the next save works again
    assert panel.error is None and (tmp_path / panel.file_name()).exists()


def test_save_arguments_are_checked(tmp_path):
    panel = panels.penalty_panel(save_dir=tmp_path, **FAST)
    with pytest.raises(ValueError, match="format must be one of 'png', 'svg', got 'jpg'"):
        panel.save("jpg")
    with pytest.raises(TypeError, match="save_dir must be a folder"):
        panels.penalty_panel(save_dir=3, **FAST)


def test_colormap_control_switches_the_heat_map_without_retraining():
    panel = panels.penalty_panel(**FAST)
    assert panel.controls["colormap"].value == "RdBu_r"
    assert [v for _, v in panel.controls["colormap"].options] == ["RdBu_r", "cividis"]
    result, trained, updates = panel.result, panel.explorer.misses, panel.update_count
    panel.set(colormap="cividis")
    assert panel.figure.image.get_cmap().name == "cividis"
    assert panel.result is result and panel.error is None  # the same result, only recoloured
    assert panel.explorer.misses == trained and panel.update_count == updates + 1
    assert "colormap" not in repr(panel)
    with pytest.raises(ValueError, match="colormap must be one of 'RdBu_r', 'cividis', got 'jet'"):
        panel.set(colormap="jet")
    assert panel.controls["colormap"].value == "cividis"


def test_colormap_keyword_is_checked_and_the_digits_have_no_heat_map():
    panel = panels.noise_panel(colormap="cividis", **FAST)
    assert panel.figure.image.get_cmap().name == "cividis"
    assert panel.controls["colormap"].value == "cividis"
    with pytest.raises(ValueError, match="colormap must be one of 'RdBu_r', 'cividis', got 'viridis'"):
        panels.dropout_panel(colormap="viridis", **FAST)
    digits = panels.corruption_panel(epochs=1, canvas="agg")
    assert "colormap" not in digits.controls
    with pytest.raises(ValueError, match="colormap must be 'RdBu_r' for the digits"):
        panels.corruption_panel(epochs=1, canvas="agg", colormap="cividis")


def test_the_panel_carries_its_scoped_css():
    """(the layout itself is measured in Chromium: tests/browser/test_layout.py)"""
    panel = panels.penalty_panel(**FAST)
    assert "regutils-panel" in panel.widget._dom_classes
    css = panel.widget.children[0].value
    assert css.startswith("<style>")
    assert "max-width: 100%" in picture.Picture._css  # (the picture scales itself down)
    assert all(line.startswith((".regutils-panel", "  {", "<", "</"))
               for line in css.splitlines() if line)  # every rule scoped to the panel
