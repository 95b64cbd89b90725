"""Grades for a learning-management system: a Canvas gradebook-import CSV, built on the honest export.

Canvas imports the CSV that its own gradebook exports: identity columns ``Student``, ``ID``,
``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per assignment, and a second row
``Points Possible``. An empty cell means *no grade* (Canvas keeps it apart from a 0); a number is a
score. Here a student whose submission is missing, could not be graded, or still waits for a hand grade
gets an empty cell, never a 0.

Student mapping (nbgrader id → Canvas): without a roster, ``SIS Login ID`` is the nbgrader student id
(on a JupyterHub that is the login name) and ``Student`` is "Last, First" from the gradebook. A roster
CSV (``--roster``) with a ``student_id`` column and any of ``canvas_id``, ``sis_user_id``,
``sis_login_id``, ``section`` fills the matching Canvas columns.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..quiz.export import SCORED, grade_rows, write_csv

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "    Points Possible"  # exactly as Canvas writes it in its own export
ROSTER_COLUMNS = {"canvas_id": "ID", "sis_user_id": "SIS User ID", "sis_login_id": "SIS Login ID", "section": "Section"}


def read_roster(path: Path) -> dict[str, dict]:
    """Roster rows by nbgrader student id; a file without a ``student_id`` column is refused."""
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if "student_id" not in (reader.fieldnames or []):
            raise ValueError(
                f"{path}: a roster needs a 'student_id' column (the nbgrader id) and any of "
                f"{', '.join(ROSTER_COLUMNS)}; found {', '.join(reader.fieldnames or []) or 'no header'}"
            )
        return {row["student_id"].strip(): row for row in reader if row.get("student_id", "").strip()}


def canvas_rows(rows: list[dict], roster: dict[str, dict] | None = None) -> tuple[list[str], list[dict], dict]:
    """(header, rows, counts) for Canvas from :func:`mvdcourse.quiz.export.grade_rows` output."""
    roster = roster or {}
    assignments = sorted({r["assignment"] for r in rows})
    header = CANVAS_IDENTITY + assignments
    points = {POINTS_POSSIBLE.strip(): POINTS_POSSIBLE}
    students: dict[str, dict] = {}
    counts = {"scores": 0, "missing": 0, "not_graded": 0, "pending_hand_grade": 0}
    for r in rows:
        points[r["assignment"]] = r["max_score"]
        sid = r["student_id"]
        entry = students.setdefault(
            sid,
            {
                "Student": ", ".join(filter(None, [r.get("last_name"), r.get("first_name")])) or sid,
                "ID": "",
                "SIS User ID": "",
                "SIS Login ID": sid,
                "Section": "",
            },
        )
        for src, col in ROSTER_COLUMNS.items():
            value = (roster.get(sid) or {}).get(src, "").strip()
            if value:
                entry[col] = value
        if r["status"] == "missing":
            counts["missing"] += 1
        elif r["status"] not in SCORED or r.get("score") is None:
            counts["not_graded"] += 1
        elif r.get("needs_manual_grade"):
            counts["pending_hand_grade"] += 1
        else:
            entry[r["assignment"]] = r["score"]
            counts["scores"] += 1
    first = {"Student": POINTS_POSSIBLE, **{a: points[a] for a in assignments}}
    return header, [first] + [students[s] for s in sorted(students)], counts


def export_canvas(
    course: Path, db_url: str, out: Path, assignments: list[str] | None = None, roster: Path | None = None
) -> tuple[Path, dict]:
    header, rows, counts = canvas_rows(grade_rows(course, db_url, assignments), read_roster(roster) if roster else None)
    if len(rows) == 1:
        raise ValueError(
            "the gradebook has no students for these assignments: grade a class first (mvdcourse grade ASSIGNMENT)"
        )
    return write_csv(out, header, rows), counts
