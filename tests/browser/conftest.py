"""Fixtures for the real-browser tests: one JupyterLab server and one Chromium per session.

They skip on a student's machine without Chromium or Playwright and fail in CI
(REGUTILS_REQUIRE_ALL=1), through tests/optional.py's ``require_chromium`` / ``require_module``.
"""
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import browserlib  # noqa: E402
import optional  # noqa: E402  (tests/optional.py: skip on a laptop, fail in CI)

TIMINGS = []  # lines for test-artifacts/browser_timings.txt


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    path = optional.require_chromium()
    optional.require_module("playwright", "pip install -r requirements-dev.txt")
    return path


@pytest.fixture(scope="session")
def lab(chromium_path, tmp_path_factory):
    server = browserlib.Lab(browserlib.REPO, tmp_path_factory.mktemp("jupyterlab"))
    yield server
    try:
        server.shutdown_kernels()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=chromium_path, headless=True,
                                  args=browserlib.CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture(scope="session")
def artifacts():
    browserlib.ARTIFACTS.mkdir(exist_ok=True)
    return browserlib.ARTIFACTS


@pytest.fixture(scope="session")
def timings(artifacts):
    """Collects the browser-measured timings; written and printed at the end of the session."""
    yield TIMINGS
    if TIMINGS:
        text = "\n".join(TIMINGS) + "\n"
        (artifacts / "browser_timings.txt").write_text(text)
        print("\n" + text)
