"""A student's self-check answers and lesson completion are kept in their Jupyter data folder."""

from __future__ import annotations

import json
import subprocess
import sys

from mvdcourse import progress, selfcheck


def correct_letter(w: selfcheck.SelfCheck) -> str:
    return next(chr(65 + i) for i, (_, o) in enumerate(w._options) if o.correct)


def wrong_letter(w: selfcheck.SelfCheck) -> str:
    return next(chr(65 + i) for i, (_, o) in enumerate(w._options) if not o.correct)


def test_a_checked_answer_is_written_to_the_students_data_folder(student_data_dir):
    w = selfcheck.ask("l1_rez", 1)
    w.select(wrong_letter(w))
    w.button.click()
    stored = json.loads((student_data_dir / "mvdcourse" / "progress.json").read_text())
    rec = stored["answers"]["l1_rez"]
    assert rec["correct"] is False and rec["attempts"] == 1
    assert not selfcheck.bank()["l1_rez"].options[rec["choice"]].correct
    w.select(correct_letter(w))
    w.button.click()
    rec = progress.answer("l1_rez")
    assert rec["correct"] is True and rec["attempts"] == 2 and rec["ever_correct"] is True


def test_answers_survive_a_kernel_restart():
    w = selfcheck.ask("l2_immediate", 1)
    w.select(wrong_letter(w))
    w.check()
    # a new Python process is what a restarted kernel is: it shows the self-check again
    code = (
        "from mvdcourse import selfcheck; w = selfcheck.ask('l2_immediate', 1); "
        "print(w.choice.value); print(w.feedback.value)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    value, feedback = out.split("\n", 1)
    assert value.split(". ", 1)[1] == w.choice.value.split(". ", 1)[1]  # same option, letters may be shuffled
    assert "Not quite (" in feedback and "saved answer" in feedback


def test_a_lesson_is_completed_when_all_its_self_checks_are_right():
    ids = progress.lesson_questions()["01_hfs_and_mvd"]
    assert len(ids) >= 5
    for qid in ids[:-1]:
        w = selfcheck.ask(qid)
        w.select(correct_letter(w))
        w.check()
    rows = {p.lesson: p for p in progress.summary()}
    assert rows["01_hfs_and_mvd"].completed is None and rows["01_hfs_and_mvd"].unanswered == ids[-1:]
    w = selfcheck.ask(ids[-1])
    w.select(wrong_letter(w))
    w.check()
    assert {p.lesson: p for p in progress.summary()}["01_hfs_and_mvd"].wrong == ids[-1:]
    w.select(correct_letter(w))
    w.check()
    row = {p.lesson: p for p in progress.summary()}["01_hfs_and_mvd"]
    assert row.completed and row.correct == ids and row.wrong == []
    assert {p.lesson: p for p in progress.summary()}["02_recovery"].completed is None


def test_reset_one_lesson_or_everything():
    for qid in ("l1_rez", "l2_immediate"):
        w = selfcheck.ask(qid)
        w.select(correct_letter(w))
        w.check()
    progress.reset("01_hfs_and_mvd")
    assert progress.answer("l1_rez") is None and progress.answer("l2_immediate")["correct"]
    assert selfcheck.ask("l1_rez").choice.value is None
    progress.reset()
    assert progress.load()["answers"] == {}


def test_an_unreadable_progress_file_is_kept_aside_and_reported(student_data_dir):
    path = student_data_dir / "mvdcourse" / "progress.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    progress.notices.clear()
    w = selfcheck.ask("l1_rez")
    assert w.choice.value is None
    aside = list(path.parent.glob("progress.json.unreadable-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert "could not be read" in progress.notices[0] and str(aside[0]) in progress.notices[0]


def test_a_failed_save_is_said_in_the_feedback(student_data_dir):
    (student_data_dir / "mvdcourse").write_text("a file where the folder should be")
    w = selfcheck.ask("l1_rez")
    w.select(correct_letter(w))
    assert w.check() == "correct"
    assert "could not be saved" in w.feedback.value and "Correct" in w.feedback.value


def test_every_self_check_practises_a_real_learning_objective():
    from mvdcourse import course_home

    mapping = course_home.objective_map()
    for lesson, ids in progress.lesson_questions().items():
        n = len(course_home.lesson_info(lesson).objectives)
        assert 3 <= n <= 6, f"{lesson}: {n} objectives parsed"
        assert set(mapping[lesson]) == set(ids), f"{lesson}: assets/objectives.yaml must map every self-check"
        assert all(1 <= o <= n for objs in mapping[lesson].values() for o in objs)


def test_course_home_shows_progress_per_objective_and_what_to_revisit():
    from mvdcourse import course_home

    home = course_home.show()
    assert home.report.value.count("<h2>") == len(progress.lesson_questions())
    assert "○ not started: 2 self-checks" in home.report.value  # L1 objective 2: l1_rez, l1_contact
    w = selfcheck.ask("l1_rez")
    w.select(correct_letter(w))
    w.check()
    w = selfcheck.ask("l1_contact")
    w.select(wrong_letter(w))
    w.check()
    home.refresh_button.click()
    report = home.report.value
    assert "◐ 1 of 2 right, 1 to revisit" in report
    assert "To revisit" in report and "healthy volunteer" in report
    assert "1 of 7 self-checks right" in report


def test_course_home_reset_asks_first():
    from mvdcourse import course_home

    w = selfcheck.ask("l1_rez")
    w.select(correct_letter(w))
    w.check()
    home = course_home.show()
    home.reset_button.click()
    assert "Choose a lesson" in home.message.value and progress.answer("l1_rez")
    home.scope.value = "01_hfs_and_mvd"
    home.reset_button.click()
    assert "cannot be undone" in home.message.value and progress.answer("l1_rez")
    home.cancel_button.click()
    assert progress.answer("l1_rez") and "Nothing was reset" in home.message.value
    home.reset_button.click()
    home.confirm_button.click()
    assert progress.answer("l1_rez") is None and "0 of 7 self-checks right" in home.report.value
