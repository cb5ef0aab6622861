"""Grading cases: how the instructor writes them, how a homework's source is read, how a returned
value is compared with the reference's.

In the instructor source every answer cell ``X`` has a cell ``X-cases`` (tag ``cases``; the
release drops it) that builds a list ``CASES`` with ``case(function, *args, name=..., **kwargs)``;
``np`` and ``Rng(seed)`` (a fresh ``np.random.default_rng(seed)`` at call time) are defined there.
``public=True`` marks the check cell's own inputs. The grader runs the reference solution and the
student's answer on the same cases, in the same runner, and compares the values here.
"""
import ast
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .notebook import exercises, read_notebook, solution, source_text, tags
from .runner import Rng, Unsupported, encode


@dataclass
class Case:
    function: str
    args: tuple
    kwargs: dict
    name: str
    public: bool = False
    rtol: float = None
    atol: float = None

    def tolerances(self):
        """(rtol, atol): tight for float64 inputs, float32's precision when an input is float32."""
        low = any(isinstance(a, np.ndarray) and a.dtype == np.float32
                  for a in (*self.args, *self.kwargs.values()))
        rtol, atol = (1e-5, 1e-6) if low else (1e-7, 1e-10)
        return (rtol if self.rtol is None else self.rtol, atol if self.atol is None else self.atol)


def case(function, *args, name=None, public=False, rtol=None, atol=None, **kwargs):
    """One call of ``function(*args, **kwargs)`` that the grader makes (the cases cells' helper)."""
    if not isinstance(function, str) or not function.isidentifier():
        raise ValueError(f"function must be a function name, got {function!r}")
    return Case(function, tuple(args), dict(kwargs), name or f"{function} case", bool(public),
                rtol, atol)


@dataclass
class Homework:
    """What ``grade`` needs from ``instructor/hwN_source.ipynb``."""

    name: str
    path: Path
    exercises: list
    solutions: dict                        # exercise id -> reference source (no markers)
    given: list                            # sources of the ``given`` cells
    cases: dict                            # exercise id -> [Case]
    params: dict = field(default_factory=dict)   # function -> parameter names

    @property
    def max_points(self):
        return sum(ex.points for ex in self.exercises)


def load_cases(source, where):
    ns = {"np": np, "case": case, "Rng": Rng}
    exec(compile(source, where, "exec"), ns)
    cases = ns.get("CASES")
    if not isinstance(cases, list) or not cases or not all(isinstance(c, Case) for c in cases):
        raise ValueError(f"{where}: must define CASES, a non-empty list of case(...)")
    return cases


def load_homework(path):
    """Read an instructor source: exercises (with points), solutions, given cells and cases."""
    path = Path(path)
    nb = read_notebook(path)
    name = path.name.removesuffix(".ipynb").removesuffix("_source")
    by_id = {cell.get("id"): cell for cell in nb.cells}
    exs = exercises(nb)
    if not exs:
        raise ValueError(f"{path}: no answer cells (tag 'answer')")
    solutions, cases, params = {}, {}, {}
    for ex in exs:
        solutions[ex.id] = solution(source_text(nb.cells[ex.answer]))
        cell = by_id.get(f"{ex.id}-cases")
        if cell is None or "cases" not in tags(cell):
            raise ValueError(f"{path}: answer {ex.id!r} has no cell {ex.id + '-cases'!r} "
                             "tagged 'cases'")
        cases[ex.id] = load_cases(source_text(cell), f"{path.name}:{ex.id}-cases")
        for c in cases[ex.id]:
            if c.function not in ex.functions:
                raise ValueError(f"{path}: a case of {ex.id!r} calls {c.function!r}, which its "
                                 f"answer cell does not define ({', '.join(ex.functions)})")
        for node in ast.walk(ast.parse(solutions[ex.id])):
            if isinstance(node, ast.FunctionDef):
                params[node.name] = [a.arg for a in node.args.args]
    given = [source_text(c) for c in nb.cells if c.cell_type == "code" and "given" in tags(c)]
    return Homework(name, path, exs, solutions, given, cases, params)


def job(homework, answers):
    """The runner's job: the given cells and, per exercise with an answer, its source and cases."""
    out = []
    for ex in homework.exercises:
        if answers.get(ex.id) is None:
            continue
        out.append({"id": ex.id, "source": answers[ex.id],
                    "cases": [{"function": c.function, "args": encode(list(c.args)),
                               "kwargs": encode(c.kwargs)} for c in homework.cases[ex.id]]})
    return {"given": homework.given, "exercises": out}


# -- comparing values -----------------------------------------------------------------------------

def _numeric(x):
    return (isinstance(x, (bool, int, float, np.ndarray, np.generic))
            and np.asarray(x).dtype.kind in "biuf")


def _describe(x):
    if isinstance(x, Unsupported):
        return x.what
    if isinstance(x, np.ndarray):
        return f"an array {x.shape} of {x.dtype}"
    return type(x).__name__


def compare(expected, got, rtol, atol, where="the result"):
    """None if ``got`` equals ``expected`` (same structure; arrays of the same shape, floating
    arrays of the same dtype, values within the tolerances), else why not (one line)."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"{where} should be a {type(expected).__name__} of {len(expected)}, " \
                   f"got {_describe(got)}" + (f" of {len(got)}" if isinstance(got, (tuple, list))
                                              else "")
        for i, (e, g) in enumerate(zip(expected, got)):
            why = compare(e, g, rtol, atol, f"{where}[{i}]")
            if why:
                return why
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"{where} should be a dict with keys {sorted(expected)}, got {_describe(got)}"
        for key in expected:
            why = compare(expected[key], got[key], rtol, atol, f"{where}[{key!r}]")
            if why:
                return why
        return None
    if expected is None or isinstance(expected, str):
        return None if got == expected else f"{where} should be {expected!r}, got {_describe(got)}"
    if not _numeric(got):
        return f"{where} should be a number or an array, got {_describe(got)}"
    e, g = np.asarray(expected), np.asarray(got)
    if e.shape != g.shape:
        return f"{where} has shape {g.shape}, expected {e.shape}"
    if e.dtype.kind == "f":
        if isinstance(expected, (np.ndarray, np.generic)) and g.dtype != e.dtype:
            return f"{where} has dtype {g.dtype}, expected {e.dtype}"
        if not np.allclose(g.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=atol,
                           equal_nan=True):
            return f"{where}: wrong values"
        return None
    if g.dtype.kind == "f" and not np.all(np.isfinite(g)):
        return f"{where}: wrong values"
    return None if np.array_equal(g, e) else f"{where}: wrong values"


def changed_inputs(before, after, names):
    """The names of the array inputs that the call changed (``before``: the case's args, kwargs;
    ``after``: what the runner sent back)."""
    args, kwargs = before
    try:
        args_after, kwargs_after = after
    except (TypeError, ValueError):
        return ["its inputs (not sent back)"]
    changed = []
    pairs = [(names[i] if i < len(names) else f"argument {i + 1}", a,
              args_after[i] if i < len(args_after) else None) for i, a in enumerate(args)]
    pairs += [(k, v, kwargs_after.get(k) if isinstance(kwargs_after, dict) else None)
              for k, v in kwargs.items()]
    for name, a, b in pairs:
        for x, y in _arrays(a, b):
            if not (isinstance(y, np.ndarray) and x.dtype == y.dtype and x.shape == y.shape
                    and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")):
                changed.append(name)
                break
    return changed


def _arrays(a, b):
    if isinstance(a, np.ndarray):
        yield a, b
    elif isinstance(a, dict):
        for k, v in a.items():
            yield from _arrays(v, b.get(k) if isinstance(b, dict) else None)
    elif isinstance(a, (list, tuple)):
        for i, v in enumerate(a):
            yield from _arrays(v, b[i] if isinstance(b, (list, tuple)) and i < len(b) else None)
