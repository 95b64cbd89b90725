"""Quiz 0 (the Lesson 0 quiz) on real nbgrader, graded as `mvdcourse grade` chooses for a closed-form quiz
(without a kernel): its source validates and its release fails every check (invert), and hand-written
submissions get exactly the score their answers deserve, each student in their own item and option order:
the key, every answer wrong, an object that equals everything, a key read from disk, test cells edited or
deleted, a blank notebook, and a neighbour's copied letters."""

from __future__ import annotations

import pytest

from mvdcourse import cli, paths
from mvdcourse.quiz import course as course_mod
from mvdcourse.quiz import items, order

from .quizkit import make_course, scores, submit

pytestmark = [pytest.mark.slow, pytest.mark.sandbox]

QUIZ = "quiz0"
BANK = paths.COURSE_ROOT / "assignments" / "items" / f"{QUIZ}.yaml"


def shown(item, student: str) -> str:
    return order.shown_order(QUIZ, item.id, student, "".join(item.options))


def literal(slot: str, item, student: str, right: bool) -> str:
    """The answer cell a student writes in question slot ``slot`` for ``item``: the key (in their own letters)
    or a wrong answer of the right form."""
    if item.type == "single":
        letter = item.answer if right else next(o for o in item.options if o != item.answer)
        return f"{slot} = {order.to_shown(letter, shown(item, student))!r}"
    if item.type == "multiple":
        letters = item.answer if right else [next(o for o in item.options if o not in item.answer)]
        return f"{slot} = {order.to_shown(letters, shown(item, student))!r}"
    if item.type == "numeric":
        return f"{slot} = {item.answer if right else item.answer + 1000!r}"
    return f"{slot} = {item.answer if right else list(reversed(item.answer))!r}"  # ordering


def answers(bank, student: str, right: bool) -> dict[str, str]:
    """Answer cells by question slot, each slot holding the item this student sees there (issue 12)."""
    placement = bank.placement(student)
    return {slot.id: literal(slot.id, bank.item(placement[slot.id]), student, right) for slot in bank.closed_items}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    bank = items.load(BANK)
    course = make_course(tmp_path_factory.mktemp("quiz0"), {QUIZ: BANK})
    assert cli.main(["--course", str(course), "check", QUIZ]) == 0
    closed = bank.closed_items
    submit(course, QUIZ, "keyed", answers(bank, "keyed", True))
    submit(course, QUIZ, "wrong", answers(bank, "wrong", False))
    submit(course, QUIZ, "blank", {})
    single = [i for i in closed if i.type == "single"]
    cheat = {
        i.id: f'class S(str):\n    def __eq__(self, other): return True\n    __hash__ = str.__hash__\n{i.id} = S("A")'
        for i in single
    }
    numeric = next(i for i in closed if i.type == "numeric")
    cheat[numeric.id] = f'{numeric.id} = float(open("../../../items/{QUIZ}.yaml").read().count("a"))'  # not a literal
    submit(course, QUIZ, "mallory", cheat)

    def tamper(nb):  # one check cell made harmless, another deleted
        first, second = (f"{i.id}_check" for i in single[:2])
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == first:
                cell["source"] = "print('all good')"
        nb["cells"] = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != second]

    submit(course, QUIZ, "trent", answers(bank, "trent", True), edit=tamper)
    # copies keyed's cells slot by slot: right only where the item and the option order happen to agree
    submit(course, QUIZ, "copycat", answers(bank, "keyed", True))
    assert cli.main(["--course", str(course), "grade", QUIZ]) == 0
    return course, bank


def test_quiz0_source_validates_and_release_fails_every_check(graded):
    from nbgrader.validator import Validator

    course, bank = graded
    assert Validator().validate(str(course / "source" / QUIZ / f"{QUIZ}.ipynb")) == {}
    assert Validator(invert=True).validate(str(course / "release" / QUIZ / f"{QUIZ}.ipynb")) == {}
    assert course_mod.leak_report(course / "release" / QUIZ, bank) == []


def test_quiz0_has_at_least_ten_vignette_items_and_one_free_text(graded):
    _, bank = graded
    assert len(bank.items) >= 10 and [i.type for i in bank.items].count("free_text") == 1


def test_quiz0_exact_scores_for_honest_students(graded):
    course, bank = graded
    s = scores(course, QUIZ)
    full = sum(i.points for i in bank.closed_items)
    assert s["keyed"]["total"] == pytest.approx(full)
    assert all(s["keyed"][f"{i.id}_check"] == pytest.approx(i.points) for i in bank.closed_items)
    assert s["wrong"]["total"] == 0 and s["blank"]["total"] == 0


def test_quiz0_cheats_and_tampering_get_what_the_answers_deserve(graded):
    course, bank = graded
    s = scores(course, QUIZ)
    singles = [i for i in bank.closed_items if i.type == "single"]
    assert all(s["mallory"][f"{i.id}_check"] == 0 for i in singles)  # an object that equals everything
    assert s["mallory"][f"{next(i for i in bank.closed_items if i.type == 'numeric').id}_check"] == 0  # read from disk
    assert s["mallory"]["total"] == 0
    assert s["trent"]["total"] == pytest.approx(sum(i.points for i in bank.closed_items))  # checks restored


def test_quiz0_copied_letters_score_only_where_item_and_order_agree(graded):
    course, bank = graded
    s = scores(course, QUIZ)["copycat"]
    theirs, mine = bank.placement("keyed"), bank.placement("copycat")
    for slot in bank.closed_items:
        if slot.type in ("single", "multiple"):
            copied_item, seen = bank.item(theirs[slot.id]), bank.item(mine[slot.id])
            copied = order.to_shown(copied_item.answer, shown(copied_item, "keyed"))
            key = sorted(seen.answer) if seen.type == "multiple" else seen.answer
            same = order.to_canonical(copied, shown(seen, "copycat")) == key
            assert (s[f"{slot.id}_check"] == pytest.approx(slot.points)) == same, slot.id  # multiple: partial credit
    assert s["total"] < scores(course, QUIZ)["keyed"]["total"]
