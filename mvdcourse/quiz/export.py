"""Honest grade exports: a real CSV writer, a status column, no spreadsheet formulas.

``grades.csv`` has one row per student and assignment. A missing or ungradable submission has an
explicit ``status`` (and an empty score), so it can never be mistaken for a real 0; ``needs_manual_grade``
says whether free-text answers still wait for a grader. ``items.csv`` has one row per student and item,
free-text items included: lesson and learning objective, the answer given and the correct answer (always in
the bank's canonical option letters; ``answer_as_shown`` is the answer in the student's own option order,
``option_order`` that order as canonical letters), the points
in the gradebook (a grader's override in formgrader wins over the automatic score), who scored it and the
item status. The columns are listed in ``GRADE_COLUMNS`` and ``ITEM_COLUMNS`` and in the README; other
tools (``mvdcourse report``) read them by these names.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|")
#: Outcomes whose gradebook score is real (timeouts and kernel deaths are scored from the answer cells).
SCORED = ("graded", "tampered", "timeout", "kernel_died")

GRADE_COLUMNS = [
    "assignment",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "status",
    "reason",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
    "needs_manual_grade",
    "timestamp",
]
ITEM_COLUMNS = [
    "assignment",
    "student_id",
    "item",
    "type",
    "lesson",
    "objective",
    "answer",
    "correct_answer",
    "answer_as_shown",
    "option_order",
    "shown_as",
    "points",
    "max_points",
    "graded_by",
    "item_status",
]
#: item_status values: correct | partial | wrong | format | missing | id_mismatch (closed items, from the automatic
#: scoring), hand_graded | awaiting_hand_grading | stale_hand_grade (free text; stale: answer changed).
FREE_TEXT_STATUSES = ("hand_graded", "awaiting_hand_grading", "stale_hand_grade")


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
                row = {
                    "assignment": assignment.name,
                    "student_id": sid,
                    "reason": "",
                    "last_name": student.last_name if student else "",
                    "first_name": student.first_name if student else "",
                    "email": student.email if student else "",
                    "max_score": assignment.max_score,
                }
                outcome = outcomes.get(sid)
                try:
                    sub = gb.find_submission(assignment.name, sid) if student else None
                except MissingEntry:
                    sub = None
                status = outcome["status"] if outcome else ("graded" if sub is not None else "missing")
                row.update(
                    status=status,
                    reason=outcome.get("reason", "") if outcome else ("" if sub is not None else "no submission"),
                )
                if student is None:
                    row["reason"] += (
                        "; not on the course's student list, so no name (add it in formgrader's Manage Students)"
                    )
                if sub is not None and status in SCORED:
                    row.update(
                        raw_score=sub.score + sub.late_submission_penalty,
                        late_submission_penalty=sub.late_submission_penalty,
                        score=sub.score,
                        needs_manual_grade=sub.needs_manual_grade,
                        timestamp=sub.timestamp,
                    )
                rows.append(row)
    return rows


def item_rows(course: Path, db_url: str, assignments: list[str]) -> list[dict]:
    """One row per student and item: closed items from the grader's record in the autograded notebook,
    free-text items from the answer cell; points from the gradebook, so formgrader overrides count."""
    from ..grading.handgrades import STALE_TAG, free_text_answers
    from . import items as itembank

    rows = []
    with Gradebook(db_url) as gb:
        for assignment in assignments:
            bank_path = Path(course) / "items" / f"{assignment}.yaml"
            bank = itembank.load(bank_path) if bank_path.exists() else None
            for path in sorted(Path(course, "autograded").glob(f"*/{assignment}/*.ipynb")):
                student, notebook = path.parent.parent.name, path.stem
                nb = json.loads(path.read_text(encoding="utf-8"))
                grades, comments = {}, {}
                try:
                    sub = gb.find_submission_notebook(notebook, assignment, student)
                    grades = {g.name: g for g in sub.grades}
                    comments = {c.name: c for c in sub.comments}
                except MissingEntry:
                    pass
                texts = free_text_answers(nb)
                for cell in nb["cells"]:
                    meta = cell.get("metadata", {})
                    grade_id = meta.get("nbgrader", {}).get("grade_id", "")
                    info = meta.get("mvdcourse")
                    if info:  # the grader records the canonical item shown in this slot (per-student item order)
                        item = info.get("item") or grade_id.removesuffix("_check")
                        row = {
                            "type": info.get("type", ""),
                            "answer": info["answer"],
                            "correct_answer": info["key"],
                            "answer_as_shown": info.get("answer_shown", info["answer"]),
                            "option_order": info.get("order", ""),
                            "shown_as": grade_id.removesuffix("_check"),
                            "points": info["earned"],
                            "max_points": info["max"],
                            "graded_by": "auto",
                            "item_status": info["status"],
                        }
                    elif grade_id.endswith("_task") and meta.get("nbgrader", {}).get("task"):
                        item = grade_id.removesuffix("_task")
                        row = {
                            "type": "free_text",
                            "shown_as": item,
                            "answer": texts.get(item, ""),
                            "correct_answer": "",
                            "points": None,
                            "max_points": meta["nbgrader"].get("points"),
                            "graded_by": "hand",
                            "item_status": "awaiting_hand_grading",
                        }
                    else:
                        continue
                    grade = grades.get(grade_id)
                    if grade is not None:
                        row["max_points"] = grade.max_score
                        if grade.manual_score is not None:
                            row["points"] = grade.score
                            row["graded_by"] = "hand"
                            if row["type"] == "free_text":
                                note = comments.get(grade_id)
                                stale = note is not None and (note.manual_comment or "").startswith(STALE_TAG)
                                row["item_status"] = (
                                    "hand_graded"
                                    if not grade.needs_manual_grade
                                    else "stale_hand_grade"
                                    if stale
                                    else "awaiting_hand_grading"
                                )
                        elif row["type"] != "free_text":
                            row["points"] = grade.score
                    spec = _item_or_none(bank, item)
                    rows.append(
                        {
                            "assignment": assignment,
                            "student_id": student,
                            "item": item,
                            "lesson": getattr(spec, "lesson", ""),
                            "objective": getattr(spec, "objective", ""),
                            **row,
                        }
                    )
    return rows


def _item_or_none(bank, item_id: str):
    try:
        return bank.item(item_id) if bank is not None else None
    except KeyError:
        return None


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: spreadsheets read UTF-8 names right
        writer = csv.DictWriter(fh, fieldnames=columns, quoting=csv.QUOTE_MINIMAL, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: safe_cell(row.get(c)) for c in columns})
    return path


def export(
    course: Path, db_url: str, grades_csv: Path, items_csv: Path | None = None, assignments: list[str] | None = None
) -> tuple[Path, Path | None]:
    rows = grade_rows(course, db_url, assignments)
    write_csv(grades_csv, GRADE_COLUMNS, rows)
    if items_csv is None:
        return Path(grades_csv), None
    names = sorted({r["assignment"] for r in rows})
    write_csv(items_csv, ITEM_COLUMNS, item_rows(course, db_url, names))
    return Path(grades_csv), Path(items_csv)
