"""Per-student option order: reproducible, different between students, and mapped back exactly."""

from __future__ import annotations

from collections import Counter

from mvdcourse.quiz import order, student


def test_order_is_reproducible_and_a_permutation():
    a = order.shown_order("quiz1", "q3", "alice", "ABCD")
    assert a == order.shown_order("quiz1", "q3", "alice", "ABCD")
    assert a == order.shown_order("quiz1", "q3", "  Alice ", "ABCD")  # ids compare without case/space
    assert sorted(a) == list("ABCD")


def test_students_and_items_get_different_orders_and_the_key_lands_everywhere():
    students = [f"s{n:03d}" for n in range(400)]
    orders = {order.shown_order("quiz1", "q3", s, "ABCDE") for s in students}
    assert len(orders) > 60
    assert len({order.shown_order("quiz1", f"q{n}", "alice", "ABCDE") for n in range(1, 11)}) > 5  # per item too
    # where the canonical key "C" is shown: close to uniform over A–E
    where = Counter(order.to_shown("C", order.shown_order("quiz1", "q3", s, "ABCDE")) for s in students)
    assert set(where) == set("ABCDE") and max(where.values()) < 0.3 * len(students)


def test_letters_map_back_to_canonical_for_single_and_multiple():
    shown = order.shown_order("quiz2", "q3", "bob", "ABCD")
    for canonical in "ABCD":
        assert order.to_canonical(order.to_shown(canonical, shown), shown) == canonical
    assert order.to_canonical(order.to_shown(["A", "D"], shown), shown) == ["A", "D"]
    assert order.to_canonical(None, shown) is None and order.to_canonical(92.5, shown) == 92.5


def test_a_copied_neighbours_letters_score_like_guessing():
    """Bob copies Alice's (correct) letters on 40 four-option items: he gets about a quarter right."""
    right = 0
    for n in range(40):
        a = order.shown_order("exam", f"q{n}", "alice", "ABCD")
        b = order.shown_order("exam", f"q{n}", "bob", "ABCD")
        alice_letter = order.to_shown("B", a)  # Alice answers the key in her order
        right += order.to_canonical(alice_letter, b) == "B"  # the grader reads it in Bob's order
    assert right < 20


def test_notebook_display_follows_the_student_and_asks_for_a_missing_id(monkeypatch):
    options = ["Alpha option", "Beta option", "Gamma option", "Delta option"]
    monkeypatch.delenv(student.HUB_VARIABLE, raising=False)
    assert student.resolve_id("") is None and student.resolve_id(" carol ") == "carol"
    md = student.options_markdown("quiz1", "q1", options, "carol")
    shown = order.shown_order("quiz1", "q1", "carol", "ABCD")
    lines = md.splitlines()
    assert [ln.split("** ", 1)[1] for ln in lines] == [options["ABCD".index(c)] for c in shown]
    assert [ln[4] for ln in lines] == list("ABCD")
    monkeypatch.setenv(student.HUB_VARIABLE, "dave")
    assert student.resolve_id("carol") == "dave"  # on the hub the signed-in user wins
