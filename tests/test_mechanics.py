"""Lesson 1 widgets: changing a control changes what the student sees, and it matches the fact base."""

from __future__ import annotations

import pytest

from mvdcourse.lessons import mechanics


def test_vessel_summary_range_comes_from_the_facts(fb):
    s = mechanics.vessel_summary("AICA", fb)
    assert s["range"] == (26.7, 54.0)
    assert [r["citation"] for r in s["rows"]] == [
        "[Sharma 2017]",
        "[Stereotact Funct Neurosurg 1997]",
        "[Choi 1999]",
        "[Baba (100 angiography cases)]",
    ]
    assert mechanics.vessel_summary("Vein", fb)["range"] is None


def test_anatomy_figure_highlights_the_chosen_vessel():
    _, data = mechanics.anatomy_figure("PICA")
    assert data["highlighted"] == ["PICA"]
    assert data["shares"]["PICA"] == [41.3, 43.3, 38.0]
    _, data = mechanics.anatomy_figure("Multiple")
    assert set(data["highlighted"]) == {"AICA", "PICA", "VA", "Vein"}
    with pytest.raises(ValueError, match="unknown vessel 'Basilar'"):
        mechanics.anatomy_figure("Basilar")


def test_anatomy_explorer_updates_plot_alt_text_and_info_on_click():
    w = mechanics.anatomy_explorer()
    assert w.figure.figure_data["selected"] == "AICA"
    before = w.figure.value
    w.vessel.value = "VA"
    assert w.figure.figure_data["highlighted"] == ["VA"]
    assert w.figure.value != before
    assert "Vertebral artery (VA)" in w.info.value and "11% to 18.7%" in w.info.value
    assert "VA is reported in 11 to 18.7% of patients" in w.figure.alt
    assert f'alt="{w.figure.alt}"' in w.figure.value
    w.vessel.value = "Vein"
    assert "Rarely the main offender" in w.info.value and "Reported share" not in w.info.value


@pytest.mark.parametrize(
    "lsr, tp, expected",
    [
        ("persisted", "discharge", 47.8),
        ("persisted", "3 months", 40.8),
        ("persisted", "1 year", 24.4),
        ("disappeared", "discharge", 7.3),
        ("disappeared", "3 months", 4.2),
        ("disappeared", "1 year", 4.0),
    ],
)
def test_persisting_spasm_reads_the_meta_analysis(lsr, tp, expected):
    assert mechanics.persisting_spasm(lsr, tp)["value"] == expected


def test_monitoring_interpreter_follows_both_controls():
    w = mechanics.monitoring_interpreter()
    assert w.figure.figure_data["chosen"] == 4.0
    w.lsr.value = "persisted"
    assert w.figure.figure_data["chosen"] == 24.4
    assert "When the LSR persisted</b> at the end of surgery, 24.4% of patients" in w.info.value
    w.time_point.value = "discharge"
    assert w.figure.figure_data == {
        "lsr": "persisted",
        "time_point": "discharge",
        "chosen": 47.8,
        "curves": {"persisted": [47.8, 40.8, 24.4], "disappeared": [7.3, 4.2, 4.0]},
    }
    assert "Highlighted: LSR persisted at discharge, 47.8%" in w.figure.alt
    assert "93.1% [Wei 2018]" in w.info.value and "Education only" in w.info.value


def test_monitoring_rejects_unknown_inputs():
    with pytest.raises(ValueError, match="LSR status must be one of"):
        mechanics.persisting_spasm("maybe", "1 year")
    with pytest.raises(ValueError, match="time point must be one of"):
        mechanics.persisting_spasm("persisted", "5 years")


def test_multiple_vessels_lists_each_figure_with_its_definition_not_a_one_source_range():
    text = mechanics.vessel_info_html("Multiple")
    assert "3% to 3%" not in text and "across 1 sources" not in text
    assert "up to 40% [Sindou 2009]" in text and "angiography" in text and "not one range" in text
    assert "to" in mechanics.anatomy_alt("AICA") and "3 to 3%" not in mechanics.anatomy_alt("Multiple")
