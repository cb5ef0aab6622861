"""The printed handout (`python -m regutils.handout`): one PDF per lecture notebook and one for
the whole lecture, from the stored notebooks, with typeset maths, right-to-left Persian and each
live widget as its starting figure with a note. Read back with poppler's pdftotext / pdfinfo.

Needs Debian's chromium, libjs-mathjax and poppler-utils and Playwright: skips on a laptop
without them, fails in CI (REGUTILS_REQUIRE_ALL=1).
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from optional import require, require_chromium, require_module

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("0*.ipynb"))
BIDI = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]")  # marks pdftotext puts in RTL runs
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


def plain(text):
    """Text without bidi marks and zero-width joiners, whitespace collapsed."""
    return " ".join(BIDI.sub("", text).split())


def pdftext(pdf, *args):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def images(pdf):
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()
    return len(listing) - 2  # two header lines


def pages(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def title(path):
    """The notebook's first heading (e.g. '2. Penalizing ... — <the slide's Persian title>')."""
    first = json.loads(path.read_text())["cells"][0]["source"]
    return "".join(first).splitlines()[0].lstrip("# ").strip()


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    require_chromium()
    require_module("playwright", "pip install -r requirements-dev.txt")
    require(Path("/usr/share/javascript/mathjax/MathJax.js").exists(),
            "Debian's MathJax is not installed (apt-get install libjs-mathjax)")
    require(all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdfimages")),
            "poppler's pdftotext is not installed (apt-get install poppler-utils)")
    out = tmp_path_factory.mktemp("handout")
    run = subprocess.run([sys.executable, "-m", "regutils.handout", "--out", str(out),
                          *map(str, NOTEBOOKS)], cwd=REPO, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    # the module warns about anything wider than the paper (cut-off code or tables)
    assert "warning" not in run.stderr, run.stderr
    return out


def test_one_pdf_per_notebook_and_one_for_the_lecture(handout):
    assert sorted(p.name for p in handout.glob("*.pdf")) == sorted(
        [p.stem + ".pdf" for p in NOTEBOOKS] + ["lecture.pdf"])
    counts = {p.stem: pages(handout / f"{p.stem}.pdf") for p in NOTEBOOKS}
    print("pages:", counts, "lecture:", pages(handout / "lecture.pdf"))
    for name, n in counts.items():  # 3-25 s notebooks: a few pages each, not one, not fifty
        assert 2 <= n <= 20, (name, n)
    # the lecture is the notebooks one after the other, each starting on a new page: each title
    # opens a page, in order (the page count can differ by one here and there from the separate
    # PDFs: the same cells flow onto pages a little differently in one long document)
    lecture_pages = [plain(t) for t in pdftext(handout / "lecture.pdf").split("\f")]
    starts = []
    for path in NOTEBOOKS:
        english = plain(title(path)).split(" — ")[0]
        starts.append(next((i for i, t in enumerate(lecture_pages) if t.startswith(english)), None))
        assert starts[-1] is not None, (english, [t[:60] for t in lecture_pages])
    assert starts == sorted(starts) and starts[0] == 0
    assert abs(pages(handout / "lecture.pdf") - sum(counts.values())) < len(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_maths_typeset_titles_and_widgets(path, handout):
    text = plain(pdftext(handout / f"{path.stem}.pdf"))
    heading = plain(title(path))
    persian = " ".join(w for w in heading.split() if ARABIC_SCRIPT.search(w))
    if persian:  # the slide's Persian title, in reading order
        assert persian.replace("\u200c", "") in text.replace("\u200c", ""), persian
    assert "\\lambda" not in text and "$" not in text
    assert not re.search(r"\\(frac|mathbf|tilde|sum|Omega|nabla)\b", text)
    # a live widget is printed as the figure it starts with and a note, never the placeholder
    assert "(a live widget" not in text
    outputs = [o for c in json.loads(path.read_text())["cells"] for o in c.get("outputs", [])]
    widgets = sum("(a live widget" in "".join(o.get("data", {}).get("text/plain", ""))
                  for o in outputs)
    assert text.count("Interactive in the notebook") == widgets
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    assert images(handout / f"{path.stem}.pdf") == figures + widgets


def test_persian_is_set_right_to_left(handout):
    """Slide 2's Persian bullets are right-aligned: their words end at the right margin."""
    bbox = pdftext(handout / "02_norm_penalties.pdf", "-bbox", "-f", "1", "-l", "1")
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    # -bbox lists the words in visual order, each one's letters as drawn (left to right)
    words = [(float(a), float(y), float(b), BIDI.sub("", w)[::-1]) for a, y, b, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        bbox)]
    first_bullet = "به منظور محدود کردن پیچیدگی مدل".split()
    line = next(y for _, y, _, w in words if w == "منظور")
    xs = {w: (a, b) for a, y, b, w in words if y == line and w in first_bullet}
    assert len(xs) == len(first_bullet), (xs, words[:40])
    # right to left: the line ends at the right margin, and its first word is the rightmost
    assert max(b for _, b in xs.values()) > 0.8 * width
    assert xs[first_bullet[0]][0] == max(a for a, _ in xs.values())
