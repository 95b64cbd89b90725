"""nbgrader autograde step that scores closed-form items against the key, outside the student's kernel.

Configured in ``assignments/nbgrader_config.py`` just before ``SaveAutoGrades``. For every item it
reads the literal answer from the submitted answer cell's *source* (never from the kernel), normalises
it, scores it against the instructor-only item bank, and replaces the outputs of the item's grade cell
with (1) the feedback a student sees after grading — their answer, the correct answer, the score and the
explanation of every option — and (2) the score as the cell's result, which nbgrader's own
``SaveAutoGrades`` writes to the gradebook. Whatever the kernel printed, raised or wrote to stderr in
that cell is discarded, so no run-time trick changes a closed-form score.
"""
from __future__ import annotations

import html
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .. import facts as factbase
from .. import references
from . import items as itembank
from .answers import FormatProblem, literal_assignment, normalise, score
from .build import spec_for

SHOW = {"single": str, "multiple": ", ".join, "numeric": lambda v: f"{v:g}",
        "ordering": lambda v: " → ".join(map(str, v))}


def grade_item(item, source: str | None) -> dict:
    """Score one item from its answer cell's source: answer, key, points earned, status, message."""
    result = {"item": item.id, "type": item.type, "max": item.points, "key": SHOW[item.type](
        sorted(item.answer) if item.type == "multiple" else item.answer)}
    if source is None:
        return {**result, "answer": "", "earned": 0.0, "status": "missing",
                "message": f"the answer cell for {item.id} is missing"}
    try:
        raw = literal_assignment(source, item.id)
        answer = normalise(raw, spec_for(item))
    except FormatProblem as problem:
        return {**result, "answer": source.strip()[:200], "earned": 0.0, "status": "format",
                "message": str(problem)}
    earned = score(item.type, answer, item.answer, item.points, getattr(item, "tolerance", 0.0))
    status = "correct" if earned == item.points else "partial" if earned > 0 else "wrong"
    return {**result, "answer": SHOW[item.type](answer), "earned": earned, "status": status, "message": ""}


def feedback_html(item, result: dict, fb: factbase.FactBase) -> str:
    r = fb.render
    verdict = {"correct": "✔ Correct", "partial": "◐ Partly correct", "wrong": "✘ Not correct",
               "format": "✘ Could not be graded (format)", "missing": "✘ No answer"}[result["status"]]
    rows = [f"<p><b>{verdict}</b> — {result['earned']:g} / {item.points:g}</p>",
            f"<p><b>Your answer:</b> {html.escape(result['answer'] or '—')} &nbsp;·&nbsp; "
            f"<b>Correct answer:</b> {html.escape(result['key'])}"
            + (f" (accepted range ±{item.tolerance:g} {html.escape(item.unit)})" if item.type == "numeric" else "")
            + "</p>"]
    if result["message"]:
        rows.append(f"<p><i>{html.escape(result['message'])}</i></p>")
    if item.type in ("single", "multiple"):
        keyed = set(item.answer) if item.type == "multiple" else {item.answer}
        rows.append("<ul>" + "".join(
            f"<li><b>{k}</b> ({'right' if k in keyed else 'wrong'}): {html.escape(r(text))}</li>"
            for k, text in item.explanations.items()) + "</ul>")
    else:
        rows.append(f"<p>{html.escape(r(item.explanation))}</p>")
    sources = references.sources_in_texts(item.texts(), fb)
    if sources:
        rows.append("<p><b>References</b></p><ol class='mvd-references'>"
                    + "".join(f"<li>{references.citation_html(ref)}</li>" for ref in sources) + "</ol>")
    return "<div class='mvd-feedback'>" + "".join(rows) + "</div>"


def feedback_text(item, result: dict) -> str:
    return (f"{item.id}: {result['status']} {result['earned']:g}/{item.points:g}; "
            f"your answer: {result['answer'] or '-'}; correct answer: {result['key']}")


class GradeClosedForm(NbGraderPreprocessor):
    """Score closed-form quiz items from answer literals and the instructor's key."""

    items_dir = Unicode(str(itembank.ITEMS_DIR),
                        help="Folder holding the instructor-only item banks (<assignment>.yaml)").tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        bank = itembank.load(Path(self.items_dir) / f"{assignment}.yaml")
        fb = factbase.default()
        cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        results = []
        for item in bank.closed_items:
            check = cells.get(f"{item.id}_check")
            answer_cell = cells.get(f"{item.id}_answer")
            result = grade_item(item, answer_cell.source if answer_cell is not None else None)
            results.append(result)
            if check is None:  # nbgrader re-inserts deleted grade cells before this step; be safe anyway
                self.log.warning("%s: grade cell %s_check missing", assignment, item.id)
                continue
            check.outputs = [
                new_output("display_data", data={"text/html": feedback_html(item, result, fb),
                                                  "text/plain": feedback_text(item, result)}),
                new_output("execute_result", data={"text/plain": repr(float(result["earned"]))},
                           execution_count=check.get("execution_count")),
            ]
            check.metadata["mvdcourse"] = {k: result[k] for k in ("type", "answer", "key", "earned", "max", "status")}
        nb.metadata["mvdcourse"] = {"graded_items": len(results),
                                    "format_problems": sum(r["status"] == "format" for r in results)}
        return nb, resources
