"""Self-checks give per-option feedback; the question bank is validated."""

from __future__ import annotations

import pytest

from mvdcourse import facts, selfcheck


def test_wrong_then_right_answer_feedback():
    w = selfcheck.ask("l1_permanent", 6)
    assert w.check() == "unanswered"
    assert "Choose an option first" in w.feedback.value
    w.select("D")  # stroke: wrong
    assert w.check() == "wrong"
    assert "Not quite (D)" in w.feedback.value and "Stroke is rare" in w.feedback.value
    assert "&lt;0.1% [Miller 2012]" in w.feedback.value
    w.select("A")
    w.button.click()  # what a student does
    assert "Correct (A)" in w.feedback.value
    assert w.feedback.value.count("✘ wrong") == 3 and w.feedback.value.count("✔ correct") == 1
    assert "2.3% [Miller 2012]" in w.feedback.value


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
    assert len([q for q in bank if q.startswith("l1_")]) >= 5
    for q in bank.values():
        assert all(len(o.feedback) >= 10 for o in q.options)
