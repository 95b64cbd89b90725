"""No untraceable number in the course: every clinical figure in lesson text matches the fact base."""

from __future__ import annotations

import pytest

from mvdcourse import content, paths, selfcheck, traceability

from .conftest import LESSON_NOTEBOOKS, notebook_text
from .lessonkit import prose_literals, python_string_literals, yaml_strings


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


@pytest.mark.parametrize("path", content.lesson_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_number_in_lesson_content_files_is_in_the_fact_base(path, fb):
    """Vignettes, cause lists, steps, tables and texts in assets/lessons: placeholders resolve, figures trace."""
    problems = []
    for text in yaml_strings(content.read_yaml(path)):
        try:
            rendered = fb.render(text)
        except KeyError as exc:
            problems.append(exc.args[0])
            continue
        problems += [str(f) for f in traceability.untraceable(rendered, fb)]
    assert problems == [], f"{path}:\n" + "\n".join(problems)


#: Figure-like strings allowed in Python, each for a reason that is not clinical.
NOT_CLINICAL = {
    "e.g. 14, 14 days, 2 weeks, 3 months or 1 year": "how to type a time (input help)",
    "e.g. 3 (months) or 10 days": "how to type a time (input help)",
    "e.g. 2 or 10 days": "how to type a time (input help)",
    "100%": "categories of one group add up to 100% (arithmetic, not a finding)",
    "font-size:90%": "CSS",
    "max-width:100%": "CSS",
    "95%": "widget layout width",
}


#: Packages whose figures are psychometric, not clinical (item-analysis thresholds with their own citations).
NOT_CLINICAL_PACKAGES = {"report"}


def test_no_clinical_figure_is_written_in_python(fb):
    """Clinical numbers live in assets/ (facts and lesson content), never in a Python literal.

    A literal that is exactly the id of a lesson content record (an option name such as "1 year") refers to
    that record and is allowed.
    """
    ids = {
        rec["id"]
        for path in content.lesson_files()
        for key, rows in content.read_yaml(path).items()
        for rec in rows
        if isinstance(rec, dict) and "id" in rec
    }
    problems = []
    for path in sorted((paths.COURSE_ROOT / "mvdcourse").rglob("*.py")):
        if path.parent.name in NOT_CLINICAL_PACKAGES:
            continue
        for line, text in python_string_literals(path):
            if text in ids:
                continue
            for allowed in NOT_CLINICAL:
                text = text.replace(allowed, " ")
            problems += [
                f"{path.relative_to(paths.COURSE_ROOT)}:{line}: {n:g} {unit} in {text[:80]!r}"
                for n, unit, _ in traceability.clinical_numbers(text)
            ]
    assert problems == [], "clinical figures in Python (move them to assets/):\n" + "\n".join(problems)


def test_literal_scan_catches_a_figure_in_code(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Doc: 91.1% is fine here."""\nX = f"cure in {n} cases, 91.1% at 1 year"\n')
    found = [traceability.clinical_numbers(text) for _, text in python_string_literals(module)]
    assert [[(n, u) for n, u, _ in f] for f in found if f] == [[(91.1, "%"), (1.0, "years")]]


#: Prose literals allowed in a lesson module, each for a reason (path relative to the course root, start of text).
PROSE_ALLOWED = {
    ("mvdcourse/lessons/revision/walkthrough.py", "{}: step '{}'"): "a content-file error naming file, record, field",
}


def test_no_clinical_sentence_is_written_in_a_lesson_module():
    """Lesson modules choose and fill texts; the sentences themselves live in assets/lessons/<lesson>/*.yaml."""
    problems = []
    for path in sorted((paths.COURSE_ROOT / "mvdcourse" / "lessons").rglob("*.py")):
        rel = path.relative_to(paths.COURSE_ROOT).as_posix()
        for line, text in prose_literals(path):
            if not any(rel == p and text.startswith(start) for p, start in PROSE_ALLOWED):
                problems.append(f"{rel}:{line}: {text[:90]!r}")
    assert problems == [], "prose in Python (move it to assets/lessons/<lesson>/texts.yaml):\n" + "\n".join(problems)


def test_prose_scan_catches_a_sentence_planted_in_code(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        '''"""A docstring may say as much as it likes about recurrence after surgery."""
import re
import ipywidgets as widgets
PATTERN = re.compile(r"^\\s*(\\d+)\\s*(days|weeks|months|years) after the first operation$")
FACT = "recurrence.after_cure.cumulative.chang2012"
LABEL = widgets.Dropdown(description="Show the curve of every published series here")
SHORT = "Months after MVD"


def panel(n, cite):
    if n < 0:
        raise ValueError(f"n must be a whole number of patients, not {n}; type it again")
    title = "Most recurrences happen in the first two years"
    return f"<p><b>Recurrence</b> after a successful MVD in {n} patients {cite}</p>" + title
'''
    )
    found = [(line, text[:30]) for line, text in prose_literals(module)]
    assert found == [(13, "Most recurrences happen in the"), (14, "<p><b>Recurrence</b> after a s")]
