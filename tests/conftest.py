"""Shared test set-up: figures are drawn off screen (this is the test process, not regutils), and
every pyplot figure a test opens is closed after it (the panel tests check that none is open).

The skip-or-fail helpers for optional components are in tests/optional.py.
"""
import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
