"""Lesson 3 widgets: each control changes what the student sees, and what they see matches the fact base."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pytest

from mvdcourse import references, traceability
from mvdcourse.lessons import recurrence as rec


def shown_in_img(panel) -> bool:
    return f'alt="{html.escape(panel.alt, quote=True)}"' in panel.value


# ----------------------------------------------------------------------------- recurrence timeline
def test_cumulative_points_are_the_published_figures(fb):
    rows = rec.cumulative_points(fb)
    assert [(r["years"], r["value"]) for r in rows] == [(1.0, 1.0), (2.0, 1.7), (5.0, 2.9)]
    assert {r["citation"] for r in rows} == {"[Chang 2012]"}


def test_series_rates_run_from_lowest_to_highest(fb):
    rows = rec.series_rates(fb)
    assert [r["value"] for r in rows] == [0.4, 1.0, 2.4, 2.9, 5.7, 7.0]
    assert rows[0]["label"] == "Huh 2008" and rows[-1]["label"] == "Nunta-aree 2024"


def test_risk_factor_notes_report_the_association_and_never_a_curve(fb):
    htn = rec.risk_factor_note("hypertension", fb)
    assert "p = 0.036" in htn["short"] and htn["citation"] == "[Chang 2012]"
    assert htn["direction"] == "higher risk" and htn["curve_published"] is False
    lsr = rec.risk_factor_note("persistent LSR", fb)
    assert "odds ratio 9.44 (95% CI 1.69 to 52.58)" in lsr["short"] and lsr["citation"] == "[Menna 2022]"
    assert lsr["context"] == ["5.7% [Menna 2022]"]
    dur = rec.risk_factor_note("shorter duration", fb)
    assert "odds ratio 0.11" in dur["short"] and dur["direction"] == "protective (lower risk)"
    assert rec.risk_factor_note("none", fb) is None


def test_timeline_starts_on_the_overall_curve():
    w = rec.recurrence_timeline()
    d = w.figure.figure_data
    assert d["view"] == "cumulative" and d["risk_factor"] == "none"
    assert d["points"] == [(1.0, 1.0), (2.0, 1.7), (5.0, 2.9)]
    assert d["stratified_curves"] == 0 and d["landmarks"] == {} and d["risk_note"] is None
    assert "1% at 1 year, 1.7% at 2 years, 2.9% at 5 years" in w.figure.alt
    assert "1% at 1 year, 1.7% at 2 years and 2.9% at 5 years" in w.info.value
    assert shown_in_img(w.figure) and "Education only" in w.info.value


def test_second_button_of_first_toggle_group_redraws_the_figure():
    """What the browser test does: click the second button of the first ToggleButtons group."""
    w = rec.DEMOS[0]()
    first = next(c for c in w.children if isinstance(c, widgets.ToggleButtons))
    assert first is w.view and first.value == first.options[0]
    before = w.figure.value
    first.value = first.options[1]
    assert w.figure.value != before
    d = w.figure.figure_data
    assert d["view"] == "two-year mark"
    assert d["landmarks"] == {"failures_within_months": 24.0, "edge_years": 2.0, "rise_after": (1.7, 2.9)}
    assert "nearly all failures of first MVDs occurred within 24 months [Barker 1995]" in w.figure.alt
    assert "from 1.7% to 2.9%" in w.figure.alt
    assert "could not be identified" in w.info.value  # the unidentifiable series' figures are not taught
    assert "24 months [Barker 1995]" in w.info.value and "[Lee 2022]" in w.info.value
    assert shown_in_img(w.figure)


def test_risk_factor_toggle_adds_the_reported_association_as_text_only():
    w = rec.recurrence_timeline()
    w.risk.value = "hypertension"
    d = w.figure.figure_data
    assert d["risk_factor"] == "hypertension" and "p = 0.036" in d["risk_note"]
    assert d["stratified_curves"] == 0 and d["points"] == [(1.0, 1.0), (2.0, 1.7), (5.0, 2.9)]
    assert "no curve by this factor was published" in w.figure.alt
    assert "Risk factor — Arterial hypertension" in w.info.value and "Direction: higher risk" in w.info.value
    w.risk.value = "persistent LSR"
    assert "odds ratio 9.44" in w.figure.figure_data["risk_note"]
    assert "pooled recurrence in the same meta-analysis: 5.7% [Menna 2022]" in w.info.value
    assert shown_in_img(w.figure)


def test_other_series_view_highlights_series_and_the_handout_range():
    w = rec.recurrence_timeline()
    w.view.value = "other series"
    d = w.figure.figure_data
    assert d["series_highlighted"] and d["handout_band"] == (2.0, 3.0)
    assert d["series"]["Huh 2008"] == 0.4 and d["series"]["Menna 2022"] == 5.7
    assert "range 0.4% to 7%" in w.figure.alt and "the handout's 2–3% is shaded" in w.figure.alt
    assert "7% [Nunta-aree 2024]" in w.info.value
    assert "<i>partly supported</i>" in w.info.value


def test_timeline_rejects_unknown_inputs_with_a_clear_message():
    with pytest.raises(ValueError, match="view must be one of cumulative, two-year mark, other series, not 'ten-year'"):
        rec.timeline_figure("ten-year")
    with pytest.raises(ValueError, match="risk factor must be one of .* not 'smoking'"):
        rec.timeline_alt("cumulative", "smoking")
    with pytest.raises(ValueError, match="risk factor must be one of"):
        rec.risk_factor_note("smoking")


# ----------------------------------------------------------------------------- cause sorter
SEED_ITEMS = {
    "elongation": "S1-10",
    "push_through": "S1-11",
    "technique": "S1-12",
    "degradation": "S1-13",
    "new_vessels": "S1-14",
}
DOCUMENTED = {
    "missed_zone",
    "teflon_adhesion",
    "insufficient",
    "granuloma",
    "technique",
    "vein",
    "excess_teflon",
    "arachnoid",
}


def test_sorter_holds_the_five_handout_causes_and_the_redo_findings():
    assert {k: c.seed_claim for k, c in rec.CAUSES.items() if c.seed_claim} == SEED_ITEMS
    assert {k for k, c in rec.CAUSES.items() if c.documented} == DOCUMENTED
    assert len(rec.CAUSES) == 12


def test_every_documented_cause_has_sourced_evidence_and_every_hypothesis_a_sourced_note(fb):
    for key, cause in rec.CAUSES.items():
        ev = rec.cause_evidence(key, fb)
        if cause.documented:
            assert ev["frequencies"] or ev["notes"], key
        else:
            assert not ev["frequencies"] and ev["notes"], key
    ev = rec.cause_evidence("teflon_adhesion", fb)
    assert ev["range"] == (53.5, 64.3)
    assert [r["citation"] for r in ev["frequencies"]] == ["[Al Mutawa 2024]", "[China-Japan Friendship Hospital 2024]"]
    assert rec.cause_evidence("elongation", fb)["handout"]["verdict"] == "unsupported"


def test_score_sort_counts_right_wrong_and_unsorted(fb):
    perfect = {k: rec.expected_bin(k) for k in rec.CAUSES}
    r = rec.score_sort(perfect, fb)
    assert (r["correct"], r["wrong"], r["unsorted"], r["total"]) == (12, 0, 0, 12)
    flipped = {k: rec.HYPOTHESIS if k in DOCUMENTED else rec.DOCUMENTED for k in rec.CAUSES}
    assert rec.score_sort(flipped, fb)["wrong"] == 12
    r = rec.score_sort({"granuloma": rec.DOCUMENTED, "new_vessels": rec.DOCUMENTED}, fb)
    assert (r["correct"], r["wrong"], r["unsorted"]) == (1, 1, 10)
    status = {i["key"]: i["status"] for i in r["items"]}
    assert status["granuloma"] == "correct" and status["new_vessels"] == "wrong" and status["vein"] == "unsorted"


def test_score_sort_rejects_unknown_causes_and_choices():
    with pytest.raises(ValueError, match="unknown cause 'aliens'; the causes are: elongation"):
        rec.score_sort({"aliens": rec.DOCUMENTED})
    with pytest.raises(ValueError, match="'maybe' is not a sorting choice for 'granuloma'; use one of: unsorted"):
        rec.score_sort({"granuloma": "maybe"})
    with pytest.raises(ValueError, match="unknown cause"):
        rec.sorter_figure({"aliens": rec.DOCUMENTED})


def test_sorter_check_without_sorting_gives_a_message_not_a_score():
    w = rec.cause_sorter()
    assert "0 of 12 causes sorted" in w.feedback.value
    w.check_button.click()
    assert "Nothing sorted yet" in w.feedback.value and w.checked is False
    assert w.check() is None
    assert w.figure.figure_data["checked"] is False


def test_sorter_gives_per_item_feedback_with_frequencies_and_sources():
    w = rec.cause_sorter()
    before = w.figure.value
    w.toggles["elongation"].value = rec.DOCUMENTED  # wrong: a hypothesis
    w.toggles["teflon_adhesion"].value = rec.DOCUMENTED  # right
    assert w.figure.value != before
    assert w.figure.figure_data["placed"]["elongation"] == rec.DOCUMENTED
    assert "2 of 12 causes sorted" in w.feedback.value
    assert "Placed as documented at redo: Artery elongates with age, Teflon adheres to the nerve" in w.figure.alt
    result = w.check()
    assert (result["correct"], result["wrong"], result["unsorted"]) == (1, 1, 10)
    fb_html = w.feedback.value
    assert "1 of 2 sorted causes are right" in fb_html
    assert "✘ Artery elongates with age" in fb_html and "Our check: <i>unsupported</i>" in fb_html
    assert "✔ Teflon adheres to the nerve" in fb_html
    assert "53.5% [Al Mutawa 2024]" in fb_html and "64.3% [China-Japan Friendship Hospital 2024]" in fb_html
    assert fb_html.index("✘ Artery") < fb_html.index("✔ Teflon")  # mistakes first
    d = w.figure.figure_data
    assert d["checked"] and d["score"] == {"correct": 1, "wrong": 1, "unsorted": 10}
    assert d["frequencies"]["teflon_adhesion"] == [53.5, 64.3] and d["frequencies"]["elongation"] == []
    assert "1 right, 1 wrong, 10 unsorted" in w.figure.alt
    assert "Teflon adheres to the nerve 53.5% to 64.3%" in w.figure.alt
    assert shown_in_img(w.figure)
    # changing a row after checking hides the evidence again until the next check
    w.toggles["granuloma"].value = rec.HYPOTHESIS
    assert w.checked is False and "3 of 12 causes sorted" in w.feedback.value
    assert w.figure.figure_data["checked"] is False
    w.reset_button.click()
    assert set(w.figure.figure_data["placed"].values()) == {rec.UNSORTED}
    assert all(t.value == rec.UNSORTED for t in w.toggles.values())


def test_every_sorter_control_is_labelled():
    w = rec.cause_sorter()
    assert [t.description for t in w.toggles.values()] == [c.label for c in rec.CAUSES.values()]
    assert all(t.tooltip for t in w.toggles.values())
    assert w.check_button.description == "Check my sort"


# ----------------------------------------------------------------------------- case vignettes
@pytest.mark.parametrize("case", list(rec.VIGNETTES))
def test_each_vignette_has_one_right_answer_and_feedback_for_each_other_option(case, fb):
    v = rec.VIGNETTES[case]
    assert v.answer in v.options and set(v.feedback) == set(v.options) - {v.answer}
    right = rec.grade_vignette(case, v.answer, fb)
    assert right["status"] == "correct" and "✔ Right" in right["html"]
    for option in v.options:
        if option != v.answer:
            wrong = rec.grade_vignette(case, option, fb)
            assert wrong["status"] == "wrong" and "✘ Not the most likely" in wrong["html"]


@pytest.mark.parametrize(
    "case, answer, must_show",
    [
        ("never_free", "missed_zone", ["87.5% [Liu 2021]", "77.8% [China-Japan Friendship Hospital 2024]"]),
        ("pledget", "teflon_adhesion", ["53.5% [Al Mutawa 2024]", "37.2% [Al Mutawa 2024]"]),
        ("overpacked", "excess_teflon", ["12.5% [Liu 2021]", "[Seaman 2020]"]),
        ("no_change", "insufficient", ["[Acta Neurochir 2015]", "10.7% [China-Japan Friendship Hospital 2024]"]),
        ("late_vein", "vein", ["[Samsung redo series]", "p = 0.02"]),
        (
            "appraisal",
            "missed_zone",
            [
                "71.5% [Liu 2021]",
                "64.3% [China-Japan Friendship Hospital 2024]",
                "zones 2 and 3 were not explored",
                "p = 0.036",
                "(unverified)",
            ],
        ),
    ],
)
def test_vignette_answers_and_explanations(case, answer, must_show, fb):
    result = rec.grade_vignette(case, answer, fb)
    assert result["answer"] == answer
    for text in must_show:
        assert text in result["html"], text


def test_case_f_has_one_clearly_best_answer_and_says_why_adhesion_is_not_it(fb):
    """Recurrent spasm: adhesion is common, but this case left no Teflon on the nerve and shows an unexplored zone."""
    wrong = rec.grade_vignette("appraisal", "teflon_adhesion", fb)["html"]
    assert "needs" in wrong and "Teflon on the nerve" in wrong and "none left" in wrong
    assert "64.3% [China-Japan Friendship Hospital 2024]" in wrong and "71.5%" in wrong
    assert "close second" not in wrong


def test_case_e_blames_the_vein_left_at_the_root_exit_zone(fb):
    text = rec.case_html("late_vein", fb)
    assert "root exit zone" in text and "cisternal" not in text


def test_imaging_limits_after_mvd_are_taught_as_an_expectation_not_a_finding(fb):
    """imaging.after_mvd_limits is an unverified expert expectation: no vignette states it as established."""
    for case in rec.VIGNETTES:
        text = html.unescape(rec.case_html(case, fb))
        assert "MRI cannot" not in text and "cannot reliably show" not in text, case
    assert "expert expectation" in html.unescape(rec.case_html("pledget", fb))
    right = html.unescape(rec.grade_vignette("pledget", "teflon_adhesion", fb)["html"])
    assert fb.cite("imaging.after_mvd_limits") in right  # the fact, with its (unverified) status, not typed text


def test_vignette_invalid_input_gives_clear_messages(fb):
    assert rec.grade_vignette("pledget", None, fb)["status"] == "unanswered"
    with pytest.raises(ValueError, match="unknown case 'Z'; the cases are: never_free"):
        rec.grade_vignette("Z", "vein", fb)
    with pytest.raises(ValueError, match="'arachnoid' is not one of the causes offered for case 'pledget'"):
        rec.grade_vignette("pledget", "arachnoid", fb)
    with pytest.raises(ValueError, match="unknown case"):
        rec.vignette_figure("Z")


def test_vignette_widget_switches_case_and_checks_answers():
    w = rec.case_vignettes()
    assert w.figure.figure_data["case"] == "never_free" and w.choice.value is None
    assert w.check() == "unanswered" and "Choose the most likely cause first" in w.feedback.value
    before = w.figure.value
    w.case.value = "pledget"
    assert w.figure.value != before and w.figure.figure_data["case"] == "pledget"
    assert "Case B" in w.figure.alt and shown_in_img(w.figure)
    assert "14 months after the first operation" in w.details.value
    assert [v for _label, v in w.choice.options] == list(rec.VIGNETTES["pledget"].options)
    assert w.choice.value is None
    w.choice.value = "degradation"
    w.check_button.click()
    assert "✘ Not the most likely: Teflon degrades or thins" in w.feedback.value
    w.choice.value = "teflon_adhesion"
    assert w.feedback.value == ""  # a new choice clears the old verdict
    assert w.check() == "correct" and "53.5% [Al Mutawa 2024]" in w.feedback.value
    w.case.value = "late_vein"
    assert w.choice.value is None and w.feedback.value == "" and "46.3 months" in w.details.value


# ----------------------------------------------------------------------------- numbers and sources
def _all_widget_texts(fb):
    texts = []
    for view in rec.VIEWS:
        for risk in rec.RISK_FACTORS:
            texts += [rec.timeline_html(view, risk, fb), rec.timeline_alt(view, risk, fb)]
    everything = {k: rec.DOCUMENTED for k in rec.CAUSES}
    texts += [rec.sort_feedback_html(rec.score_sort(everything, fb)), rec.sorter_alt(everything, True, fb)]
    for case, v in rec.VIGNETTES.items():
        texts += [rec.case_html(case, fb), rec.vignette_alt(case, fb)]
        texts += [rec.grade_vignette(case, o, fb)["html"] for o in v.options]
    return texts


def test_every_number_the_widgets_show_is_in_the_fact_base(fb):
    problems = [str(f) for t in _all_widget_texts(fb) for f in traceability.untraceable(html.unescape(t), fb)]
    assert problems == []


def test_every_source_the_widgets_cite_is_in_the_lesson_reference_list(fb):
    """The widgets cite only the sources of FACT_IDS and SEED_CLAIM_IDS (the contract test checks that the
    lesson's reference list holds those)."""
    module_sources = {r.label for fid in rec.FACT_IDS for r in fb.sources(fid)}
    # the cause sorter also quotes the handout's claims, citing the handout itself
    module_sources |= {fb.references[fb.seed_claim(cid).seed].label for cid in rec.SEED_CLAIM_IDS}
    cited = {label for t in _all_widget_texts(fb) for label in references.cited_labels(html.unescape(t), fb)}
    assert cited <= module_sources, cited - module_sources
