"""nbgrader autograde step that scores closed-form items against the key, outside the student's kernel.

Configured in ``assignments/nbgrader_config.py`` just before ``SaveAutoGrades``. For every item it
reads the literal answer from the submitted answer cell's *source* (never from the kernel), normalises
it, scores it against the instructor-only item bank, and replaces the outputs of the item's grade cell
with (1) the feedback a student sees after grading — their answer, the correct answer, the score and the
explanation of every option — and (2) the score as the cell's result, which nbgrader's own
``SaveAutoGrades`` writes to the gradebook. Whatever the kernel printed, raised or wrote to stderr in
that cell is discarded, so no run-time trick changes a closed-form score.

Per-student order: the grader recomputes, from the submission's folder (the student id nbgrader grades
under) and the item bank, which item each numbered slot showed (``Assignment.placement``) and in which
option order (``order.shown_order``); nothing the notebook says about its order is read. The answer in
slot ``qN`` is scored against the item shown there, the grade cell's metadata records the canonical item
(``items.csv`` and the report use it), and the slot's question cell output is replaced by what that student
saw, so feedback and formgrader show each student's own question and order.
"""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

from nbformat import from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .. import facts as factbase
from .. import references
from . import build, order
from . import items as itembank
from . import student as student_mod
from .answers import FormatProblem, literal_assignment, normalise, score

SHOW = {
    "single": str,
    "multiple": ", ".join,
    "numeric": lambda v: f"{v:g}",
    "ordering": lambda v: " → ".join(map(str, v)),
}


def grade_item(
    item, source: str | None, shown: str | None = None, id_problem: str = "", slot: str | None = None
) -> dict:
    """Score one item from its answer cell's source: answer, key, points earned, status, message.

    ``shown`` is the student's option order (canonical letters in the order shown); the student's
    letters are mapped back through it, so ``answer`` and ``key`` are always canonical, and
    ``answer_shown``/``key_shown`` are in the student's letters. ``id_problem`` (the notebook was set
    up for another student id) leaves a choice item unscored and says why. ``slot`` is the answer
    variable when the item was shown in another item's place (per-student item order).
    """
    choice = item.type in ("single", "multiple")
    given, shown = shown, shown or "".join(getattr(item, "options", {}) or "")
    canon_key = sorted(item.answer) if item.type == "multiple" else item.answer
    slot = slot or item.id
    spec = replace(build.spec_for(item), variable=slot)
    result = {
        "item": item.id,
        "slot": slot,
        "type": item.type,
        "max": item.points,
        "key": SHOW[item.type](canon_key),
        "order": (given or "") if choice else "",
    }
    result["key_shown"] = SHOW[item.type](order.to_shown(canon_key, shown)) if choice else result["key"]
    if source is None:
        return {
            **result,
            "answer": "",
            "answer_shown": "",
            "earned": 0.0,
            "status": "missing",
            "message": f"the answer cell for {slot} is missing",
        }
    try:
        raw = literal_assignment(source, slot)
        as_written = normalise(raw, spec)
    except FormatProblem as problem:
        return {
            **result,
            "answer": source.strip()[:200],
            "answer_shown": source.strip()[:200],
            "earned": 0.0,
            "status": "format",
            "message": str(problem),
        }
    answer = order.to_canonical(as_written, shown) if choice else as_written
    result.update(answer=SHOW[item.type](answer), answer_shown=SHOW[item.type](as_written))
    if id_problem and result["order"]:
        return {**result, "earned": 0.0, "status": "id_mismatch", "message": id_problem}
    earned = score(item.type, answer, item.answer, item.points, getattr(item, "tolerance", 0.0))
    status = "correct" if earned == item.points else "partial" if earned > 0 else "wrong"
    return {**result, "earned": earned, "status": status, "message": ""}


def declared_student_id(nb) -> str:
    """The id typed into the notebook's ``student_id = "..."`` cell (offline bundle), or ''."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.lstrip().startswith("student_id"):
            try:
                value = literal_assignment(cell.source, "student_id")
            except FormatProblem:
                return ""
            return str(value or "").strip()
    return ""


def id_mismatch(declared: str, student: str) -> str:
    if declared and order.normalise_id(declared) != order.normalise_id(student):
        return (
            f"this notebook showed its options for student id “{declared}”, but it was submitted as "
            f"“{student}”, so its letters cannot be matched to the options; not scored. Instructor: "
            f"check which id is right, correct the student_id cell of the submission if needed, and "
            f"grade again."
        )
    return ""


def feedback_html(item, result: dict, fb: factbase.FactBase) -> str:
    """Feedback in the student's own option order: their letters, every option's text and explanation."""
    r = fb.render
    verdict = {
        "correct": "✔ Correct",
        "partial": "◐ Partly correct",
        "wrong": "✘ Not correct",
        "format": "✘ Could not be graded (format)",
        "missing": "✘ No answer",
        "id_mismatch": "✘ Not scored (student id)",
    }[result["status"]]
    rows = [f"<p><b>{verdict}</b> — {result['earned']:g} / {item.points:g}</p>"]
    if result.get("slot", item.id) != item.id:
        rows.append(f"<p><b>Question:</b> {html.escape(r(item.lead_in))}</p>")
    rows += [
        f"<p><b>Your answer:</b> {html.escape(result.get('answer_shown', result['answer']) or '—')} &nbsp;·&nbsp; "
        f"<b>Correct answer:</b> {html.escape(result.get('key_shown', result['key']))}"
        + (f" (accepted range ±{item.tolerance:g} {html.escape(item.unit)})" if item.type == "numeric" else "")
        + "</p>",
    ]
    if result["message"]:
        rows.append(f"<p><i>{html.escape(result['message'])}</i></p>")
    if item.type in ("single", "multiple"):
        keyed = set(item.answer) if item.type == "multiple" else {item.answer}
        shown = result.get("order") or "".join(item.options)
        rows.append(
            "<ul>"
            + "".join(
                f"<li><b>{order.LETTERS[i]}. {html.escape(r(item.options[k]))}</b> "
                f"({'right' if k in keyed else 'wrong'}): {html.escape(r(item.explanations[k]))}</li>"
                for i, k in enumerate(shown)
            )
            + "</ul>"
        )
    else:
        rows.append(f"<p>{html.escape(r(item.explanation))}</p>")
    if getattr(item, "take_home", None):
        rows.append(f"<p><b>Bottom line:</b> {html.escape(r(item.take_home))}</p>")
    sources = references.sources_in_texts(item.texts(), fb)
    if sources:
        rows.append(
            "<p><b>References</b></p><ol class='mvd-references'>"
            + "".join(f"<li>{references.citation_html(ref)}</li>" for ref in sources)
            + "</ol>"
        )
    return "<div class='mvd-feedback'>" + "".join(rows) + "</div>"


def feedback_text(item, result: dict) -> str:
    return (
        f"{result.get('slot', item.id)}: {result['status']} {result['earned']:g}/{item.points:g}; "
        f"your answer: {result.get('answer_shown', result['answer']) or '-'}; "
        f"correct answer: {result.get('key_shown', result['key'])}"
    )


_BANKS: dict = {}


def _bank(path: Path) -> itembank.Assignment:
    """The item bank at ``path``, loaded once per process and again only when the file changes."""
    stamp = path.stat().st_mtime_ns
    cached = _BANKS.get(path)
    if cached is None or cached[0] != stamp:
        _BANKS[path] = cached = (stamp, itembank.load(path))
    return cached[1]


def _student_view(bank, item, slot: str, student: str, questions: dict | None, fb: factbase.FactBase):
    """The output of a slot's question cell as this student saw it (the autograded kernel has no student id)."""
    if questions is not None and item.id in questions["items"]:
        text = student_mod.question_markdown(bank.assignment, slot, questions, student)
    else:
        text = student_mod.options_markdown(
            bank.assignment, item.id, [fb.render(v) for v in item.options.values()], student
        )
    return from_dict(
        {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": text, "text/plain": text}}
    )


class GradeClosedForm(NbGraderPreprocessor):
    """Score closed-form quiz items from answer literals and the instructor's key."""

    items_dir = Unicode(
        str(itembank.ITEMS_DIR), help="Folder holding the instructor-only item banks (<assignment>.yaml)"
    ).tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        bank = _bank(Path(self.items_dir) / f"{assignment}.yaml")
        fb = factbase.default()
        cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        student = resources["nbgrader"].get("student") or ""
        problem = id_mismatch(declared_student_id(nb), student) if bank.shuffle_options else ""
        placement = bank.placement(student)
        questions = build.questions_data(bank, fb) if bank.item_groups() else None
        results = []
        for slot in [it.id for it in bank.closed_items]:
            item = bank.item(placement[slot])
            check = cells.get(f"{slot}_check")
            answer_cell = cells.get(f"{slot}_answer")
            shown = (
                order.shown_order(bank.assignment, item.id, student, "".join(item.options))
                if bank.shuffle_options and item.type in ("single", "multiple")
                else None
            )
            result = grade_item(item, answer_cell.source if answer_cell is not None else None, shown, problem, slot)
            results.append(result)
            view = cells.get(f"{slot}_options")
            if view is not None and shown and not problem:
                view.outputs = [_student_view(bank, item, slot, student, questions, fb)]
            if check is None:  # nbgrader re-inserts deleted grade cells before this step; be safe anyway
                self.log.warning("%s: grade cell %s_check missing", assignment, slot)
                continue
            check.outputs = [  # as nbformat's new_output makes them, without validating our own outputs each time
                from_dict(
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "text/html": feedback_html(item, result, fb),
                            "text/plain": feedback_text(item, result),
                        },
                    }
                ),
                from_dict(
                    {
                        "output_type": "execute_result",
                        "metadata": {},
                        "data": {"text/plain": repr(float(result["earned"]))},
                        "execution_count": check.get("execution_count"),
                    }
                ),
            ]
            check.metadata["mvdcourse"] = {
                k: result[k]
                for k in (
                    "item",
                    "type",
                    "answer",
                    "key",
                    "earned",
                    "max",
                    "status",
                    "answer_shown",
                    "key_shown",
                    "order",
                )
            }
        nb.metadata["mvdcourse"] = {
            "graded_items": len(results),
            "format_problems": sum(r["status"] == "format" for r in results),
            "student_id_problem": problem,
        }
        return nb, resources
