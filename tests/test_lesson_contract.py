"""One contract over the lesson registry: every lesson's notebook, module, self-checks, quiz and content agree."""

from __future__ import annotations

import re

import ipywidgets as widgets
import pytest
import yaml

from mvdcourse import content, lessons, paths, references, selfcheck
from mvdcourse.facts import FactBase
from mvdcourse.widgets import FigurePanel, controls

from .conftest import notebook_text
from .lessonkit import descendants, long_functions, yaml_strings

LESSONS = pytest.mark.parametrize("lesson", lessons.LESSONS, ids=lambda lesson: lesson.notebook)


def test_registry_names_each_lesson_once_and_finds_it_by_any_name():
    for attr in ("number", "notebook", "module", "quiz"):
        values = [getattr(lesson, attr) for lesson in lessons.LESSONS]
        assert len(set(values)) == len(values), attr
    lesson = lessons.LESSONS[1]
    assert lessons.get(lesson.notebook) is lessons.get(lesson.module) is lessons.get(lesson.number) is lesson
    with pytest.raises(KeyError, match="no lesson 'nope' in the registry"):
        lessons.get("nope")


def test_registry_lists_every_lesson_notebook_and_module():
    notebooks = {p.stem for p in paths.LESSONS.glob("[0-9][0-9]_*.ipynb")}
    assert notebooks == {lesson.notebook for lesson in lessons.LESSONS}
    modules = {
        p.stem if p.is_file() else p.name
        for p in (paths.COURSE_ROOT / "mvdcourse" / "lessons").iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").exists()) and not p.name.startswith("_")
    }
    assert modules == {lesson.module for lesson in lessons.LESSONS}


@LESSONS
def test_module_satisfies_the_lesson_protocol(lesson, fb):
    module = lesson.load()
    assert isinstance(module, lessons.LessonModule)
    assert lesson.fact_ids and len(set(lesson.fact_ids)) == len(lesson.fact_ids)
    for fid in lesson.fact_ids:
        fb.fact(fid)  # KeyError names the id
    for cid in lesson.seed_claim_ids:
        fb.seed_claim(cid)
    for build in lesson.demos:
        assert (build.__doc__ or "").strip(), f"{build.__name__} needs a docstring: a notebook calls it"
        assert isinstance(build(), widgets.Widget)


@LESSONS
def test_every_demo_has_labelled_controls_and_a_figure_with_alt_text(lesson):
    for build in lesson.demos:
        demo = build()
        unlabelled = [type(c).__name__ for _label, c in controls(demo) if not (c.description or "").strip()]
        assert unlabelled == [], f"{build.__name__}: controls without a visible label: {unlabelled}"
        panels = [w for w in descendants(demo) if isinstance(w, FigurePanel)]
        assert all(len(p.alt) > 40 for p in panels), f"{build.__name__}: a figure without alt text"


@LESSONS
def test_fact_ids_list_every_fact_the_lesson_content_names(lesson, fb):
    """A {fact:ID} or {value:ID} in the lesson's content files is shown by a widget: FACT_IDS must list it,
    or the lesson's reference list would miss its source."""
    texts = [t for path in sorted(lesson.content_dir.glob("*.yaml")) for t in yaml_strings(content.read_yaml(path))]
    assert set(FactBase.fact_ids(*texts)) - set(lesson.fact_ids) == set()


@LESSONS
def test_notebook_imports_its_module_and_calls_every_demo_in_a_one_line_cell(lesson):
    code = notebook_text(lesson.notebook_path, "code")
    assert any(f"from mvdcourse.lessons import {lesson.module}" in c for c in code)
    demo_cells = [c for c in code if c.startswith(f"{lesson.module}.")]
    calls = [f"{lesson.module}.{d.__name__}()" for d in lesson.demos]
    assert sorted(demo_cells) == sorted(calls) and demo_cells[0] == calls[0]  # the browser test uses the first
    assert f'references.for_lesson("{lesson.notebook}")' in code


@LESSONS
def test_notebook_asks_every_self_check_of_its_file_and_no_other(lesson, fb):
    asked = re.findall(r"selfcheck\.ask\(\"([a-z0-9_]+)\"", "\n".join(notebook_text(lesson.notebook_path, "code")))
    own = selfcheck.load_file(lesson.selfcheck_file, fb)
    assert sorted(asked) == sorted(own)
    assert all(qid.startswith(lesson.selfcheck_prefix) for qid in own)


@LESSONS
def test_quiz_item_bank_covers_the_lesson(lesson):
    bank = yaml.safe_load(lesson.quiz_items.read_text(encoding="utf-8"))
    assert bank["assignment"] == lesson.quiz and lesson.number in bank["lessons"]


@LESSONS
def test_reference_list_covers_widget_facts_and_quoted_handouts(lesson, fb):
    listed = {r.id for r in references.sources_for_lesson(lesson.notebook, fb)}
    assert {src for fid in lesson.fact_ids for src in fb.fact(fid).sources} <= listed
    assert {fb.seed_claim(cid).seed for cid in lesson.seed_claim_ids} <= listed


#: A lesson module that grows past this is split along its demos (lessons/README.md); functions stay readable.
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60


def test_lesson_modules_and_functions_stay_small():
    too_long = []
    for path in sorted((paths.COURSE_ROOT / "mvdcourse" / "lessons").rglob("*.py")):
        rel = path.relative_to(paths.COURSE_ROOT)
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{rel}: {lines} lines (at most {MAX_MODULE_LINES}: split it along its demos)")
        too_long += [f"{rel}: {name}() {n} lines" for name, n in long_functions(path, MAX_FUNCTION_LINES)]
    assert too_long == []


def test_size_check_measures_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def short():\n    return 1\n\n\ndef long():\n" + "    x = 1\n" * 70 + "    return x\n")
    assert long_functions(module, MAX_FUNCTION_LINES) == [("long", 72)]


@LESSONS
def test_every_text_a_module_names_exists_and_every_text_is_used(lesson):
    """TEXTS["id"] in the lesson's modules and the ids of its texts.yaml are the same set (no typo, no dead text)."""
    package = paths.COURSE_ROOT / "mvdcourse" / "lessons" / lesson.module
    source = "".join(p.read_text(encoding="utf-8") for p in sorted(package.rglob("*.py")))
    named = set(re.findall(r'TEXTS\["([^"]+)"\]', source))
    assert named == set(content.lesson_texts(lesson.notebook))
