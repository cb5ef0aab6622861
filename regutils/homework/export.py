"""The grading tables: ``grades.csv`` (a row per student and exercise), ``canvas.csv`` (a row per
student with the total, Canvas's gradebook import layout) and ``gradescope/<student>/results.json``
(Gradescope's autograder format: tests with score, max_score and output)."""
import csv
import io
import json
from pathlib import Path


def _csv(rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _by_student(records):
    students = {}
    for rec in sorted(records, key=lambda r: (r["student"], r.get("homework", ""), r["path"])):
        students.setdefault(rec["student"], []).append(rec)
    return students


def write_tables(out, records, homeworks, write):
    """grades.csv and canvas.csv in ``out``, each written with ``write(path, text)``."""
    out = Path(out)
    rows = [["student", "exercise", "points", "max_points", "reason"]]
    for student, recs in _by_student(records).items():
        for rec in recs:
            rows += [[student, r["exercise"], f"{r['points']:g}", f"{r['max_points']:g}",
                      r["reason"]] for r in rec["exercises"]]
    write(out / "grades.csv", _csv(rows))
    names = sorted(homeworks)
    canvas = [["Student", "SIS Login ID", *names, "Total"],
              ["Points Possible", "", *(f"{homeworks[n].max_points:g}" for n in names),
               f"{sum(homeworks[n].max_points for n in names):g}"]]
    for student, recs in _by_student(records).items():
        per = {}
        for rec in recs:  # two files of one homework: the better one counts
            got = sum(r["points"] for r in rec["exercises"])
            per[rec.get("homework")] = max(per.get(rec.get("homework"), 0.0), got)
        cells = [f"{per[n]:g}" if n in per else "" for n in names]
        canvas.append([student, student, *cells,
                       f"{sum(v for k, v in per.items() if k in homeworks):g}"])
    write(out / "canvas.csv", _csv(canvas))


def write_gradescope(out, records, write):
    """One ``results.json`` per student (all their homework's exercises as tests)."""
    for student, recs in _by_student(records).items():
        tests = []
        for rec in recs:
            for r in rec["exercises"]:
                failed = [c for c in r.get("cases", []) if not c["passed"]]
                output = r["reason"] + "".join(
                    f"\n- {c['name']}{' (public)' if c['public'] else ''}: {c['why']}"
                    for c in failed)
                tests.append({"name": f"{rec.get('homework')}: {r['exercise']}",
                              "score": r["points"], "max_score": r["max_points"],
                              "output": output})
        result = {"score": round(sum(t["score"] for t in tests), 2),
                  "output": f"graded on public and hidden cases ({len(recs)} notebook(s))",
                  "tests": tests}
        folder = Path(out) / "gradescope" / student
        folder.mkdir(parents=True, exist_ok=True)
        write(folder / "results.json", json.dumps(result, indent=1, ensure_ascii=False) + "\n")
