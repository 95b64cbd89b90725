"""End to end on real nbgrader and a real SQLite gradebook: generate → submit → grade → feedback → export.

Uses the small fixture bank (one item of each type) so exact scores are easy to state.
"""

from __future__ import annotations

import csv

import pytest

from mvdcourse import cli
from mvdcourse.quiz import course as course_mod
from mvdcourse.quiz import items

from .quizkit import FIXTURE, make_course, scores, submit

MINI = "mini"
CORRECT = {"q1": 'q1 = "B"', "q2": 'q2 = ["A", "B"]', "q3": "q3 = 91.5", "q4": "q4 = [2, 1, 3, 4]"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("e2e"), {MINI: FIXTURE})
    assert cli.main(["--course", str(course), "check", MINI]) == 0
    submit(course, MINI, "alice", CORRECT)
    submit(course, MINI, "bob", {"q1": 'q1 = "(b)"', "q2": 'q2 = "A"', "q3": 'q3 = "91.1%"', "q4": 'q4 = "1,2,3,4"'})
    submit(
        course, MINI, "carol", {"q1": 'q1 = "C"', "q2": 'q2 = ["A", "C"]', "q3": "q3 = 95", "q4": "q4 = [4, 3, 1, 2]"}
    )
    submit(course, MINI, "blank", {})
    # cheats: always-equal object, patched builtins, stderr while checking, reading the key from disk
    submit(
        course,
        MINI,
        "mallory",
        {
            "q1": 'class S(str):\n    def __eq__(self, other): return True\n    __hash__ = str.__hash__\nq1 = S("A")',
            "q2": 'import sys\nprint("noise", file=sys.stderr)\nq2 = ["A", "B"]',
            "q3": 'q3 = float(open("../../../items/mini.yaml").read().split("answer: ")[3].split()[0])',
            "q4": (
                "import builtins\nbuiltins.sorted = lambda *a, **k: [1, 2, 3, 4]\n"
                "builtins.print = None\nq4 = [2, 1, 3, 4]"
            ),
        },
    )

    def tamper(nb):  # edit one test cell, delete another, and re-type a locked markdown cell as code
        cells = nb["cells"]
        check1 = next(c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1_check")
        check1["source"] = "print('all good')"
        nb["cells"] = [c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") != "q2_check"]

    submit(course, MINI, "trent", CORRECT, edit=tamper)
    assert cli.main(["--course", str(course), "grade", MINI]) == 0
    return course


def test_release_validates_inverted_and_leaks_nothing(graded):
    from nbgrader.validator import Validator

    assert Validator().validate(str(graded / "source" / MINI / "mini.ipynb")) == {}
    assert Validator(invert=True).validate(str(graded / "release" / MINI / "mini.ipynb")) == {}
    assert course_mod.leak_report(graded / "release" / MINI, items.load(FIXTURE)) == []
    text = (graded / "release" / MINI / "mini.ipynb").read_text()
    assert "q1 = 'B'" not in text and "MARK SCHEME" not in text and "Permanent hearing loss" not in text


def test_exact_scores(graded):
    s = scores(graded, MINI)
    assert s["alice"] == {"q1_check": 1, "q2_check": 2, "q3_check": 1, "q4_check": 2, "q5_task": 0, "total": 6}
    assert s["bob"] == {"q1_check": 1, "q2_check": 1, "q3_check": 1, "q4_check": 1.67, "q5_task": 0, "total": 4.67}
    assert s["carol"]["total"] == 0
    assert s["blank"]["total"] == 0


def test_cheats_get_the_score_the_answer_deserves(graded):
    s = scores(graded, MINI)["mallory"]
    assert s["q1_check"] == 0  # an object that equals everything is not a plain answer
    assert s["q2_check"] == 2  # correct answer; stderr in the cell does not zero it
    assert s["q3_check"] == 0  # computed from the key file: not a literal
    assert s["q4_check"] == 2  # correct literal; patched builtins change nothing


def test_edited_and_deleted_test_cells_are_restored_and_graded(graded):
    s = scores(graded, MINI)["trent"]
    assert s["q1_check"] == 1 and s["q2_check"] == 2 and s["total"] == 6


def test_feedback_shows_answer_key_and_explanations_after_grading(graded):
    course_mod.nbgrader(graded, "generate_feedback", MINI)
    html = (graded / "feedback" / "carol" / MINI / "mini.html").read_text()
    assert "Your answer:</b> C" in html and "Correct answer:</b> B" in html
    assert "Permanent hearing loss, 2.3% [Miller 2012], is the most frequent." in html
    assert "1 point: the nerve and its nucleus recover gradually" not in html  # mark scheme: graders only
    assert "MARK SCHEME" not in html


def test_manual_grades_survive_regrading(graded):
    from nbgrader.api import Gradebook

    with Gradebook(course_mod.db_url(graded)) as gb:
        g = gb.find_grade("q5_task", MINI, MINI, "alice")
        g.manual_score = 1.5
        gb.find_comment("q5_task", MINI, MINI, "alice").manual_comment = "Good plain-language answer."
        gb.db.commit()
    assert cli.main(["--course", str(graded), "grade", MINI, "--student", "alice", "--regrade"]) == 0
    with Gradebook(course_mod.db_url(graded)) as gb:
        assert gb.find_grade("q5_task", MINI, MINI, "alice").manual_score == 1.5
        assert gb.find_comment("q5_task", MINI, MINI, "alice").manual_comment == "Good plain-language answer."
        assert gb.find_submission(MINI, "alice").score == 7.5


def test_export_has_status_quotes_names_and_per_item_rows(graded, tmp_path):
    from nbgrader.api import Gradebook

    with Gradebook(course_mod.db_url(graded)) as gb:
        gb.update_or_create_student("bob", first_name="=cmd|'/C calc'!A0", last_name="Doe, Jr.")
        gb.update_or_create_student("zoe", first_name="Zoë", last_name="Müller")  # no submission
    assert (
        cli.main(
            ["--course", str(graded), "export", "--to", str(tmp_path / "g.csv"), "--items", str(tmp_path / "i.csv")]
        )
        == 0
    )
    rows = {r["student_id"]: r for r in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8-sig"))}
    assert rows["bob"]["last_name"] == "Doe, Jr." and rows["bob"]["first_name"].startswith("'=")
    assert rows["zoe"]["status"] == "missing" and rows["zoe"]["score"] == "" and rows["zoe"]["first_name"] == "Zoë"
    assert rows["alice"]["status"] == "graded" and rows["alice"]["score"] in ("6", "7.5")
    items_rows = list(csv.DictReader((tmp_path / "i.csv").open(encoding="utf-8-sig")))
    carol_q1 = next(r for r in items_rows if r["student_id"] == "carol" and r["item"] == "q1")
    assert carol_q1 == {
        "assignment": MINI,
        "student_id": "carol",
        "item": "q1",
        "type": "single",
        "lesson": "1",
        "objective": "identify the most frequent permanent complication of a first MVD",
        "answer": "C",
        "correct_answer": "B",
        "answer_as_shown": "C",
        "option_order": "",
        "shown_as": "q1",
        "points": "0",
        "max_points": "1",
        "graded_by": "auto",
        "item_status": "wrong",
    }


def test_cli_errors_are_sentences(tmp_path, capsys):
    assert cli.main(["--course", str(tmp_path), "grade", "x"]) == 2
    assert "is not an nbgrader course directory: it has no nbgrader_config.py" in capsys.readouterr().err
    course = make_course(tmp_path, {MINI: FIXTURE})
    (course / "items" / "mini.yaml").write_text("items: [1, 2")
    assert cli.main(["--course", str(course), "check", MINI]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mvdcourse check: ") and "mini.yaml: line 1: not valid YAML" in err and "Traceback" not in err
