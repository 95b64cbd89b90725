"""Generate nbgrader source notebooks (``assignments/source/<name>/<name>.ipynb``) from the item bank.

The notebooks are generated, never edited by hand: change ``assignments/items/<name>.yaml`` and run
``mvdcourse build``. A test checks that the committed notebooks equal a fresh build.

Cells per closed item: a locked question cell (``qN_question``), an answer cell (``qN_answer``;
in the source it holds the key inside a solution block, which nbgrader strips from the student
version) and a locked grade cell (``qN_check``) that runs the visible format check. Free-text items
are nbgrader *task* cells (``qN_task``) whose mark scheme region is stripped on release and shown to
graders in formgrader, followed by an editable cell for the answer.

Per-student order (``order``): a choice item's options are shown by a locked code cell (``qN_options``)
that orders them for the student. Items in an interchangeable group (``Assignment.item_groups``) have no
text in their question cell: it is a numbered slot, and its ``qN_options`` cell shows the stem, lead-in
and options of the item :func:`order.placement` puts there for this student, read from the locked
``QUESTIONS`` cell (texts of the group items, no key).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .. import facts as factbase
from .. import paths
from . import items as itembank
from .answers import Spec

SOURCE_DIR = paths.COURSE_ROOT / "assignments" / "source"
EDIT_HINT = (
    "double-click it (or select it and press Enter) to edit it, replace the placeholder with your "
    "answer, then press Shift+Enter to show it formatted."
)
RESPONSE_PLACEHOLDER = (
    "*Double-click this cell to type your answer here, replacing this text; press Shift+Enter when you are done.*"
)
NOTICE = (
    "> **Education only.** These questions use published group figures to test understanding. "
    "They are not clinical advice."
)


def spec_for(item) -> Spec:
    return Spec(
        kind=item.type,
        variable=item.id,
        options="".join(getattr(item, "options", {}) or ""),
        steps=len(getattr(item, "steps", {}) or {}),
    )


def _nbgrader(cell, grade_id: str, *, grade=False, solution=False, locked=False, task=False, points=None):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": task,
    }
    if points is not None:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    cell.id = grade_id.replace("_", "-")
    return cell


def _points(p: float) -> str:
    return f"{p:g} point" + ("" if p == 1 else "s")


STUDENT_ID_CELL = (
    'student_id = ""  # offline only: type your student id between the quotes, then Run All. '
    "On the course hub, leave it empty."
)
ORDER_NOTE = (
    "**Your own order.** The multiple-choice questions, and the options of each, are shown in an order "
    "made for you, so your question numbers and letters differ from a neighbour's; answer each question "
    "in the cell under it, with the letters *you* see. "
    "On the course hub this is automatic. Working offline, type your student id once in the cell "
    "below, then choose *Run → Run All Cells*."
)


def shuffled(assignment: itembank.Assignment, item) -> bool:
    """Whether this item's options are shown in each student's own order."""
    return assignment.shuffle_options and item.type in ("single", "multiple")


def _choose(item) -> str:
    return "*Choose one option.*" if item.type == "single" else "*Choose every option that applies (one or more).*"


def questions_data(assignment: itembank.Assignment, fb: factbase.FactBase) -> dict:
    """The ``QUESTIONS`` literal: the groups and the texts (no key) of every item that is reordered."""
    groups = assignment.item_groups()
    return {
        "groups": groups,
        "items": {
            it.id: {
                "stem": fb.render(it.stem),
                "lead_in": fb.render(it.lead_in),
                "options": [fb.render(v) for v in it.options.values()],
                "choose": _choose(it),
            }
            for it in assignment.items
            if any(it.id in g for g in groups)
        },
    }


def _questions_cell(assignment: itembank.Assignment, fb: factbase.FactBase):
    data = json.dumps(questions_data(assignment, fb), ensure_ascii=False, indent=1)
    return _nbgrader(new_code_cell(f"QUESTIONS = {data}"), "questions", locked=True)


def _slot_cell(assignment: itembank.Assignment, slot: str):
    source = f"show_question({assignment.assignment!r}, {slot!r}, QUESTIONS, student_id)"
    return _nbgrader(new_code_cell(source), f"{slot}_options", locked=True)


def _slot_md(n: int, item) -> str:
    return "\n\n".join(
        [
            f"## Question {n} ({_points(item.points)})",
            "*This question and its options are in the cell below, in your own order (run it if you do not see them).*",
            f"Answer in the cell below it by assigning a plain value, e.g. `{spec_for(item).example()}`.",
        ]
    )


def _options_cell(assignment: itembank.Assignment, item, fb: factbase.FactBase):
    texts = [fb.render(v) for v in item.options.values()]
    source = (
        f"show_options({assignment.assignment!r}, {item.id!r}, {json.dumps(texts, ensure_ascii=False)}, student_id)"
    )
    return _nbgrader(new_code_cell(source), f"{item.id}_options", locked=True)


def _question_md(n: int, item, fb: factbase.FactBase, in_own_order: bool = False) -> str:
    r = fb.render
    head = f"## Question {n} ({_points(item.points)}{', graded by hand' if item.type == 'free_text' else ''})"
    parts = [head, r(item.stem), f"**{r(item.lead_in)}**"]
    spec = spec_for(item)
    if item.type in ("single", "multiple"):
        if not in_own_order:
            parts.append("\n".join(f"- **{k}.** {r(v)}" for k, v in item.options.items()))
        parts.append(
            (
                "*The options are in the cell below, in your own order (run it if you do not see them). "
                if in_own_order
                else "*"
            )
            + ("Choose one option.*" if item.type == "single" else "Choose every option that applies (one or more).*")
        )
    elif item.type == "numeric":
        parts.append(
            f"*Give a number in {item.unit}; answers within ±{item.tolerance:g} {item.unit} count as correct.*"
        )
    elif item.type == "ordering":
        parts.append("\n".join(f"{k}. {r(v)}" for k, v in item.steps.items()))
        parts.append("*Put the step numbers in the right order.*")
    if item.type == "free_text":
        parts.append(f"Write your answer in the text cell below this one: {EDIT_HINT}")
        parts.append(f"=== BEGIN MARK SCHEME ===\n\n{r(item.mark_scheme)}\n\n=== END MARK SCHEME ===")
    else:
        parts.append(f"Answer in the cell below by assigning a plain value, e.g. `{spec.example()}`.")
    return "\n\n".join(parts)


def notebook(assignment: itembank.Assignment, fb: factbase.FactBase | None = None) -> nbformat.NotebookNode:
    """The nbgrader source notebook for one assignment."""
    fb = fb or factbase.default()
    own_order = any(shuffled(assignment, it) for it in assignment.items)
    cells = [
        _nbgrader(
            new_markdown_cell(f"# {assignment.title}\n\n{fb.render(assignment.introduction)}\n\n{NOTICE}"),
            "header",
            locked=True,
        ),
        _nbgrader(
            new_code_cell(
                "from mvdcourse.quiz.checks import check_format"
                + ("\nfrom mvdcourse.quiz.student import show_options, show_question" if own_order else "")
            ),
            "setup",
            locked=True,
        ),
    ]
    placed = {i for g in assignment.item_groups() for i in g}
    if own_order:
        cells.append(_nbgrader(new_markdown_cell(ORDER_NOTE), "order_note", locked=True))
        student = new_code_cell(STUDENT_ID_CELL)
        student.id = "student-id"
        cells.append(student)
    if placed:
        cells.append(_questions_cell(assignment, fb))
    for n, item in enumerate(assignment.items, start=1):
        if item.type == "free_text":
            cells.append(
                _nbgrader(
                    new_markdown_cell(_question_md(n, item, fb)),
                    f"{item.id}_task",
                    task=True,
                    locked=True,
                    points=item.points,
                )
            )
            answer = new_markdown_cell(RESPONSE_PLACEHOLDER)
            answer.id = f"{item.id}-response"
            cells.append(answer)
            continue
        spec = spec_for(item)
        question = _slot_md(n, item) if item.id in placed else _question_md(n, item, fb, shuffled(assignment, item))
        cells.append(_nbgrader(new_markdown_cell(question), f"{item.id}_question", locked=True))
        if item.id in placed:
            cells.append(_slot_cell(assignment, item.id))
        elif shuffled(assignment, item):
            cells.append(_options_cell(assignment, item, fb))
        cells.append(
            _nbgrader(
                new_code_cell(f"{item.id} = None\n### BEGIN SOLUTION\n{item.id} = {item.answer!r}\n### END SOLUTION"),
                f"{item.id}_answer",
                solution=True,
            )
        )
        extra = f', options="{spec.options}"' if spec.options else f", steps={spec.steps}" if spec.steps else ""
        cells.append(
            _nbgrader(
                new_code_cell(f'check_format("{item.id}", {item.id}, "{item.type}"{extra})'),
                f"{item.id}_check",
                grade=True,
                locked=True,
                points=item.points,
            )
        )
    cells.append(
        _nbgrader(
            new_markdown_cell(
                "## Before you submit\n\nRun **Kernel → Restart Kernel and Run All Cells**. Every check should print "
                "*Format OK*. A check that fails means the answer cannot be graded as written; it never tells you "
                "whether an answer is right."
            ),
            "footer",
            locked=True,
        )
    )
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    return nb


def source_path(name: str, course: Path | None = None) -> Path:
    source = Path(course) / "source" if course is not None else SOURCE_DIR
    return source / name / f"{name}.ipynb"


def render(name: str, course: Path | None = None) -> str:
    """The exact text of the source notebook generated from ``<course>/items/<name>.yaml``."""
    bank = Path(course) / "items" / f"{name}.yaml" if course is not None else name
    nb = notebook(itembank.load(bank))
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def build(names: list[str] | None = None, course: Path | None = None) -> list[Path]:
    """Write the source notebooks of ``course`` (default: the checkout's) from its item banks."""
    items_dir = Path(course) / "items" if course is not None else itembank.ITEMS_DIR
    written = []
    for name in names or itembank.all_assignments(items_dir):
        if not (items_dir / f"{name}.yaml").exists():
            known = ", ".join(itembank.all_assignments(items_dir)) or "none"
            raise FileNotFoundError(f"no item bank {items_dir / (name + '.yaml')}: the assignments here are {known}")
        path = source_path(name, course)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(name, course), encoding="utf-8")
        written.append(path)
    return written
