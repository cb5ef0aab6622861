"""regutils.panels.settings: the frozen Settings of one experiment."""
import pytest

from regutils import panels


# -- settings ---------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value, exc, text", [
    ("keep_prob", 1.5, ValueError, "keep_prob must be in (0, 1], got 1.5"),
    ("keep_prob", 0.0, ValueError, "keep_prob must be in (0, 1]"),
    ("dataset", "mnist", ValueError, "dataset must be one of"),
    ("lam", -1.0, ValueError, "lam must be >= 0, got -1.0"),
    ("penalty", "l3", ValueError, "penalty must be one of 'none', 'l1', 'l2'"),
    ("rule", "standard", ValueError, "rule must be one of"),
    ("test_rule", "mean", ValueError, "test_rule must be one of"),
    ("k", 0, ValueError, "k must be an integer in 1..500, got 0"),
    ("epochs", 1.5, TypeError, "epochs must be an integer"),
    ("input_sigma", -0.1, ValueError, "input_sigma must be >= 0"),
    ("lr", 0.0, ValueError, "lr must be > 0"),
    ("decoupled", "yes", TypeError, "decoupled must be True or False"),
    ("corruption", 1.2, ValueError, "corruption must be in [0, 1], got 1.2"),
    ("optimizer", "rmsprop", ValueError, "optimizer must be one of"),
])
def test_settings_validate_with_the_project_template(field, value, exc, text):
    with pytest.raises(exc) as info:
        panels.Settings(**{field: value})
    assert text in str(info.value)
    with pytest.raises(exc):
        panels.Settings().replace(**{field: value})


def test_settings_are_frozen_hashable_keys():
    a, b = panels.Settings(lam=1e-3), panels.Settings(lam=1e-3)
    assert a == b and hash(a) == hash(b)
    assert a != a.replace(lam=1e-2)
    assert {a: 1}[b] == 1
    with pytest.raises(Exception):
        a.lam = 2.0
    with pytest.raises(TypeError, match="setting must be one of"):
        a.replace(lambda_=1.0)
    assert panels.Settings(hidden=32).hidden == (32,)
