"""Lesson 2 widgets: each control changes what the student sees, and what it shows matches the fact base."""

from __future__ import annotations

import re

import ipywidgets as widgets
import nbformat
import pytest

from mvdcourse import paths, references
from mvdcourse.lessons import recovery
from mvdcourse.widgets import FigurePanel, NamedSlider

from .conftest import code_of
from .lessonkit import value_controls

NOTEBOOK = paths.LESSONS / "02_recovery.ipynb"


# ----------------------------------------------------------------------------- fact base and module data
def test_cumulative_points_are_numeric_facts_matching_the_published_statements(fb):
    for key, statement in (
        ("delayedcure2022", "recovery.cumulative.delayedcure2022"),
        ("goto2002", "recovery.cumulative.goto2002"),
    ):
        pts = recovery.curve(key, fb)
        stated = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)%", fb.fact(statement).statement)]
        values = [p["value"] for p in pts]
        for p in pts:
            f = fb.fact(p["fact"])
            assert f.unit == "%" and f.value == p["value"] and f.definition
        # every share the statement gives is a point (the final 100% is the tail fact for the 2022 series)
        tail = recovery.CURE_SERIES[key].tail_fact
        assert set(stated) <= set(values + ([fb.fact(tail).value] if tail else []))
        assert values == sorted(values), "a cumulative share never falls"
        assert [p["months"] for p in pts] == sorted(p["months"] for p in pts)
    assert [p["value"] for p in recovery.curve("delayedcure2022", fb)] == [35.4, 51.4, 73.1, 87.4, 97.1]
    assert [p["value"] for p in recovery.curve("goto2002", fb)] == [76.5, 85.3, 90.2, 93.1, 95.1, 100.0]
    assert fb.fact("recovery.cum_1mo.goto2002").note.startswith("Bin edges are approximate")


def test_fact_ids_cover_everything_the_module_shows(fb):
    for series in recovery.CURE_SERIES.values():
        assert {p.fact for p in series.points} <= set(recovery.FACT_IDS)
    # every placeholder in the module's texts resolves
    for band in recovery.SEED_BANDS.values():
        fb.render(band.check)
    for text in recovery.GRID_TEXT.values():
        fb.render(text)
    labels = {r.label for r in references.sources_for_lesson("02_recovery", fb)}
    assert {
        "Goto 2002",
        "J Neurol Surg B 2022",
        "JKNS 2008",
        "Nunta-aree 2024",
        "Seed handout S1",
        "J Craniofac Surg 2015",
        "Chang 2012",
    } <= labels


def test_seed_bands_come_from_seed_claims(fb):
    for _key, band in recovery.SEED_BANDS.items():
        claim = fb.seed_claim(band.claim)
        assert claim.is_numeric
    assert recovery.SEED_BANDS["S1-20-window"].months == (3, 12)
    assert fb.seed_claim("S1-20-window").numbers() == (3, 12)
    assert recovery.SEED_BANDS["S0-07"].months[1] == fb.seed_claim("S0-07").value == 6


# ----------------------------------------------------------------------------- timeline explorer
@pytest.mark.parametrize(
    "month, expected",
    [
        (0, {"delayedcure2022": None, "goto2002": 76.5}),
        (1, {"delayedcure2022": 51.4, "goto2002": 85.3}),
        (4, {"delayedcure2022": 73.1, "goto2002": 90.2}),  # between points: the last published one
        (6, {"delayedcure2022": 87.4, "goto2002": 93.1}),
        (11, {"delayedcure2022": 87.4, "goto2002": 95.1}),
        (24, {"delayedcure2022": 97.1, "goto2002": 100.0}),
    ],
)
def test_reported_share_reads_steps_without_interpolation(month, expected):
    assert {k: recovery.reported_share(k, month)["value"] for k in recovery.CURE_SERIES} == expected


def test_reported_share_wording_and_errors():
    assert recovery.reported_share("delayedcure2022", 6)["text"] == "87.4% by 6 months"
    assert recovery.reported_share("delayedcure2022", 4)["text"] == (
        "at least 73.1% (last published point: by 3 months)"
    )
    late = recovery.reported_share("delayedcure2022", 20)["text"]
    assert "97.1%" in late and "100% only later" in late
    assert "no point reported" in recovery.reported_share("delayedcure2022", 0)["text"]
    with pytest.raises(ValueError, match="unknown series"):
        recovery.reported_share("nope", 3)
    with pytest.raises(ValueError, match="month must be"):
        recovery.reported_share("goto2002", -1)


def test_timeline_explorer_month_slider_updates_figure_alt_and_text():
    w = recovery.timeline_explorer()
    assert isinstance(w.children[0], NamedSlider) and w.month.description == "Months since surgery:"
    assert w.figure.figure_data["readings"] == {"delayedcure2022": 87.4, "goto2002": 93.1}
    assert "J Neurol Surg B 2022: 35.4% within 7 days, 51.4% by 1 month" in w.figure.alt
    before = w.figure.value
    w.month.value = 3
    assert w.figure.value != before
    assert w.figure.figure_data["month"] == 3
    assert w.figure.figure_data["readings"] == {"delayedcure2022": 73.1, "goto2002": 90.2}
    assert "Dashed line at month 3: J Neurol Surg B 2022 73.1% by 3 months" in w.figure.alt
    assert "<b>At month 3 after surgery</b>" in w.info.value
    assert "73.1% by 3 months" in w.info.value and "90.2% by about 3 months" in w.info.value
    assert f'alt="{w.figure.alt}"' in w.figure.value
    w.month.value = 0
    assert "no point reported" in w.info.value and "76.5% immediately" in w.info.value


def test_timeline_explorer_overlays_seed_claims_with_their_verdicts(fb):
    w = recovery.timeline_explorer()
    w.overlay.value = "S1-20-window"
    band = w.figure.figure_data["band"]
    verdict = fb.seed_claim("S1-20-window").verdict
    assert band["claim"] == "S1-20-window" and band["months"] == (3, 12) and band["verdict"] == verdict
    assert "verdict S1-20-window" not in w.figure.alt and f"verdict {verdict}" in w.figure.alt
    # the window is judged with the medians of patients still twitching, not with shares of all cures
    info = w.info.value
    assert "3–12 months" in info and "42 days [JKNS 2008]" in info and "9.1 months [Nunta-aree 2024]" in info
    assert "immediate cures included" in info and "fits some series and not others" in info
    assert "Most delayed cures come before the window" not in info
    w.overlay.value = "S0-07"
    assert "87.4% [J Neurol Surg B 2022]" in w.info.value and "93.1% [Goto 2002]" in w.info.value
    assert w.figure.figure_data["band"]["verdict"] == fb.seed_claim("S0-07").verdict
    w.overlay.value = "S1-17"
    assert "900 days [JKNS 2008]" in w.info.value
    w.overlay.value = "S0-06"
    assert w.figure.figure_data["band"]["share"] == (90, 100)
    assert "76.5% [Goto 2002]" in w.info.value
    assert "fewer than <" not in w.info.value.lower() and "fewer than &lt;" not in w.info.value.lower()
    w.overlay.value = "none"
    assert w.figure.figure_data["band"] is None and "Handout claim" not in w.info.value


def test_medians_of_all_cures_are_always_labelled_as_including_immediate_cures(fb):
    """14 and 30 days are medians of all cured patients; delayed cures are judged by 42 days to 9.1 months."""
    w = recovery.timeline_explorer()
    texts = [w.info.value, w.figure.alt]
    for key in recovery.SEED_BANDS:
        w.overlay.value = key
        texts.append(w.info.value)
    texts += [r for v in (verdict("2", "40", "", "gone"), verdict("8", "", "", "improving")) for r in v.reasons]
    for text in texts:
        for median in ("14 days [JKNS 2008]", "30 days [J Neurol Surg B 2022]"):
            if median in text:
                assert "immediate cures included" in text, text
    late = verdict("2", "40", "", "gone")
    assert late.category == "delayed cure"
    assert any("42 days [JKNS 2008]" in r and "9.1 months [Nunta-aree 2024]" in r for r in late.reasons)


def test_no_derived_chance_of_later_cure_is_offered():
    """A per-patient probability of a later cure needs individual data (reference table, W3): none is shown."""
    for name in ("later_cure_chance", "later_cure_estimate", "estimate_html", "ESTIMATE_FORMULA"):
        assert not hasattr(recovery, name), name
    w = recovery.timeline_explorer()
    assert w.controls == [w.month, w.overlay]
    assert not any(isinstance(c, widgets.Checkbox) for c in value_controls(w))
    assert "figure_key" not in vars(recovery.TimelineExplorer)
    assert not hasattr(w, "estimates")
    for month in (0, 3, 12, 36):
        w.month.value = month
        assert "estimate" not in w.info.value.lower() and "chance" not in w.info.value.lower()
    md = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "markdown")
    assert "Show the estimate" not in md and "chance of a later cure =" not in md
    section = md[md.index("### 3.2") : md.index("## 4.")]
    assert "individual patient data" in section and "immediate cures" in section.lower()
    # only published figures in the section: each percentage is one of the curves' first points
    assert set(re.findall(r"\d+(?:\.\d+)?%", section)) <= {"35.4%", "76.5%"}


def test_self_checks_use_the_right_denominators_and_read_cleanly(fb):
    from mvdcourse import selfcheck

    bank = selfcheck.bank()
    rendered = {qid: [fb.render(t) for t in bank[qid].texts()] for qid in bank if qid.startswith("l2_")}
    for qid, texts in rendered.items():
        for text in texts:
            assert "fewer than <" not in text and "up to 18.8" not in text, (qid, text)
            for median in ("14 days [JKNS 2008]", "30 days [J Neurol Surg B 2022]"):
                assert median not in text or "immediate cures included" in text, (qid, text)
    one_month = bank["l2_one_month"]
    key = next(o for o in one_month.options if o.correct)
    assert "delayed cure may be under way" in key.text and "most eventual cures" not in key.text
    assert "21 days [Neurosurgery 1992]" in fb.render(key.feedback)  # the unused Taipei median, among delayed cures
    for qid in ("l2_one_month", "l2_horizon"):
        joined = " ".join(rendered[qid])
        assert "42 days [JKNS 2008]" in joined and "9.1 months [Nunta-aree 2024]" in joined
        assert "73.1%" not in joined and "90.2%" not in joined  # shares of all cures don't judge delayed ones


# ----------------------------------------------------------------------------- outcome grid
def test_outcome_grid_shows_the_seed_list_overcounting():
    w = recovery.outcome_grid()
    d = w.figure.figure_data
    assert d["source"] == "seed" and d["listed"] == [
        ("Complete resolution", 93.0),
        ("Significant improvement", 2.0),
        ("Delayed cure", 30.0),
        ("No improvement", 3.0),
    ]
    assert d["sums"] == {"Handout S1's list": 128.0}
    assert "counted twice" in d["cells"]["Complete relief at last follow-up × Delayed"]
    assert d["cells"]["Never complete relief × Immediate"] == "impossible"
    assert "Delayed cure about 30% (time to cure)" in w.figure.alt and "counted twice" in w.figure.alt
    assert "93%" in w.info.value and "25.4% [J Craniofac Surg 2015]" in w.info.value
    w.add_up.value = True
    assert w.figure.figure_data["add_up"] is True
    assert "Handout S1's list 128%" in w.figure.alt and "128%</b>" in w.info.value


def test_outcome_grid_filled_from_a_published_series():
    w = recovery.outcome_grid()
    w.source.value = "series"
    d = w.figure.figure_data
    assert d["row_totals"] == [86.0, 7.0, 7.0] and d["col_totals"] == [67.0, 26.0, 7.0]
    assert d["cells"]["Complete relief at last follow-up × Immediate"] == "split not reported"
    assert d["cells"]["Never complete relief × Never complete"] == "7%"
    assert "column totals immediate 67%, delayed 26%, never complete 7%" in w.figure.alt
    assert "67% [Nunta-aree 2024]" in w.info.value and "67 + 26 = 93" in w.info.value
    w.add_up.value = True
    assert w.figure.figure_data["sums"] == {
        "Final outcome (rows)": 100.0,
        "Time to cure (columns)": 100.0,
        "Mixed like the handout": 119.0,
    }
    assert "Rows alone add up to 100%" in w.info.value and "119%" in w.info.value
    with pytest.raises(ValueError, match="unknown grid source"):
        recovery.grid_data("blog")


# ----------------------------------------------------------------------------- timeline classifier
def verdict(follow, free="", back="", now="gone", imm=7, conv="1 year"):
    return recovery.classify(recovery.parse_timeline(follow, free, back, now), imm, conv)


def test_day_zero_cure_is_immediate():
    v = verdict("0", "0", "", "gone")
    assert v.category == "immediate cure" and "day 0" in v.headline
    assert any("short time" in r for r in v.reasons)
    assert verdict("0 days", "0").category == "immediate cure"


@pytest.mark.parametrize(
    "free, imm, expected",
    [("5", 3, "delayed cure"), ("5", 7, "immediate cure"), ("3", 3, "immediate cure"), ("8", 7, "delayed cure")],
)
def test_definition_of_immediate_changes_the_label(free, imm, expected):
    assert verdict("2", free, "", "gone", imm).category == expected


def test_convention_changes_persistent_versus_delayed_in_progress():
    six = verdict("8", "", "", "improving", conv="6 months")
    year = verdict("8", "", "", "improving", conv="1 year")
    assert six.category == "persistent spasm" and year.category == "delayed cure in progress"
    assert any(
        "1 year convention the same patient would still count as a possible delayed cure" in r for r in six.reasons
    )
    assert any("6 months convention this patient would already count as a failure" in r for r in year.reasons)
    assert any("87.4% (last published point: by 6 months)" in r for r in year.reasons)
    late = verdict("30", "", "", "unchanged")
    assert late.category == "persistent spasm" and any("900 days [JKNS 2008]" in r for r in late.reasons)


def test_recurrence_versus_silent_period():
    early = verdict("1", "0", "6 days", "improving")
    assert early.category == "delayed cure in progress" and "silent period" in early.headline
    assert any("48.3% [JKNS 2008]" in r for r in early.reasons)
    settled = verdict("1", "0", "6 days", "gone")
    assert settled.category == "delayed cure"
    rec = verdict("8", "1", "5", "unchanged")
    assert rec.category == "recurrence"
    assert any("2.4% [Miller 2012]" in r and "2.9% [Chang 2012]" in r for r in rec.reasons)
    odd = verdict("8", "1", "5", "gone")
    assert odd.category == "not classified" and "tutor" in odd.message


def test_missing_values_are_named():
    v = verdict("3", "", "", "gone")
    assert v.category == "cured, timing unknown" and v.message.startswith("Missing value")
    with pytest.raises(recovery.TimelineError, match="Months since MVD is empty"):
        recovery.parse_timeline("", "", "", "gone")
    with pytest.raises(recovery.TimelineError, match="Months since MVD is empty"):
        recovery.parse_timeline("   ", "3")


@pytest.mark.parametrize(
    "follow, free, back, now, needle",
    [
        ("2", "", "1", "improving", "Recurrence before cure"),
        ("2", "90", "", "gone", "cannot have been spasm-free from day 90"),
        ("6", "5", "1 d", "unchanged", "before or on the day it stopped"),
        ("3", "5", "4", "unchanged", "only 3.0 months have passed"),
        ("6", "5", "", "improving", "Either enter when the spasm came back"),
    ],
)
def test_contradictory_timelines_get_a_clear_message(follow, free, back, now, needle):
    v = verdict(follow, free, back, now)
    assert v.category == "invalid" and not v.ok and needle in v.message


@pytest.mark.parametrize(
    "text, unit, days",
    [
        ("14", "d", 14),
        ("2 w", "d", 14),
        ("3 months", "d", 3 * 365.25 / 12),
        ("1 y", "m", 365.25),
        ("1,5", "m", 1.5 * 365.25 / 12),
        ("", "m", None),
        (None, "m", None),
        (7, "d", 7),
    ],
)
def test_parse_time_units(text, unit, days):
    got = recovery.parse_time(text, unit, "field")
    assert got == (None if days is None else pytest.approx(days))


@pytest.mark.parametrize(
    "text, needle",
    [
        ("abc", "is not a time"),
        ("-3", "cannot be negative"),
        ("3 fortnights", "is not a time"),
        ("5000 years", "implausibly long"),
        (float("nan"), "finite"),
    ],
)
def test_parse_time_rejects_bad_input(text, needle):
    with pytest.raises(recovery.TimelineError, match=needle):
        recovery.parse_time(text, "m", "field")


def test_classifier_widget_follows_controls_and_never_raises(monkeypatch):
    w = recovery.timeline_classifier()
    assert w.verdict.category == "delayed cure in progress"
    assert "Education only" in w.info.value
    assert "spasm present from month 0 to 2" in w.figure.alt
    w.free_day.value = "1"
    w.now.value = "gone"
    assert w.verdict.category == "immediate cure" and "Immediate cure" in w.info.value
    assert w.figure.figure_data["segments"][-1][0] == "spasm-free"
    w.back_at.value = "1"
    w.now.value = "unchanged"
    assert w.verdict.category == "recurrence" and "Classification: recurrence" in w.figure.alt
    # recurrence before cure: clear message, empty figure, no exception
    w.free_day.value = ""
    assert w.verdict.category == "invalid" and "Recurrence before cure" in w.info.value
    assert "cannot happen" in w.figure.alt and w.figure.figure_data["segments"] == []
    # garbage and missing values
    w.back_at.value = ""
    w.follow_up.value = "soon"
    assert "“soon” is not a time" in w.info.value
    w.follow_up.value = ""
    assert "Months since MVD is empty" in w.info.value
    # an unexpected error inside the logic is shown as a message, not a traceback
    monkeypatch.setattr(recovery.classifier, "classify", lambda *a, **k: 1 / 0)
    w.follow_up.value = "4"
    assert w.verdict.category == "invalid" and "could not be read (ZeroDivisionError" in w.info.value
    assert "Traceback" not in w.info.value


def test_classifier_convention_and_cutoff_controls():
    w = recovery.timeline_classifier()
    w.follow_up.value = "8"
    assert w.verdict.category == "delayed cure in progress"
    w.convention.value = "6 months"
    assert w.verdict.category == "persistent spasm" and "judged at 6 months" not in w.info.value
    assert "Acta Neurochir 2019" in w.info.value
    w.follow_up.value = "2"
    w.free_day.value = "5"
    w.now.value = "gone"
    w.immediate_by.value = 3
    assert w.verdict.category == "delayed cure"
    w.immediate_by.value = 7
    assert w.verdict.category == "immediate cure"


# ----------------------------------------------------------------------------- accessibility and notebook
def test_every_demo_figure_alt_text_states_its_numbers():
    """Labels and alt text for every demo: tests/test_lesson_contract.py; here, the alt text carries the figures."""
    for build in recovery.DEMOS:
        panel = build().figure
        assert isinstance(panel, FigurePanel) and len(panel.alt) > 80
        assert re.search(r"\d+(\.\d+)?%|month", panel.alt), build.__name__


def test_timeline_explorer_is_the_first_demo_and_owns_the_only_slider():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [code_of(c) for c in nb.cells if c.cell_type == "code"]
    demo_cells = [c for c in code if c.startswith("recovery.")]
    assert demo_cells[0] == "recovery.timeline_explorer()"
    assert set(demo_cells) == {f"recovery.{d.__name__}()" for d in recovery.DEMOS}
    for build in (recovery.outcome_grid, recovery.timeline_classifier):
        assert not any(isinstance(c, (widgets.IntSlider, widgets.FloatSlider)) for c in value_controls(build()))


def test_classifier_markdown_names_each_control():
    md = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "markdown")
    for build in recovery.DEMOS:
        for c in value_controls(build()):
            if isinstance(c, widgets.HTML):
                continue
            label = c.description.rstrip(":").split(" (")[0].replace("“", '"').replace("”", '"')
            assert label.split(" ")[0] in md and label[:12] in md.replace("**", ""), label
