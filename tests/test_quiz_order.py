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


def test_item_placement_permutes_within_groups_reproducibly_and_differs_between_students():
    from mvdcourse.quiz import items

    groups = [["q1", "q2", "q4", "q6"], ["q3", "q5", "q7"]]
    p = order.placement("quiz9", groups, "alice")
    assert p == order.placement("quiz9", groups, " ALICE ")
    for g in groups:  # each group's items fill exactly that group's slots
        assert sorted(p[s] for s in g) == sorted(g)
    assert "q8" not in p  # items in no group keep their slot
    students = [f"s{n:03d}" for n in range(300)]
    first = Counter(order.placement("quiz9", groups, s)["q1"] for s in students)
    assert set(first) == set(groups[0]) and max(first.values()) < 0.35 * len(students)
    # the real banks: interchangeable items only (same type, points, option count), the rest stay
    for name in items.all_assignments():
        bank = items.load(name)
        for g in bank.item_groups():
            kinds = {(bank.item(i).type, bank.item(i).points, len(bank.item(i).options)) for i in g}
            assert len(kinds) == 1 and not any(bank.item(i).fixed for i in g), (name, g)
        placed = {i for g in bank.item_groups() for i in g}
        assert placed, name
        pl = bank.placement("alice")
        assert sorted(pl.values()) == sorted(pl) and all(pl[i.id] == i.id for i in bank.items if i.id not in placed)


def test_question_markdown_shows_the_placed_item_with_its_options_in_the_students_order():
    from mvdcourse import facts
    from mvdcourse.quiz import build, items

    bank = items.load("quiz1")
    questions = build.questions_data(bank, facts.default())
    assert all("answer" not in q and "explanations" not in q for q in questions["items"].values())
    sid = next(s for s in (f"s{n}" for n in range(50)) if bank.placement(s)["q3"] != "q3")
    item = bank.item(bank.placement(sid)["q3"])
    md = student.question_markdown("quiz1", "q3", questions, sid)
    q = questions["items"][item.id]
    assert md.startswith(q["stem"]) and f"**{q['lead_in']}**" in md
    assert student.options_markdown("quiz1", item.id, q["options"], sid) in md
