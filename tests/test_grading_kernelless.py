"""The kernel-less path grades exactly as the executed path: one class, both paths, everything compared.

The class: honest students with free-text answers, every adversarial case of ``test_grading_adversarial``
and a submission whose code would leave a file behind if it ran. Each path grades its own copy of the
course (the executed one in the bubblewrap sandbox), hand grades are given on both, one student
resubmits a changed free-text answer, and both are graded again; then feedback and exports are made.

Differences, all from running the notebook, none changing a score (asserted below, nothing else may differ):

1. ``RUNTIME``: the executed path records what the run did — ``timeout``, ``kernel_died`` — with
   "answers were graded from the submitted cells"; the kernel-less path runs nothing and records
   ``graded`` with the same score.
2. Execution counts: the executed path numbers the cells it ran (``In [3]``); the kernel-less path
   leaves them unnumbered (``In [ ]``), in the autograded notebook and in feedback.
3. Outputs of ungraded code cells (a student's own cells, the setup cell): the executed path keeps what
   they printed; the kernel-less path has none. Graded cells' outputs (the feedback on each item and the
   score) are identical.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import stat
from pathlib import Path
from unittest import mock

import pytest

from mvdcourse import cli
from mvdcourse.grading import batch, ledger, sandbox
from mvdcourse.quiz import course as course_mod
from mvdcourse.quiz import feedback
from mvdcourse.quiz.export import export

from .quizkit import FIXTURE, make_course, response, scores, submit
from .test_grading_adversarial import CASES, CORRECT, FAST, A, add_code, build

pytestmark = pytest.mark.sandbox

RUNTIME = {"infinite_loop": "timeout", "swallow_interrupt": "timeout", "os_exit": "kernel_died"}
RUNTIME_NOTE = "; answers were graded from the submitted cells"
WRONG = {"q1": 'q1 = "A"', "q2": 'q2 = ["A"]', "q3": "q3 = 50", "q4": "q4 = [1, 2, 3, 4]"}
STAMP = "2026-12-01 10:00:00.000000 UTC"


def _hand_grade(course: Path) -> None:
    """What a grader does in formgrader: two free-text grades with comments, one override of an auto score."""
    from nbgrader.api import Gradebook

    with Gradebook(course_mod.db_url(course)) as gb:
        for student, points, note in (("honest_right", 1.5, "Clear."), ("honest_wrong", 0.5, "Too vague.")):
            grade = gb.find_grade("q5_task", A, A, student)
            grade.manual_score, grade.needs_manual_grade = points, False
            gb.find_comment("q5_task", A, A, student).manual_comment = note
        gb.find_grade("q1_check", A, A, "honest_wrong").manual_score = 1
        gb.db.commit()


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    if sandbox.unavailable_reason():
        pytest.skip(f"sandbox unavailable: {sandbox.unavailable_reason()}")
    tmp = tmp_path_factory.mktemp("paths")
    marker = tmp / "student-code-ran"
    base = make_course(tmp / "base", {A: FIXTURE})
    course_mod.generate(base, A)
    submit(base, A, "honest_right", CORRECT, edit=response("The nerve needs weeks to months to settle."))
    submit(base, A, "honest_wrong", WRONG, edit=response("Operate again."))
    for student, (how, _, _) in CASES.items():
        build(base, student, how)
    submit(base, A, "leaves_a_mark", CORRECT, edit=add_code(f"open({str(marker)!r}, 'w').write('ran')"))
    for folder in (base / "submitted").iterdir():
        (folder / A / "timestamp.txt").write_text(STAMP)  # as `nbgrader collect` leaves them
    ex, kl = (shutil.copytree(base, tmp / name) for name in ("ex", "kl"))
    out = {}
    for course in (kl, ex):  # the kernel-less copy first: the marker must not exist because of the other
        first = course == kl
        if first:  # through the command, with no sandbox available: the kernel-less path needs none
            with mock.patch.object(sandbox, "unavailable_reason", lambda: "bubblewrap is not installed"):
                assert cli.main(["--course", str(course), "grade", A]) == 0
            assert not marker.exists(), "student code ran on the kernel-less path"
        else:
            batch.grade(course, A, limits=FAST, execute=True)
        _hand_grade(course)
        submit(course, A, "honest_wrong", WRONG, edit=response("Wait: the nerve recovers over months."))
        (course / "submitted" / "honest_wrong" / A / "timestamp.txt").write_text(STAMP)
        out[course] = batch.grade(course, A, limits=FAST, regrade=True, execute=not first)
        assert feedback.generate(course, A)["success"]
        export(course, course_mod.db_url(course), course / "g.csv", course / "i.csv")
        course_mod.nbgrader(course, "export", "--to", str(course / "nbgrader-grades.csv"))
    return ex, kl, out[ex], out[kl]


def test_kernelless_outcomes_are_the_cases_outcomes_without_runtime_statuses(paths):
    ex, kl, _, _ = paths
    got = {s: o["status"] for s, o in ledger.latest(kl, A).items()}
    expected = {s: ("graded" if s in RUNTIME else status) for s, (_, status, _) in CASES.items()}
    assert got == {**expected, "honest_right": "graded", "honest_wrong": "graded", "leaves_a_mark": "graded"}


def test_same_statuses_and_reasons_except_runtime_ones(paths):
    ex, kl, _, _ = paths
    e, k = ledger.latest(ex, A), ledger.latest(kl, A)
    assert set(e) == set(k)
    for student in e:
        if student in RUNTIME:
            assert (e[student]["status"], k[student]["status"]) == (RUNTIME[student], "graded")
            assert e[student]["reason"].endswith(RUNTIME_NOTE) and k[student]["reason"] == ""
        else:
            assert (e[student]["status"], e[student]["reason"]) == (k[student]["status"], k[student]["reason"])
    assert "not valid notebook JSON" in k["malformed_json"]["reason"]
    assert k["empty_file"]["reason"] == "the file is empty"


def test_exact_scores_are_identical(paths):
    ex, kl, _, _ = paths
    s = scores(kl, A)
    assert s == scores(ex, A)
    for student, (_, _, total) in CASES.items():
        assert (s[student]["total"] if student in s else None) == total, student
    assert s["honest_right"] == {
        "q1_check": 1,
        "q2_check": 2,
        "q3_check": 1,
        "q4_check": 2,
        "q5_task": 1.5,
        "total": 7.5,
    }
    assert s["honest_wrong"]["q1_check"] == 1 and s["honest_wrong"]["q5_task"] == 0.5  # hand grades kept
    assert s["always_equal"]["q1_check"] == 0 and s["leaves_a_mark"]["total"] == 6


def _gradebook_rows(course: Path) -> list[tuple]:
    import sqlite3

    db = sqlite3.connect(course / "gradebook.db")
    grades = db.execute(
        "select st.id, bc.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade "
        "from grade g join submitted_notebook sn on g.notebook_id = sn.id "
        "join submitted_assignment sa on sn.assignment_id = sa.id join student st on sa.student_id = st.id "
        "join base_cell bc on g.cell_id = bc.id order by 1, 2"
    ).fetchall()
    comments = db.execute(
        "select st.id, bc.name, c.auto_comment, c.manual_comment from comment c "
        "join submitted_notebook sn on c.notebook_id = sn.id join submitted_assignment sa on sn.assignment_id = sa.id "
        "join student st on sa.student_id = st.id join base_cell bc on c.cell_id = bc.id order by 1, 2"
    ).fetchall()
    subs = db.execute(
        "select st.id, sa.timestamp, sn.late_submission_penalty, sn.flagged from submitted_assignment sa "
        "join student st on sa.student_id = st.id join submitted_notebook sn on sn.assignment_id = sa.id order by 1"
    ).fetchall()
    when = re.compile(r"^\[STALE [\d-]+ [\d:]+")  # the time the stale note was written
    comments = [(*c[:3], when.sub("[STALE <time>", c[3] or "")) for c in comments]
    return grades + comments + subs


def test_gradebook_rows_are_identical_and_hand_grades_kept_and_flagged_alike(paths):
    ex, kl, out_ex, out_kl = paths
    rows = _gradebook_rows(kl)
    assert rows == _gradebook_rows(ex) and len(rows) > 100
    for out in (out_ex, out_kl):
        assert out["honest_wrong"]["stale_hand_grades"] == ["q5"] and "stale_hand_grades" not in out["honest_right"]
    comments = {(r[0], r[1]): r[3] for r in rows if len(r) == 4 and r[1] == "q5_task"}
    assert comments["honest_right", "q5_task"] == "Clear."
    assert comments["honest_wrong", "q5_task"].startswith("[STALE") and comments["honest_wrong", "q5_task"].endswith(
        "Too vague."
    )


def _ungraded_code(cell: dict) -> bool:
    return cell["cell_type"] == "code" and not cell.get("metadata", {}).get("nbgrader", {}).get("grade")


def _without_running(nb: dict) -> dict:
    """The notebook as if nothing had run: no execution counts, no outputs of ungraded code cells."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        cell["execution_count"] = None
        if _ungraded_code(cell):
            cell["outputs"] = []
        for out in cell["outputs"]:
            if "execution_count" in out:
                out["execution_count"] = None
    return nb


def _autograded(course: Path) -> dict[str, Path]:
    return {p.parent.parent.name: p for p in sorted((course / "autograded").glob(f"*/{A}/{A}.ipynb"))}


def test_autograded_notebooks_are_identical_but_for_what_running_adds(paths):
    ex, kl, _, _ = paths
    e, k = _autograded(ex), _autograded(kl)
    assert (
        set(e)
        == set(k)
        == {s for s, (_, status, _) in CASES.items() if status != "malformed"}
        | {
            "honest_right",
            "honest_wrong",
            "leaves_a_mark",
        }
    )
    ran_something = 0
    for student, path in k.items():
        nb_kl, nb_ex = json.loads(path.read_text()), json.loads(e[student].read_text())
        assert nb_kl == _without_running(nb_kl), f"{student}: the kernel-less notebook shows a run"
        assert nb_kl == _without_running(nb_ex), student
        ran_something += nb_ex != nb_kl
        folder_kl, folder_ex = path.parent, e[student].parent
        listing = [(p.relative_to(folder_kl), stat.S_IMODE(p.stat().st_mode)) for p in sorted(folder_kl.rglob("*"))]
        assert listing == [
            (p.relative_to(folder_ex), stat.S_IMODE(p.stat().st_mode)) for p in sorted(folder_ex.rglob("*"))
        ]
    # a run that timed out or died left nothing to replay: those notebooks are identical outright
    assert ran_something >= len(k) - len(RUNTIME)


ITEM_FEEDBACK = re.compile(r"<div class=.mvd-feedback.>.*?</div>", re.S)  # one per item: answer, key, score


def _feedback(course: Path, student: str) -> str:
    html = (course / "feedback" / student / A / f"{A}.html").read_text(encoding="utf-8")
    return re.sub(r"(In|Out)\s*\[[\d\s]*\]:", r"\1[ ]:", html)  # \s: the prompts hold no-break spaces


def test_feedback_is_identical_but_for_what_running_adds(paths):
    ex, kl, _, _ = paths
    e = _autograded(ex)
    whole = 0
    for student in _autograded(kl):
        html_kl, html_ex = _feedback(kl, student), _feedback(ex, student)
        blocks = ITEM_FEEDBACK.findall(html_kl)
        assert len(blocks) == 4 and blocks == ITEM_FEEDBACK.findall(html_ex), student
        assert re.findall(r"Score: [\d.]+ / [\d.]+", html_kl) == re.findall(r"Score: [\d.]+ / [\d.]+", html_ex)
        assert ("Provisional feedback" in html_kl) == ("Provisional feedback" in html_ex)
        printed = any(_ungraded_code(c) and c["outputs"] for c in json.loads(e[student].read_text())["cells"])
        if not printed:  # nothing but execution counts differ: the whole page is the same
            assert html_kl == html_ex, student
            whole += 1
    assert whole >= 10  # honest students and most tampering cases


def test_exports_are_identical_but_for_runtime_statuses(paths):
    """``mvdcourse export`` (grades and items) and nbgrader's own ``nbgrader export``."""
    ex, kl, _, _ = paths

    def rows(course, name):
        return list(csv.DictReader((course / name).open(encoding="utf-8-sig")))

    assert rows(kl, "i.csv") == rows(ex, "i.csv")
    g_kl, g_ex = rows(kl, "g.csv"), rows(ex, "g.csv")
    assert len(g_kl) == len(g_ex) == len(CASES) + 3
    for a, b in zip(g_kl, g_ex, strict=True):
        if a["student_id"] in RUNTIME:
            assert (a["status"], b["status"]) == ("graded", RUNTIME[a["student_id"]])
            a, b = {**a, "status": "", "reason": ""}, {**b, "status": "", "reason": ""}
        assert a == b
    nbgrader_rows = [sorted((c / "nbgrader-grades.csv").read_text().splitlines()) for c in (kl, ex)]
    assert nbgrader_rows[0] == nbgrader_rows[1] and len(nbgrader_rows[0]) == len(g_kl) - 3  # malformed: no row
    assert (kl / "grading" / f"{A}-tamper-report.csv").read_text() == (
        ex / "grading" / f"{A}-tamper-report.csv"
    ).read_text()
