"""Honest grade exports: a real CSV writer, a status column, no spreadsheet formulas.

``grades.csv`` has one row per student and assignment. A missing or ungradable submission has an
explicit ``status`` (and an empty score), so it can never be mistaken for a real 0; ``needs_manual_grade``
says whether free-text answers still wait for a grader. ``items.csv`` has
one row per student and item: the answer given, the correct answer, points earned and the item status.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|")
#: Outcomes whose gradebook score is real (timeouts and kernel deaths are scored from the answer cells).
SCORED = ("graded", "tampered", "timeout", "kernel_died")

GRADE_COLUMNS = ["assignment", "student_id", "last_name", "first_name", "email", "status", "reason",
                 "raw_score", "late_submission_penalty", "score", "max_score", "needs_manual_grade",
                 "timestamp"]
ITEM_COLUMNS = ["assignment", "student_id", "item", "type", "answer", "correct_answer", "points",
                "max_points", "item_status"]


def safe_cell(value) -> str:
    """Text as a spreadsheet will show it: a leading = + - @ (formula) is neutralised with a quote."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _outcomes(course: Path, assignment: str) -> dict:
    from ..grading import ledger  # batch outcomes (timeouts, malformed files…) when graded in batch
    return ledger.latest(course, assignment)


def grade_rows(course: Path, db_url: str, assignments: list[str] | None = None) -> list[dict]:
    rows = []
    with Gradebook(db_url) as gb:
        for assignment in gb.assignments:
            if assignments and assignment.name not in assignments:
                continue
            outcomes = _outcomes(course, assignment.name)
            people = {s.id: s for s in gb.students}
            # a submission that could not be read never reached the gradebook: it is still a row
            for sid in sorted(set(outcomes) - set(people)):
                people[sid] = None
            for sid, student in sorted(people.items()):
                row = {"assignment": assignment.name, "student_id": sid,
                       "last_name": student.last_name if student else "",
                       "first_name": student.first_name if student else "",
                       "email": student.email if student else "", "max_score": assignment.max_score}
                outcome = outcomes.get(sid)
                try:
                    sub = gb.find_submission(assignment.name, sid) if student else None
                except MissingEntry:
                    sub = None
                status = outcome["status"] if outcome else ("graded" if sub is not None else "missing")
                row.update(status=status, reason=outcome.get("reason", "") if outcome else
                           ("" if sub is not None else "no submission"))
                if sub is not None and status in SCORED:
                    row.update(raw_score=sub.score + sub.late_submission_penalty,
                               late_submission_penalty=sub.late_submission_penalty, score=sub.score,
                               needs_manual_grade=sub.needs_manual_grade, timestamp=sub.timestamp)
                rows.append(row)
    return rows


def item_rows(course: Path, assignments: list[str]) -> list[dict]:
    """Per-item results read from the autograded notebooks (written by the closed-form grader)."""
    rows = []
    for assignment in assignments:
        for path in sorted(Path(course, "autograded").glob(f"*/{assignment}/*.ipynb")):
            student = path.parent.parent.name
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                info = cell.get("metadata", {}).get("mvdcourse")
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
                if not info:
                    continue
                item = grade_id.removesuffix("_check")
                rows.append({"assignment": assignment, "student_id": student, "item": item,
                             "type": info.get("type", ""), "answer": info["answer"],
                             "correct_answer": info["key"], "points": info["earned"],
                             "max_points": info["max"], "item_status": info["status"]})
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: spreadsheets read UTF-8 names right
        writer = csv.DictWriter(fh, fieldnames=columns, quoting=csv.QUOTE_MINIMAL, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: safe_cell(row.get(c)) for c in columns})
    return path


def export(course: Path, db_url: str, grades_csv: Path, items_csv: Path | None = None,
           assignments: list[str] | None = None) -> tuple[Path, Path | None]:
    rows = grade_rows(course, db_url, assignments)
    write_csv(grades_csv, GRADE_COLUMNS, rows)
    if items_csv is None:
        return Path(grades_csv), None
    names = sorted({r["assignment"] for r in rows})
    write_csv(items_csv, ITEM_COLUMNS, item_rows(course, names))
    return Path(grades_csv), Path(items_csv)
