"""Shared test set-up: figures are drawn off screen (this is the test process, not regutils).

The skip-or-fail helpers for optional components are in tests/optional.py.
"""
import matplotlib

matplotlib.use("Agg")
