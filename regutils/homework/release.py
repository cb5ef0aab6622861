"""``release``: the student notebooks from the instructor sources, and the student edition.

``release_one`` drops the grading cases, executes the source in a fresh kernel (every reference
solution must pass its own check, and run on every grading case), replaces each solution by a
stub and writes ``notebooks/homework/hwN.ipynb`` and the identical pristine copy
``notebooks/homework/.reference/hwN.ipynb``; the same source gives the same bytes.
``student_edition`` copies what students get (notebooks, regutils, README, requirements, Makefile,
docs; no ``instructor/``, no grading cases, no solutions, no tests) to ``dist/student-edition/``
and ``dist/student-edition.zip``, and checks that no solution got in.
"""
import contextlib
import json
import shutil
import time
import zipfile
from pathlib import Path

from . import FAIL_MARK, OK_MARK
from .cases import load_homework
from .grade import reference_values
from .notebook import BEGIN, END, KERNELSPEC, exercises, strip_solutions, tags, uses_regutils
from .sandbox import Limits

SOURCE_DIR = Path("instructor")
HOMEWORK_DIR = Path("notebooks/homework")
EDITION_DIR = Path("dist/student-edition")
EDITION_FILES = ("README.md", "requirements.txt", "pyproject.toml", "Makefile", "LICENSE",
                 "docs", "notebooks", "regutils")


def _merge_streams(nb):
    """One output per run of stdout (or stderr) text: how the kernel chunks a cell's prints
    depends on timing, and a release must give the same bytes every time."""
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if (out.get("output_type") == "stream" and merged
                    and merged[-1].get("output_type") == "stream"
                    and merged[-1].get("name") == out.get("name")):
                merged[-1]["text"] = merged[-1]["text"] + out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell.outputs = merged


def _clean_metadata(nb):
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)


def release_one(source, out_dir=HOMEWORK_DIR, reference_dir=None, timeout=120):
    """Execute ``source`` (…/hwN_source.ipynb), check that every reference solution passes its own
    check, and write the student notebook ``out_dir/hwN.ipynb`` (plus the same bytes to
    ``reference_dir/hwN.ipynb``, default ``out_dir/.reference``). Returns the written paths."""
    import nbformat
    from nbclient import NotebookClient

    source = Path(source)
    name = source.name.removesuffix(".ipynb").removesuffix("_source")
    nb = nbformat.read(source, as_version=4)
    ids = [cell.get("id") for cell in nb.cells]
    if None in ids or len(set(ids)) != len(ids):
        raise ValueError(f"{source}: every cell needs its own fixed id "
                         "(for a reproducible release)")
    hw = load_homework(source)        # the cases, points and given cells must make sense,
    reference_values(hw, Limits())    # and the reference solutions must run on every case
    for cell in nb.cells:
        if "given" in tags(cell) and uses_regutils(cell.source):
            raise ValueError(f"{source}: given cell {cell.id} uses regutils (answers run without)")
    nb.cells = [cell for cell in nb.cells if "cases" not in tags(cell)]  # grading cases stay here
    ids = [cell.get("id") for cell in nb.cells]
    found = exercises(nb)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    for ex in found:
        printed = "".join(o.get("text", "") for o in nb.cells[ex.check].outputs)
        if OK_MARK not in printed or FAIL_MARK in printed:
            raise RuntimeError(f"{source}: the reference solution of {ex.id} does not pass its own "
                               f"check; it printed:\n{printed}")
    for ex in found:
        cell = nb.cells[ex.answer]
        if BEGIN not in cell.source:
            raise ValueError(f"{source}: answer cell {ex.id} has no {BEGIN!r} block")
        cell.source = strip_solutions(cell.source)
        if cell.outputs:
            raise ValueError(f"{source}: answer cell {ex.id} prints something; answer cells should "
                             "only define functions")
    for cell in nb.cells:
        if BEGIN in cell.source or END in cell.source:
            raise ValueError(f"{source}: cell {cell.id} has solution markers outside an "
                             "answer cell")
        if cell.cell_type == "code" and not ({"answer"} & set(tags(cell))):
            cell.metadata["editable"] = False  # JupyterLab shows check and setup cells read-only
            cell.metadata["deletable"] = False
    _merge_streams(nb)
    _clean_metadata(nb)
    nbformat.validate(nb)
    if [cell.id for cell in nb.cells] != ids:
        raise RuntimeError(f"{source}: cell ids changed during the release")
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    out_dir = Path(out_dir)
    reference_dir = out_dir / ".reference" if reference_dir is None else Path(reference_dir)
    written = []
    for folder in (out_dir, reference_dir):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.ipynb"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def release(names=(), source_dir=SOURCE_DIR, out_dir=HOMEWORK_DIR, reference_dir=None,
            echo=print):
    """Release every ``source_dir/*_source.ipynb`` (or only ``names``, e.g. ``["hw1"]``)."""
    sources = sorted(Path(source_dir).glob("*_source.ipynb"))
    if names:
        sources = [s for s in sources if s.name.removesuffix("_source.ipynb") in names]
        missing = set(names) - {s.name.removesuffix("_source.ipynb") for s in sources}
        if missing:
            raise FileNotFoundError(f"no source notebook for {sorted(missing)} in {source_dir}")
    written = []
    for src in sources:
        start = time.perf_counter()
        paths = release_one(src, out_dir, reference_dir)
        echo(f"{_short(src)} -> "
              f"{', '.join(_short(p) for p in paths)} ({time.perf_counter() - start:.1f} s)")
        written.extend(paths)
    return written


def _short(path):
    path = Path(path).resolve()
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def _ignore(folder, names):
    return [n for n in names if n in ("__pycache__", ".ipynb_checkpoints", ".pytest_cache")
            or n.endswith((".pyc", ".egg-info"))]


def student_edition(root=".", dest=EDITION_DIR, echo=print):
    """Copy the student edition of the project at ``root`` to ``dest`` (replaced) and to
    ``dest.zip`` (fixed timestamps: the same files give the same archive). Returns the zip path."""
    root, dest = Path(root).resolve(), Path(dest).resolve()
    if dest == root or dest in root.parents or (root / "instructor") in (dest, *dest.parents):
        raise ValueError(f"dest={str(dest)!r} must be a new folder outside instructor/, "
                         f"not {root} or a folder above it")
    if not (root / "regutils").is_dir():
        raise ValueError(f"root={str(root)!r} is not the project folder (no regutils/ in it)")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in EDITION_FILES:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=_ignore)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    files = sorted(p for p in dest.rglob("*") if p.is_file())
    for path in files:
        _check_clean(path, dest)
    archive = dest.with_name(dest.name + ".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in files:
            info = zipfile.ZipInfo(f"{dest.name}/{path.relative_to(dest).as_posix()}",
                                   (2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes())
    echo(f"student edition: {_short(dest)}/ and {_short(archive)} ({len(files)} files)")
    return archive


def _check_clean(path, dest):
    rel = path.relative_to(dest)
    if rel.parts[0] in ("instructor", "tests") or path.name.endswith("_source.ipynb"):
        raise RuntimeError(f"the student edition must not hold {rel}")
    if path.suffix in (".ipynb", ".py", ".md"):
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".ipynb":
            nb = json.loads(text)
            if any("cases" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]):
                raise RuntimeError(f"{rel} holds grading cases")
            if BEGIN in text or END in text:
                raise RuntimeError(f"{rel} holds a solution ({BEGIN!r})")
