"""Lesson reference sections are generated from the fact base and cover everything a lesson cites."""

from __future__ import annotations

import re

import pytest

from mvdcourse import references

from .conftest import LESSON_NOTEBOOKS, notebook_text


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_bracketed_citation_is_a_known_reference(path, fb):
    labels = {r.label for r in fb.references.values()}
    unknown = []
    for text in notebook_text(path):
        for m in re.finditer(r"\[([^\[\]]+)\](?!\()", text):  # [x] but not markdown links [x](url)
            for part in m.group(1).split(";"):
                part = part.strip()
                if re.search(r"\d{4}|[A-Z]", part) and part not in labels:
                    unknown.append(part)
    assert unknown == [], f"{path.name}: citations without a reference in assets/references.yaml: {unknown}"


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_reference_section_lists_markdown_citations_and_calls_itself(path, fb):
    code = "\n".join(notebook_text(path, "code"))
    assert f'references.for_lesson("{path.stem}")' in code
    listed = {r.label for r in references.sources_for_lesson(path.stem, fb)}
    cited = {label for text in notebook_text(path) for label in references.cited_labels(text, fb)}
    assert cited <= listed


def test_handouts_quoted_by_widgets_are_listed(fb):
    from mvdcourse.lessons import recovery

    assert "S1-18" in recovery.SEED_CLAIM_IDS
    labels = {r.label for r in references.sources_for_lesson("02_recovery", fb)}
    assert {"Seed handout S0", "Seed handout S1"} <= labels


def test_lesson_one_references_include_widget_and_selfcheck_sources(fb):
    refs = references.for_lesson("01_hfs_and_mvd")
    labels = [r.label for r in refs.refs]
    assert "LSR meta-analysis 2020" in labels  # monitoring interpreter (widget)
    assert "Baba (100 angiography cases)" in labels  # anatomy explorer (widget)
    assert "Miller 2012" in labels  # markdown
    html = refs._repr_html_()
    assert "PMID 22168965" in html and "https://pubmed.ncbi.nlm.nih.gov/22168965/" in html
