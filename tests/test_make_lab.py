"""`make lab` opens JupyterLab without its news and update pop-ups (issue "Ready for a real
classroom"): the rule writes the venv's settings/overrides.json with both notifications off, and the
lab command keeps the server from fetching the news feed; the install turns the busy tab icon off
(labconfig/page_config.json). Run against a throw-away VENV, so nothing
is installed (its python is a placeholder file: the rule only needs it to exist)."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def test_make_lab_writes_the_overrides_and_turns_the_news_feed_off(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")  # the rule's order-only prerequisite
    target = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    subprocess.run(["make", "-s", f"VENV={venv}", str(target)], cwd=ROOT, check=True, timeout=60)
    settings = json.loads(target.read_text())["@jupyterlab/apputils-extension:notification"]
    assert settings["checkForUpdates"] is False
    assert settings["fetchNews"] == "false"  # JupyterLab's setting is the string "true"/"false"/"none"
    (venv / ".installed").write_text("")
    dry = subprocess.run(["make", "-n", f"VENV={venv}", "lab"], cwd=ROOT, check=True, timeout=60,
                         capture_output=True, text=True).stdout
    lab = [line for line in dry.splitlines() if " lab " in line and "jupyter" in line]
    assert len(lab) == 1 and "--LabApp.news_url=None" in lab[0], dry
    assert "notebooks/00_start_here.ipynb" in lab[0]


def test_the_install_turns_the_busy_tab_icon_off(tmp_path):
    """The install writes the venv's labconfig/page_config.json without JupyterLab's busy tab
    icon (swapped on every busy and idle of the kernel): `make lab` and `make test` (whose
    browser tests measure that lab) both get it, also on a venv installed before the rule."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    target = venv / "etc" / "jupyter" / "labconfig" / "page_config.json"
    for stamp in (".installed", ".installed-dev"):  # installed, but before the rule existed
        (venv / stamp).write_text("")
    for goal in ("lab", "test"):
        dry = subprocess.run(["make", "-n", f"VENV={venv}", goal], cwd=ROOT, check=True,
                             timeout=60, capture_output=True, text=True).stdout
        assert str(target) in dry, (goal, dry)
    subprocess.run(["make", "-s", f"VENV={venv}", str(target)], cwd=ROOT, check=True, timeout=60)
    disabled = json.loads(target.read_text())["disabledExtensions"]
    assert disabled == {"@jupyterlab/application-extension:faviconbusy": True}
