"""Clinical reasoning leads each lesson; the appraisal of the two seed handouts lives in ONE section per lesson.

What this enforces, for every lesson notebook (markdown and the self-checks it asks):
- exactly one H2 "N. Reading a patient handout", the last numbered section (just before the Summary);
- a citation of a seed handout ("[Seed handout S0]", "[Seed handout S1]") appears in markdown only inside it;
- outside it, a markdown line that mentions a handout at all is either a learning objective or a pointer that
  names the section ("… section 7, Reading a patient handout");
- a self-check whose question (prompt) is about a handout is asked inside it, and no other self-check is.
Not enforced here: a wrong option's feedback may say that it is a handout's claim, and widget texts (e.g. the
Lesson 2 timeline's "Overlay a handout claim" menu) are checked by their own tests.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from mvdcourse import selfcheck

from .conftest import LESSON_NOTEBOOKS

SECTION = re.compile(r"^## (\d+)\. Reading a patient handout\s*$")
SEED_CITATION = re.compile(r"\[[^\]]*Seed handout S\d[^\]]*\]")
HANDOUT = re.compile(r"\bhandouts?\b", re.I)
ASK = re.compile(r'selfcheck\.ask\("([a-z0-9_]+)"')


def sections(cells) -> list[tuple[str, str, str]]:
    """(H2 heading the cell sits under, cell type, source) for every cell; a heading inside a cell splits it."""
    out, current = [], ""
    for cell in cells:
        if cell.cell_type != "markdown":
            out.append((current, cell.cell_type, cell.source))
            continue
        part: list[str] = []
        for line in cell.source.splitlines():
            if line.startswith("## "):
                if part:
                    out.append((current, "markdown", "\n".join(part)))
                current, part = line.strip(), []
            part.append(line)
        out.append((current, "markdown", "\n".join(part)))
    return out


def handout_problems(cells, prompts: dict[str, str]) -> list[str]:
    """Every place where handout appraisal leaks out of the one 'Reading a patient handout' section."""
    parts = sections(cells)
    h2 = list(dict.fromkeys(h for h, _, _ in parts if h))
    found = [h for h in h2 if SECTION.match(h)]
    problems = [] if len(found) == 1 else [f"{len(found)} 'Reading a patient handout' sections, want exactly one"]
    numbered = [h for h in h2 if re.match(r"## \d+\. ", h)]
    if found and numbered and numbered[-1] != found[0]:
        problems.append(f"'{found[0]}' is not the last numbered section (last: '{numbered[-1]}')")
    for heading, kind, source in parts:
        inside = bool(SECTION.match(heading))
        if kind == "markdown" and not inside:
            for line in source.splitlines():
                if SEED_CITATION.search(line):
                    problems.append(f"seed citation under '{heading}': {line[:90]}")
                elif (
                    HANDOUT.search(line)
                    and heading != "## Learning objectives"
                    and "Reading a patient handout" not in line
                ):
                    problems.append(f"handout mentioned under '{heading}' without pointing to the section: {line[:90]}")
        if kind == "code":
            for qid in ASK.findall(source):
                about_handout = bool(HANDOUT.search(prompts.get(qid, "")))
                if about_handout and not inside:
                    problems.append(f"self-check {qid} is about a handout but is asked under '{heading}'")
                if inside and not about_handout:
                    problems.append(f"self-check {qid} is asked in the handout section but is not about a handout")
    return problems


@pytest.fixture(scope="module")
def prompts():
    return {qid: q.prompt for qid, q in selfcheck.bank().items()}


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_handout_appraisal_lives_in_one_section_per_lesson(path, prompts):
    cells = nbformat.read(path, as_version=4).cells
    assert handout_problems(cells, prompts) == []


def test_the_check_covers_lessons_0_to_4():
    assert [p.name[:2] for p in LESSON_NOTEBOOKS] == ["00", "01", "02", "03", "04"]


def _cells(*texts):
    return [
        nbformat.v4.new_code_cell(t[5:]) if t.startswith("code:") else nbformat.v4.new_markdown_cell(t) for t in texts
    ]


def test_checker_catches_appraisal_outside_the_section():
    prompts = {"q_seed": "A handout says 98%. Which reply…?", "q_plain": "A patient asks…"}
    good = _cells(
        "## Learning objectives\n\n1. judge a handout's claims;",
        "## 1. Recovery\n\nText. The overlay is for section 2 (Reading a patient handout).",
        'code:selfcheck.ask("q_plain", 1)',
        "## 2. Reading a patient handout\n\nThe handout says 98% [Seed handout S1].",
        'code:selfcheck.ask("q_seed", 2)',
        "## Summary\n\n- Points.",
    )
    assert handout_problems(good, prompts) == []
    leaky = _cells(
        "## 1. Recovery\n\nHandout S1 says 98% [Seed handout S1]: overstated.\n\nThe handout is wrong.",
        'code:selfcheck.ask("q_seed", 1)',
        "## 2. Reading a patient handout\n\nText.",
        'code:selfcheck.ask("q_plain", 2)',
        "## 3. Later\n\nText.",
        "## 4. Reading a patient handout",
    )
    problems = handout_problems(leaky, prompts)
    assert any(p.startswith("2 'Reading a patient handout' sections") for p in problems)
    assert any("is not the last numbered section" in p for p in problems)
    assert any(p.startswith("seed citation under '## 1. Recovery'") for p in problems)
    assert any("without pointing to the section: The handout is wrong." in p for p in problems)
    assert any("self-check q_seed is about a handout but is asked under '## 1. Recovery'" in p for p in problems)
    assert any("self-check q_plain is asked in the handout section" in p for p in problems)
