"""Optional components: PyTorch (an independent reference) and Chromium + Playwright (the
browser tests). Without them a test skips with the reason on a student's machine; CI sets
REGUTILS_REQUIRE_ALL=1, which turns every such skip into a failure, so nothing is skipped there.

Import it as ``from optional import require_module`` (tests/ is on sys.path for the tests).
"""
import importlib
import os
import shutil

import pytest

REQUIRE_ALL = os.environ.get("REGUTILS_REQUIRE_ALL") == "1"


def require(condition, reason):
    """Skip (student's machine) or fail (CI, REGUTILS_REQUIRE_ALL=1) when ``condition`` is false."""
    if not condition:
        if REQUIRE_ALL:
            pytest.fail(f"REGUTILS_REQUIRE_ALL=1 but {reason}")
        pytest.skip(reason)


def require_module(name, hint):
    """Import ``name`` or skip/fail with how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        require(False, f"{name} is not installed ({hint})")


def require_chromium():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    require(os.path.exists(path), "Debian's chromium is not installed (apt-get install chromium)")
    return path
