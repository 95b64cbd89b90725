"""Per-student option order end to end on real nbgrader: release through the exchange, two students who
read their own notebooks, a third who copies a neighbour's letters, autograde, feedback in each student's
order, items.csv in canonical options; and the offline path (typed student id, mismatch reported)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from mvdcourse import cli, paths
from mvdcourse.quiz import course as course_mod
from mvdcourse.quiz import items, order, student

from .quizkit import scores

QUIZ = "quiz1"
CHECKOUT = paths.COURSE_ROOT / "assignments"
OPTION_LINE = re.compile(r"^- \*\*([A-F])\.\*\* (.*)$")


def run(cmd: list[str], cwd: Path, env: dict) -> str:
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *cmd],
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.returncode == 0 and "[ERROR]" not in proc.stdout, proc.stdout[-2000:]
    return proc.stdout


def read_options(nb) -> dict[str, dict[str, str]]:
    """{item: {shown letter: option text}} from the executed notebook's option cells, as a student reads them."""
    out = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.endswith("_options"):
            text = "".join(o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", []))
            out[gid.removesuffix("_options")] = {
                m[1]: m[2] for line in text.splitlines() if (m := OPTION_LINE.match(line))
            }
    return out


def execute(path: Path, monkeypatch, hub_user: str | None) -> nbformat.NotebookNode:
    if hub_user:
        monkeypatch.setenv(student.HUB_VARIABLE, hub_user)
    else:
        monkeypatch.delenv(student.HUB_VARIABLE, raising=False)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return nb


def answer_from_screen(nb, bank, screen: dict[str, dict[str, str]]) -> None:
    """A student who knows every answer picks the letters under which the right options appear."""
    from mvdcourse import facts

    fb = facts.default()
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if not gid.endswith("_answer"):
            continue
        item = bank.item(gid.removesuffix("_answer"))
        if item.type in ("single", "multiple"):
            keyed = item.answer if item.type == "multiple" else [item.answer]
            want = {fb.render(item.options[k]) for k in keyed}
            letters = sorted(letter for letter, text in screen[item.id].items() if text in want)
            value = letters if item.type == "multiple" else letters[0]
        else:
            value = item.answer
        cell.source = f"{item.id} = {value!r}"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A course with quiz1 released through a real nbgrader exchange."""
    root = tmp_path_factory.mktemp("order")
    course = root / "course"
    course.mkdir()
    for part in ("nbgrader_config.py", "items", "source"):
        src = CHECKOUT / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, course / part)
    exchange = root / "exchange"
    exchange.mkdir(mode=0o777)
    env = {**course_mod.nbgrader_env(), "MVDCOURSE_EXCHANGE": str(exchange)}
    run(["generate_assignment", QUIZ, "--force"], course, env)
    run(["release_assignment", QUIZ, "--force"], course, env)
    return {"root": root, "course": course, "exchange": exchange, "env": env}


def test_two_students_own_orders_copied_letters_feedback_and_items_csv(hub, monkeypatch, tmp_path, capsys):
    course, env, bank = hub["course"], hub["env"], items.load(QUIZ)
    ex = [f"--Exchange.root={hub['exchange']}", "--course", "mvd-course"]
    screens, answered = {}, {}
    for sid in ("alice", "bob"):
        home = hub["root"] / sid
        home.mkdir()
        run(["fetch_assignment", QUIZ, *ex], home, env)
        path = home / QUIZ / f"{QUIZ}.ipynb"
        nb = execute(path, monkeypatch, hub_user=sid)  # on the hub the notebook knows the student
        screens[sid] = read_options(nb)
        answer_from_screen(nb, bank, screens[sid])
        answered[sid] = nb
        nbformat.write(nb, path)
        run(["submit", QUIZ, *ex, f"--student={sid}"], home, env)
    choice = [i.id for i in bank.closed_items if i.type in ("single", "multiple")]
    # every student saw every option, each in their own order
    fb_texts = {i.id: sorted(screens["alice"][i.id].values()) for i in bank.closed_items if i.id in choice}
    assert all(sorted(screens["bob"][q].values()) == fb_texts[q] for q in choice)
    differ = [q for q in choice if screens["alice"][q] != screens["bob"][q]]
    assert len(differ) >= len(choice) - 1, "two students should see different orders"
    # carol copies alice's letters into her own notebook (she never looks at her options)
    carol_home = hub["root"] / "carol"
    carol_home.mkdir()
    run(["fetch_assignment", QUIZ, *ex], carol_home, env)
    carol_path = carol_home / QUIZ / f"{QUIZ}.ipynb"
    carol = nbformat.read(carol_path, as_version=4)
    alice_answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in answered["alice"].cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_answer")
    }
    for c in carol.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid in alice_answers:
            c.source = alice_answers[gid]
    nbformat.write(carol, carol_path)
    run(["submit", QUIZ, *ex, "--student=carol"], carol_home, env)

    run(["collect", QUIZ], course, env)
    assert cli.main(["--course", str(course), "grade", QUIZ]) == 0
    got = scores(course, QUIZ)
    closed = sum(i.points for i in bank.closed_items)
    choice_points = sum(i.points for i in bank.closed_items if i.id in choice)
    assert got["alice"]["total"] == got["bob"]["total"] == closed  # same canonical answers, same score
    # copied letters are read in carol's own order: exactly the score that mapping predicts, far below alice's
    from mvdcourse.quiz.answers import normalise, score
    from mvdcourse.quiz.build import spec_for

    expected = closed - choice_points
    for q in choice:
        item = bank.item(q)
        letters = normalise(eval(alice_answers[f"{q}_answer"].split("=", 1)[1]), spec_for(item))
        canonical = order.to_canonical(letters, order.shown_order(QUIZ, q, "carol", "".join(item.options)))
        expected += score(item.type, canonical, item.answer, item.points, 0.0)
    assert got["carol"]["total"] == pytest.approx(expected, abs=0.01) and expected < closed - 2

    # items.csv: canonical options, the student's own letters beside them
    out = tmp_path / "grades.csv"
    assert cli.main(["--course", str(course), "export", "--to", str(out), "--items", str(tmp_path / "items.csv")]) == 0
    rows = list(csv.DictReader((tmp_path / "items.csv").open(encoding="utf-8-sig")))
    for sid in ("alice", "bob"):
        for q in choice:
            row = next(r for r in rows if r["student_id"] == sid and r["item"] == q)
            item = bank.item(q)
            key = ", ".join(sorted(item.answer)) if item.type == "multiple" else item.answer
            assert row["answer"] == row["correct_answer"] == key and row["item_status"] == "correct"
            shown = order.shown_order(QUIZ, q, sid, "".join(item.options))
            assert row["option_order"] == shown
            want = order.to_shown(item.answer, shown)
            assert row["answer_as_shown"] == (", ".join(want) if isinstance(want, list) else want)
    for q in choice:  # carol's copied letters are recorded as the options they point to in *her* order
        row = next(r for r in rows if r["student_id"] == "carol" and r["item"] == q)
        item = bank.item(q)
        letters = normalise(eval(alice_answers[f"{q}_answer"].split("=", 1)[1]), spec_for(item))
        canonical = order.to_canonical(letters, order.shown_order(QUIZ, q, "carol", "".join(item.options)))
        assert row["answer"] == (", ".join(canonical) if isinstance(canonical, list) else canonical)

    # feedback lists the options in the student's own order, under the letters they saw
    assert cli.main(["--course", str(course), "feedback", QUIZ, "--partial"]) == 0
    from mvdcourse import facts

    fb = facts.default()
    for sid in ("alice", "bob"):
        page = next(Path(course, "feedback", sid, QUIZ).glob("*.html")).read_text(encoding="utf-8")
        for q in ("q1", "q3"):
            shown = order.shown_order(QUIZ, q, sid, "".join(bank.item(q).options))
            seen = [
                page.find(f"<b>{L}. {__import__('html').escape(fb.render(bank.item(q).options[c]))}</b>")
                for L, c in zip("ABCDE", shown)
            ]
            assert all(p > 0 for p in seen) and seen == sorted(seen), (sid, q)
            assert f"Correct answer:</b> {order.to_shown(bank.item(q).answer, shown)}" in page
        assert "Bottom line:" in page


def test_offline_notebook_asks_for_the_id_and_a_mismatch_is_reported_not_scored(hub, monkeypatch):
    course, bank = hub["course"], items.load(QUIZ)
    release = course / "release" / QUIZ / f"{QUIZ}.ipynb"
    work = hub["root"] / "offline"
    work.mkdir()
    path = work / f"{QUIZ}.ipynb"
    shutil.copy(release, path)
    nb = execute(path, monkeypatch, hub_user=None)
    assert read_options(nb)["q1"] == {}
    shown_text = json.dumps([o for c in nb.cells for o in c.get("outputs", [])])
    assert "Your student id is needed" in shown_text
    # the student types an id once; the options appear in that student's order
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.source.startswith("student_id")).source = 'student_id = "dave"'
    nbformat.write(nb, path)
    nb = execute(path, monkeypatch, hub_user=None)
    screen = read_options(nb)
    shown = order.shown_order(QUIZ, "q1", "dave", "ABCDE")
    from mvdcourse import facts

    fb = facts.default()
    assert [screen["q1"][L] for L in "ABCDE"] == [fb.render(bank.item("q1").options[c]) for c in shown]
    answer_from_screen(nb, bank, screen)
    # dave's notebook arrives in erin's folder: reported on every choice item, not scored
    for sid in ("dave", "erin"):
        folder = course / "submitted" / sid / QUIZ
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{QUIZ}.ipynb")
    assert cli.main(["--course", str(course), "grade", QUIZ]) == 0
    got = scores(course, QUIZ)
    closed = sum(i.points for i in bank.closed_items)
    assert got["dave"]["total"] == closed
    choice = [i for i in bank.closed_items if i.type in ("single", "multiple")]
    assert got["erin"]["total"] == closed - sum(i.points for i in choice)
    graded = json.loads(next(Path(course, "autograded", "erin", QUIZ).glob("*.ipynb")).read_text())
    statuses = [c["metadata"]["mvdcourse"]["status"] for c in graded["cells"] if "mvdcourse" in c["metadata"]]
    assert statuses.count("id_mismatch") == len(choice)
    assert graded["metadata"]["mvdcourse"]["student_id_problem"].startswith(
        "this notebook showed its options for student id “dave”"
    )
