"""The report on a simulated class of 200 graded through the real pipeline, checked against the simulation's truth.

`mvdcourse demo-class quiz1 -n 200 --irt` writes students with a latent ability and items with designed
difficulty and discrimination (plus a wrong key and a never-chosen distractor); `mvdcourse grade` grades
them in the sandbox into nbgrader's gradebook; the free-text item is hand-graded for 150 students through
nbgrader's API (as formgrader would). Then `mvdcourse report` and `mvdcourse export --format canvas`.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from nbgrader.api import Gradebook
from scipy import stats as sp

from mvdcourse import cli, paths
from mvdcourse.grading import batch
from mvdcourse.quiz import course as course_mod
from mvdcourse.report import item_analysis
from mvdcourse.report.lms import CANVAS_IDENTITY, POINTS_POSSIBLE

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

STUDENTS = 200
HAND_GRADED = 150
ARTIFACTS = paths.COURSE_ROOT / "test-artifacts"
AXE = paths.COURSE_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = course_mod.copy_course(tmp_path_factory.mktemp("report") / "course")
    assert cli.main(["--course", str(course), "demo-class", "quiz1", "-n", str(STUDENTS), "--irt"]) == 0
    outcomes = batch.grade(course, "quiz1", stream=io.StringIO())
    assert sum(o["status"] == "graded" for o in outcomes.values()) == STUDENTS
    design = json.loads((course / "demo" / "quiz1-design.json").read_text())
    # hand grades for the free-text item (0-3 points, higher for abler students), 50 left pending
    with Gradebook(course_mod.db_url(course)) as gb:
        for sid in sorted(design["theta"])[:HAND_GRADED]:
            grade = gb.find_grade("q10_task", "quiz1", "quiz1", sid)
            grade.manual_score = float(np.clip(round(1.5 + design["theta"][sid]), 0, 3))
            grade.needs_manual_grade = False
        gb.db.commit()
    return course, design


@pytest.fixture(scope="module")
def report(graded):
    return item_analysis("quiz1", course=graded[0])


def test_difficulty_ordering_matches_the_design(graded, report):
    _, design = graded
    expected = {d["item"]: d["expected_difficulty"] for d in design["items"]}
    observed = {r["item"]: r["difficulty"] for r in report.items if r["item"] in expected}
    rho = sp.spearmanr([expected[i] for i in expected], [observed[i] for i in expected]).statistic
    assert rho >= 0.9, (rho, expected, observed)
    assert all(r["responses"] == STUDENTS for r in report.items if r["item"] in expected)


def test_the_planted_wrong_key_shows_negative_discrimination_and_is_flagged(graded, report):
    wrong = next(d for d in graded[1]["items"] if d["role"] == "wrong key")
    row = report.item(wrong["item"])
    assert row["discrimination"] < 0 and row["upper_lower"] < 0
    assert any("check the key" in r for r in row["reasons"])
    # the distractor strong students chose has a higher mean score among its choosers than the key
    assert row["option_mean_score"][wrong["favoured"]] > row["option_mean_score"][row["key"]]
    others = [r for r in report.items if r["item"] != wrong["item"] and r["type"] != "free_text"]
    assert all(r["discrimination"] > 0.2 for r in others)  # designed a > 0: no false alarm


def test_the_planted_never_chosen_distractor_is_non_functional(graded, report):
    never = next(d for d in graded[1]["items"] if d["role"] == "never-chosen distractor")
    row = report.item(never["item"])
    assert row["choice_rates"][never["never"]] == 0
    assert never["never"] in row["non_functional"]
    assert row["distractor_efficiency"] == pytest.approx(0.75)  # 3 of its 4 distractors function
    assert any(f"distractor {never['never']}" in r for r in row["reasons"])


def test_kr20_falls_in_the_range_the_simulation_implies(graded, report):
    s = report.summary
    assert s["reliability_method"] == "KR-20"  # free text still pending for 50: left out, all else 0/1
    assert s["items_awaiting_hand_grades"] == ["q10"] and s["items_in_total"] == 9
    low, high = s["reliability_ci95"]
    assert low <= graded[1]["implied_kr20"] <= high, (s["reliability"], graded[1]["implied_kr20"])
    assert s["students_scored"] == STUDENTS and s["students_not_scored"] == 0


def test_free_text_reports_its_hand_grade_distribution(report):
    ft = report.free_text[0]
    assert ft["item"] == "q10" and ft["graded"] == HAND_GRADED
    assert ft["awaiting_hand_grade"] == STUDENTS - HAND_GRADED
    assert sum(ft["distribution"].values()) == HAND_GRADED and set(ft["distribution"]) <= {"0", "1", "2", "3"}


def test_mastery_by_objective_and_lesson(report):
    hardest = report.objectives[0]
    assert hardest["class_mastery"] == min(r["class_mastery"] for r in report.objectives if r["class_mastery"])
    assert hardest["students_below"] == len(hardest["below_ids"]) > 0
    assert [r["lesson"] for r in report.lessons] == [1]
    assert len(report.students) == STUDENTS


def test_cli_report_writes_html_csv_json(graded, capsys):
    course = graded[0]
    assert cli.main(["--course", str(course), "report", "quiz1"]) == 0
    out = capsys.readouterr().out
    assert "quiz1: 200 students" in out and "flagged items:" in out
    folder = course / "reports"
    data = json.loads((folder / "quiz1-report.json").read_text())
    assert data["summary"]["students_scored"] == STUDENTS and data["sources"]["distractors"].startswith("Tarrant")
    rows = list(csv.DictReader((folder / "quiz1-items.csv").open(encoding="utf-8-sig")))
    assert [r["item"] for r in rows] == [f"q{i}" for i in range(1, 11)]
    assert float(rows[0]["difficulty"]) == pytest.approx(data["items"][0]["difficulty"], abs=1e-5)
    students = list(csv.DictReader((folder / "quiz1-students.csv").open(encoding="utf-8-sig")))
    assert len(students) == STUDENTS and any(r["name"].startswith("'=") for r in students)  # formula neutralised
    assert cli.main(["--course", str(course), "report", "--all", "--out", str(course / "all")]) == 0
    assert sorted(p.name for p in (course / "all").glob("*.html")) == ["quiz1-report.html"]  # graded ones only
    html = (folder / "quiz1-report.html").read_text()
    assert "<script" not in html and "http://" not in html and "https://" not in html  # works offline


def test_report_needs_an_assignment_or_all(graded, capsys):
    assert cli.main(["--course", str(graded[0]), "report"]) == 2
    assert "name one assignment" in capsys.readouterr().err
    assert cli.main(["--course", str(graded[0]), "report", "nosuchquiz"]) == 2
    assert "no item bank" in capsys.readouterr().err
    assert cli.main(["--course", str(graded[0]), "report", "quiz2"]) == 2  # a bank, but nobody graded
    assert "quiz2 has no scored submission" in capsys.readouterr().err


@pytest.mark.browser
def test_html_report_in_chromium_alt_text_no_console_error_axe_clean(graded):
    from playwright.sync_api import sync_playwright

    html = graded[0] / "reports" / "quiz1-report.html"
    if not html.exists():
        cli.main(["--course", str(graded[0]), "report", "quiz1"])
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "request",
            lambda r: problems.append(f"request {r.url}") if not r.url.startswith(("file:", "data:")) else None,
        )
        page.goto(html.as_uri())
        images = page.evaluate("() => [...document.images].map(i => [i.alt, i.naturalWidth])")
        assert len(images) == 3 and all(len(alt) > 40 and width > 0 for alt, width in images)
        levels = page.evaluate("() => [...document.querySelectorAll('h1,h2,h3')].map(h => +h.tagName[1])")
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))
        page.screenshot(path=str(ARTIFACTS / "report-quiz1.png"), full_page=True)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})")
        browser.close()
    assert not problems, problems
    assert result["violations"] == [], [(v["id"], v["nodes"][0]["html"][:120]) for v in result["violations"]]


def test_canvas_export_round_trips_with_canvas_headers(graded, tmp_path, capsys):
    course = graded[0]
    with Gradebook(course_mod.db_url(course)) as gb:  # enrolled but never submitted: missing, not 0
        gb.update_or_create_student("student999", first_name="Late", last_name="Enrolled")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,sis_user_id,section\nstudent001,SIS-0001,Group A\n", encoding="utf-8")
    out = tmp_path / "canvas.csv"
    assert (
        cli.main(
            [
                "--course",
                str(course),
                "export",
                "--format",
                "canvas",
                "--to",
                str(out),
                "--roster",
                str(roster),
                "--assignment",
                "quiz1",
            ]
        )
        == 0
    )
    said = capsys.readouterr().out
    assert f"{HAND_GRADED} scores" in said and "1 missing" in said and f"{STUDENTS - HAND_GRADED} awaiting" in said
    with out.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == CANVAS_IDENTITY + ["quiz1"]
    assert rows[1][0] == POINTS_POSSIBLE and float(rows[1][5]) == 14.0
    by_login = {r[3]: r for r in rows[2:]}
    assert len(by_login) == STUDENTS + 1
    assert by_login["student001"][2] == "SIS-0001" and by_login["student001"][4] == "Group A"
    assert by_login["student999"][5] == ""  # missing stays empty
    assert cli.main(["--course", str(course), "export", "--to", str(tmp_path / "g.csv"), "--no-items"]) == 0
    grades = {r["student_id"]: r for r in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8-sig"))}
    scored = [s for s, g in grades.items() if g["score"] and g["needs_manual_grade"] == "False"]
    assert len(scored) == HAND_GRADED
    for sid in scored:
        assert float(by_login[sid][5]) == float(grades[sid]["score"])
    pending = [s for s, g in grades.items() if g["needs_manual_grade"] == "True"]
    assert pending and all(by_login[s][5] == "" for s in pending)  # not a premature total


def test_roster_without_student_id_is_refused_with_a_sentence(graded, tmp_path, capsys):
    roster = tmp_path / "bad.csv"
    roster.write_text("login,section\nx,y\n", encoding="utf-8")
    assert (
        cli.main(
            [
                "--course",
                str(graded[0]),
                "export",
                "--format",
                "canvas",
                "--to",
                str(tmp_path / "c.csv"),
                "--roster",
                str(roster),
            ]
        )
        == 2
    )
    assert "needs a 'student_id' column" in capsys.readouterr().err


def test_finishing_the_hand_grading_brings_free_text_into_totals_with_alpha(graded):
    course, design = graded
    with Gradebook(course_mod.db_url(course)) as gb:
        for sid in sorted(design["theta"])[HAND_GRADED:]:
            grade = gb.find_grade("q10_task", "quiz1", "quiz1", sid)
            grade.manual_score = float(np.clip(round(1.5 + design["theta"][sid]), 0, 3))
            grade.needs_manual_grade = False
        gb.db.commit()
    report = item_analysis("quiz1", course=course)
    s = report.summary
    assert s["items_awaiting_hand_grades"] == [] and s["items_in_total"] == 10
    assert s["reliability_method"] == "Cronbach's alpha" and s["reliability"] is not None
    assert report.item("q10")["discrimination"] > 0.2  # hand grades follow ability in the simulation
