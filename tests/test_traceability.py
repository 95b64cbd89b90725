"""No untraceable number in the course: every clinical figure in lesson text matches the fact base."""
from __future__ import annotations

import pytest

from mvdcourse import selfcheck, traceability

from .conftest import LESSON_NOTEBOOKS, notebook_text


def test_scanner_flags_numbers_missing_from_the_fact_base(fb):
    found = traceability.untraceable("cure in 93.5% and 91.1% after 7 weeks or 2–3 years; 84–91%", fb)
    assert [(f.number, f.unit) for f in found] == [(93.5, "%"), (7.0, "weeks")]


def test_scanner_ignores_non_clinical_numbers(fb):
    assert traceability.untraceable("Section 2, 60 minutes, 1,169 patients, published 2012", fb) == []


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_in_lesson_markdown_is_in_the_fact_base(path, fb):
    problems = [str(f) for text in notebook_text(path) for f in traceability.untraceable(text, fb)]
    assert problems == [], f"{path.name}: numbers not in assets/facts.yaml:\n" + "\n".join(problems)


def test_every_number_in_self_checks_is_in_the_fact_base(fb):
    problems = []
    for q in selfcheck.bank().values():
        for text in q.texts():
            problems += [f"{q.id}: {f}" for f in traceability.untraceable(fb.render(text), fb)]
    assert problems == []
