"""Lesson 4's consent-conversation demo: the situation and the check boxes change the numbers and caveats."""

from __future__ import annotations

import pytest

from mvdcourse.lessons.revision import consent


def test_persistent_case_lists_all_three_options_with_sources():
    w = consent.consent_conversation()
    text = w.info.value
    assert "Option 1 - a redo MVD" in text and "Option 2 - botulinum toxin" in text
    assert "Option 3 - doing nothing" in text and "Education only" in text
    assert "about 63–100% [Al Mutawa 2024" in text and "9.5% [Samsung redo series]" in text
    assert "late re-operation for recurrence" not in text and "Only hearing ear" not in text
    assert w.figure.figure_data["shown"]["Redo: permanent hearing loss"] == "9.5%"


def test_controls_add_the_caveats_that_apply():
    w = consent.consent_conversation()
    before = w.figure.value
    w.situation.value = "recurrent spasm"
    assert "late re-operation for recurrence did less well" in w.info.value
    w.only_ear.value = True
    assert "Only hearing ear" in w.info.value and "would mean deafness" in w.info.value
    assert "only hearing ear" in w.figure.alt and w.figure.value != before
    w.vertebral.value = True
    assert "[Li 2022]" in w.info.value and "sling" in w.info.value
    assert w.figure.figure_data["vertebral"] is True


def test_unknown_situation_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="situation must be one of"):
        consent.consent_figure("third operation")
