"""Item statistics against values worked out by hand on small classes (exact fractions in comments)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sp

from mvdcourse.report import stats
from mvdcourse.report.analysis import Thresholds, analyse
from mvdcourse.report.data import ClassResults, ItemInfo, parse_choice

# Six students, four items scored 0/1.  Totals 4, 3, 2, 2, 1, 1.
BINARY = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]], dtype=float)


def test_difficulty_is_proportion_correct():
    assert stats.difficulty(BINARY) == pytest.approx([5 / 6, 3 / 6, 3 / 6, 2 / 6])


def test_difficulty_ignores_ungraded_cells():
    x = np.array([[1, np.nan], [0, 0.5], [1, 1.0]])
    assert stats.difficulty(x) == pytest.approx([2 / 3, 0.75])


def test_kr20_by_hand():
    # p = 5/6, 1/2, 1/2, 1/3 -> sum pq = (5 + 9 + 9 + 8)/36 = 31/36
    # totals 4,3,2,2,1,1: mean 13/6, population variance 35/6 - 169/36 = 41/36
    # KR-20 = 4/3 * (1 - 31/41) = 40/123
    assert stats.kr20(BINARY) == pytest.approx(40 / 123, abs=1e-12)
    assert stats.cronbach_alpha(BINARY) == pytest.approx(40 / 123, abs=1e-12)  # alpha = KR-20 on 0/1 items


def test_kr20_refuses_partial_credit():
    with pytest.raises(ValueError, match="cronbach_alpha"):
        stats.kr20(np.array([[0.5, 1], [1, 0], [0, 1]]))


def test_cronbach_alpha_by_hand_with_partial_credit():
    points = np.array([[2, 1, 1], [1, 1, 0], [2, 0, 1], [0, 0, 0]], dtype=float)
    # item variances 0.6875, 0.25, 0.25 (sum 1.1875); totals 4,2,3,0 variance 2.1875
    # alpha = 3/2 * (1 - 1.1875/2.1875) = 3/2 * 16/35 = 24/35
    assert stats.cronbach_alpha(points) == pytest.approx(24 / 35, abs=1e-12)


def test_reliability_undefined_when_everyone_has_the_same_total():
    assert np.isnan(stats.kr20(np.array([[1, 0], [0, 1], [1, 0]])))


def test_corrected_point_biserial_by_hand():
    # item 4 = 1,0,0,0,0,1; rest score (total without item 4) = 3,3,2,2,1,0
    # sum dx dy = -2/3, sum dx^2 = 4/3, sum dy^2 = 41/6  ->  r = -2/sqrt(82)
    r = stats.corrected_point_biserial(BINARY)
    assert r[3] == pytest.approx(-2 / np.sqrt(82), abs=1e-12)


def test_corrected_point_biserial_matches_scipy_on_every_item():
    rng = np.random.default_rng(1)
    x = (rng.random((50, 6)) < rng.random(6)).astype(float)
    r = stats.corrected_point_biserial(x)
    for j in range(6):
        rest = x.sum(axis=1) - x[:, j]
        assert r[j] == pytest.approx(sp.pointbiserialr(x[:, j], rest).statistic, abs=1e-12)


def test_uncorrected_total_would_inflate_discrimination():
    # the correction matters: the item-total r (item included) is larger than the item-rest r
    total = BINARY.sum(axis=1)
    uncorrected = sp.pearsonr(BINARY[:, 3], total).statistic
    assert stats.corrected_point_biserial(BINARY)[3] < uncorrected


def test_point_biserial_is_nan_when_nobody_or_everybody_is_right():
    x = np.array([[1, 1], [1, 0], [1, 1], [1, 0]], dtype=float)
    assert np.isnan(stats.corrected_point_biserial(x)[0])


def test_upper_lower_index_by_hand():
    # 27 % of 6 = 1.62 -> groups of 2: upper = totals 4, 3 (rows 0, 1); lower = totals 1, 1 (rows 4, 5)
    upper, lower = stats.upper_lower_groups(BINARY.sum(axis=1))
    assert sorted(upper) == [0, 1] and sorted(lower) == [4, 5]
    d = stats.upper_lower_index(BINARY, BINARY.sum(axis=1))
    # item1: 1 - 1/2; item2: 1 - 0; item3: 1 - 0; item4: 1/2 - 1/2
    assert d == pytest.approx([0.5, 1.0, 1.0, 0.0])


def test_upper_lower_group_size_is_27_percent():
    upper, lower = stats.upper_lower_groups(np.arange(100))
    assert len(upper) == len(lower) == 27
    assert set(upper) == set(range(73, 100)) and set(lower) == set(range(27))


def test_distractor_rates_and_efficiency():
    # 20 students, key C: C x10, A x5, B x4, D x1, E x0 -> D at exactly 5 % still functions, E does not
    chosen = [frozenset("C")] * 10 + [frozenset("A")] * 5 + [frozenset("B")] * 4 + [frozenset("D")]
    rates = stats.choice_rates(chosen, "ABCDE")
    assert rates == pytest.approx({"A": 0.25, "B": 0.20, "C": 0.5, "D": 0.05, "E": 0.0})
    assert stats.non_functional(rates, {"C"}) == ["E"]
    assert stats.distractor_efficiency(rates, {"C"}) == pytest.approx(0.75)


def test_blank_answers_count_in_the_denominator():
    rates = stats.choice_rates([frozenset("A"), frozenset(), frozenset("B"), frozenset()], "AB")
    assert rates == {"A": 0.25, "B": 0.25}


def test_parse_choice_reads_recorded_answers():
    single = ItemInfo("q1", "single", 1, "objective text", 1, "ABCDE", frozenset("C"))
    multi = ItemInfo("q2", "multiple", 2, "objective text", 1, "ABCDE", frozenset("AD"))
    assert parse_choice(single, "B", "wrong") == {"B"}
    assert parse_choice(multi, "A, D", "correct") == {"A", "D"}
    assert parse_choice(single, '"C or D"', "format") == frozenset()
    assert parse_choice(single, "", "missing") == frozenset()


def test_feldt_interval_covers_the_population_value():
    """Parallel items (true score + noise): the 95 % interval holds the population alpha ~95 % of the time."""
    rng = np.random.default_rng(7)
    n, k, noise = 60, 8, 1.5
    rho = 1 / (1 + noise**2)
    population = k * rho / (1 + (k - 1) * rho)
    hits = 0
    runs = 1000
    for _ in range(runs):
        x = rng.normal(size=(n, 1)) + noise * rng.normal(size=(n, k))
        lo, hi = stats.feldt_interval(stats.cronbach_alpha(x), n, k)
        hits += lo <= population <= hi
    assert 0.93 <= hits / runs <= 0.97


def _results(points, max_points, choices=None, types=None, objectives=None, lessons=None):
    k = points.shape[1]
    types = types or ["single"] * k
    objectives = objectives or [f"objective {chr(65 + j)} for the class" for j in range(k)]
    lessons = lessons or [1] * k
    items = [
        ItemInfo(
            f"q{j + 1}",
            types[j],
            float(max_points[j]),
            objectives[j],
            lessons[j],
            "ABCD" if types[j] == "single" else "",
            frozenset("A") if types[j] == "single" else frozenset(),
        )
        for j in range(k)
    ]
    students = [f"s{i:02d}" for i in range(points.shape[0])]
    return ClassResults("demo", "Demo quiz", items, students, np.asarray(points, dtype=float), choices or {})


def test_analyse_flags_with_reasons_and_withholds_reliability_for_a_small_class():
    report = analyse(_results(BINARY, [1, 1, 1, 1]))
    assert report.item("q4")["discrimination"] == pytest.approx(-2 / np.sqrt(82), abs=1e-12)
    assert any("check the key" in r for r in report.item("q4")["reasons"])
    assert "too easy" not in " ".join(report.item("q1")["reasons"])  # 5/6 = 0.83 is not above 0.90
    assert report.summary["reliability"] is None
    assert "too few students" in report.summary["reliability_note"]
    # lower the stated minimum: the hand-computed KR-20 appears
    report = analyse(_results(BINARY, [1, 1, 1, 1]), Thresholds(min_students=6))
    assert report.summary["reliability_method"] == "KR-20"
    assert report.summary["reliability"] == pytest.approx(40 / 123, abs=1e-12)


def test_analyse_uses_alpha_for_partial_credit_and_leaves_ungraded_items_out_of_totals():
    points = np.array([[2, 1, 1, np.nan], [1, 1, 0, 3], [2, 0, 1, np.nan], [0, 0, 0, 1]])
    res = _results(points, [2, 1, 1, 3], types=["numeric", "numeric", "numeric", "free_text"])
    report = analyse(res, Thresholds(min_students=4))
    assert report.summary["reliability_method"] == "Cronbach's alpha"
    assert report.summary["reliability"] == pytest.approx(24 / 35, abs=1e-12)
    assert report.summary["items_awaiting_hand_grades"] == ["q4"]
    assert report.free_text == [
        {"item": "q4", "max_points": 3.0, "graded": 2, "awaiting_hand_grade": 2, "distribution": {"1": 1, "3": 1}}
    ]
    assert report.summary["mean_percent"] == pytest.approx(100 * 9 / 4 / 4, abs=1e-3)
    # totals 4, 2, 3, 0 of 4 points -> 100 %, 50 %, 75 %, 0 %
    assert report.summary["score_bands"] == {
        **{f"{10 * i}-{10 * i + 10}": 0 for i in range(10)},
        "0-10": 1,
        "50-60": 1,
        "70-80": 1,
        "90-100": 1,
    }


def test_mastery_by_objective_lists_students_below_the_threshold():
    # objective A = items 1 and 2, objective B = item 3
    points = np.array([[1, 1, 0], [1, 0, 1], [0, 0, 1]], dtype=float)
    res = _results(
        points, [1, 1, 1], objectives=["objective A text", "objective A text", "objective B text"], lessons=[1, 1, 2]
    )
    report = analyse(res, Thresholds(mastery=0.6))
    a = next(r for r in report.objectives if r["objective"] == "objective A text")
    b = next(r for r in report.objectives if r["objective"] == "objective B text")
    assert a["class_mastery"] == pytest.approx(0.5)  # (1 + 0.5 + 0) / 3
    assert a["below_ids"] == ["s01", "s02"]  # 0.5 and 0 are below 0.6
    assert b["class_mastery"] == pytest.approx(2 / 3, abs=1e-12) and b["below_ids"] == ["s00"]
    assert [r["objective"] for r in report.objectives] == ["objective A text", "objective B text"]  # lowest first
    assert [r["lesson"] for r in report.lessons] == [1, 2]
    assert report.students[0]["objectives_below"] == 1  # s00: A 100 %, B 0 %
    # changing the threshold changes who is listed
    assert next(r for r in analyse(res, Thresholds(mastery=0.4)).objectives if r["objective"] == "objective A text")[
        "below_ids"
    ] == ["s02"]


def test_non_functional_distractor_is_flagged():
    points = np.array([[1], [0], [1], [0], [1]], dtype=float)
    choices = {"q1": [frozenset("A"), frozenset("B"), frozenset("A"), frozenset("C"), frozenset("A")]}
    report = analyse(_results(points, [1], choices=choices))
    row = report.item("q1")
    assert row["non_functional"] == ["D"]
    assert row["distractor_efficiency"] == pytest.approx(2 / 3)
    assert any("non-functional distractor D" in r for r in row["reasons"])


def test_notebook_display_has_every_plot_with_alt_text():
    from mvdcourse.report import figures

    report = analyse(_results(BINARY, [1, 1, 1, 1]))
    html = report._repr_html_()
    assert html.count("<img ") == 3 and html.count('alt="') == 3 and "<h1>" in html
    assert "<main" not in html and "\nbody{" not in html and ".mvd-report h1{" in html  # Lab itself is not restyled
    shown = figures(report)
    assert len(shown) == 3 and all(len(f.alt) > 40 for f in shown)
    assert "q4 (difficulty 0.33, discrimination -0.22)" in shown[1].alt  # the flagged item, in words
