"""Every clinical number a widget shows, in any state, comes from the fact base.

Each demo of every lesson is built and every control is moved through its values; the text of every
panel and every alt text is scanned like lesson markdown. The only numbers allowed that are not facts are
derived ones that say so on the page: the student's own dates, a handout's
figures added up, and the span of an axis.
"""

from __future__ import annotations

import html
import re

import pytest

from mvdcourse import facts, lessons, style, traceability
from mvdcourse.widgets import controls, next_values, panel_texts

DERIVED = [
    re.compile(r"(Sum of the handout's list:|Handout S1's list) [\d.]+%"),  # the handout's figures added up
    re.compile(r"over 0 to \d+ months after MVD"),  # an axis span
    re.compile(r"\d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d \(\d+ days\)"),  # intervals between the student's dates
    re.compile(r"back for about \d+ days before it"),  # gap between the student's dates
    re.compile(r"ten years \(\d+ months ÷ 4 or 3\)"),  # arithmetic shown on the page
]


def plain(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<img[^>]*>", " ", text)))
    for pattern in DERIVED:
        text = pattern.sub(" ", text)
    return text


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=lambda lesson: lesson.module)
def test_every_number_any_widget_shows_is_in_the_fact_base(lesson, fb, monkeypatch):
    """...and every fact a widget looks up is in the lesson's FACT_IDS (so its reference list names the source)."""
    monkeypatch.setattr(style, "png_bytes", lambda fig: b"")  # numbers are read from text and alt, not pixels
    used: set[str] = set()
    lookup = facts.FactBase.fact

    def recording(self, fact_id):
        used.add(fact_id)
        return lookup(self, fact_id)

    monkeypatch.setattr(facts.FactBase, "fact", recording)
    problems = set()
    for build in lesson.demos:
        demo = build()
        seen = set(panel_texts(demo))
        for _label, control in controls(demo):
            for value in next_values(control, 12):
                if value is None:
                    control.click()
                else:
                    control.value = value
                seen |= set(panel_texts(demo))
        for text in seen:
            problems |= {f"{build.__name__}: {f}" for f in traceability.untraceable(plain(text), fb)}
    assert not problems, "\n".join(sorted(problems))
    assert used and used - set(lesson.fact_ids) == set(), "facts the widgets show but FACT_IDS does not list"
