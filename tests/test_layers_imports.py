"""The import layers of regutils (docs/ARCHITECTURE.md), checked on the source.

core (regutils/*.py) → lectures/ → figures/ → panels/: each may import only what is below it;
lectures/ never imports matplotlib or ipywidgets; nothing imports the homework command; no
module is much over 500 lines.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "regutils"
UI = ("matplotlib", "ipywidgets", "anywidget")
ALLOWED = {  # layer → the regutils layers it may import
    "core": {"core"},
    "plots": {"core"},  # the one core module with figures: no other core module imports it
    "lectures": {"core", "lectures"},
    "figures": {"core", "plots", "lectures", "figures"},
    "panels": {"core", "plots", "figures", "panels"},
    "tools": {"core", "tools"},  # notebooks.py: the re-execution command
}
MAX_LINES = 520  # "about 500"


def layer_of(module):
    """'regutils.lectures.dropout' → 'lectures'; 'regutils.plots' → 'plots'; 'regutils.model' →
    'core'; homework → 'homework'."""
    parts = module.split(".")
    if len(parts) == 1:
        return "core"  # regutils itself (its __init__ imports only the core)
    if parts[1] in ("lectures", "figures", "panels"):
        return parts[1]
    if parts[1] == "homework":
        return "homework"
    if parts[1] in ("notebooks", "handout"):
        return "tools"
    return "plots" if parts[1] == "plots" else "core"


def module_name(path):
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source, module, is_package):
    """Every module ``source`` imports (relative imports resolved), with the line numbers."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                root = base[:len(base) - node.level + 1]
                target = ".".join(root + ([node.module] if node.module else []))
            else:
                target = node.module
            found.append((target, node.lineno))
            if node.module is None or target in ("regutils", "regutils.lectures", "regutils.figures",
                                                 "regutils.panels"):
                found += [(f"{target}.{a.name}", node.lineno) for a in node.names]
    return found


def violations(source, module, is_package=False):
    """The import rules ``source`` (the text of ``module``) breaks, as readable lines."""
    layer = layer_of(module)
    out = []
    for target, line in imports_of(source, module, is_package):
        top = target.split(".")[0]
        if top in UI and layer in ("core", "lectures", "tools") and module != "regutils.plots":
            out.append(f"{module}:{line} imports {target} (only plots, figures/ and panels/ may)")
        if top in ("ipywidgets", "anywidget") and layer != "panels":
            out.append(f"{module}:{line} imports {target} (widgets only in panels/)")
        if top != "regutils":
            continue
        target_layer = layer_of(target)
        if target_layer == "homework" and layer != "homework":
            out.append(f"{module}:{line} imports {target} (nothing imports the homework command)")
        elif layer != "homework" and target_layer not in ALLOWED[layer]:
            out.append(f"{module}:{line} imports {target}: {layer} may import only "
                       + ", ".join(sorted(ALLOWED[layer])))
    return out


def sources():
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "homework" not in p.parts
            and p.stem != "homework"]


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_the_layers_below_it(path):
    problems = violations(path.read_text(), module_name(path), path.name == "__init__.py")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_much_over_500_lines(path):
    n = len(path.read_text().splitlines())
    assert n <= MAX_LINES, f"{path.name} has {n} lines (at most about 500)"


def test_there_is_one_module_per_notebook_in_lectures_and_figures():
    lectures = {p.stem for p in (PACKAGE / "lectures").glob("*.py")}
    for name in ("overfitting", "norm_penalties", "weight_decay", "l1_sparsity", "augmentation",
                 "dropout"):
        assert name in lectures
    figures = {p.stem for p in (PACKAGE / "figures").glob("*.py")} - {"__init__"}
    assert figures <= lectures, f"figures without a lectures module: {figures - lectures}"


@pytest.mark.parametrize("module, source, expected", [
    ("regutils.model", "from .panels import penalty_panel\n", "core may import only core"),
    ("regutils.losses", "import matplotlib.pyplot as plt\n", "only plots, figures/ and panels/"),
    ("regutils.lectures.dropout", "from ..plots import decision_boundary\n",
     "lectures may import only core, lectures"),
    ("regutils.lectures.dropout", "import matplotlib\n", "imports matplotlib"),
    ("regutils.lectures.dropout", "from ..figures import dropout\n", "lectures may import only"),
    ("regutils.figures.dropout", "from ..panels.canvas import attach_canvas\n",
     "figures may import only"),
    ("regutils.figures.dropout", "import ipywidgets as W\n", "widgets only in panels/"),
    ("regutils.panels.panel", "from ..lectures import dropout\n", "panels may import only"),
    ("regutils.panels.panel", "from ..homework import release\n", "nothing imports the homework"),
    ("regutils.panels.panel", "from regutils.homework import check\n", "nothing imports the homework"),
])
def test_the_checker_catches_each_kind_of_violation(module, source, expected):
    problems = violations(source, module)
    assert problems and expected in problems[0], problems


def test_allowed_imports_pass_the_checker():
    assert not violations("from ..plots import decision_boundary\nfrom ..lectures.dropout import "
                          "SubNetwork\nimport matplotlib.pyplot as plt\n", "regutils.figures.dropout")
    assert not violations("from .. import checks\nfrom ..figures.weight_decay import L2Geometry\n"
                          "import ipywidgets\n", "regutils.panels.sliders")
    assert not violations("from .digits import train_digits\nfrom ..model import MLP\n",
                          "regutils.lectures.overfitting")
