"""Every real quiz: the source passes nbgrader's validator, every check fails on the release, nothing leaks;
the student bundle holds no key; a simulated class grades end to end."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

import pytest

from mvdcourse import cli, paths
from mvdcourse.grading import batch
from mvdcourse.quiz import items

BANKS = items.all_assignments()
COURSE = paths.COURSE_ROOT / "assignments"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    dest = tmp_path_factory.mktemp("real") / "course"
    dest.mkdir()
    for part in ("nbgrader_config.py", "items", "source"):
        src = COURSE / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / part)
    return dest


def test_all_six_assignments_exist():
    assert BANKS == ["final_exam", "quiz0", "quiz1", "quiz2", "quiz3", "quiz4"]


@pytest.mark.parametrize("name", BANKS)
def test_source_validates_release_fails_every_check_and_leaks_nothing(course, name, capsys):
    assert cli.main(["--course", str(course), "check", name]) == 0, capsys.readouterr().out
    release = json.loads((course / "release" / name / f"{name}.ipynb").read_text())
    text = json.dumps(release)
    bank = items.load(name)
    for item in bank.closed_items:
        assert f"{item.id} = {item.answer!r}" not in text
    assert "MARK SCHEME" not in text and "BEGIN SOLUTION" not in text


def test_student_bundle_contains_no_key_solution_or_mark_scheme(course, tmp_path):
    out = tmp_path / "bundle.zip"
    assert cli.main(["--course", str(course), "bundle", "--to", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert "mvd-course/lessons/01_hfs_and_mvd.ipynb" in names
        assert all(f"mvd-course/quizzes/{n}/{n}.ipynb" in names for n in BANKS)
        assert not [n for n in names if "/items/" in n or "/source/" in n or "gradebook" in n or "autograded" in n]
        secrets = []
        for n in BANKS:
            bank = items.load(n)
            secrets += [f"{i.id} = {i.answer!r}" for i in bank.closed_items]
        for name in names:
            if name.endswith((".ipynb", ".yaml", ".md", ".txt", ".json")):
                text = z.read(name).decode("utf-8")
                assert "BEGIN SOLUTION" not in text and "BEGIN MARK SCHEME" not in text, name
                assert not [s for s in secrets if s in text], name


def test_demo_class_grades_end_to_end_with_progress_and_export(course, tmp_path, capsys):
    assert cli.main(["--course", str(course), "demo-class", "quiz1", "-n", "8"]) == 0
    out = io.StringIO()
    outcomes = batch.grade(course, "quiz1", stream=out)
    assert len(outcomes) == 8 and all(o["status"] == "graded" for o in outcomes.values())
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("graded 8/8") and "\r" not in out.getvalue()  # not a terminal: plain lines
    assert (
        cli.main(
            ["--course", str(course), "export", "--to", str(tmp_path / "g.csv"), "--items", str(tmp_path / "i.csv")]
        )
        == 0
    )
    rows = list(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8-sig")))
    assert {r["student_id"] for r in rows} == {f"student{i:03d}" for i in range(1, 9)}
    assert any(r["last_name"] == "Doe, Jr." for r in rows)
    assert any(r["first_name"].startswith("'=") for r in rows)
    item_rows = list(csv.DictReader((tmp_path / "i.csv").open(encoding="utf-8-sig")))
    assert len(item_rows) == 8 * len(items.load("quiz1").items)  # closed-form and free-text items
    statuses = {r["item_status"] for r in item_rows}
    assert {"correct", "wrong"} <= statuses
    free = [r for r in item_rows if r["type"] == "free_text"]
    assert len(free) == 8 and {r["item_status"] for r in free} == {"awaiting_hand_grading"}
    assert all(r["answer"] and r["points"] == "" and r["objective"] and r["lesson"] == "1" for r in free)
