"""The instructor's cycle from a copied course folder, as on a JupyterHub server: commands act on the folder
you stand in, feedback never shows a mark scheme, hand grades stay honest, a key fix re-grades, an
interrupted regrade resumes, and messages name what they found. Real nbgrader, real SQLite gradebook,
real bubblewrap sandbox."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mvdcourse import cli, facts, paths
from mvdcourse.grading import ledger
from mvdcourse.quiz import course as course_mod
from mvdcourse.quiz import items

from .quizkit import FIXTURE, make_course, response, submit

CHECKOUT = paths.COURSE_ROOT / "assignments"
MINI = "mini"
CORRECT = {"q1": 'q1 = "B"', "q2": 'q2 = ["A", "B"]', "q3": "q3 = 91.5", "q4": "q4 = [2, 1, 3, 4]"}


def copy_course(dest: Path) -> Path:
    """The checkout's course folder copied elsewhere (config, item banks, sources), as an instructor would."""
    dest.mkdir(parents=True)
    for part in ("nbgrader_config.py", "items", "source"):
        src = CHECKOUT / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / part)
    return dest


def mark_scheme_lines(bank) -> list[str]:
    fb = facts.default()
    return [
        line.strip()[:60]
        for item in bank.items
        if item.type == "free_text"
        for line in fb.render(item.mark_scheme).splitlines()
        if len(line.strip()) >= 30
    ]


# ------------------------------------------------------------------ feedback never shows a mark scheme


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A copied course with a graded demo class of quiz1, commands run from inside the copy."""
    course = copy_course(tmp_path_factory.mktemp("hub") / "course-x")
    cwd = os.getcwd()
    os.chdir(course)
    try:
        assert cli.main(["demo-class", "quiz1", "-n", "6"]) == 0
        assert cli.main(["grade", "quiz1"]) == 0
    finally:
        os.chdir(cwd)
    return course


@pytest.mark.sandbox
def test_every_feedback_file_of_a_graded_demo_class_is_free_of_mark_schemes(demo, monkeypatch, capsys):
    monkeypatch.chdir(demo)
    bank = items.load(demo / "items" / "quiz1.yaml")
    secrets = mark_scheme_lines(bank)
    assert len(secrets) >= 3
    assert any(
        secrets[0] in (demo / "autograded" / s / "quiz1" / "quiz1.ipynb").read_text()
        for s in os.listdir(demo / "autograded")
    )  # nbgrader did restore it for graders
    course_mod.nbgrader(demo, "generate_feedback", "quiz1", "--force")  # plain nbgrader, as the README shows
    files = sorted(demo.glob("feedback/*/quiz1/quiz1.html"))
    assert len(files) == 6
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "MARK SCHEME" not in text, path
        assert not [s for s in secrets if s in text], path
        assert "Question 10" in text and "Provisional feedback" in text  # the question stays, marked provisional
    capsys.readouterr()
    assert cli.main(["check", "quiz1"]) == 0
    out = capsys.readouterr().out
    assert "ok   the feedback step removes mark schemes" in out
    assert "ok   6 feedback file(s) scanned, none holds grader-only text" in out


@pytest.mark.sandbox
def test_feedback_waits_for_hand_grading_unless_partial(demo, monkeypatch, capsys):
    monkeypatch.chdir(demo)
    shutil.rmtree(demo / "feedback")
    assert cli.main(["feedback", "quiz1"]) == 1
    out = capsys.readouterr().out
    assert "not generated: 6 submission(s) of quiz1 still have answers awaiting hand grading" in out
    assert "student001: q10" in out and "--partial" in out
    assert not (demo / "feedback").exists()
    assert cli.main(["feedback", "quiz1", "--partial"]) == 0
    assert "6 marked provisional" in capsys.readouterr().out
    assert len(list(demo.glob("feedback/*/quiz1/quiz1.html"))) == 6


@pytest.mark.sandbox
def test_check_catches_a_config_that_lets_feedback_leak_and_mvdcourse_feedback_still_strips(demo, monkeypatch, capsys):
    monkeypatch.chdir(demo)
    config = demo / "nbgrader_config.py"
    original = config.read_text()
    try:  # an older course folder whose config lacks the feedback step
        config.write_text(original.replace("c.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS", ""))
        course_mod.nbgrader(demo, "generate_feedback", "quiz1", "--force")
        assert "MARK SCHEME" in (demo / "feedback" / "student001" / "quiz1" / "quiz1.html").read_text()
        capsys.readouterr()
        assert cli.main(["check", "quiz1"]) == 1
        out = capsys.readouterr().out
        assert "FAIL nbgrader_config.py does not remove mark schemes from feedback" in out
        assert "feedback leaks: feedback/student001/quiz1/quiz1.html: contains 'BEGIN MARK SCHEME'" in out
        assert cli.main(["feedback", "quiz1", "--partial"]) == 0  # forces the step whatever the config says
        for path in demo.glob("feedback/*/quiz1/quiz1.html"):
            assert "MARK SCHEME" not in path.read_text()
    finally:
        config.write_text(original)


# ------------------------------------------------------------------ commands act where you stand


@pytest.mark.slow
def test_commands_act_on_the_course_folder_you_stand_in(tmp_path, monkeypatch, capsys):
    course = make_course(tmp_path, {MINI: FIXTURE})
    monkeypatch.chdir(course)
    assert cli.main(["grade", MINI]) == 2  # nothing collected yet: a sentence, non-zero exit
    captured = capsys.readouterr()
    assert f"course directory {course} (the current folder)" in captured.out
    assert f"no submissions of mini in {course / 'submitted'}" in captured.err
    assert "nbgrader collect mini" in captured.err and "Traceback" not in captured.err

    # build writes this course's source from this course's item bank; the checkout is untouched
    checkout_source = (CHECKOUT / "source" / "quiz1" / "quiz1.ipynb").read_bytes()
    bank = course / "items" / "mini.yaml"
    bank.write_text(bank.read_text().replace("asks about lasting harm", "asks about LASTING HARM"))
    assert cli.main(["build"]) == 0
    assert "LASTING HARM" in (course / "source" / MINI / "mini.ipynb").read_text()
    assert (CHECKOUT / "source" / "quiz1" / "quiz1.ipynb").read_bytes() == checkout_source
    assert not (CHECKOUT / "source" / MINI).exists()

    # --course after the subcommand, from another folder; $MVDCOURSE_COURSE from a folder without a config
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demo-class", MINI, "-n", "2", "--course", str(course)]) == 0
    assert f"course directory {course} (--course)" in capsys.readouterr().out
    assert sorted(os.listdir(course / "submitted")) == ["student001", "student002"]
    monkeypatch.setenv("MVDCOURSE_COURSE", str(course))
    assert cli.main(["export", "--to", str(tmp_path / "g.csv"), "--no-items"]) == 0
    assert f"course directory {course} ($MVDCOURSE_COURSE)" in capsys.readouterr().out
    rows = list(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8-sig")))
    assert {r["student_id"] for r in rows} == {"student001", "student002"}


def test_help_shows_defaults_and_version(capsys):
    for command, expected in [
        ("grade", "seconds per cell (default: 10)"),
        ("demo-class", "(default: 24)"),
        ("export", "grades CSV to write (default: grades.csv)"),
        ("lab", "port to listen on (default: 8888)"),
        ("feedback", "--partial"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            cli.main([command, "--help"])
        assert exit_.value.code == 0
        assert expected in " ".join(capsys.readouterr().out.split()), command
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.startswith("mvdcourse 0.")


# ------------------------------------------------------------------ hand grades, key changes, resuming


@pytest.fixture
def mini(tmp_path, monkeypatch):
    course = make_course(tmp_path, {MINI: FIXTURE})
    monkeypatch.chdir(course)
    course_mod.generate(course, MINI)
    submit(course, MINI, "alice", CORRECT, edit=response("The nerve needs time to recover."))
    submit(course, MINI, "bob", {**CORRECT, "q1": 'q1 = "C"'}, edit=response("Wait and see."))
    submit(course, MINI, "carol", {**CORRECT, "q1": 'q1 = "C"'})
    assert cli.main(["grade", MINI]) == 0
    return course


def grade_of(course, student, grade_id):
    from nbgrader.api import Gradebook

    with Gradebook(course_mod.db_url(course)) as gb:
        g = gb.find_grade(grade_id, MINI, MINI, student)
        c = gb.find_comment(grade_id, MINI, MINI, student)
        return g.manual_score, g.score, g.needs_manual_grade, c.manual_comment


def hand_grade(course, student, score, comment):
    from nbgrader.api import Gradebook

    with Gradebook(course_mod.db_url(course)) as gb:  # what formgrader does when a grader saves
        g = gb.find_grade("q5_task", MINI, MINI, student)
        g.manual_score, g.needs_manual_grade = score, False
        gb.find_comment("q5_task", MINI, MINI, student).manual_comment = comment
        gb.db.commit()


@pytest.mark.sandbox
def test_a_changed_answer_under_a_hand_grade_is_flagged_stale(mini, capsys, tmp_path):
    hand_grade(mini, "alice", 1.5, "Good plain-language answer.")
    hand_grade(mini, "bob", 0.5, "Say why waiting is reasonable.")
    capsys.readouterr()
    # alice rewrites her free text; bob changes only a closed answer
    submit(mini, MINI, "alice", CORRECT, edit=response("It is a failure; operate again at once."))
    submit(mini, MINI, "bob", CORRECT, edit=response("Wait and see."))
    assert cli.main(["grade", MINI]) == 0
    out = capsys.readouterr().out
    assert "hand grades flagged for review because the answer changed: alice (q5)" in out
    assert "awaiting hand grading: 2 answer(s) in 2 submission(s)" in out  # alice again, carol never graded

    manual, score, needs, comment = grade_of(mini, "alice", "q5_task")
    assert (manual, score, needs) == (1.5, 1.5, True)  # kept, visible, and re-flagged
    assert comment.startswith("[STALE") and "the answer to q5 changed" in comment
    assert comment.endswith("Good plain-language answer.")
    assert grade_of(mini, "bob", "q5_task") == (0.5, 0.5, False, "Say why waiting is reasonable.")

    assert cli.main(["export", "--to", str(tmp_path / "g.csv"), "--items", str(tmp_path / "i.csv")]) == 0
    rows = {(r["student_id"], r["item"]): r for r in csv.DictReader((tmp_path / "i.csv").open(encoding="utf-8-sig"))}
    assert rows[("alice", "q5")]["item_status"] == "stale_hand_grade" and rows[("alice", "q5")]["points"] == "1.5"
    assert rows[("alice", "q5")]["answer"] == "It is a failure; operate again at once."
    assert rows[("bob", "q5")]["item_status"] == "hand_graded" and rows[("bob", "q5")]["points"] == "0.5"
    assert rows[("carol", "q5")]["item_status"] == "awaiting_hand_grading" and rows[("carol", "q5")]["points"] == ""

    assert cli.main(["feedback", MINI, "--partial"]) == 0
    html = (mini / "feedback" / "alice" / MINI / "mini.html").read_text()
    assert "Provisional feedback" in html and "Good plain-language answer." in html
    assert "STALE" not in html and "changed after this hand grade" not in html


@pytest.mark.sandbox
def test_formgrader_override_reaches_items_csv(mini, tmp_path):
    from nbgrader.api import Gradebook

    with Gradebook(course_mod.db_url(mini)) as gb:  # a grader accepts bob's "C" for q1 in formgrader
        gb.find_grade("q1_check", MINI, MINI, "bob").manual_score = 1.0
        gb.db.commit()
    assert cli.main(["export", "--to", str(tmp_path / "g.csv"), "--items", str(tmp_path / "i.csv")]) == 0
    rows = {(r["student_id"], r["item"]): r for r in csv.DictReader((tmp_path / "i.csv").open(encoding="utf-8-sig"))}
    assert rows[("bob", "q1")]["points"] == "1" and rows[("bob", "q1")]["graded_by"] == "hand"
    assert rows[("bob", "q1")]["item_status"] == "wrong"  # the answer is still the wrong letter
    assert rows[("carol", "q1")]["points"] == "0" and rows[("carol", "q1")]["graded_by"] == "auto"
    assert {r["item"] for r in rows.values()} == {"q1", "q2", "q3", "q4", "q5"}


@pytest.mark.sandbox
def test_a_key_correction_regrades_unchanged_submissions(mini, capsys):
    from .quizkit import scores

    assert scores(mini, MINI)["alice"]["q1_check"] == 1 and scores(mini, MINI)["carol"]["q1_check"] == 0
    capsys.readouterr()
    assert cli.main(["grade", MINI]) == 0
    assert "(3 unchanged, not re-graded)" in capsys.readouterr().out
    bank = mini / "items" / "mini.yaml"
    bank.write_text(bank.read_text().replace("    answer: B\n", "    answer: C\n", 1))  # the key of q1 is fixed
    assert items.load(bank).item("q1").answer == "C"
    assert cli.main(["grade", MINI]) == 0
    out = capsys.readouterr().out
    assert "3 unchanged submission(s) are graded again: the item bank or the released notebook changed" in out
    s = scores(mini, MINI)
    assert s["alice"]["q1_check"] == 0 and s["carol"]["q1_check"] == 1 and s["bob"]["q1_check"] == 1


@pytest.mark.sandbox
def test_messages_name_what_was_found(mini, capsys):
    folder = mini / "submitted" / "dana" / MINI
    folder.mkdir(parents=True)
    shutil.copy(mini / "release" / MINI / "mini.ipynb", folder / "mini (1).ipynb")  # renamed by an LMS
    submit(mini, MINI, "erin", raw=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")  # a PDF under the right name
    capsys.readouterr()
    assert cli.main(["grade", MINI]) == 0
    out = capsys.readouterr().out
    assert "not graded normally (2):" in out
    assert (
        "dana          missing     no mini.ipynb in the submission folder; it holds 'mini (1).ipynb'; "
        "if 'mini (1).ipynb' is the quiz, rename it to mini.ipynb and grade again"
    ) in out
    assert "erin          malformed   the file is a PDF document, not a Jupyter notebook" in out


@pytest.mark.sandbox
def test_an_interrupted_regrade_stops_cleanly_and_resumes(tmp_path):
    course = make_course(tmp_path, {MINI: FIXTURE})
    course_mod.generate(course, MINI)
    students = [f"s{i}" for i in range(8)]
    for s in students:
        submit(course, MINI, s, CORRECT)
    env = {**course_mod.nbgrader_env(), "PYTHONUNBUFFERED": "1"}
    run = [sys.executable, "-m", "mvdcourse.cli", "grade", MINI, "--execute"]  # slow enough to interrupt
    assert subprocess.run(run, cwd=course, env=env, capture_output=True).returncode == 0
    lines_before = len(ledger.path_for(course, MINI).read_text().splitlines())

    proc = subprocess.Popen(
        run + ["--regrade", "--workers", "2"],
        cwd=course,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while len(ledger.path_for(course, MINI).read_text().splitlines()) < lines_before + 2:
        assert proc.poll() is None and time.time() < deadline, "the regrade ended before it could be interrupted"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal signals the whole process group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "interrupted; finished results are kept" in err and "Traceback" not in err + out, err
    assert ledger.regrade_started(course, MINI) is not None
    done = len(ledger.path_for(course, MINI).read_text().splitlines()) - lines_before
    assert 2 <= done < len(students)

    again = subprocess.run(run, cwd=course, env=env, capture_output=True, text=True)  # plain re-run resumes
    assert again.returncode == 0, again.stderr
    assert "continuing an interrupted regrade" in again.stdout
    assert f"({done} unchanged, not re-graded)" in again.stdout
    assert ledger.regrade_started(course, MINI) is None
    regraded = [
        json.loads(line)["student"] for line in ledger.path_for(course, MINI).read_text().splitlines()[lines_before:]
    ]
    assert sorted(regraded) == students  # every submission regraded exactly once


def test_feedback_scan_flags_another_students_id_in_the_text_only():
    from mvdcourse.quiz import feedback

    bank = items.load(CHECKOUT / "items" / "quiz1.yaml")
    page = "<style>:root { --x: 1 }</style><p>The facial nerve root exit zone.</p>"
    students = ["root", "student001", "student002"]
    assert feedback.leaks(page, bank, "student001", students) == []  # CSS and ordinary words are not ids
    assert feedback.leaks(page + "<p>as student002 wrote</p>", bank, "student001", students) == [
        "names another student (student002)"
    ]
    scheme = mark_scheme_lines(bank)[0]
    assert feedback.leaks(f"<p>{scheme}</p>", bank, "student001", students) == ["holds the mark scheme of quiz1"]
