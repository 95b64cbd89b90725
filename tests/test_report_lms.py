"""The Canvas gradebook CSV from export rows: headers, Points Possible, empty (no grade) versus 0, roster."""

from __future__ import annotations

import csv

import pytest

from mvdcourse.quiz.export import write_csv
from mvdcourse.report.lms import CANVAS_IDENTITY, POINTS_POSSIBLE, canvas_rows, read_roster


def row(sid, assignment, status, score=None, manual=False, last="Doe", first="Jo", max_score=10.0):
    return {
        "student_id": sid,
        "assignment": assignment,
        "status": status,
        "score": score,
        "needs_manual_grade": manual,
        "last_name": last,
        "first_name": first,
        "max_score": max_score,
    }


ROWS = [
    row("ana", "quiz1", "graded", 7.5),
    row("ana", "quiz2", "missing"),
    row("ben", "quiz1", "graded", 0.0, last="=cmd", first="Ben"),
    row("ben", "quiz2", "timeout", 4.0),
    row("cy", "quiz1", "malformed"),
    row("cy", "quiz2", "graded", 6.0, manual=True),
]


def test_headers_points_row_and_missing_kept_apart_from_zero(tmp_path):
    header, rows, counts = canvas_rows(ROWS)
    assert header == CANVAS_IDENTITY + ["quiz1", "quiz2"]
    assert rows[0] == {"Student": POINTS_POSSIBLE, "quiz1": 10.0, "quiz2": 10.0}
    path = write_csv(tmp_path / "c.csv", header, rows)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        parsed = list(csv.DictReader(fh))
    assert parsed[0]["Student"] == POINTS_POSSIBLE and parsed[0]["quiz1"] == "10"
    ana, ben, cy = parsed[1:]
    assert (ana["Student"], ana["SIS Login ID"], ana["quiz1"], ana["quiz2"]) == ("Doe, Jo", "ana", "7.5", "")
    assert ben["quiz1"] == "0" and ben["quiz2"] == "4"  # a real 0 is a 0; a timeout scored from its cells
    assert ben["Student"] == "'=cmd, Ben"  # formula neutralised
    assert cy["quiz1"] == "" and cy["quiz2"] == ""  # unreadable, and awaiting a hand grade
    assert counts == {"scores": 3, "missing": 1, "not_graded": 1, "pending_hand_grade": 1}


def test_roster_fills_canvas_ids(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "student_id,canvas_id,sis_user_id,sis_login_id,section\nana,101,S-1,ana.l@uni.example,Group 2\n",
        encoding="utf-8",
    )
    _, rows, _ = canvas_rows(ROWS, read_roster(roster))
    ana = next(r for r in rows if r.get("SIS User ID") == "S-1")
    assert (ana["ID"], ana["SIS Login ID"], ana["Section"]) == ("101", "ana.l@uni.example", "Group 2")
    ben = next(r for r in rows if r.get("SIS Login ID") == "ben")
    assert ben["ID"] == "" and ben["SIS User ID"] == ""


def test_roster_without_student_id_column_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("login,section\nana,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a 'student_id' column.*found login, section"):
        read_roster(bad)
