"""Per-student item and option order end to end on real nbgrader: release through the exchange, two
students who read their own notebooks (each question slot shows an item chosen for them, its options in
their order), a third who copies a neighbour's answers, autograde, feedback in each student's order,
items.csv in canonical items and options, the report per canonical item; and the offline path (typed
student id, mismatch reported)."""

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
from mvdcourse.quiz.preprocessor import SHOW

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


def read_screen(nb) -> dict[str, dict]:
    """{slot: {"text": what the slot's cell shows, "options": {shown letter: option text}}}, as a student
    reads the executed notebook (slots whose item is chosen per student show the question too)."""
    out = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.endswith("_options"):
            text = "".join(o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", []))
            out[gid.removesuffix("_options")] = {
                "text": text,
                "options": {m[1]: m[2] for line in text.splitlines() if (m := OPTION_LINE.match(line))},
            }
    return out


def read_options(nb) -> dict[str, dict[str, str]]:
    return {slot: v["options"] for slot, v in read_screen(nb).items()}


def item_on_screen(bank, slot: str, screen: dict):
    """The item a student is looking at in ``slot``: found by its lead-in, as a reader recognises a question."""
    from mvdcourse import facts

    fb = facts.default()
    if slot not in screen or not screen[slot]["text"]:
        return bank.item(slot)
    hits = [it for it in bank.closed_items if f"**{fb.render(it.lead_in)}**" in screen[slot]["text"]]
    if not hits:  # options only (not reordered): the item is the slot's own
        return bank.item(slot)
    assert len(hits) == 1, (slot, [h.id for h in hits])
    return hits[0]


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


def answer_from_screen(nb, bank, screen: dict[str, dict]) -> dict[str, str]:
    """A student who knows every answer reads each slot's question and picks the letters under which the
    right options appear. Returns {slot: canonical item id} as seen."""
    from mvdcourse import facts

    fb = facts.default()
    seen = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if not gid.endswith("_answer"):
            continue
        slot = gid.removesuffix("_answer")
        item = item_on_screen(bank, slot, screen)
        seen[slot] = item.id
        if item.type in ("single", "multiple"):
            keyed = item.answer if item.type == "multiple" else [item.answer]
            want = {fb.render(item.options[k]) for k in keyed}
            letters = sorted(letter for letter, text in screen[slot]["options"].items() if text in want)
            value = letters if item.type == "multiple" else letters[0]
        else:
            value = item.answer
        cell.source = f"{slot} = {value!r}"
    return seen


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


def _copied_expectation(bank, answers: dict[str, str], sid: str) -> dict[str, tuple[str, object, float]]:
    """What the grader must make of ``answers`` (slot -> cell source) in ``sid``'s notebook:
    {canonical item: (slot, canonical answer, points)}, from sid's own item placement and option order."""
    from mvdcourse.quiz.answers import normalise, score
    from mvdcourse.quiz.build import spec_for

    out = {}
    for slot, item_id in bank.placement(sid).items():
        item = bank.item(item_id)
        if item.type == "free_text":
            continue
        value = normalise(eval(answers[f"{slot}_answer"].split("=", 1)[1]), spec_for(item))
        if item.type in ("single", "multiple"):
            value = order.to_canonical(value, order.shown_order(QUIZ, item_id, sid, "".join(item.options)))
        out[item_id] = (slot, value, score(item.type, value, item.answer, item.points, getattr(item, "tolerance", 0)))
    return out


def test_two_students_own_orders_copied_letters_feedback_and_items_csv(hub, monkeypatch, tmp_path, capsys):
    course, env, bank = hub["course"], hub["env"], items.load(QUIZ)
    ex = [f"--Exchange.root={hub['exchange']}", "--course", "mvd-course"]
    screens, answered, seen = {}, {}, {}
    for sid in ("alice", "bob"):
        home = hub["root"] / sid
        home.mkdir()
        run(["fetch_assignment", QUIZ, *ex], home, env)
        path = home / QUIZ / f"{QUIZ}.ipynb"
        nb = execute(path, monkeypatch, hub_user=sid)  # on the hub the notebook knows the student
        screens[sid] = read_screen(nb)
        seen[sid] = answer_from_screen(nb, bank, screens[sid])
        answered[sid] = nb
        nbformat.write(nb, path)
        run(["submit", QUIZ, *ex, f"--student={sid}"], home, env)
    choice = [i.id for i in bank.closed_items if i.type in ("single", "multiple")]
    placed = {i for g in bank.item_groups() for i in g}
    assert len(placed) >= 4, "quiz1 should have items whose order differs per student"
    for sid in ("alice", "bob"):
        # each student reads every item exactly once, in the slots the grader will recompute
        assert sorted(seen[sid].values()) == sorted(i.id for i in bank.closed_items)
        assert seen[sid] == {k: v for k, v in bank.placement(sid).items() if k in seen[sid]}
    assert seen["alice"] != seen["bob"], "two students should see different item orders"
    # same item in both notebooks: the same option texts, in a different order for most items
    by_item = {sid: {seen[sid][slot]: screens[sid][slot]["options"] for slot in choice} for sid in screens}
    assert all(sorted(by_item["alice"][q].values()) == sorted(by_item["bob"][q].values()) for q in choice)
    differ = [q for q in choice if by_item["alice"][q] != by_item["bob"][q]]
    assert len(differ) >= len(choice) - 1, "two students should see different option orders"
    # carol copies alice's answers slot by slot into her own notebook (she never looks at her questions)
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
    # same canonical answers in different item and option orders: the same (full) score
    assert got["alice"]["total"] == got["bob"]["total"] == closed
    # copied answers are read through carol's own placement and option order: exactly that score, far below
    carol_expected = _copied_expectation(bank, alice_answers, "carol")
    expected = sum(e[2] for e in carol_expected.values())
    assert got["carol"]["total"] == pytest.approx(expected, abs=0.01) and expected < closed - 2

    # items.csv: canonical items and options, the slot and the student's own letters beside them
    out = tmp_path / "grades.csv"
    assert cli.main(["--course", str(course), "export", "--to", str(out), "--items", str(tmp_path / "items.csv")]) == 0
    rows = list(csv.DictReader((tmp_path / "items.csv").open(encoding="utf-8-sig")))
    for sid in ("alice", "bob"):
        where = {item: slot for slot, item in bank.placement(sid).items()}
        for q in choice:
            row = next(r for r in rows if r["student_id"] == sid and r["item"] == q)
            item = bank.item(q)
            key = ", ".join(sorted(item.answer)) if item.type == "multiple" else item.answer
            assert row["answer"] == row["correct_answer"] == key and row["item_status"] == "correct"
            assert row["shown_as"] == where[q] and row["objective"] == item.objective
            shown = order.shown_order(QUIZ, q, sid, "".join(item.options))
            assert row["option_order"] == shown
            want = order.to_shown(item.answer, shown)
            assert row["answer_as_shown"] == (", ".join(want) if isinstance(want, list) else want)
    for q, (slot, canonical, earned) in carol_expected.items():  # carol's rows: the items *she* was shown
        row = next(r for r in rows if r["student_id"] == "carol" and r["item"] == q)
        assert row["shown_as"] == slot and float(row["points"]) == pytest.approx(earned)
        assert row["answer"] == SHOW[bank.item(q).type](canonical)

    # the item-analysis report scores each canonical item, not each slot
    from mvdcourse.report.data import load_class

    results = load_class(course, QUIZ)
    col = {it.id: k for k, it in enumerate(results.items)}
    row_of = {s: k for k, s in enumerate(results.students)}
    for q, (_slot, _canon, earned) in carol_expected.items():
        assert results.points[row_of["carol"], col[q]] == pytest.approx(earned), q
    assert all(results.points[row_of["alice"], col[q]] == bank.item(q).points for q in choice)

    # feedback: each slot shows the student's own question; options in their order, under their letters
    assert cli.main(["--course", str(course), "feedback", QUIZ, "--partial"]) == 0
    from mvdcourse import facts

    fb = facts.default()
    esc = __import__("html").escape
    for sid in ("alice", "bob"):
        page = next(Path(course, "feedback", sid, QUIZ).glob("*.html")).read_text(encoding="utf-8")
        placement = bank.placement(sid)
        for q in ("q1", "q3"):
            shown = order.shown_order(QUIZ, q, sid, "".join(bank.item(q).options))
            found = [
                page.find(f"<b>{L}. {esc(fb.render(bank.item(q).options[c]))}</b>") for L, c in zip("ABCDE", shown)
            ]
            assert all(p > 0 for p in found) and found == sorted(found), (sid, q)
            assert f"Correct answer:</b> {order.to_shown(bank.item(q).answer, shown)}" in page
        # the items' feedback follows this student's slot order, each after the slot's own question text
        slots = [s for s in choice if s in placed]
        # (rendered as bold Markdown in the slot's output; the QUESTIONS cell holds them only as code strings)
        firsts = [
            page.find(f"<strong>{esc(fb.render(bank.item(placement[s]).lead_in), quote=False)}</strong>") for s in slots
        ]
        assert all(p > 0 for p in firsts) and firsts == sorted(firsts), sid
        assert "Your student id is needed" not in page
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
    # the student types an id once; Question 1 shows the item placed there for that student, in their order
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.source.startswith("student_id")).source = 'student_id = "dave"'
    nbformat.write(nb, path)
    nb = execute(path, monkeypatch, hub_user=None)
    screen = read_screen(nb)
    first = bank.item(bank.placement("dave")["q1"])
    assert first.id != "q1"  # dave's Question 1 is another item of its group
    shown = order.shown_order(QUIZ, first.id, "dave", "ABCDE")
    from mvdcourse import facts

    fb = facts.default()
    assert fb.render(first.stem) in screen["q1"]["text"]
    assert [screen["q1"]["options"][L] for L in "ABCDE"] == [fb.render(first.options[c]) for c in shown]
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
