"""Answers are read as literals, normalised generously, scored exactly, and never executed."""

from __future__ import annotations

import pytest

from mvdcourse.quiz.answers import FormatProblem, Spec, literal_assignment, normalise, score
from mvdcourse.quiz.checks import check_format

SINGLE = Spec("single", "q1", options="ABCDE")
MULTI = Spec("multiple", "q2", options="ABCDE")
NUM = Spec("numeric", "q3")
ORDER = Spec("ordering", "q4", steps=4)


@pytest.mark.parametrize("raw", ["C", "c", " c ", "(c)", "(C)", "c.", "C)"])
def test_single_accepts_harmless_variations(raw):
    assert normalise(raw, SINGLE) == "C"


@pytest.mark.parametrize(
    "raw, message",
    [
        (None, "no answer yet"),
        ("F", "'F' is not an option"),
        ("C or D", "one letter"),
        (3, "letter in quotes"),
        (["C"], "letter in quotes"),
    ],
)
def test_single_rejects_bad_formats_with_a_clear_message(raw, message):
    with pytest.raises(FormatProblem, match=message):
        normalise(raw, SINGLE)


@pytest.mark.parametrize(
    "raw, read",
    [
        (["A", "D"], ["A", "D"]),
        (["d", "(a)"], ["A", "D"]),
        ("A, D", ["A", "D"]),
        ("ad", ["A", "D"]),
        (("B",), ["B"]),
        ({"E", "A"}, ["A", "E"]),
    ],
)
def test_multiple_normalises_to_sorted_letters(raw, read):
    assert normalise(raw, MULTI) == read


def test_multiple_rejects_duplicates_and_empties():
    with pytest.raises(FormatProblem, match="twice"):
        normalise(["A", "a"], MULTI)
    with pytest.raises(FormatProblem, match="empty"):
        normalise([], MULTI)


@pytest.mark.parametrize("raw, read", [(92.5, 92.5), (92, 92.0), ("92.5", 92.5), ("92.5%", 92.5), (" 92,5 ", 92.5)])
def test_numeric_accepts_numbers_and_numeric_strings(raw, read):
    assert normalise(raw, NUM) == read


@pytest.mark.parametrize("raw", [True, "about ninety", [90], float("nan"), float("inf")])
def test_numeric_rejects_non_numbers(raw):
    with pytest.raises(FormatProblem):
        normalise(raw, NUM)


@pytest.mark.parametrize("raw", [[3, 1, 2, 4], "3,1,2,4", "3 1 2 4", ("3", "1", "2", "4")])
def test_ordering_accepts_lists_and_strings(raw):
    assert normalise(raw, ORDER) == [3, 1, 2, 4]


@pytest.mark.parametrize("raw", [[1, 1, 2, 3], [1, 2, 3], [1, 2, 3, 5], "first the MRI", [True, 2, 3, 4]])
def test_ordering_must_be_a_permutation(raw):
    with pytest.raises(FormatProblem):
        normalise(raw, ORDER)


def test_scores_exact():
    assert score("single", "B", "B", 1) == 1 and score("single", "C", "B", 1) == 0
    assert score("multiple", ["A", "B"], ["A", "B"], 2) == 2
    assert score("multiple", ["A"], ["A", "B"], 2) == 1.0
    assert score("multiple", ["A", "C"], ["A", "B"], 2) == 0.0
    assert score("multiple", ["A", "B", "C", "D"], ["A", "B"], 2) == 0.0
    assert score("numeric", 92.0, 91.1, 1, tolerance=1.0) == 1
    assert score("numeric", 92.2, 91.1, 1, tolerance=1.0) == 0
    assert score("ordering", [2, 1, 3, 4], [2, 1, 3, 4], 2) == 2
    assert score("ordering", [1, 2, 3, 4], [2, 1, 3, 4], 2) == 1.67
    assert score("ordering", [4, 3, 1, 2], [2, 1, 3, 4], 2) == 0.0


@pytest.mark.parametrize(
    "source, var, value",
    [
        ('q1 = "C"', "q1", "C"),
        ("q1 = None\n# YOUR ANSWER HERE\nq1 = 'b'", "q1", "b"),
        ("q1: str = 'D'", "q1", "D"),
        ("q5 = ['A', 'D']", "q5", ["A", "D"]),
        ("q7 = -92.5", "q7", -92.5),
        ("q8 = [3, 1, 2, 4]", "q8", [3, 1, 2, 4]),
    ],
)
def test_literal_assignment_reads_without_running(source, var, value):
    assert literal_assignment(source, var) == value


@pytest.mark.parametrize(
    "source, message",
    [
        ('class S(str):\n    def __eq__(s, o): return True\nq1 = S("A")', "plain value"),
        ('q1 = open("../../items/quiz1.yaml").read()', "plain value"),
        ('q1 = "C" if True else "D"', "plain value"),
        ("q1 = f'{1}'", "plain value"),
        ("answer = 'C'", "does not assign q1"),
        ("q1 = 'C", "not valid Python"),
    ],
)
def test_literal_assignment_refuses_anything_but_literals(source, message):
    with pytest.raises(FormatProblem, match=message):
        literal_assignment(source, "q1")


def test_visible_check_tests_format_only(capsys):
    check_format("q3", "(d)", "single", options="ABCDE")
    out = capsys.readouterr().out
    assert "will be read as D" in out and "does not tell you whether your answer is right" in out


def test_blank_answer_in_a_students_notebook_prints_one_sentence_and_carries_on(capsys, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    check_format("q3", None, "single", options="ABCDE")  # no exception: "Run All" continues
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == 'Format problem: q3 has no answer yet; write e.g. q3 = "A".'


@pytest.mark.parametrize("mode", ["validate", "autograde"])
def test_blank_answer_fails_the_check_under_nbgrader(monkeypatch, mode):
    monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    with pytest.raises(AssertionError, match="Format problem: q3 has no answer yet"):
        check_format("q3", None, "single", options="ABCDE")
