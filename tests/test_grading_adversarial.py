"""Adversarial submissions against the real pipeline (bubblewrap sandbox, nbgrader, SQLite gradebook).

The fixture quiz is closed-form, so ``mvdcourse grade`` would grade it without a kernel; these tests force
the executed path (``execute=True``, ``--execute``). ``test_grading_kernelless.py`` grades the same cases
on both paths and compares.

Honest students are graded first; then a batch of hostile and broken submissions is graded. For each,
the exact recorded outcome and score are asserted, the batch must finish, and the honest students'
results must be unchanged.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from mvdcourse.grading import batch, ledger, sandbox
from mvdcourse.quiz import course as course_mod

from .quizkit import FIXTURE, make_course, scores, submit

A = "mini"
CORRECT = {"q1": 'q1 = "B"', "q2": 'q2 = ["A", "B"]', "q3": "q3 = 91.5", "q4": "q4 = [2, 1, 3, 4]"}
FAST = sandbox.Limits(cell_timeout=2, notebook_timeout=8)


def cell(nb, grade_id):
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def add_code(source):
    def edit(nb):
        nb["cells"].insert(
            2,
            {
                "cell_type": "code",
                "id": "extra-1",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": source,
            },
        )

    return edit


def both(*edits):
    def edit(nb):
        for e in edits:
            e(nb)

    return edit


def set_meta(grade_id, **kw):
    return lambda nb: cell(nb, grade_id)["metadata"]["nbgrader"].update(kw)


def dup_test_cell(nb):
    nb["cells"].insert(3, copy.deepcopy(cell(nb, "q1_check")))


def dup_cell_ids(nb):
    for c in nb["cells"]:
        c["id"] = "same"


def no_cell_ids(nb):
    for c in nb["cells"]:
        c.pop("id", None)
    nb["nbformat_minor"] = 4


def delete(grade_id):
    return lambda nb: nb["cells"].remove(cell(nb, grade_id))


def edit_source(grade_id, source):
    return lambda nb: cell(nb, grade_id).update(source=source)


def retype(grade_id):
    def edit(nb):
        c = cell(nb, grade_id)
        c.update(cell_type="markdown")
        c.pop("outputs", None)
        c.pop("execution_count", None)

    return edit


READ_SECRETS = """import glob, os
targets = ['{course}/items/mini.yaml', '{course}/gradebook.db', '{course}/source/mini/mini.ipynb',
           '{course}/submitted/honest_right/mini/mini.ipynb', '{repo}/assignments/items', '{repo}/README.md',
           '../../../items/mini.yaml', '../../../gradebook.db', '../../../source', '../../honest_right']
readable = [t for t in targets if os.path.exists(t)]
home = os.path.expanduser('~root')
others = [p for p in glob.glob(home + '/*') + glob.glob(home + '/.*') if not p.endswith('.pyenv')]
print('READ', readable, 'HOME', others)
"""
WRITE_DB = """import sqlite3, glob
for path in glob.glob('../../../gradebook.db') + glob.glob('/work/main/assignments/gradebook.db'):
    db = sqlite3.connect(path); db.execute("update grade set manual_score = 99"); db.commit()
print('wrote nothing reachable')
"""
NETWORK = """import socket
try:
    socket.create_connection(('1.1.1.1', 80), timeout=2); print('NETWORK OPEN')
except OSError as e:
    print('no network:', e)
"""

# student -> (how to build it, expected status, expected total score or None when not graded)
CASES = {
    "malformed_json": (dict(raw=b'{"cells": [ this is not json'), "malformed", None),
    "truncated": ("truncate", "malformed", None),
    "empty_file": (dict(raw=b""), "malformed", None),
    "nbformat_v3": ("v3", "graded", 6),
    "too_new": ("v5", "malformed", None),
    "schema_version": (dict(edit=set_meta("q1_check", schema_version=10)), "tampered", 6),
    "dup_grade_id": (dict(edit=dup_test_cell), "tampered", 6),
    "dup_cell_ids": (dict(edit=dup_cell_ids), "graded", 6),
    "missing_cell_ids": (dict(edit=no_cell_ids), "graded", 6),
    "deleted_test": (dict(edit=delete("q2_check")), "tampered", 6),
    "edited_test": (dict(edit=edit_source("q1_check", "pass")), "tampered", 6),
    "retyped_test": (dict(edit=retype("q3_check")), "tampered", 6),
    "points_changed": (dict(edit=set_meta("q4_check", points=100)), "tampered", 6),
    "infinite_loop": (dict(edit=add_code("while True: pass")), "timeout", 6),
    "swallow_interrupt": (
        dict(edit=add_code("while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass")),
        "timeout",
        6,
    ),
    "memory_bomb": (dict(edit=add_code("x = bytearray(50 * 1024**3)")), "graded", 6),
    "print_flood": (dict(edit=add_code("for i in range(200000): print(i)")), "graded", 6),
    "os_exit": (dict(edit=add_code("import os\nos._exit(1)")), "kernel_died", 6),
    "sys_exit": (dict(edit=add_code("import sys\nsys.exit(3)")), "graded", 6),
    "error_first_cell": (dict(edit=lambda nb: cell(nb, "setup").update(source="1/0")), "tampered", 6),
    "read_secrets": ("secrets", "graded", 6),
    "write_gradebook": (dict(edit=add_code(WRITE_DB)), "graded", 6),
    "network": (dict(edit=add_code(NETWORK)), "graded", 6),
    "always_equal": (
        dict(
            answers={
                **CORRECT,
                "q1": 'class S(str):\n    def __eq__(s, o): return True\n    __hash__ = str.__hash__\nq1 = S("B")',
            }
        ),
        "graded",
        5,
    ),
    "patched_builtins": (
        dict(
            edit=add_code(
                "import builtins\nbuiltins.float = lambda *a: 91.1\n"
                "builtins.sorted = lambda *a, **k: ['A', 'B']\nbuiltins.print = None"
            )
        ),
        "graded",
        6,
    ),
    "stderr": (dict(edit=add_code("import sys\nprint('warning!', file=sys.stderr)")), "graded", 6),
}


def build(course, student, how):
    if how == "secrets":
        from mvdcourse import paths

        submit(course, A, student, CORRECT, edit=add_code(READ_SECRETS.format(course=course, repo=paths.COURSE_ROOT)))
    elif how == "truncate":
        path = submit(course, A, student, CORRECT)
        path.write_bytes(path.read_bytes()[:400])
    elif how in ("v3", "v5"):
        path = submit(course, A, student, CORRECT)
        nb = nbformat.read(path, as_version=4)
        if how == "v3":
            nbformat.write(nbformat.convert(nb, 3), path, version=3)
        else:
            data = json.loads(path.read_text())
            data["nbformat"] = 5
            path.write_text(json.dumps(data))
    else:
        kw = dict(how)
        kw.setdefault("answers", CORRECT)
        submit(course, A, student, **kw)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if sandbox.unavailable_reason():
        pytest.skip(f"sandbox unavailable: {sandbox.unavailable_reason()}")
    course = make_course(tmp_path_factory.mktemp("adv"), {A: FIXTURE})
    course_mod.generate(course, A)
    submit(course, A, "honest_right", CORRECT)
    submit(
        course, A, "honest_wrong", {"q1": 'q1 = "A"', "q2": 'q2 = ["A"]', "q3": "q3 = 50", "q4": "q4 = [1, 2, 3, 4]"}
    )
    first = batch.grade(course, A, limits=FAST, execute=True)
    before = scores(course, A)
    for student, (how, _, _) in CASES.items():
        build(course, student, how)
    start = time.monotonic()
    outcomes = batch.grade(course, A, limits=FAST, execute=True)
    return course, first, before, outcomes, time.monotonic() - start


def test_honest_students_first(graded):
    _, first, before, _, _ = graded
    assert {s: o["status"] for s, o in first.items()} == {"honest_right": "graded", "honest_wrong": "graded"}
    assert before["honest_right"]["total"] == 6 and before["honest_wrong"]["total"] == 2.67


@pytest.mark.parametrize("student", sorted(CASES))
def test_each_submission_gets_its_exact_outcome(graded, student):
    course, _, _, outcomes, _ = graded
    _, status, total = CASES[student]
    assert outcomes[student]["status"] == status, outcomes[student]
    recorded = ledger.latest(course, A)[student]
    assert recorded["status"] == status
    got = scores(course, A).get(student)
    if total is None:
        assert got is None, "a malformed file is not graded"
        assert recorded["reason"]
    else:
        assert got["total"] == total, got


def test_batch_finished_and_honest_results_unchanged(graded):
    course, _, before, outcomes, _ = graded
    assert set(outcomes) >= set(CASES) | {"honest_right", "honest_wrong"}
    assert outcomes["honest_right"].get("skipped") and outcomes["honest_wrong"].get("skipped")
    after = scores(course, A)
    assert after["honest_right"] == before["honest_right"] and after["honest_wrong"] == before["honest_wrong"]
    import sqlite3

    db = sqlite3.connect(course / "gradebook.db")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    graded_students = {s for s, (_, status, _) in CASES.items() if status != "malformed"} | {
        "honest_right",
        "honest_wrong",
    }
    rows = db.execute("select s.student_id from submitted_assignment s").fetchall()
    assert sorted(r[0] for r in rows) == sorted(graded_students), "one gradebook row per graded submission, none lost"
    from nbgrader.api import Gradebook

    with Gradebook(course_mod.db_url(course)) as gb:
        assert all(g.manual_score is None for s in gb.assignment_submissions(A) for n in s.notebooks for g in n.grades)


def test_sandbox_hid_the_course_and_the_network(graded):
    course = graded[0]
    secrets = json.loads((course / "autograded" / "read_secrets" / A / f"{A}.ipynb").read_text())
    text = json.dumps(secrets["cells"][2]["outputs"])
    assert "READ [] HOME []" in text, text
    net = json.dumps(
        json.loads((course / "autograded" / "network" / A / f"{A}.ipynb").read_text())["cells"][2]["outputs"]
    )
    assert "no network" in net and "NETWORK OPEN" not in net


def test_output_is_truncated(graded):
    course = graded[0]
    nb = nbformat.read(course / "autograded" / "print_flood" / A / f"{A}.ipynb", as_version=4)
    text = "".join(o.get("text", "") for o in nb.cells[2].outputs)
    assert "truncated" in text.lower() and len(text.splitlines()) < 1100


def test_tamper_report_lists_each_tampered_student_and_no_honest_one(graded):
    course = graded[0]
    report = (course / "grading" / f"{A}-tamper-report.csv").read_text()
    for student, (_, status, _) in CASES.items():
        assert (student in report) == (status == "tampered"), student
    assert "honest" not in report
    assert "q2_check: deleted" in report and "q1_check: edited" in report and "re-typed as markdown" in report


def test_malformed_reason_is_specific(graded):
    outcomes = graded[3]
    assert "not valid notebook JSON" in outcomes["malformed_json"]["reason"]
    assert "newer than this course supports" in outcomes["too_new"]["reason"]
    assert outcomes["empty_file"]["reason"] == "the file is empty"


def test_grading_refuses_without_sandbox_unless_told(tmp_path, monkeypatch, capsys):
    course = make_course(tmp_path, {A: FIXTURE})
    monkeypatch.setattr(sandbox, "unavailable_reason", lambda: "bubblewrap is not installed")
    from mvdcourse import cli

    assert cli.main(["--course", str(course), "grade", A, "--execute"]) == 2  # the quiz is closed-form: force a run
    err = capsys.readouterr().err
    assert "refusing to run student code without a sandbox: bubblewrap is not installed" in err
    assert "--unsandboxed" in err


def test_killed_run_resumes_without_losing_results(tmp_path):
    """Kill `mvdcourse grade` half-way; the next run grades only what is left; no result is lost."""
    if sandbox.unavailable_reason():
        pytest.skip("sandbox unavailable")
    course = make_course(tmp_path, {A: FIXTURE})
    course_mod.generate(course, A)
    for i in range(8):
        submit(course, A, f"s{i}", CORRECT, edit=add_code("import time\ntime.sleep(0.7)"))
    cmd = [sys.executable, "-m", "mvdcourse.cli", "--course", str(course), "grade", A, "--workers", "1", "--execute"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(ledger.latest(course, A)) < 3:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = ledger.latest(course, A)
    assert 3 <= len(done_before) < 8
    outcomes = batch.grade(course, A, limits=FAST, execute=True)
    assert all(o["status"] == "graded" for o in outcomes.values())
    skipped = {s for s, o in outcomes.items() if o.get("skipped")}
    assert skipped == set(done_before)
    assert {s: v["total"] for s, v in scores(course, A).items()} == {f"s{i}": 6 for i in range(8)}


def test_export_marks_failed_submissions_with_their_status_not_a_zero(graded, tmp_path):
    import csv

    from mvdcourse.quiz.export import export

    course = graded[0]
    export(course, course_mod.db_url(course), tmp_path / "g.csv")
    rows = {r["student_id"]: r for r in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8-sig"))}
    assert rows["malformed_json"]["status"] == "malformed" and rows["malformed_json"]["score"] == ""
    assert "not valid notebook JSON" in rows["malformed_json"]["reason"]
    assert rows["infinite_loop"]["status"] == "timeout" and rows["infinite_loop"]["score"] == "6"
    assert rows["os_exit"]["status"] == "kernel_died"
    assert rows["edited_test"]["status"] == "tampered" and rows["edited_test"]["score"] == "6"
    assert rows["honest_right"]["status"] == "graded" and rows["honest_right"]["score"] == "6"
    assert rows["honest_right"]["needs_manual_grade"] == "True"
