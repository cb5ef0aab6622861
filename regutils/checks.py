"""Argument checks with one message template: ``<name> must be <allowed>, got <value>``.

Every public function of regutils validates its user-facing arguments with these helpers, so a
wrong value is reported by name, with the value given and what is allowed, e.g.::

    ValueError: keep_prob must be in (0, 1], got 1.5
"""
import numbers

import numpy as np


def fail(name, allowed, value, exc=ValueError):
    """Raise ``exc`` with the project's message template."""
    raise exc(f"{name} must be {allowed}, got {value!r}")


def number(name, value):
    """A real number (not a bool); returns it as float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(name, "a real number", value, TypeError)
    value = float(value)
    if not np.isfinite(value):
        fail(name, "a finite number", value)
    return value


def positive(name, value):
    """A number > 0 (learning rates, widths of sliders, ...)."""
    value = number(name, value)
    if value <= 0:
        fail(name, "> 0", value)
    return value


def nonnegative(name, value):
    """A number >= 0 (λ, noise σ, ...)."""
    value = number(name, value)
    if value < 0:
        fail(name, ">= 0", value)
    return value


def in_range(name, value, low, high, low_open=False, high_open=False):
    """A number in an interval, e.g. ``in_range("keep_prob", p, 0, 1, low_open=True)`` for (0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(name, "a real number", value, TypeError)
    value = float(value)  # NaN fails both comparisons below, so it is reported with the interval
    ok_low = value > low if low_open else value >= low
    ok_high = value < high if high_open else value <= high
    if not (ok_low and ok_high):
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        fail(name, f"in {interval}", value)
    return value


def keep_prob(value, name="keep_prob"):
    """p, the probability of KEEPING a unit: in (0, 1]."""
    return in_range(name, value, 0, 1, low_open=True)


def integer(name, value, minimum=None, maximum=None):
    """An int (numpy ints too, not bools or floats), optionally in [minimum, maximum]."""
    if maximum is not None:
        allowed = f"an integer in {minimum if minimum is not None else '...'}..{maximum:,}"
    else:
        allowed = "an integer" + (f" >= {minimum}" if minimum is not None else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fail(name, allowed, value, TypeError)
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        fail(name, allowed, value)
    return value


def choice(name, value, allowed):
    """One of a fixed set of names (rules, penalties, data sets, ...)."""
    if value not in allowed:
        fail(name, "one of " + ", ".join(repr(a) for a in allowed), value)
    return value


def finite_array(name, X, ndim=None):
    """An array of numbers without NaN/inf; returned as a float ndarray (float32 kept)."""
    X = np.asarray(X)
    if X.dtype.kind not in "fiub":
        fail(name, "an array of numbers", f"array of dtype {X.dtype}", TypeError)
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    if ndim is not None and X.ndim != ndim:
        fail(f"{name}.ndim", str(ndim), X.ndim)
    if not np.all(np.isfinite(X)):
        bad = int(np.size(X) - np.count_nonzero(np.isfinite(X)))
        raise ValueError(f"{name} must contain only finite numbers, got {bad} NaN/inf value(s)")
    return X


def labels(name, y, n_classes=None, n=None, name_X="X"):
    """Integer class labels in [0, n_classes), optionally of length n."""
    y = np.asarray(y)
    if y.ndim != 1:
        fail(f"{name}.ndim", "1 (one integer label per row)", y.ndim)
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        else:
            fail(name, "integer class labels", f"array of dtype {y.dtype}", TypeError)
    if n is not None and len(y) != n:
        raise ValueError(f"{name_X} and {name} must have the same number of rows, got {n} and {len(y)}")
    if n_classes is not None and len(y) and (y.min() < 0 or y.max() >= n_classes):
        bad = y[(y < 0) | (y >= n_classes)][0]
        fail(f"labels in {name}", f"in 0..{n_classes - 1} (the network has {n_classes} outputs)",
             int(bad))
    return y


def boolean(name, value):
    """True or False (numpy's bool too); 1, "no" or None are refused, not read as truthy."""
    if not isinstance(value, (bool, np.bool_)):
        fail(name, "True or False", value, TypeError)
    return bool(value)


def rng(name, seed):
    """A ``numpy.random.Generator`` from ``seed``: an integer >= 0, a Generator (used as it is) or
    a SeedSequence. Anything else — None (fresh entropy: not reproducible), -1, 1.5, "0" — is an
    error, so the same seed always gives the same numbers."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        fail(name, "an integer >= 0 or a numpy.random.Generator", seed, TypeError)
    if seed < 0:
        fail(name, "an integer >= 0 or a numpy.random.Generator", seed)
    return np.random.default_rng(int(seed))


def function(name, value):
    """Something callable (a function, a callback, a hook)."""
    if not callable(value):
        fail(name, "callable", value, TypeError)
    return value


def same_shape(name, a, expected_shape):
    """``a.shape == expected_shape`` exactly, where broadcasting would hide a mistake."""
    shape = np.shape(a)
    if shape != tuple(expected_shape):
        fail(f"{name}.shape", str(tuple(expected_shape)), shape)
    return a
