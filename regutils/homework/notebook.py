"""The structure of a homework notebook: exercises, solution markers, a student's answer cells.

Cell roles (tags): ``answer`` (the student's function; id e.g. ``hw1-l2-penalty``; the source's
solution between ``### BEGIN SOLUTION`` / ``### END SOLUTION``; ``points`` in its metadata),
``check`` (id ``<answer id>-check``: prints the public case and a verdict), ``cases`` (id
``<answer id>-cases``: the grading cases, instructor source only), ``given`` (a helper such as
``softmax`` that answers may call; plain NumPy), ``setup`` (imports for the check cells).
"""
import io
import json
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

from ..notebooks import KERNELSPEC  # noqa: F401 - one definition, shared with make execute

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
NBVAL_MARKER = re.compile(r"^\s*#\s*(NBVAL_\w+|PYTEST_VALIDATE_IGNORE_OUTPUT)\s*$", re.MULTILINE)
USES_REGUTILS = re.compile(r"\bregutils\b|\bru\s*\.")


def skip_iri_grammar():
    """Make the next ``import nbformat`` fast: jsonschema (which nbformat imports) builds a lark
    grammar for the "iri" string format when rfc3987_syntax is installed, seconds per process,
    and notebooks never use that format. Without the module jsonschema skips the format."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


class InvalidSubmission(Exception):
    """The submission cannot be read as a notebook (not JSON, not nbformat 4, ...)."""


def uses_regutils(source):
    """True if the code names ``regutils`` (or ``ru.``), comments and strings aside. (Spelled in
    pieces, ``__import__("regu" + "tils")``, it is refused at run time instead.)"""
    try:
        toks = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return bool(USES_REGUTILS.search(source))
    for a, b in zip(toks, toks[1:] + toks[-1:]):
        if a.type == tokenize.NAME and (a.string == "regutils"
                                        or (a.string == "ru" and b.string == ".")):
            return True
    return False


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def source_text(cell):
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def defined_names(source):
    return re.findall(r"^def\s+(\w+)\s*\(", source, flags=re.MULTILINE)


@dataclass
class Exercise:
    """One exercise of a notebook: its answer and check cells (indexes), functions, points."""

    id: str
    answer: int
    check: int
    functions: tuple
    points: float = 1.0


def exercises(nb):
    """The exercises of a notebook, in order: answer cells tagged ``answer``, each with the check
    cell whose id is the answer's id + ``-check``."""
    by_id = {cell.get("id"): i for i, cell in enumerate(nb.cells)}
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "answer" in tags(cell):
            check = by_id.get(f"{cell.id}-check")
            if check is None:
                raise ValueError(f"answer cell {cell.id!r} has no check cell "
                                 f"{cell.id + '-check'!r}")
            points = cell.metadata.get("points", 1)
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
                raise ValueError(f"answer cell {cell.id!r}: points must be a positive number, "
                                 f"got {points!r}")
            found.append(Exercise(cell.id, i, check, tuple(defined_names(cell.source)),
                                  float(points)))
    return found


def strip_solutions(source):
    """Replace every ``### BEGIN SOLUTION`` … ``### END SOLUTION`` block by the stub, indented as
    the BEGIN line (nbgrader's convention)."""
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"nested {BEGIN!r}")
            inside = True
            indent = line[:len(line) - len(line.lstrip())]
            out.extend(indent + stub_line for stub_line in STUB.split("\n"))
        elif stripped == END:
            if not inside:
                raise ValueError(f"{END!r} without {BEGIN!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN!r} without {END!r}")
    return "\n".join(out)


def solution(source):
    """The reference solution as a student would type it: the markers removed."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in (BEGIN, END))


class Node(dict):
    """A dict whose keys read as attributes too (``cell.source``), like nbformat's NotebookNode."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value


def parse(data, where="notebook"):
    """A notebook's JSON (nbformat 4) as Nodes with every source a string. Reading it this way,
    not with nbformat (whose import costs seconds), keeps ``grade`` fast. InvalidSubmission if
    the structure is not a notebook's."""
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise InvalidSubmission(f"not a valid notebook ({where} has no list of cells)")
    if data.get("nbformat", 4) != 4:
        raise InvalidSubmission(f"not a valid notebook (nbformat {data.get('nbformat')!r}; "
                                "save it with JupyterLab, nbformat 4)")
    cells = []
    for i, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise InvalidSubmission(f"not a valid notebook (cell {i} has no cell_type)")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(x, str) for x in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise InvalidSubmission(f"not a valid notebook (cell {i}'s source is no text)")
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        tag_list = metadata.get("tags")
        if not (isinstance(tag_list, list) and all(isinstance(t, str) for t in tag_list)):
            metadata = {k: v for k, v in metadata.items() if k != "tags"}
        cells.append(Node(cell, source=source, metadata=Node(metadata)))
    return Node(data, cells=cells)


def read_notebook(path):
    """``path`` read with ``parse``; InvalidSubmission if it cannot be read."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidSubmission(f"not a valid notebook file ({type(e).__name__}: {e})") from None
    return parse(data, Path(path).name)


read_submission = read_notebook


def find_answer(student, exercise):
    """The source of the student's answer cell for ``exercise``, or None: the code cell with the
    answer's id (of several, the last one that defines the exercise's functions), else the last
    code cell that defines all of them (a cell that lost its id in a copy-paste)."""
    cells = [c for c in student.cells if c.get("cell_type") == "code"]
    wanted = set(exercise.functions)

    def defines(cell):
        return wanted <= set(defined_names(source_text(cell)))

    same_id = [c for c in cells if c.get("id") == exercise.id]
    if same_id:
        full = [c for c in same_id if defines(c)]
        return source_text((full or same_id)[-1])
    by_def = [c for c in cells if wanted and defines(c)]
    return source_text(by_def[-1]) if by_def else None


def homework_of(nb, path, names):
    """Which of ``names`` (e.g. hw1, hw2) a submission is: by its cell ids, else its file name."""
    if nb is not None:
        ids = {cell.get("id") for cell in nb.cells}
        scores = {name: sum(bool(i) and i.startswith(name + "-") for i in ids) for name in names}
        best = max(scores.values(), default=0)
        if best and list(scores.values()).count(best) == 1:
            return max(scores, key=scores.get)
    named = [name for name in names if name in Path(path).stem or name == Path(path).parent.name]
    return named[0] if len(named) == 1 else None
