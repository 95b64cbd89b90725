"""Self-checks give per-option feedback; the question bank is validated."""

from __future__ import annotations

import html
import random

import pytest

from mvdcourse import facts, selfcheck


def test_wrong_then_right_answer_feedback():
    w = selfcheck.ask("l1_permanent", 6, rng=random.Random(3))
    assert w.check() == "unanswered"
    assert "Choose an option first" in w.feedback.value
    stroke = w.letter_of(3)  # bank option 3: stroke, wrong
    w.select(stroke)
    assert w.check() == "wrong"
    assert f"Not quite ({stroke})" in w.feedback.value and "Stroke is rare" in w.feedback.value
    assert "&lt;0.1% [Miller 2012]" in w.feedback.value
    right = w.letter_of(1)  # bank option 1: hearing loss, the key
    w.select(right)
    w.button.click()  # what a student does
    assert f"Correct ({right})" in w.feedback.value
    assert w.feedback.value.count("✘ wrong") == 3 and w.feedback.value.count("✔ correct") == 1
    assert "2.3% [Miller 2012]" in w.feedback.value
    assert "Bottom line:" in w.feedback.value and "classic permanent deficit" in w.feedback.value


def test_options_are_shuffled_at_each_render_and_feedback_follows_the_option():
    question = selfcheck.bank()["l1_permanent"]
    orders = {tuple(selfcheck.ask("l1_permanent").order) for _ in range(40)}
    assert len(orders) > 5, "options must be shuffled each time the self-check is shown"
    positions = {o.index(1) for o in orders}
    assert positions == {0, 1, 2, 3}, "the key must appear at every position over renders"
    for seed in range(6):
        w = selfcheck.ask("l1_permanent", rng=random.Random(seed))
        for shown, bank_index in enumerate(w.order):
            letter = chr(65 + shown)
            assert w.choice.options[shown].startswith(f"{letter}. ")
            w.select(letter)
            verdict = w.check()
            assert verdict == ("correct" if question.options[bank_index].correct else "wrong")
            first = selfcheck.factbase.default().render(question.options[bank_index].feedback)
            assert html.escape(first) in w.feedback.value
        # once right, every option is explained under its shown letter
        w.select(w.letter_of(1))
        w.check()
        for shown, bank_index in enumerate(w.order):
            mark = "✔ correct" if bank_index == 1 else "✘ wrong"
            assert f"<b>{chr(65 + shown)}</b> ({mark})" in w.feedback.value


def test_prompt_and_options_are_rendered_from_the_fact_base():
    w = selfcheck.ask("l1_success", 7)
    assert "up to 98%" in w.prompt.value
    assert any("84–91%" in o for o in w.choice.options)
    assert w.choice.description == "Your answer:"


def test_unknown_question_id_is_a_clear_error():
    with pytest.raises(KeyError, match="no self-check question 'nope'"):
        selfcheck.ask("nope")


def test_invalid_question_file_names_question_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("""questions:
  - id: two_right
    prompt: Which one is right here?
    options:
      - {text: A, correct: true, feedback: because it is right}
      - {text: B, correct: true, feedback: because it is also right}
      - {text: C, feedback: because it is wrong}
  - id: bad_fact
    prompt: "Figure {fact:no.such.fact} here?"
    options:
      - {text: A, correct: true, feedback: because it is right}
      - {text: B, feedback: because it is wrong}
      - {text: C, feedback: because it is wrong}
""")
    with pytest.raises(facts.FactBaseError) as err:
        selfcheck.load_file(bad)
    msg = str(err.value)
    assert "question 'two_right'" in msg and "exactly one correct option, has 2" in msg
    assert "question 'bad_fact'" in msg and "no fact 'no.such.fact'" in msg


def test_every_question_in_the_bank_is_valid_and_has_feedback_for_each_option():
    bank = selfcheck.bank()
    for lesson in ("l0_", "l1_", "l2_", "l3_", "l4_"):
        assert len([q for q in bank if q.startswith(lesson)]) >= 6, lesson
    for q in bank.values():
        assert all(len(o.feedback) >= 10 for o in q.options)
        assert q.take_home, f"{q.id} has no take-home line"
